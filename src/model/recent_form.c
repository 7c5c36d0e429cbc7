/* recent_form.c — see recent_form.h. */
#include "model/recent_form.h"
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

int form_history_add(struct form_history *h, const char *athlete, double start_time, float residual)
{
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        struct form_run *r = realloc(h->r, sizeof *r * (size_t)cap);
        if (!r)
            return -1;
        h->r = r;
        h->cap = cap;
    }
    struct form_run *r = &h->r[h->n++];
    snprintf(r->athlete, sizeof r->athlete, "%s", athlete ? athlete : "");
    r->start_time = start_time;
    r->residual = residual;
    return 0;
}

static int same_runner(const struct form_run *r, const char *athlete)
{
    return !athlete || !athlete[0] || !strcmp(r->athlete, athlete);
}

float form_shift(const struct form_history *h, const char *athlete, double start_time, int *used)
{
    double t = start_time;
    if (isnan(t)) { /* a planned run: after the runner's latest one */
        t = -INFINITY;
        for (int i = 0; i < h->n; i++)
            if (same_runner(&h->r[i], athlete) && h->r[i].start_time > t)
                t = h->r[i].start_time;
        t = isfinite(t) ? nextafter(t, INFINITY) : NAN;
    }
    /* the FORM_RUNS latest runs in [t - FORM_DAYS, t): a small insertion-sorted pick, newest first */
    double when[FORM_RUNS];
    float res[FORM_RUNS];
    int k = 0;
    if (!isnan(t)) {
        for (int i = 0; i < h->n; i++) {
            const struct form_run *r = &h->r[i];
            if (!same_runner(r, athlete) || !(r->start_time < t) || !(r->start_time >= t - FORM_DAYS * 86400.0))
                continue;
            int j = k < FORM_RUNS ? k++ : FORM_RUNS;
            while (j > 0 && when[j - 1] < r->start_time) {
                if (j < FORM_RUNS) {
                    when[j] = when[j - 1];
                    res[j] = res[j - 1];
                }
                j--;
            }
            if (j < FORM_RUNS) {
                when[j] = r->start_time;
                res[j] = r->residual;
            }
        }
    } else { /* no times anywhere: the runner's runs as given, the last FORM_RUNS of them */
        for (int i = h->n - 1; i >= 0 && k < FORM_RUNS; i--)
            if (same_runner(&h->r[i], athlete) && isnan(h->r[i].start_time))
                res[k++] = h->r[i].residual;
    }
    double sum = 0;
    for (int j = 0; j < k; j++)
        sum += res[j];
    if (used)
        *used = k;
    return k ? (float)(sum / (k + FORM_PRIOR)) : 0.0f;
}

int form_measure(const struct predictor *p, const struct series *s, float *residual, struct hr_err *e)
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
    double sum = 0;
    long long n = 0;
    for (int t = 0; rc == 0 && t < s->n; t++)
        if (series_hr_trusted(s, t) && isfinite(hr[t])) {
            sum += (double)S_HR(s)[t] - hr[t];
            n++;
        }
    free(hr);
    free(blind_hr);
    if (rc)
        return -1;
    if (n == 0 || n * (double)s->step < FORM_MIN_S)
        return 0;
    *residual = (float)(sum / (double)n);
    return 1;
}

struct form_model {
    struct predictor base;
    struct form_history h;
    int planned;
};

static int form_predict(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    struct form_model *m = impl;
    if (predictor_predict(&m->base, s, hr, sigma, e))
        return -1;
    float shift = form_shift(&m->h, s->meta.athlete, m->planned ? NAN : s->meta.start_time, NULL);
    for (int t = 0; t < s->n; t++)
        hr[t] += shift;
    return 0;
}

static void form_destroy(void *impl)
{
    struct form_model *m = impl;
    predictor_free(&m->base);
    form_history_free(&m->h);
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
