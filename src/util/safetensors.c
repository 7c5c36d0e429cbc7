/* safetensors.c — strict safetensors reader and atomic writer (see safetensors.h). */
#include "util/safetensors.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/fileio.h"
#include "util/json.h"

static const char *const dtype_names[ST_DTYPES] = {"F64", "F32", "F16", "BF16", "I64",
                                                   "I32", "I16", "I8",  "U8",   "BOOL"};
static const size_t dtype_sizes[ST_DTYPES] = {8, 4, 2, 2, 8, 4, 2, 1, 1, 1};

const char *st_dtype_name(enum st_dtype d) { return (unsigned)d < ST_DTYPES ? dtype_names[d] : "?"; }
size_t st_dtype_size(enum st_dtype d) { return (unsigned)d < ST_DTYPES ? dtype_sizes[d] : 0; }

void st_free(struct safetensors *st)
{
    if (!st)
        return;
    for (int k = 0; k < st->n_meta; k++) {
        free(st->meta[k].key);
        free(st->meta[k].value);
    }
    free(st->meta);
    free(st->t);
    if (st->owns_buf)
        free(st->buf);
    memset(st, 0, sizeof *st);
}

static int cmp_begin(const void *a, const void *b)
{
    const struct st_tensor *x = *(const struct st_tensor *const *)a, *y = *(const struct st_tensor *const *)b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : (x->end < y->end ? -1 : x->end > y->end);
}

/* A JSON number that is a non-negative integer below 2^53. */
static int as_u64(const struct json *j, uint64_t *out)
{
    if (!j || j->type != JSON_NUM || !(j->num >= 0) || j->num > 9007199254740992.0 ||
        j->num != (double)(uint64_t)j->num)
        return -1;
    *out = (uint64_t)j->num;
    return 0;
}

static int parse_tensor(const struct json *v, const char *name, uint64_t data_len,
                        struct st_tensor *t, struct hr_err *e)
{
    const char *key = v->key;
    if (v->type != JSON_OBJ)
        return hr_fail_at(e, name, 8, "tensor '%s': entry is not an object", key);
    if (strlen(key) >= ST_NAME_MAX)
        return hr_fail_at(e, name, 8, "tensor name longer than %d bytes", ST_NAME_MAX - 1);
    snprintf(t->name, sizeof t->name, "%s", key);
    const char *dt = json_get_str(v, "dtype", NULL);
    if (!dt)
        return hr_fail_at(e, name, 8, "tensor '%s': missing dtype", key);
    int found = -1;
    for (int k = 0; k < ST_DTYPES; k++)
        if (strcmp(dt, dtype_names[k]) == 0)
            found = k;
    if (found < 0)
        return hr_fail_at(e, name, 8, "tensor '%s': unsupported dtype '%s'", key, dt);
    t->dtype = (enum st_dtype)found;
    const struct json *sh = json_get(v, "shape");
    if (!sh || sh->type != JSON_ARR)
        return hr_fail_at(e, name, 8, "tensor '%s': missing shape array", key);
    if (sh->n > ST_MAX_DIMS)
        return hr_fail_at(e, name, 8, "tensor '%s': more than %d dimensions", key, ST_MAX_DIMS);
    t->ndim = (int)sh->n;
    uint64_t numel = 1;
    for (size_t k = 0; k < sh->n; k++) {
        uint64_t d;
        if (as_u64(&sh->items[k], &d) || d > ((uint64_t)1 << 40))
            return hr_fail_at(e, name, 8, "tensor '%s': shape[%zu] is not a valid dimension", key, k);
        t->shape[k] = (int64_t)d;
        if (d && numel > (((uint64_t)1 << 62) / d))
            return hr_fail_at(e, name, 8, "tensor '%s': shape too large", key);
        numel *= d;
    }
    t->numel = numel;
    const struct json *off = json_get(v, "data_offsets");
    if (!off || off->type != JSON_ARR || off->n != 2 || as_u64(&off->items[0], &t->begin) ||
        as_u64(&off->items[1], &t->end))
        return hr_fail_at(e, name, 8, "tensor '%s': data_offsets must be [begin, end]", key);
    if (t->begin > t->end || t->end > data_len)
        return hr_fail_at(e, name, 8, "tensor '%s': data_offsets [%llu, %llu] outside data of %llu bytes",
                          key, (unsigned long long)t->begin, (unsigned long long)t->end,
                          (unsigned long long)data_len);
    /* element count x dtype size, overflow-checked (2^61 F64 elements would wrap to 0 bytes) */
    uint64_t need;
    if (__builtin_mul_overflow(numel, (uint64_t)dtype_sizes[found], &need))
        return hr_fail_at(e, name, 8, "tensor '%s': shape too large for its dtype", key);
    if (t->end - t->begin != need)
        return hr_fail_at(e, name, 8, "tensor '%s': %llu bytes but dtype x shape needs %llu", key,
                          (unsigned long long)(t->end - t->begin), (unsigned long long)need);
    for (const struct json *x = v->items; x < v->items + v->n; x++)
        if (strcmp(x->key, "dtype") && strcmp(x->key, "shape") && strcmp(x->key, "data_offsets"))
            return hr_fail_at(e, name, 8, "tensor '%s': unknown field '%s'", key, x->key);
    return 0;
}

int st_parse(const uint8_t *buf, size_t len, const char *name, struct safetensors *st, struct hr_err *e)
{
    memset(st, 0, sizeof *st);
    if (!name)
        name = "<safetensors>";
    snprintf(st->label, sizeof st->label, "%s", name);
    if (len < 8)
        return hr_fail_at(e, name, 0, "file shorter than the 8-byte header length");
    uint64_t hl = 0;
    for (int k = 7; k >= 0; k--)
        hl = (hl << 8) | buf[k];
    if (hl > ST_MAX_HEADER)
        return hr_fail_at(e, name, 0, "not a safetensors model file (header length %llu above the limit)", (unsigned long long)hl);
    if (hl > len - 8)
        return hr_fail_at(e, name, 0, "header length %llu runs past the end of the file (%zu bytes)",
                          (unsigned long long)hl, len);
    if (hl < 2 || buf[8] != '{')
        return hr_fail_at(e, name, 8, "header is not a JSON object");
    struct json *h;
    if (json_parse((const char *)buf + 8, (size_t)hl, name, &h, e))
        return -1; /* offsets there are relative to the header start (byte 8) */
    int rc = -1;
    if (h->type != JSON_OBJ) {
        hr_fail_at(e, name, 8, "header is not a JSON object");
        goto out;
    }
    uint64_t data_len = len - 8 - hl;
    st->t = calloc(h->n ? h->n : 1, sizeof *st->t);
    if (!st->t) {
        hr_fail(e, "%s: out of memory", name);
        goto out;
    }
    for (size_t k = 0; k < h->n; k++) {
        const struct json *v = &h->items[k];
        if (strcmp(v->key, "__metadata__") == 0) {
            if (v->type != JSON_OBJ) {
                hr_fail_at(e, name, 8, "__metadata__ is not an object");
                goto out;
            }
            st->meta = calloc(v->n ? v->n : 1, sizeof *st->meta);
            if (!st->meta) {
                hr_fail(e, "%s: out of memory", name);
                goto out;
            }
            for (size_t m = 0; m < v->n; m++) {
                if (v->items[m].type != JSON_STR) {
                    hr_fail_at(e, name, 8, "__metadata__ value of '%s' is not a string", v->items[m].key);
                    goto out;
                }
                st->meta[m].key = strdup(v->items[m].key);
                st->meta[m].value = strdup(v->items[m].str);
                st->n_meta++;
                if (!st->meta[m].key || !st->meta[m].value) {
                    hr_fail(e, "%s: out of memory", name);
                    goto out;
                }
            }
            continue;
        }
        struct st_tensor *t = &st->t[st->n];
        if (parse_tensor(v, name, data_len, t, e))
            goto out;
        t->data = buf + 8 + hl + t->begin;
        st->n++;
    }
    /* The data section must be covered exactly: no overlaps, no holes. */
    {
        struct st_tensor **order = malloc((st->n ? st->n : 1) * sizeof *order);
        if (!order) {
            hr_fail(e, "%s: out of memory", name);
            goto out;
        }
        for (int k = 0; k < st->n; k++)
            order[k] = &st->t[k];
        qsort(order, (size_t)st->n, sizeof *order, cmp_begin);
        uint64_t at = 0;
        for (int k = 0; k < st->n; k++) {
            if (order[k]->begin != at) {
                hr_fail_at(e, name, (long long)(8 + hl + at), "tensor '%s' %s at data offset %llu",
                           order[k]->name, order[k]->begin < at ? "overlaps another" : "leaves a hole",
                           (unsigned long long)at);
                free(order);
                goto out;
            }
            at = order[k]->end;
        }
        free(order);
        if (at != data_len) {
            hr_fail_at(e, name, (long long)(8 + hl + at), "%llu bytes after the last tensor",
                       (unsigned long long)(data_len - at));
            goto out;
        }
    }
    st->buf = (uint8_t *)buf;
    st->len = len;
    rc = 0;
out:
    json_free(h);
    if (rc)
        st_free(st);
    return rc;
}

int st_read_file(const char *path, size_t max_len, struct safetensors *st, struct hr_err *e)
{
    uint8_t *buf;
    size_t len;
    memset(st, 0, sizeof *st);
    if (read_file_all(path, &buf, &len, max_len ? max_len : ((size_t)2 << 30), e))
        return -1;
    if (st_parse(buf, len, path, st, e)) {
        free(buf);
        return -1;
    }
    st->owns_buf = 1;
    return 0;
}

const struct st_tensor *st_find(const struct safetensors *st, const char *name)
{
    for (int k = 0; k < st->n; k++)
        if (strcmp(st->t[k].name, name) == 0)
            return &st->t[k];
    return NULL;
}

const char *st_meta_get(const struct safetensors *st, const char *key)
{
    for (int k = 0; k < st->n_meta; k++)
        if (strcmp(st->meta[k].key, key) == 0)
            return st->meta[k].value;
    return NULL;
}

int st_copy_f32(const struct safetensors *st, const char *name, int ndim, const int64_t *shape,
                float *dst, size_t n, struct hr_err *e)
{
    const char *file = st->label[0] ? st->label : "<safetensors>";
    const struct st_tensor *t = st_find(st, name);
    if (!t)
        return hr_fail(e, "%s: tensor '%s' missing", file, name);
    if (t->dtype != ST_F32)
        return hr_fail(e, "%s: tensor '%s': dtype %s, expected F32", file, name, st_dtype_name(t->dtype));
    if (shape) {
        int ok = t->ndim == ndim;
        for (int k = 0; ok && k < ndim; k++)
            ok = t->shape[k] == shape[k];
        if (!ok) {
            char got[128] = "", want[128] = "";
            for (int k = 0; k < t->ndim; k++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", k ? "," : "", (long long)t->shape[k]);
            for (int k = 0; k < ndim; k++)
                snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", k ? "," : "", (long long)shape[k]);
            return hr_fail(e, "%s: tensor '%s': shape [%s], expected [%s]", file, name, got, want);
        }
    }
    if (t->numel != n)
        return hr_fail(e, "%s: tensor '%s': %llu elements, expected %zu", file, name, (unsigned long long)t->numel, n);
    memcpy(dst, t->data, n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        if (!isfinite(dst[i]))
            return hr_fail(e, "%s: tensor '%s': element %zu is %s: the file is damaged, or it was written by a run "
                           "that diverged", file, name, i, isnan(dst[i]) ? "NaN" : "infinite");
    return 0;
}

static int build_header(const struct st_out *t, int n, const struct st_meta *meta, int n_meta,
                        char **hdr, size_t *hlen, uint64_t *data_len, struct hr_err *e)
{
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    if (n_meta > 0) {
        jw_key(&w, "__metadata__");
        jw_obj_begin(&w);
        for (int k = 0; k < n_meta; k++)
            jw_kv_str(&w, meta[k].key, meta[k].value);
        jw_obj_end(&w);
    }
    uint64_t at = 0;
    for (int k = 0; k < n; k++) {
        if ((unsigned)t[k].dtype >= ST_DTYPES || t[k].ndim < 0 || t[k].ndim > ST_MAX_DIMS) {
            jw_free(&w);
            return hr_fail(e, "tensor '%s': bad dtype or rank", t[k].name);
        }
        for (int j = 0; j < k; j++)
            if (strcmp(t[j].name, t[k].name) == 0 || strcmp(t[k].name, "__metadata__") == 0) {
                jw_free(&w);
                return hr_fail(e, "tensor '%s': duplicate or reserved name", t[k].name);
            }
        uint64_t numel = 1;
        jw_key(&w, t[k].name);
        jw_obj_begin(&w);
        jw_kv_str(&w, "dtype", dtype_names[t[k].dtype]);
        jw_key(&w, "shape");
        jw_arr_begin(&w);
        for (int d = 0; d < t[k].ndim; d++) {
            jw_int(&w, t[k].shape[d]);
            numel *= (uint64_t)t[k].shape[d];
        }
        jw_arr_end(&w);
        uint64_t nb = numel * dtype_sizes[t[k].dtype];
        jw_key(&w, "data_offsets");
        jw_arr_begin(&w);
        jw_int(&w, (long long)at);
        jw_int(&w, (long long)(at + nb));
        jw_arr_end(&w);
        jw_obj_end(&w);
        at += nb;
    }
    jw_obj_end(&w);
    size_t len;
    char *s = jw_take(&w, &len);
    if (!s)
        return hr_fail(e, "safetensors: out of memory building header");
    /* Pad with spaces so the data section starts 8-byte aligned. */
    size_t padded = (len + 7) & ~(size_t)7;
    char *p = realloc(s, padded + 1);
    if (!p) {
        free(s);
        return hr_fail(e, "safetensors: out of memory");
    }
    memset(p + len, ' ', padded - len);
    p[padded] = 0;
    *hdr = p;
    *hlen = padded;
    *data_len = at;
    return 0;
}

static uint64_t out_bytes(const struct st_out *t)
{
    uint64_t numel = 1;
    for (int d = 0; d < t->ndim; d++)
        numel *= (uint64_t)t->shape[d];
    return numel * dtype_sizes[t->dtype];
}

static void le64(uint8_t *o, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        o[k] = (uint8_t)(v >> (8 * k));
}

int st_write_buffer(const struct st_out *t, int n, const struct st_meta *meta, int n_meta,
                    uint8_t **out, size_t *out_len, struct hr_err *e)
{
    char *hdr;
    size_t hlen;
    uint64_t dlen;
    if (build_header(t, n, meta, n_meta, &hdr, &hlen, &dlen, e))
        return -1;
    uint8_t *b = malloc(8 + hlen + dlen + 1);
    if (!b) {
        free(hdr);
        return hr_fail(e, "safetensors: out of memory");
    }
    le64(b, hlen);
    memcpy(b + 8, hdr, hlen);
    free(hdr);
    size_t at = 8 + hlen;
    for (int k = 0; k < n; k++) {
        uint64_t nb = out_bytes(&t[k]);
        if (nb)
            memcpy(b + at, t[k].data, nb);
        at += nb;
    }
    *out = b;
    *out_len = at;
    return 0;
}

int st_write_file(const char *path, const struct st_out *t, int n, const struct st_meta *meta,
                  int n_meta, struct hr_err *e)
{
    char *hdr;
    size_t hlen;
    uint64_t dlen;
    if (build_header(t, n, meta, n_meta, &hdr, &hlen, &dlen, e))
        return -1;
    struct atomic_file a;
    if (atomic_open(&a, path, e)) {
        free(hdr);
        return -1;
    }
    uint8_t l8[8];
    le64(l8, hlen);
    int bad = fwrite(l8, 1, 8, a.f) != 8 || fwrite(hdr, 1, hlen, a.f) != hlen;
    free(hdr);
    for (int k = 0; k < n && !bad; k++) {
        uint64_t nb = out_bytes(&t[k]);
        bad = nb && fwrite(t[k].data, 1, nb, a.f) != nb;
    }
    if (bad) {
        atomic_abort(&a);
        return hr_fail(e, "%s: write failed", path);
    }
    return atomic_commit(&a, e);
}
