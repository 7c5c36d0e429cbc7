/* hrcast_api.c — implements include/hrcast.h on top of the library: predictor_load, prep and
 * load_runs. The one place that turns internal errors into the API's (err, errlen) strings. */
#include "hrcast.h"
#include "data/runs.h"
#include "eval/metrics.h"
#include "model/model_athletes.h"
#include "model/predictor.h"
#include "model/stream.h"
#include "nn/isa.h"
#include "nn/lstm.h"
#include "prep/prep.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hrcast_model {
    struct predictor p;
};

static int fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

/* 'm', 'f' or 'u' in either case -> the lower-case letter; anything else (a typo once meant "unknown" without
 * a word) -> 0 with err set. */
static char api_gender(char g, char *err, size_t errlen)
{
    char l = g >= 'A' && g <= 'Z' ? (char)(g - 'A' + 'a') : g;
    if (l == 'm' || l == 'f' || l == 'u')
        return l;
    if (err && errlen)
        snprintf(err, errlen, "gender '%c' (%d) is not m, f or u", g >= 32 && g < 127 ? g : '?', (int)(unsigned char)g);
    return 0;
}

static hrcast_model *api_model_load(const char *path, char *err, size_t errlen)
{
    hrcast_model *m = calloc(1, sizeof *m);
    struct hr_err e = {{0}};
    if (!m) {
        fail(err, errlen, "out of memory");
        return NULL;
    }
    if (!path || !path[0]) { /* NULL crashed; "" said ": cannot open" */
        fail(err, errlen, "no model file given (the path is NULL or empty)");
        free(m);
        return NULL;
    }
    if (predictor_load(path, &m->p, &e)) {
        fail(err, errlen, e.msg);
        free(m);
        return NULL;
    }
    return m;
}

void hrcast_model_free(hrcast_model *m)
{
    if (!m)
        return;
    predictor_free(&m->p);
    free(m);
}

const char *hrcast_model_kind(const hrcast_model *m) { return m->p.kind; }
float hrcast_model_step(const hrcast_model *m) { return m->p.step; }
const char *hrcast_model_card(const hrcast_model *m) { return m->p.metadata_json ? m->p.metadata_json : "{}"; }

_Static_assert((int)HRCAST_PRECISION_FP32 == (int)LSTM_PREC_FP32 && (int)HRCAST_PRECISION_BF16 == (int)LSTM_PREC_BF16 &&
                   (int)HRCAST_PRECISION_INT8 == (int)LSTM_PREC_INT8,
               "the API's precision values are nn/lstm.h's");

int hrcast_model_set_precision(hrcast_model *m, int precision, char *err, size_t errlen)
{
    struct hr_err e = {{0}};
    if (predictor_set_precision(&m->p, precision, "model", &e))
        return fail(err, errlen, e.msg);
    return 0;
}

int hrcast_bf16_native(void) { return nn_isa_bf16(); }

int hrcast_model_set_int8(hrcast_model *m, int on, char *err, size_t errlen)
{
    return hrcast_model_set_precision(m, on ? HRCAST_PRECISION_INT8 : HRCAST_PRECISION_FP32, err, errlen);
}

static float *copy_or_null(const float *v, int n)
{
    float *c = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
    if (c)
        memcpy(c, v, sizeof(float) * (size_t)n);
    return c;
}

/* Predict one series into a result (the model never sees the recorded HR). */
static int predict_series(const hrcast_model *m, const struct series *s, hrcast_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->n = s->n;
    r->step_s = s->step;
    r->mae = NAN;
    snprintf(r->source, sizeof r->source, "%s", s->meta.source);
    int has_actual = series_valid_hr(s) > 0;
    r->time_s = copy_or_null(S_TIME(s), s->n);
    r->speed = copy_or_null(S_SPEED(s), s->n);
    r->altitude = copy_or_null(S_ALT(s), s->n);
    r->hr = malloc(sizeof(float) * (size_t)(s->n > 0 ? s->n : 1));
    r->hr_sigma = m->p.has_sigma ? malloc(sizeof(float) * (size_t)(s->n > 0 ? s->n : 1)) : NULL;
    r->hr_actual = has_actual ? copy_or_null(S_HR(s), s->n) : NULL;
    float *blind_hr = malloc(sizeof(float) * (size_t)(s->n > 0 ? s->n : 1));
    if (!r->time_s || !r->speed || !r->altitude || !r->hr || (m->p.has_sigma && !r->hr_sigma) ||
        (has_actual && !r->hr_actual) || !blind_hr) {
        free(blind_hr);
        hrcast_result_free(r);
        return fail(err, errlen, "out of memory");
    }
    for (int t = 0; t < s->n; t++)
        blind_hr[t] = NAN;
    struct series blind = *s;
    blind.ch[CH_HR] = blind_hr;
    struct hr_err e = {{0}};
    int rc = predictor_predict(&m->p, &blind, r->hr, r->hr_sigma, &e);
    free(blind_hr);
    if (rc) {
        hrcast_result_free(r);
        return fail(err, errlen, e.msg);
    }
    if (has_actual) {
        struct metric_acc acc;
        metric_reset(&acc);
        metric_add(&acc, r->hr, r->hr_actual, r->n);
        r->mae = metric_mae(&acc);
    }
    return 0;
}

static int api_predict_arrays(const hrcast_model *m, const float *speed_mps, const float *altitude_m, int n,
                          float step_s, char gender, hrcast_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (n < 2 || !(step_s > 0) || !isfinite(step_s) || !speed_mps)
        return fail(err, errlen, "arrays: need at least 2 samples and a positive, finite step");
    if (!(gender = api_gender(gender, err, errlen)))
        return -1;
    struct prep_opts po;
    prep_opts_default(&po);
    for (int i = 0; i < n; i++) /* above speed_max prep would make a run standing still (speed 0) */
        if (isfinite(speed_mps[i]) && (speed_mps[i] < 0 || speed_mps[i] > po.speed_max)) {
            char msg[200];
            snprintf(msg, sizeof msg, "arrays: speed %g m/s at sample %d is outside 0..%g m/s%s", speed_mps[i], i,
                     po.speed_max, speed_mps[i] > 0 ? " (speeds are m/s: a value in km/h? 12 m/s is 43.2 km/h)" : "");
            return fail(err, errlen, msg);
        }
    struct workout w;
    workout_init(&w);
    if (workout_reserve(&w, (size_t)n)) {
        workout_free(&w);
        return fail(err, errlen, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        long k = workout_push(&w, (double)i * step_s);
        w.speed[k] = speed_mps[i];
        w.alt[k] = altitude_m ? altitude_m[i] : NAN;
    }
    w.gender = gender;
    snprintf(w.source, sizeof w.source, "arrays");
    po.step = m->p.step;
    po.require_hr = 0;
    snprintf(po.sport, sizeof po.sport, "any");
    struct series s;
    enum reject_reason why;
    struct hr_err e = {{0}};
    int rc = prep_workout(&w, &po, &s, &why, NULL, &e);
    workout_free(&w);
    if (rc < 0)
        return fail(err, errlen, e.msg);
    if (rc > 0) { /* a sentence, not a bare code (it said "no_speed") */
        char msg[200];
        snprintf(msg, sizeof msg, "arrays: the run is not usable after cleaning (%s: the reasons are in docs/data.md)",
                 reject_reason_name(why));
        return fail(err, errlen, msg);
    }
    rc = predict_series(m, &s, out, err, errlen);
    series_free(&s);
    return rc;
}

static int api_predict_file(const hrcast_model *m, const char *path, hrcast_result **out, int *count, char *err,
                        size_t errlen)
{
    *out = NULL;
    *count = 0;
    struct run_list runs;
    struct hr_err e = {{0}};
    if (!path || !path[0])
        return fail(err, errlen, "no workout file given (the path is NULL or empty)");
    if (load_runs(path, m->p.step, NULL, &runs, &e))
        return fail(err, errlen, e.msg);
    hrcast_result *r = calloc((size_t)runs.n, sizeof *r);
    if (!r) {
        run_list_free(&runs);
        return fail(err, errlen, "out of memory");
    }
    for (int i = 0; i < runs.n; i++)
        if (predict_series(m, &runs.s[i], &r[i], err, errlen)) {
            hrcast_results_free(r, i);
            run_list_free(&runs);
            return -1;
        }
    *out = r;
    *count = runs.n;
    run_list_free(&runs);
    return 0;
}

void hrcast_result_free(hrcast_result *r)
{
    if (!r)
        return;
    free(r->time_s);
    free(r->speed);
    free(r->altitude);
    free(r->hr);
    free(r->hr_sigma);
    free(r->hr_actual);
    memset(r, 0, sizeof *r);
}

void hrcast_results_free(hrcast_result *r, int count)
{
    for (int i = 0; r && i < count; i++)
        hrcast_result_free(&r[i]);
    free(r);
}

const char *hrcast_version(void) { return HRCAST_VERSION; }

/* ---- live stream (model/stream.h) ---- */

struct hrcast_stream {
    struct hr_stream *s;
    float *plan; /* hrcast_stream_forecast_pace's speeds, allocated at open */
    int plan_cap;
};

static hrcast_stream *api_stream_open(const hrcast_model *m, char gender, const char *athlete, float max_hours, char *err,
                                  size_t errlen)
{
    struct hr_err e = {{0}};
    if (!(gender = api_gender(gender, err, errlen)))
        return NULL;
    if (athlete && athlete[0]) { /* a misspelt id is refused, not predicted as the population */
        char why[1200], msg[1300];
        int known = model_has_athlete(&m->p, athlete, why, sizeof why, NULL);
        if (known <= 0) {
            snprintf(msg, sizeof msg, "the model %s", known < 0 ? "cannot be read (out of memory)" : why);
            fail(err, errlen, msg);
            return NULL;
        }
    }
    hrcast_stream *h = calloc(1, sizeof *h);
    if (!h) {
        fail(err, errlen, "out of memory");
        return NULL;
    }
    h->s = hr_stream_open(&m->p, gender, athlete, max_hours, &e);
    if (h->s) /* only then is max_hours known to be in (0, 48]: NaN or 1e30 made the int conversion undefined */
        h->plan_cap = (int)ceil(max_hours * 3600.0 / m->p.step) + 2;
    h->plan = h->s ? malloc(sizeof(float) * (size_t)h->plan_cap) : NULL;
    if (!h->s || !h->plan) {
        fail(err, errlen, h->s ? "out of memory" : e.msg);
        hrcast_stream_free(h);
        return NULL;
    }
    return h;
}

void hrcast_stream_free(hrcast_stream *s)
{
    if (!s)
        return;
    hr_stream_free(s->s);
    free(s->plan);
    free(s);
}

void hrcast_stream_reset(hrcast_stream *s) { hr_stream_reset(s->s); }

int hrcast_stream_push(hrcast_stream *s, double time_s, float speed_mps, float altitude_m, float hr_bpm, char *err,
                       size_t errlen)
{
    struct hr_err e = {{0}};
    int rc = hr_stream_push(s->s, time_s, speed_mps, altitude_m, hr_bpm, &e);
    if (rc)
        fail(err, errlen, e.msg);
    return rc;
}

float hrcast_stream_hr_now(hrcast_stream *s) { return hr_stream_now(s->s); }
int hrcast_stream_steps(const hrcast_stream *s) { return hr_stream_steps(s->s); }

int hrcast_stream_predictions(hrcast_stream *s, float *hr, float *speed, float *altitude, float *hr_recorded)
{
    return hr_stream_predict(s->s, hr, speed, altitude, hr_recorded);
}

int hrcast_stream_forecast(hrcast_stream *s, const float *speed_mps, const float *altitude_m, int n, float *hr,
                           char *err, size_t errlen)
{
    struct hr_err e = {{0}};
    if (hr_stream_forecast(s->s, speed_mps, altitude_m, n, hr, &e))
        return fail(err, errlen, e.msg);
    return 0;
}

int hrcast_stream_forecast_pace(hrcast_stream *s, float speed_mps, float seconds, float *hr, char *err,
                                size_t errlen)
{
    if (!(seconds > 0))
        return fail(err, errlen, "stream: forecast seconds must be positive");
    double n = ceil(seconds / hr_stream_step(s->s));
    if (n > s->plan_cap)
        return fail(err, errlen, "stream: forecast longer than the stream's max_hours");
    for (int k = 0; k < (int)n; k++)
        s->plan[k] = speed_mps;
    return hrcast_stream_forecast(s, s->plan, NULL, (int)n, hr, err, errlen);
}

/* ---- warnings (hrcast_warnings): a reader's or the cleaning's warnings, kept per thread for the caller ---- */

static _Thread_local char api_warnings[4096];

const char *hrcast_warnings(void) { return api_warnings; }

void hrcast_set_stderr_warnings(int on) { hr_log_set_level(on ? HR_LOG_WARN : HR_LOG_QUIET); }

hrcast_model *hrcast_model_load(const char *path, char *err, size_t errlen)
{
    hr_warn_keep(api_warnings, sizeof api_warnings);
    hrcast_model *m = api_model_load(path, err, errlen);
    hr_warn_keep(NULL, 0);
    return m;
}

int hrcast_predict_arrays(const hrcast_model *m, const float *speed_mps, const float *altitude_m, int n,
                          float step_s, char gender, hrcast_result *out, char *err, size_t errlen)
{
    hr_warn_keep(api_warnings, sizeof api_warnings);
    int rc = api_predict_arrays(m, speed_mps, altitude_m, n, step_s, gender, out, err, errlen);
    hr_warn_keep(NULL, 0);
    return rc;
}

int hrcast_predict_file(const hrcast_model *m, const char *path, hrcast_result **out, int *count, char *err,
                        size_t errlen)
{
    hr_warn_keep(api_warnings, sizeof api_warnings);
    int rc = api_predict_file(m, path, out, count, err, errlen);
    hr_warn_keep(NULL, 0);
    return rc;
}

hrcast_stream *hrcast_stream_open(const hrcast_model *m, char gender, const char *athlete, float max_hours, char *err,
                                  size_t errlen)
{
    hr_warn_keep(api_warnings, sizeof api_warnings);
    hrcast_stream *s = api_stream_open(m, gender, athlete, max_hours, err, errlen);
    hr_warn_keep(NULL, 0);
    return s;
}
