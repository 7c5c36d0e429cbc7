/* predict.c — request bytes -> predicted heart rate JSON (see predict.h). */
#include "serve/predict.h"
#include "io/reader.h"
#include "serve/multipart.h"
#include "serve/recent.h"
#include "io/apijson.h"
#include "serve/result_json.h"
#include "prep/prep.h"
#include "util/fileio.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void serve_error_json(struct sbuf *out, const char *msg)
{
    sbuf_free(out);
    sbuf_puts(out, "{\"error\":");
    sb_json_str(out, msg);
    sbuf_puts(out, "}\n");
}

/* Which workout of a file with several (a multisport TCX, a GPX of two tracks, FitRec lines) is predicted:
 * want (1-based, ?workout=N) or, want 0, the longest running one (a workout of unknown sport counts as a
 * run; none running: the longest). The kept one is moved out of the reader, not copied; every workout with
 * at least two samples is counted, so the answer can say how many the file held. */
struct pick_sink {
    struct workout w;
    int got, count, want, chosen, chosen_run;
    double chosen_dur;
};

static int pick_workout(void *ctx, struct workout *w)
{
    struct pick_sink *ps = ctx;
    if (w->n < 2)
        return 0;
    ps->count++;
    int run = !w->sport[0] || sport_is_running(w->sport);
    double dur = w->time[w->n - 1] - w->time[0];
    int take = ps->want ? ps->count == ps->want
                        : !ps->got || run > ps->chosen_run || (run == ps->chosen_run && dur > ps->chosen_dur);
    if (take) {
        workout_take(&ps->w, w);
        ps->got = 1;
        ps->chosen = ps->count;
        ps->chosen_run = run;
        ps->chosen_dur = dur;
    }
    return 0;
}

/* A display name for messages: the upload's file name without directories or odd bytes. */
static void clean_name(const char *in, char *out, size_t cap)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    const char *bs = strrchr(base, '\\');
    base = bs ? bs + 1 : base;
    size_t k = 0;
    for (; *base && k + 1 < cap; base++)
        out[k++] = ((unsigned char)*base >= 0x20 && *base != 0x7f) ? *base : '_';
    out[k] = '\0';
    if (!k)
        snprintf(out, cap, "upload");
}

void predict_result_free(struct predict_result *r)
{
    free(r->buf);
    free(r->hr_cal);
    series_free(&r->s);
    memset(r, 0, sizeof *r);
}

/* A refusal that names an input limit ("... limit (--max-...)") is 413 Payload Too Large. */
static int refusal_status(const char *msg)
{
    return strstr(msg, " limit (--max-") ? 413 : 400;
}

static int predict_run(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                       const struct hr_limits *lim, int workout, struct predict_result *res, struct sbuf *err_out);

int serve_predict_run(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                      const struct hr_limits *lim, struct predict_result *res, struct sbuf *err_out)
{
    return serve_predict_run_workout(p, body, n, content_type, lim, 0, res, err_out);
}

int serve_predict_run_workout(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                              const struct hr_limits *lim, int workout, struct predict_result *res,
                              struct sbuf *err_out)
{
    memset(res, 0, sizeof *res);
    /* what the readers warn about this upload (a FIT file cut short, a bad CRC) goes back with the answer */
    hr_warn_keep(res->warnings, sizeof res->warnings);
    int status = predict_run(p, body, n, content_type, lim, workout, res, err_out);
    hr_warn_keep(NULL, 0);
    return status;
}

static int predict_run(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                       const struct hr_limits *lim, int workout, struct predict_result *res, struct sbuf *err_out)
{
    struct sbuf *out = err_out;
    struct hr_limits def;
    if (!lim) {
        hr_limits_for_upload(&def, SERVE_PREDICT_DEFAULT_UPLOAD);
        lim = &def;
    }
    struct hr_err e = {{0}};
    char name[128] = "upload", boundary[80] = "";
    const uint8_t *data = body;
    size_t len = n;
    int is_json_body = content_type && strncasecmp(content_type, "application/json", 16) == 0;
    if (multipart_boundary(content_type, boundary, sizeof boundary) == 0) {
        struct multipart_file f;
        if (multipart_find_file(body, n, boundary, &f, &e)) {
            serve_error_json(out, e.msg);
            return 400;
        }
        data = f.data;
        len = f.len;
        clean_name(f.filename, name, sizeof name);
    } else if (content_type && strncasecmp(content_type, "multipart/", 10) == 0) {
        serve_error_json(out, "upload: multipart body without a boundary");
        return 400;
    }
    if (len == 0) {
        serve_error_json(out, "empty upload: send a workout file or JSON {\"speed\": [...]}");
        return 400;
    }
    /* a gzip upload is inflated once, here, so that what decides how to read it (hrcast's JSON or a file
     * format) looks at the same bytes compressed or not */
    uint8_t *raw = NULL;
    if (is_gzip(data, len)) {
        size_t rlen;
        if (gunzip_buffer(data, len, &raw, &rlen, lim->max_inflate, &e)) {
            char tmp[HR_ERR_MSG];
            snprintf(tmp, sizeof tmp, "%s", e.msg);
            hr_fail(&e, "%.200s: %.300s", name, tmp);
            serve_error_json(out, e.msg);
            return refusal_status(e.msg);
        }
        data = raw;
        len = rlen;
    }
    struct pick_sink fs = {.want = workout};
    workout_init(&fs.w);
    fs.w.max_n = lim->max_samples;
    const char *format;
    int status = 400;
    struct series s = {0};
    float *buf = NULL;
    enum hr_format fmt = io_detect(data, len);
    /* hrcast's own JSON (the API's body, the page's downloaded result); a JSON content type asks for it
     * too, except for hrcast's jsonl export (its "step_s" and metadata: read as the CLI reads it) */
    int api = fmt == FMT_API_JSON || (is_json_body && !apijson_has_key(data, len, "step_s"));
    if (!boundary[0] && !api && fmt == FMT_SEED_JSON) {
        /* {"speed": [...]} alone as the body: the API's m/s on a 10 s grid, or a seed JSON file's km/h at 6 s?
         * It was read as the second without a word, and as the first with a JSON content type */
        free(raw);
        serve_error_json(out, "ambiguous JSON body {\"speed\": [...]}: send it with Content-Type: application/json "
                              "(or a \"step\") for the API's m/s, or upload the file as a form field "
                              "(curl -F file=@run.json) to read it as a seed JSON file in km/h");
        return 400;
    }
    if (api) {
        format = "json";
        if (apijson_parse(data, len, name, &fs.w, &e))
            goto fail;
        fs.got = fs.count = fs.chosen = 1;
    } else {
        struct read_opts ro;
        read_opts_default(&ro);
        ro.lim = *lim;
        format = format_name(fmt);
        int rc = io_read_buffer(data, len, name, &ro, pick_workout, &fs, &e);
        if (!fs.got) {
            if (rc == 0 && !fs.count)
                hr_fail(&e, "%s: no workout with at least two samples in the file", name);
            if (!fs.count)
                goto fail;
        }
        if (rc != 0 && fs.got) { /* a reader that failed after workouts it handed over: said, not dropped */
            hr_warn("%s (the workouts before it were read)", e.msg);
            e.msg[0] = '\0';
        }
    }
    if (workout > fs.count) {
        hr_fail(&e, "%s: workout=%d: the file holds %d workout%s", name, workout, fs.count, fs.count == 1 ? "" : "s");
        goto fail;
    }
    if (fs.count > 1) /* said in the answer's warnings (the page shows them); the CLI predicts them all */
        hr_warn("%s: the file holds %d workouts; predicted workout %d (%s, %.0f min)%s; choose another with "
                "?workout=N (1 to %d)",
                name, fs.count, fs.chosen, fs.w.sport[0] ? fs.w.sport : "sport unknown", fs.chosen_dur / 60,
                workout ? ", as asked" : fs.chosen_run ? ", the longest run" : ", the longest (none is a run)",
                fs.count);
    float step = p->step > 0 ? p->step : 10.0f;
    struct prep_opts po;
    prep_opts_default(&po);
    po.step = step;
    po.require_hr = 0; /* an upload may be a planned run without any HR */
    snprintf(po.sport, sizeof po.sport, "any");
    enum reject_reason why;
    int prc = prep_workout(&fs.w, &po, &s, &why, NULL, &e);
    if (prc < 0)
        goto fail;
    if (prc > 0) {
        hr_fail(&e, "%s: not usable: %s", name, reject_reason_name(why));
        goto fail;
    }
    buf = malloc((size_t)s.n * 3 * sizeof *buf);
    if (!buf) {
        status = 500;
        hr_fail(&e, "out of memory");
        goto fail;
    }
    float *hr = buf, *sigma = buf + s.n, *actual = buf + 2 * s.n;
    /* The model never sees the recorded HR: keep it aside and mask it in the input. */
    memcpy(actual, S_HR(&s), (size_t)s.n * sizeof *actual);
    for (int i = 0; i < s.n; i++)
        S_HR(&s)[i] = NAN;
    if (predictor_predict(p, &s, hr, p->has_sigma ? sigma : NULL, &e)) {
        status = 500;
        goto fail;
    }
    if (boundary[0]) { /* the runner's earlier runs, when the form sent any: their HR scale and recent form */
        struct form_history h;
        struct hr_scale sc;
        form_history_init(&h);
        const char *who = predictor_runner(p, s.meta.athlete);
        hr_scale_init(&sc);
        int bad = serve_recent_runs(p, body, n, boundary, lim, who, &h, &res->recent_files, &e) ||
                  (res->recent_files > 0 && form_model_scale(p, &sc, &e)); /* the card only when runs came */
        const char *ra, *rb;
        if (!bad && res->recent_files > 0 && !who[0] && form_history_runners(&h, &ra, &rb) > 1)
            bad = hr_fail(&e, "the earlier runs sent are of %d runners (%s, %s, ...): send one runner's runs",
                          form_history_runners(&h, NULL, NULL), ra, rb) != 0;
        if (!bad && res->recent_files > 0) {
            int recorded = 0; /* the upload's own HR (kept aside in actual: the model never sees it) */
            for (int i = 0; i < s.n && !recorded; i++)
                recorded = !isnan(actual[i]);
            if (form_use_series(&h, &sc, who, &s, recorded, &res->recent))
                hr_warn("%s: a recording without a start time: which of the earlier runs sent came before it is "
                        "unknown: no shift and no HR scale from them (a planned run, without heart rate, takes "
                        "the runner's latest runs)", name);
            form_apply(&res->recent, &sc, hr, p->has_sigma ? sigma : NULL, s.n);
        }
        form_history_free(&h);
        hr_scale_free(&sc);
        if (bad) {
            status = 400;
            goto fail;
        }
    }
    for (int i = 0; i < s.n; i++)
        if (!isfinite(hr[i])) {
            status = 500;
            hr_fail(&e, "model produced a non-finite prediction at step %d", i);
            goto fail;
        }
    workout_free(&fs.w);
    free(raw);
    res->s = s;
    res->buf = buf;
    res->hr = hr;
    res->sigma = p->has_sigma ? sigma : NULL;
    res->actual = actual;
    res->model_kind = p->kind;
    res->format = format;
    snprintf(res->name, sizeof res->name, "%s", name);
    return 200;
fail:
    free(buf);
    series_free(&s);
    workout_free(&fs.w);
    free(raw);
    serve_error_json(out, e.msg[0] ? e.msg : "could not read the upload");
    return status == 400 ? refusal_status(e.msg) : status;
}

int serve_predict(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                  struct sbuf *out)
{
    return serve_predict_limited(p, body, n, content_type, NULL, out);
}

int serve_predict_limited(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                          const struct hr_limits *lim, struct sbuf *out)
{
    struct predict_result res;
    int status = serve_predict_run(p, body, n, content_type, lim, &res, out);
    if (status != 200)
        return status;
    sbuf_free(out);
    struct result_writer w;
    result_writer_init(&w, &res);
    char chunk[16384];
    size_t got;
    while ((got = result_writer_read(&w, chunk, sizeof chunk)) > 0)
        sbuf_put(out, chunk, got);
    int oom = w.pending.oom;
    result_writer_free(&w);
    predict_result_free(&res);
    if (out->oom || oom) {
        serve_error_json(out, "out of memory");
        return 500;
    }
    return 200;
}
