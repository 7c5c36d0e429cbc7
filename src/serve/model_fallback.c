/* model_fallback.c — TEMPORARY weak predictor_load()/predictor_free() so that `hrcast serve` links
 * and can be tested before the real model loader (src/model, branches `physio`/`nn`) lands.
 * Any strong definition elsewhere in the library wins over these; delete this file once it exists.
 * It understands one trivial model file only: a safetensors file with no tensors whose
 * __metadata__ is {"model_type": "constant", "hr": "140", "step": "10", "sigma": "8"}
 * (sigma optional) and predicts that constant. */
#include "model/predictor.h"
#include "util/fileio.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct constant_impl {
    float hr, sigma;
};

static int constant_predict(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    (void)e;
    const struct constant_impl *c = impl;
    for (int i = 0; i < s->n; i++) {
        hr[i] = c->hr;
        if (sigma)
            sigma[i] = c->sigma;
    }
    return 0;
}

static void constant_destroy(void *impl) { free(impl); }

/* The string value of "key" inside the JSON text, copied into out; 0 when found. */
static int meta_value(const char *json, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(json, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    if (*p != '"')
        return -1;
    p++;
    size_t k = 0;
    while (p[k] && p[k] != '"' && k + 1 < cap) {
        out[k] = p[k];
        k++;
    }
    out[k] = '\0';
    return 0;
}

__attribute__((weak)) int predictor_load(const char *path, struct predictor *p, struct hr_err *e)
{
    memset(p, 0, sizeof *p);
    uint8_t *buf;
    size_t n;
    if (read_file_all(path, &buf, &n, 64u << 20, e))
        return -1;
    uint64_t hl = 0;
    for (int i = 7; n >= 8 && i >= 0; i--)
        hl = hl << 8 | buf[i];
    if (n < 8 || hl > n - 8 || hl == 0) {
        free(buf);
        return hr_fail_at(e, path, 0, "not a safetensors model file");
    }
    const char *hdr = (const char *)buf + 8;
    char *json = strndup(hdr, (size_t)hl);
    free(buf);
    if (!json)
        return hr_fail(e, "%s: out of memory", path);
    char type[32] = "", v[32];
    meta_value(json, "model_type", type, sizeof type);
    if (strcmp(type, "constant") != 0) {
        hr_fail_at(e, path, 0, "model_type \"%s\" is not supported by this build (only \"constant\")", type);
        free(json);
        return -1;
    }
    struct constant_impl *c = calloc(1, sizeof *c);
    if (!c) {
        free(json);
        return hr_fail(e, "%s: out of memory", path);
    }
    c->hr = meta_value(json, "hr", v, sizeof v) == 0 ? strtof(v, NULL) : 140.0f;
    snprintf(p->kind, sizeof p->kind, "constant");
    p->step = meta_value(json, "step", v, sizeof v) == 0 ? strtof(v, NULL) : 10.0f;
    if (!(p->step >= 0.1f && p->step <= 600))
        p->step = 10.0f;
    if (meta_value(json, "sigma", v, sizeof v) == 0) {
        c->sigma = strtof(v, NULL);
        p->has_sigma = 1;
    }
    p->impl = c;
    p->predict = constant_predict;
    p->destroy = constant_destroy;
    /* the model card: the __metadata__ object as written in the file */
    const char *m = strstr(json, "\"__metadata__\"");
    const char *open = m ? strchr(m, '{') : NULL;
    const char *close = open ? strchr(open, '}') : NULL;
    p->metadata_json = open && close ? strndup(open, (size_t)(close - open + 1)) : strdup("{}");
    free(json);
    if (!p->metadata_json) {
        predictor_free(p);
        return hr_fail(e, "%s: out of memory", path);
    }
    return 0;
}

__attribute__((weak)) void predictor_free(struct predictor *p)
{
    if (p->destroy && p->impl)
        p->destroy(p->impl);
    free(p->metadata_json);
    memset(p, 0, sizeof *p);
}
