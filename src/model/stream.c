/* stream.c — the live predictor (see stream.h): incremental resampling onto the model's grid, final and
 * provisional steps, and the per-kind model step (LSTM with its pre-roll, physiological, constant). */
#include "model/stream.h"
#include "model/constant.h"
#include "model/lstm_model.h"
#include "model/physio.h"
#include "prep/features.h"
#include "prep/prep.h"
#include "prep/resample.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RAW_CAP 8192   /* raw samples kept: the window the steps still open need (about 85 samples/s on a 10 s
                        * grid without HR: the open steps wait 20 s for HR, then 60 s of interpolation partners) */
#define RAW_EVICT 1024 /* samples dropped at once when the window is full of samples that may still count */
#define ALT_MIN (-450.0f)
#define ALT_MAX 9000.0f

enum kind { K_LSTM, K_PHYSIO, K_CONST };

/* What the model carries from step to step. */
struct model_state {
    struct feature_state fs; /* running elevation gain and effort averages (features) */
    double ph;    /* physiological state (the physio model, or the LSTM's prior column) */
    int steps;    /* steps fed */
};

struct hr_stream {
    const struct predictor *p;
    enum kind kind;
    const struct hr_lstm *lstm;
    const struct physio_params *pp; /* physio model, or the LSTM's prior: the athlete's or the population's */
    double alpha;   /* the physiological model's decay per step (physio_alpha) */
    float blend;    /* a physio-residual LSTM's alpha for this athlete (HR = prior + blend * network) */
    float scale_mean, scale_sd; /* an LSTM's HR scale for this athlete (model/hr_scale.h) */
    float const_hr;
    struct prep_opts po;
    float step;
    int cap, half, F, P;
    char gender;
    struct series g;      /* cap steps: the grid (time, speed, alt filled, grade, dist, hr) */
    float *alt_raw;       /* resampled altitude of final steps, NaN where none (filled into g's alt) */
    unsigned char *pause; /* step inside a recording gap > max_gap */
    double *pre_spd, *pre_alt, *dsum; /* cap + 1 prefix sums: speed, filled altitude, distance */
    float *pred;          /* cap: predictions of committed steps */
    double *rt;           /* raw window */
    float *rspd, *ralt, *rhr;
    int rn;
    double t0, tlast;
    double t_alt, t_hr; /* time of the last sample with an altitude, with a heart rate (-inf: none) */
    int nraw;
    int no_alt;   /* the first sample had no altitude: the run has none (0 m throughout) */
    int nfinal;   /* steps whose resampled values are final */
    int nres;     /* steps whose altitude is resolved (filled) */
    int ncommit;  /* steps the model has consumed */
    struct feature_ctx fc;
    struct lstm_stepper st, tmp;
    struct model_state ms;
    float *row, *rest, *y;
};

float hr_stream_step(const struct hr_stream *s) { return s->step; }

void hr_stream_free(struct hr_stream *s)
{
    if (!s)
        return;
    series_free(&s->g);
    free(s->alt_raw);
    free(s->pause);
    free(s->pre_spd);
    free(s->pre_alt);
    free(s->dsum);
    free(s->pred);
    free(s->rt);
    free(s->rspd);
    free(s->ralt);
    free(s->rhr);
    free(s->row);
    if (s->kind == K_LSTM) {
        lstm_stepper_free(&s->st);
        lstm_stepper_free(&s->tmp);
    }
    free(s);
}

void hr_stream_reset(struct hr_stream *s)
{
    s->rn = 0;
    s->nraw = 0;
    s->t0 = s->tlast = NAN;
    s->t_alt = s->t_hr = -INFINITY;
    s->no_alt = 0;
    s->nfinal = s->nres = s->ncommit = 0;
    s->pre_spd[0] = s->pre_alt[0] = s->dsum[0] = 0;
    memset(s->pause, 0, (size_t)s->cap); /* until 2026-12-07 the last run's pauses stayed: speed 0 in the next */
    memset(&s->ms, 0, sizeof s->ms);
    s->ms.ph = s->pp ? s->pp->hr0 : 0;
    if (s->kind == K_LSTM)
        lstm_stepper_reset(&s->st);
}

struct hr_stream *hr_stream_open(const struct predictor *p, char gender, const char *athlete, float max_hours,
                                 struct hr_err *e)
{
    if (!(max_hours > 0) || max_hours > 48) {
        hr_fail(e, "stream: max_hours %g outside (0, 48]", max_hours);
        return NULL;
    }
    struct hr_stream *s = calloc(1, sizeof *s);
    if (!s) {
        hr_fail(e, "stream: out of memory");
        return NULL;
    }
    athlete = predictor_runner(p, athlete); /* unnamed: a finetuned model's own runner, as predictor_predict */
    s->p = p;
    s->step = p->step;
    s->gender = gender == 'm' || gender == 'f' ? gender : 'u';
    prep_opts_default(&s->po);
    s->half = grade_half_steps(s->step);
    s->cap = (int)ceil(max_hours * 3600.0 / s->step) + 2;
    if (!strcmp(p->kind, "lstm")) {
        s->kind = K_LSTM;
        s->lstm = p->impl;
        if (!strcmp(s->lstm->fs->name, "default+pace")) {
            hr_fail(e, "stream: the model's feature set default+pace reads the whole workout's median speed, "
                       "which a live stream does not know yet; use a model trained with train's default features "
                       "(default+relalt)");
            free(s);
            return NULL;
        }
        s->pp = s->lstm->fs->prior ? physio_model_lookup(&s->lstm->prior, athlete) : NULL;
        s->blend = blend_lookup(&s->lstm->blend, athlete);
        hr_scale_lookup(&s->lstm->scale, athlete, &s->scale_mean, &s->scale_sd);
        s->F = s->lstm->fs->n;
        s->P = s->lstm->preroll;
        features_ctx_init(&s->fc, s->lstm->fs, s->step, s->gender, 0.0f);
    } else if (!strcmp(p->kind, "physio")) {
        s->kind = K_PHYSIO;
        s->pp = physio_model_lookup(p->impl, athlete);
    } else {
        s->kind = K_CONST;
        s->const_hr = constant_model_value(p->impl, athlete ? athlete : "");
    }
    if (s->pp)
        s->alpha = physio_alpha(s->pp, s->step);
    size_t c = (size_t)s->cap;
    int F = s->F > 0 ? s->F : 1, O = s->kind == K_LSTM ? s->lstm->net.cfg.out : 1;
    if (series_alloc(&s->g, s->cap, s->step) || !(s->alt_raw = malloc(c * sizeof(float))) ||
        !(s->pause = calloc(c, 1)) || !(s->pre_spd = malloc((c + 1) * sizeof(double))) ||
        !(s->pre_alt = malloc((c + 1) * sizeof(double))) || !(s->dsum = malloc((c + 1) * sizeof(double))) ||
        !(s->pred = malloc(c * sizeof(float))) || !(s->rt = malloc(RAW_CAP * sizeof(double))) ||
        !(s->rspd = malloc(RAW_CAP * sizeof(float))) || !(s->ralt = malloc(RAW_CAP * sizeof(float))) ||
        !(s->rhr = malloc(RAW_CAP * sizeof(float))) || !(s->row = malloc((size_t)(2 * F + O) * sizeof(float)))) {
        hr_fail(e, "stream: out of memory");
        hr_stream_free(s);
        return NULL;
    }
    s->rest = s->row + F;
    s->y = s->rest + F;
    if (s->kind == K_LSTM) {
        if (lstm_stepper_init(&s->st, &s->lstm->net, e) || lstm_stepper_init(&s->tmp, &s->lstm->net, e)) {
            s->kind = K_CONST; /* nothing of the steppers to free beyond what init freed on failure */
            lstm_stepper_free(&s->st);
            hr_stream_free(s);
            return NULL;
        }
    }
    hr_stream_reset(s);
    return s;
}

int hr_stream_steps(const struct hr_stream *s)
{
    if (s->nraw == 0)
        return 0;
    return (int)floor((s->tlast - s->t0) / s->step) + 1;
}

/* ---- the grid: resampling, pauses, altitude filling, prefix sums ---- */

/* Resample step k from the raw window into the grid (speed, hr, alt_raw), pauses applied. */
static void resample_step(struct hr_stream *s, int k, float *alt_out)
{
    double tk = s->t0 + (double)k * s->step;
    float v;
    resample_channel(s->rt, s->rspd, s->rn, tk, s->step, 1, s->po.max_gap, &v);
    float h;
    resample_channel(s->rt, s->rhr, s->rn, tk, s->step, 1, s->po.hr_max_gap, &h);
    float a = 0.0f;
    if (!s->no_alt)
        resample_channel(s->rt, s->ralt, s->rn, tk, s->step, 1, s->po.max_gap, &a);
    if (s->pause[k]) {
        v = 0;
        h = NAN;
    }
    if (!isfinite(v) || v < 0) /* speed samples are finite and in range: only a pause leaves none */
        v = 0;
    S_SPEED(&s->g)[k] = v;
    S_HR(&s->g)[k] = h;
    S_TIME(&s->g)[k] = (float)k * s->step;
    *alt_out = a;
}

/* Fill NaN altitudes of steps [from, to) of alt (in place) as prep's fill_gaps does over the whole run:
 * linear between finite neighbours, the nearest at the edges, 0 when there is none; last is the last
 * finite step before from (-1: none). Steps after the last finite one hold it (the run's end, as now). */
static void fill_alt(float *alt, int from, int to, int last)
{
    for (int i = from; i < to; i++) {
        if (isfinite(alt[i])) {
            if (last < 0)
                for (int j = from; j < i; j++)
                    alt[j] = alt[i];
            else
                for (int j = last + 1; j < i; j++)
                    alt[j] = alt[last] + (alt[i] - alt[last]) * (float)(j - last) / (float)(i - last);
            last = i;
        }
    }
    int start = last < 0 ? from : last + 1;
    for (int j = start; j < to; j++)
        alt[j] = last < 0 ? 0.0f : alt[last];
}

/* Prefix sums and distance for steps [from, to) (their speed and altitude set). */
static void sums(struct hr_stream *s, int from, int to)
{
    for (int k = from; k < to; k++) {
        S_DIST(&s->g)[k] = (float)s->dsum[k];
        s->dsum[k + 1] = s->dsum[k] + (double)S_SPEED(&s->g)[k] * s->step;
        s->pre_spd[k + 1] = s->pre_spd[k] + S_SPEED(&s->g)[k];
        s->pre_alt[k + 1] = s->pre_alt[k] + S_ALT(&s->g)[k];
    }
}

/* ---- the model, one step ---- */

/* Feed step i of the grid (whose grade is set) to the model with state ms (and stepper st); returns HR. */
static float model_step(struct hr_stream *s, struct lstm_stepper *st, struct model_state *ms, int i)
{
    const struct series *g = &s->g;
    float prior = 0;
    if (s->pp) {
        prior = physio_step(s->pp, s->alpha, &ms->ph, S_SPEED(g)[i], S_GRADE(g)[i], S_TIME(g)[i]);
        if (s->kind == K_PHYSIO) {
            ms->steps++;
            return prior;
        }
    }
    if (s->kind == K_CONST) {
        ms->steps++;
        return s->const_hr;
    }
    features_row(&s->fc, g, s->pre_spd, i, &ms->fs, prior, s->row);
    if (ms->steps == 0 && s->P > 0) { /* the pre-roll: standing still before the first step */
        features_rest_row(s->lstm->fs, s->row, s->rest);
        normalize_rows(&s->lstm->nz, s->rest, 1);
        for (int k = 0; k < s->P; k++)
            lstm_stepper_step(st, s->rest, s->y);
    }
    normalize_rows(&s->lstm->nz, s->row, 1);
    lstm_stepper_step(st, s->row, s->y);
    ms->steps++;
    if (s->lstm->fs->residual)
        return prior + s->blend * s->y[0]; /* model/blend.h */
    return hr_lstm_out(s->lstm, s->scale_mean, s->scale_sd, s->y[0], NULL);
}

/* Commit every step whose grade is final (steps up to i + 2 half resolved). */
static void commit(struct hr_stream *s)
{
    while (s->ncommit + 2 * s->half < s->nres) {
        int i = s->ncommit;
        S_GRADE(&s->g)[i] = grade_at(s->pre_alt, S_DIST(&s->g), s->nres, i, s->half);
        s->pred[i] = model_step(s, &s->st, &s->ms, i);
        s->ncommit++;
    }
}

/* Finalise every step no later sample can change: its bin is closed (a sample at or after its end has
 * arrived) and, per channel, the interpolation partner resample_channel would take has arrived (a valid
 * sample after the bin) or can no longer come within the channel's interpolation limit. */
static void finalise(struct hr_stream *s)
{
    int n = hr_stream_steps(s);
    while (s->nfinal < n) {
        int k = s->nfinal;
        double end = s->t0 + (double)k * s->step + 0.5 * s->step;
        if (s->tlast < end)
            break;
        if (!s->no_alt && s->t_alt < end && s->tlast < end + s->po.max_gap)
            break;
        if (s->t_hr < end && s->tlast < end + s->po.hr_max_gap)
            break;
        resample_step(s, k, &s->alt_raw[k]);
        s->nfinal++;
        if (isfinite(s->alt_raw[k])) { /* resolve the pending run before it */
            memcpy(S_ALT(&s->g) + s->nres, s->alt_raw + s->nres, (size_t)(k + 1 - s->nres) * sizeof(float));
            fill_alt(S_ALT(&s->g), s->nres, k + 1, s->nres > 0 ? s->nres - 1 : -1);
            sums(s, s->nres, k + 1);
            s->nres = k + 1;
        }
    }
    commit(s);
}

/* Drop the oldest d raw samples. */
static void drop_raw(struct hr_stream *s, int d)
{
    memmove(s->rt, s->rt + d, (size_t)(s->rn - d) * sizeof(double));
    memmove(s->rspd, s->rspd + d, (size_t)(s->rn - d) * sizeof(float));
    memmove(s->ralt, s->ralt + d, (size_t)(s->rn - d) * sizeof(float));
    memmove(s->rhr, s->rhr + d, (size_t)(s->rn - d) * sizeof(float));
    s->rn -= d;
}

/* Make room in a full raw window. First the samples no step still to be finalised can use; when there are none
 * (a feed faster than the window holds: about 85 samples a second on a 10 s grid without HR), the oldest
 * RAW_EVICT samples. Up to about 200 samples a second they lie before the open steps' bins and are only
 * interpolation partners across a gap, which a feed that fast does not have: the steps come out as the batch
 * path's (measured: 0 bpm at 128 Hz, 1.5e-4 at 200); faster, an open step loses some of its oldest samples
 * (0.01 bpm off at 256 Hz, 0.09 at 320, 1.1 at 512 on a 10 s grid). Until 2026-12-07 such a sample was refused (STREAM_FULL), and as a refused sample moves nothing on,
 * every later one too, at any rate, until a reset. */
static void compact(struct hr_stream *s)
{
    double keep = s->t0 + (double)s->nfinal * s->step - 0.5 * s->step - s->po.max_gap - s->step;
    int d = 0;
    while (d < s->rn - 1 && s->rt[d] < keep)
        d++;
    drop_raw(s, d > 0 ? d : RAW_EVICT);
}

int hr_stream_push(struct hr_stream *s, double t, float speed, float alt, float hr, struct hr_err *e)
{
    if (!isfinite(t))
        return hr_fail(e, "stream: sample %d: time %s", s->nraw, isnan(t) ? "is not a number" : "is infinite"), STREAM_BAD_TIME;
    if (s->nraw > 0 && !(t > s->tlast))
        return hr_fail(e, "stream: sample %d: time %.3f s is not after the previous %.3f s", s->nraw, t, s->tlast),
               STREAM_BACKWARDS;
    if (s->nraw > 0 && t - s->tlast > s->po.split_gap)
        return hr_fail(e, "stream: sample %d (time %.3f s): a gap of %.0f s after the last sample taken (%.3f s; over "
                          "%.0f s) starts a new session; reset the stream",
                       s->nraw, t, t - s->tlast, s->tlast, s->po.split_gap),
               STREAM_GAP;
    if (!isfinite(speed) || speed < 0 || speed > s->po.speed_max)
        return hr_fail(e, "stream: sample %d: speed %g m/s outside [0, %g]", s->nraw, speed, s->po.speed_max),
               STREAM_BAD_VALUE;
    if (!isnan(alt) && !(alt >= ALT_MIN && alt <= ALT_MAX))
        return hr_fail(e, "stream: sample %d: altitude %g m outside [%g, %g]", s->nraw, alt, ALT_MIN, ALT_MAX),
               STREAM_BAD_VALUE;
    if (!isnan(hr) && !isfinite(hr))
        return hr_fail(e, "stream: sample %d: heart rate is infinite", s->nraw), STREAM_BAD_VALUE;
    if (s->nraw > 0 && (int)floor((t - s->t0) / s->step) + 1 > s->cap - 1)
        return hr_fail(e, "stream: sample %d: past the %.1f h the stream was opened for", s->nraw,
                       (s->cap - 2) * s->step / 3600.0),
               STREAM_FULL;
    if (!isnan(hr) && (hr < s->po.hr_min || hr > s->po.hr_max))
        hr = NAN; /* masked, as prep does (a strap losing contact reads 0) */
    if (s->nraw == 0) {
        s->t0 = t;
        s->no_alt = isnan(alt);
    } else if (t - s->tlast > s->po.max_gap) { /* a pause: steps strictly inside the gap */
        long k0 = (long)floor((s->tlast - s->t0) / s->step) + 1, k1 = (long)ceil((t - s->t0) / s->step) - 1;
        for (long k = k0 > 0 ? k0 : 0; k <= k1 && k < s->cap; k++)
            s->pause[k] = 1;
    }
    if (s->rn == RAW_CAP) /* after every check: a refused sample changes nothing */
        compact(s);
    s->rt[s->rn] = t;
    s->rspd[s->rn] = speed;
    s->ralt[s->rn] = alt;
    s->rhr[s->rn] = hr;
    s->rn++;
    s->nraw++;
    s->tlast = t;
    if (!isnan(alt))
        s->t_alt = t;
    if (!isnan(hr))
        s->t_hr = t;
    finalise(s);
    return STREAM_OK;
}

/* ---- provisional steps: the run as if it ended now (plus a planned remainder of extra steps) ---- */

/* Steps [nfinal, n) from the raw window, altitude filled from nres, sums, then the model over
 * [ncommit, n + extra) on a copy of the state into out (indexed from ncommit). The planned steps
 * [n, n + extra) must be set in the grid (speed, alt) by the caller. */
static void run_tail(struct hr_stream *s, int n, int extra, float *out)
{
    for (int k = s->nfinal; k < n; k++)
        resample_step(s, k, &S_ALT(&s->g)[k]);
    for (int k = s->nres; k < s->nfinal; k++)
        S_ALT(&s->g)[k] = s->alt_raw[k];
    fill_alt(S_ALT(&s->g), s->nres, n + extra, s->nres > 0 ? s->nres - 1 : -1);
    for (int k = n; k < n + extra; k++)
        S_TIME(&s->g)[k] = (float)k * s->step;
    sums(s, s->nres, n + extra);
    struct model_state ms = s->ms;
    struct lstm_stepper *st = NULL;
    if (s->kind == K_LSTM) {
        lstm_stepper_copy_state(&s->tmp, &s->st);
        st = &s->tmp;
    }
    for (int i = s->ncommit; i < n + extra; i++) {
        S_GRADE(&s->g)[i] = grade_at(s->pre_alt, S_DIST(&s->g), n + extra, i, s->half);
        out[i - s->ncommit] = model_step(s, st, &ms, i);
    }
}

int hr_stream_predict(struct hr_stream *s, float *hr, float *speed, float *alt, float *hr_rec)
{
    int n = hr_stream_steps(s);
    if (n == 0)
        return 0;
    memcpy(hr, s->pred, (size_t)s->ncommit * sizeof(float));
    run_tail(s, n, 0, hr + s->ncommit);
    if (speed)
        memcpy(speed, S_SPEED(&s->g), (size_t)n * sizeof(float));
    if (alt)
        memcpy(alt, S_ALT(&s->g), (size_t)n * sizeof(float));
    if (hr_rec)
        memcpy(hr_rec, S_HR(&s->g), (size_t)n * sizeof(float));
    return n;
}

float hr_stream_now(struct hr_stream *s)
{
    int n = hr_stream_steps(s);
    if (n == 0)
        return NAN;
    if (n == s->ncommit)
        return s->pred[n - 1];
    run_tail(s, n, 0, s->pred + s->ncommit); /* scratch: committed entries stay as they are */
    return s->pred[n - 1];
}

int hr_stream_forecast(struct hr_stream *s, const float *speed, const float *alt, int n_plan, float *hr,
                       struct hr_err *e)
{
    int n = hr_stream_steps(s);
    if (n == 0)
        return hr_fail(e, "stream: forecast before the first sample");
    if (n_plan < 1)
        return hr_fail(e, "stream: the plan is empty (%d steps): give at least one step to forecast", n_plan);
    if (n + n_plan > s->cap)
        return hr_fail(e, "stream: a plan of %d steps does not fit the %d steps left", n_plan, s->cap - n);
    /* A run without altitude is level at 0 m so far: the plan's altitudes count from its first known one, so that
     * its climbs count (until 2026-12-07 they were all set to 0 m: a forecast up a hill was the flat's). */
    float base = 0.0f;
    for (int k = 0; s->no_alt && alt && k < n_plan; k++)
        if (!isnan(alt[k])) {
            base = alt[k];
            break;
        }
    for (int k = 0; k < n_plan; k++) {
        float v = speed[k], a = alt ? alt[k] : NAN;
        if (!isfinite(v) || v < 0 || v > s->po.speed_max)
            return hr_fail(e, "stream: plan step %d: speed %g m/s outside [0, %g]", k, v, s->po.speed_max);
        if (!isnan(a) && !(a >= ALT_MIN && a <= ALT_MAX))
            return hr_fail(e, "stream: plan step %d: altitude %g m outside [%g, %g]", k, a, ALT_MIN, ALT_MAX);
        S_SPEED(&s->g)[n + k] = v;
        S_ALT(&s->g)[n + k] = s->no_alt ? (isnan(a) ? NAN : a - base) : a;
        S_HR(&s->g)[n + k] = NAN;
    }
    run_tail(s, n, n_plan, s->pred + s->ncommit);
    memcpy(hr, s->pred + n, (size_t)n_plan * sizeof(float));
    return 0;
}
