/* recent_form.c — see recent_form.h. */
#include "model/recent_form.h"
#include "util/hash.h"
#include "util/json.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void form_history_init(struct form_history *h)
{
    memset(h, 0, sizeof *h);
}

void form_history_free(struct form_history *h)
{
    free(h->r);
    form_history_init(h);
}

int form_history_add(struct form_history *h, const struct form_run *run)
{
    for (int i = 0; run->key && i < h->n; i++)
        if (h->r[i].key == run->key && !strcmp(h->r[i].athlete, run->athlete)) {
            h->dups++; /* the same run given again (a second copy, the same file twice): counted once */
            return 0;
        }
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        struct form_run *r = realloc(h->r, sizeof *r * (size_t)cap);
        if (!r)
            return -1;
        h->r = r;
        h->cap = cap;
    }
    h->r[h->n++] = *run;
    return 0;
}

int form_history_runners(const struct form_history *h, const char **first, const char **second)
{
    const char *a = NULL, *b = NULL;
    int n = 0;
    for (int i = 0; i < h->n; i++) {
        const char *who = h->r[i].athlete;
        if (!who[0] || (a && !strcmp(who, a)) || (b && !strcmp(who, b)))
            continue;
        int seen = 0; /* a third or later name: counted once */
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(h->r[j].athlete, who);
        if (seen)
            continue;
        if (!a)
            a = who;
        else if (!b)
            b = who;
        n++;
    }
    if (first)
        *first = a;
    if (second)
        *second = b;
    return n;
}

static int same_runner(const struct form_run *r, const char *athlete)
{
    return !athlete || !athlete[0] || !strcmp(r->athlete, athlete);
}

/* The prediction's mean over a run's trusted steps, on the runner's scale when u says so. */
static double run_pred_mean(const struct form_run *r, const struct form_use *u, const struct hr_scale *sc)
{
    double p = r->pred_sum / (double)r->n;
    return u->scaled ? u->mean + u->sd * (p - sc->pop_mean) / sc->pop_sd : p;
}

uint64_t form_series_key(const struct series *s)
{
    static const int channels[] = {CH_TIME, CH_SPEED, CH_ALT, CH_DIST};
    uint64_t h = FNV1A64_INIT;
    int n = s->n;
    h = fnv1a64(h, &n, sizeof n);
    h = fnv1a64(h, &s->step, sizeof s->step);
    h = fnv1a64(h, &s->meta.start_time, sizeof s->meta.start_time);
    for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++)
        if (s->ch[channels[c]])
            h = fnv1a64(h, s->ch[channels[c]], sizeof(float) * (size_t)(n > 0 ? n : 0));
    return h ? h : 1;
}

void form_use(const struct form_history *h, const struct hr_scale *sc, const char *athlete, double start_time,
              uint64_t key, struct form_use *u)
{
    memset(u, 0, sizeof *u);
    if (key)
        for (int i = 0; i < h->n; i++)
            u->same_run += same_runner(&h->r[i], athlete) && h->r[i].key == key;
    double t = start_time;
    if (isnan(t)) { /* a planned run: after the runner's latest one */
        t = -INFINITY;
        for (int i = 0; i < h->n; i++)
            if (same_runner(&h->r[i], athlete) && h->r[i].start_time > t)
                t = h->r[i].start_time;
        t = isfinite(t) ? nextafter(t, INFINITY) : NAN;
    }
    /* the runs that count: before t (all of the runner's when no run has a time) */
#define EARLIER(r)                                                                                           \
    (same_runner((r), athlete) && !(key && (r)->key == key) &&                                               \
     (isnan(t) ? isnan((r)->start_time) : (r)->start_time < t))
    if (sc && sc->on && !hr_scale_knows(sc, athlete)) { /* the runner's own HR scale, from every earlier run */
        double sum = 0, sq = 0, secs = 0;
        long long n = 0;
        for (int i = 0; i < h->n; i++)
            if (EARLIER(&h->r[i])) {
                sum += h->r[i].hr_sum;
                sq += h->r[i].hr_sq;
                n += h->r[i].n;
                secs += (double)h->r[i].n * h->r[i].step;
                u->scale_runs++;
            }
        if (n > 0 && secs >= HR_SCALE_MIN_S) {
            double mean = sum / (double)n, var = sq / (double)n - mean * mean;
            double sd = var > 0 ? sqrt(var) : 0;
            u->scaled = 1;
            u->mean = (float)mean;
            u->sd = (float)(sd > HR_SCALE_MIN_SD ? sd : HR_SCALE_MIN_SD);
        } else {
            u->scale_runs = 0;
        }
    }
    /* the FORM_RUNS latest runs in [t - FORM_DAYS, t), newest first (no times anywhere: the last given) */
    const struct form_run *last[FORM_RUNS];
    int k = 0;
    if (isnan(t)) {
        for (int i = h->n - 1; i >= 0 && k < FORM_RUNS; i--)
            if (EARLIER(&h->r[i]))
                last[k++] = &h->r[i];
    } else {
        for (int i = 0; i < h->n; i++) {
            const struct form_run *r = &h->r[i];
            if (!EARLIER(r) || !(r->start_time >= t - FORM_DAYS * 86400.0))
                continue;
            int j = k < FORM_RUNS ? k++ : FORM_RUNS; /* insertion into the newest FORM_RUNS */
            while (j > 0 && last[j - 1]->start_time < r->start_time) {
                if (j < FORM_RUNS)
                    last[j] = last[j - 1];
                j--;
            }
            if (j < FORM_RUNS)
                last[j] = r;
        }
    }
#undef EARLIER
    double sum = 0;
    for (int j = 0; j < k; j++)
        sum += last[j]->hr_sum / (double)last[j]->n - run_pred_mean(last[j], u, sc);
    u->runs = k;
    u->shift = k ? (float)(sum / (k + FORM_PRIOR)) : 0.0f;
}

int form_use_series(const struct form_history *h, const struct hr_scale *sc, const char *athlete,
                    const struct series *s, int recorded, struct form_use *u)
{
    form_use(h, sc, athlete, s->meta.start_time, form_series_key(s), u);
    if (!isnan(s->meta.start_time) || !recorded)
        return 0; /* dated, or a planned run (no heart rate recorded): after the runner's latest run */
    /* a recording without a start time: which runs came before it is unknown, so nothing, as eval gives it
     * (until 2026-12-07 predict and serve took it for a planned run: the runner's latest runs and their HR
     * scale, even a month away) */
    int same = u->same_run;
    memset(u, 0, sizeof *u);
    u->same_run = same;
    return 1;
}

void form_apply(const struct form_use *u, const struct hr_scale *sc, float *hr, float *sigma, int n)
{
    for (int t = 0; t < n; t++) {
        if (u->scaled) {
            hr[t] = u->mean + u->sd * (hr[t] - sc->pop_mean) / sc->pop_sd;
            if (sigma)
                sigma[t] *= u->sd / sc->pop_sd;
        }
        hr[t] += u->shift;
    }
}

int form_measure(const struct predictor *p, const struct series *s, struct form_run *r, struct hr_err *e)
{
    size_t len = (size_t)(s->n > 0 ? s->n : 1);
    float *hr = malloc(sizeof(float) * len), *blind_hr = malloc(sizeof(float) * len);
    if (!hr || !blind_hr) {
        free(hr);
        free(blind_hr);
        return hr_fail(e, "recent form: out of memory");
    }
    for (int t = 0; t < s->n; t++)
        blind_hr[t] = NAN;
    struct series blind = *s; /* the model never sees the HR it is scored on */
    blind.ch[CH_HR] = blind_hr;
    int rc = predictor_predict(p, &blind, hr, NULL, e);
    memset(r, 0, sizeof *r);
    /* whom p predicted it as (eval --runner names every run so): the runner whose form it shows */
    snprintf(r->athlete, sizeof r->athlete, "%s", predictor_runner(p, s->meta.athlete));
    r->start_time = s->meta.start_time;
    r->step = s->step;
    r->key = form_series_key(s);
    for (int t = 0; rc == 0 && t < s->n; t++)
        if (series_hr_trusted(s, t) && isfinite(hr[t])) {
            double y = S_HR(s)[t];
            r->hr_sum += y;
            r->hr_sq += y * y;
            r->pred_sum += hr[t];
            r->n++;
        }
    free(hr);
    free(blind_hr);
    if (rc)
        return -1;
    return r->n > 0 && (double)r->n * s->step >= FORM_MIN_S;
}

int form_model_scale(const struct predictor *p, struct hr_scale *sc, struct hr_err *e)
{
    hr_scale_init(sc);
    if (!p->metadata_json)
        return 0;
    struct json *j = NULL;
    if (json_parse(p->metadata_json, strlen(p->metadata_json), "model card", &j, e))
        return -1;
    int rc = hr_scale_read_json(sc, json_get(json_get(j, "model"), "hr_scale"), "model card", e);
    json_free(j);
    return rc;
}

struct form_model {
    struct predictor base;
    struct form_history h;
    struct hr_scale sc; /* the base's (off when it has none) */
    int planned;
};

static int form_predict(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    struct form_model *m = impl;
    if (predictor_predict(&m->base, s, hr, sigma, e))
        return -1;
    if (!m->planned && isnan(s->meta.start_time))
        return 0; /* a recorded run without a time: which of the runner's runs came before it is unknown */
    struct form_use u;
    form_use(&m->h, &m->sc, predictor_runner(&m->base, s->meta.athlete), m->planned ? NAN : s->meta.start_time,
             m->planned ? 0 : form_series_key(s), &u);
    form_apply(&u, &m->sc, hr, sigma, s->n);
    return 0;
}

static void form_destroy(void *impl)
{
    struct form_model *m = impl;
    predictor_free(&m->base);
    form_history_free(&m->h);
    hr_scale_free(&m->sc);
    free(m);
}

static int form_set_precision(void *impl, int prec, struct hr_err *e)
{
    struct form_model *m = impl;
    return m->base.set_precision(m->base.impl, prec, e);
}

static int form_knows(const void *impl, const char *athlete)
{
    const struct form_model *m = impl;
    return m->base.knows_athlete(m->base.impl, athlete);
}

int form_wrap(struct predictor *p, struct form_history *h, int planned, struct hr_err *e)
{
    struct form_model *m = malloc(sizeof *m);
    if (!m)
        return hr_fail(e, "recent form: out of memory");
    if (form_model_scale(p, &m->sc, e)) {
        free(m);
        return -1;
    }
    m->base = *p;
    m->h = *h;
    m->planned = planned;
    form_history_init(h);
    struct predictor *w = p;
    /* the card, the kind, the step, sigma and the finetune record stay where callers read them */
    m->base.metadata_json = NULL;
    w->impl = m;
    w->predict = form_predict;
    w->destroy = form_destroy;
    w->set_precision = m->base.set_precision ? form_set_precision : NULL;
    w->knows_athlete = m->base.knows_athlete ? form_knows : NULL;
    return 0;
}
