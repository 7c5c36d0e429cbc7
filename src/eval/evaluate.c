/* evaluate.c — see evaluate.h. */
#include "eval/evaluate.h"
#include "data/splits.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOOTSTRAP 1000

const char *intensity_name(int k)
{
    static const char *n[EVAL_INTENSITIES] = {"easy", "steady", "tempo", "intervals"};
    return k >= 0 && k < EVAL_INTENSITIES ? n[k] : "?";
}

const char *duration_bucket_name(int k)
{
    static const char *n[EVAL_DURATIONS] = {"< 30 min", "30-60 min", "60-90 min", ">= 90 min"};
    return k >= 0 && k < EVAL_DURATIONS ? n[k] : "?";
}

/* Speed-only description of a workout: mean moving speed and the variation of its 1-minute means. */
static void speed_profile(const struct series *s, double *mean, double *cv)
{
    int win = (int)lroundf(60.0f / s->step);
    if (win < 1)
        win = 1;
    double sum = 0, sum2 = 0;
    int cnt = 0;
    double msum = 0;
    int mcnt = 0;
    for (int i = 0; i < s->n; i++)
        if (S_SPEED(s)[i] > 0.5f) {
            msum += S_SPEED(s)[i];
            mcnt++;
        }
    for (int a = 0; a + win <= s->n; a += win) {
        double v = 0;
        for (int i = a; i < a + win; i++)
            v += S_SPEED(s)[i];
        v /= win;
        if (v > 0.5) {
            sum += v;
            sum2 += v * v;
            cnt++;
        }
    }
    *mean = mcnt ? msum / mcnt : 0;
    double m = cnt ? sum / cnt : 0;
    *cv = cnt > 1 && m > 0 ? sqrt(fmax(0, sum2 / cnt - m * m)) / m : 0;
}

static int find_athlete(struct evaluation *ev, const char *name)
{
    for (int a = 0; a < ev->n_athletes; a++)
        if (!strcmp(ev->athletes[a], name))
            return a;
    snprintf(ev->athletes[ev->n_athletes], WK_ATHLETE_LEN, "%s", name);
    return ev->n_athletes++;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void bootstrap(struct eval_model *m, int nw, uint64_t seed)
{
    double *mae = malloc(sizeof(double) * BOOTSTRAP), *rmse = malloc(sizeof(double) * BOOTSTRAP);
    if (!mae || !rmse || nw == 0) {
        m->mae_lo = m->mae_hi = m->rmse_lo = m->rmse_hi = NAN;
        free(mae);
        free(rmse);
        return;
    }
    uint64_t st = seed;
    for (int b = 0; b < BOOTSTRAP; b++) {
        struct metric_acc acc;
        metric_reset(&acc);
        for (int i = 0; i < nw; i++)
            metric_merge(&acc, &m->w[splitmix64(&st) % (uint64_t)nw]);
        mae[b] = metric_mae(&acc);
        rmse[b] = metric_rmse(&acc);
    }
    qsort(mae, BOOTSTRAP, sizeof(double), cmp_double);
    qsort(rmse, BOOTSTRAP, sizeof(double), cmp_double);
    m->mae_lo = quantile(mae, BOOTSTRAP, 0.025);
    m->mae_hi = quantile(mae, BOOTSTRAP, 0.975);
    m->rmse_lo = quantile(rmse, BOOTSTRAP, 0.025);
    m->rmse_hi = quantile(rmse, BOOTSTRAP, 0.975);
    free(mae);
    free(rmse);
}

int evaluate(const struct dataset *ds, const int *idx, int n, const struct predictor *const *models,
             const char *const *names, int n_models, uint64_t seed, int keep_preds, struct evaluation *ev,
             struct hr_err *e)
{
    memset(ev, 0, sizeof *ev);
    if (n_models > EVAL_MAX_MODELS)
        return hr_fail(e, "evaluate: at most %d models", EVAL_MAX_MODELS);
    ev->nw = n;
    ev->n_models = n_models;
    size_t nn = (size_t)(n ? n : 1);
    ev->idx = malloc(sizeof(int) * nn);
    ev->intensity = malloc(sizeof(int) * nn);
    ev->athlete_of = malloc(sizeof(int) * nn);
    ev->athletes = calloc(nn, sizeof *ev->athletes);
    double *vmean = malloc(sizeof(double) * nn), *vcv = malloc(sizeof(double) * nn);
    if (!ev->idx || !ev->intensity || !ev->athlete_of || !ev->athletes || !vmean || !vcv) {
        free(vmean);
        free(vcv);
        evaluation_free(ev);
        return hr_fail(e, "evaluate: out of memory");
    }
    ev->assessed = ds->version >= 2;
    for (int i = 0; i < n; i++) {
        ev->idx[i] = idx[i];
        struct series s;
        dataset_series(ds, idx[i], &s);
        ev->athlete_of[i] = find_athlete(ev, s.meta.athlete);
        speed_profile(&s, &vmean[i], &vcv[i]);
        ev->steps += series_valid_hr(&s);
        for (int t = 0; t < s.n; t++)
            ev->trusted_steps += series_hr_trusted(&s, t);
    }
    /* intensity: intervals from the variation of speed; else pace relative to the athlete's median */
    double *tmp = malloc(sizeof(double) * nn);
    for (int a = 0; a < ev->n_athletes && tmp; a++) {
        int k = 0;
        for (int i = 0; i < n; i++)
            if (ev->athlete_of[i] == a)
                tmp[k++] = vmean[i];
        double med = quantile(tmp, k, 0.5);
        for (int i = 0; i < n; i++)
            if (ev->athlete_of[i] == a) {
                double r = med > 0 ? vmean[i] / med : 1;
                ev->intensity[i] = vcv[i] > 0.25 ? INT_INTERVALS : r < 0.95 ? INT_EASY : r <= 1.08 ? INT_STEADY : INT_TEMPO;
            }
    }
    free(tmp);
    free(vmean);
    free(vcv);
    for (int k = 0; k < n_models; k++) {
        struct eval_model *m = &ev->m[k];
        snprintf(m->name, sizeof m->name, "%s", names[k]);
        m->has_sigma = models[k]->has_sigma;
        m->w = calloc(nn, sizeof *m->w);
        m->athlete = calloc((size_t)(ev->n_athletes ? ev->n_athletes : 1), sizeof *m->athlete);
        if (keep_preds) {
            m->pred = calloc(nn, sizeof *m->pred);
            m->sigma = calloc(nn, sizeof *m->sigma);
        }
        if (!m->w || !m->athlete || (keep_preds && (!m->pred || !m->sigma))) {
            evaluation_free(ev);
            return hr_fail(e, "evaluate: out of memory");
        }
        double *wm = malloc(sizeof(double) * nn);
        if (!wm) {
            evaluation_free(ev);
            return hr_fail(e, "evaluate: out of memory");
        }
        for (int i = 0; i < n; i++) {
            struct series s;
            dataset_series(ds, idx[i], &s);
            size_t len = (size_t)(s.n ? s.n : 1);
            float *hr = malloc(sizeof(float) * len), *sg = malloc(sizeof(float) * len);
            if (!hr || !sg) {
                free(hr);
                free(sg);
                free(wm);
                evaluation_free(ev);
                return hr_fail(e, "evaluate: out of memory");
            }
            /* the models never see the recorded HR of the workout they predict */
            if (predictor_predict_blind(models[k], &s, hr, m->has_sigma ? sg : NULL, e)) {
                free(hr);
                free(sg);
                free(wm);
                evaluation_free(ev);
                return -1;
            }
            const float *act = S_HR(&s);
            for (int t = 0; t < s.n; t++) /* trusted steps only: one at a time, nothing to allocate */
                if (series_hr_trusted(&s, t))
                    metric_add(&m->trusted, hr + t, act + t, 1);
            metric_add(&m->w[i], hr, act, s.n);
            metric_merge(&m->all, &m->w[i]);
            int skip = (int)ceilf(120.0f / s.step);
            if (s.n > skip)
                metric_add(&m->after2, hr + skip, act + skip, s.n - skip);
            for (int t = 0; t < s.n; t++) {
                if (!isfinite(act[t]))
                    continue;
                int minute = (int)(t * s.step / 60.0f);
                if (minute < EVAL_MINUTES)
                    metric_add(&m->minute[minute], hr + t, act + t, 1);
                if (m->has_sigma && isfinite(sg[t]) && sg[t] > 0) {
                    double z = fabs(hr[t] - act[t]) / sg[t];
                    m->cover_n++;
                    m->cover50 += z <= 0.6744897501960817;
                    m->cover90 += z <= 1.6448536269514722;
                }
            }
            double minutes = s.n * s.step / 60.0;
            int db = minutes < 30 ? 0 : minutes < 60 ? 1 : minutes < 90 ? 2 : 3;
            metric_merge(&m->duration[db], &m->w[i]);
            metric_merge(&m->intensity[ev->intensity[i]], &m->w[i]);
            metric_merge(&m->athlete[ev->athlete_of[i]], &m->w[i]);
            wm[i] = metric_mae(&m->w[i]);
            if (keep_preds) {
                m->pred[i] = hr;
                m->sigma[i] = m->has_sigma ? sg : NULL;
                if (!m->has_sigma)
                    free(sg);
            } else {
                free(hr);
                free(sg);
            }
        }
        m->wmae_median = quantile(wm, n, 0.5);
        m->wmae_q1 = quantile(wm, n, 0.25);
        m->wmae_q3 = quantile(wm, n, 0.75);
        m->wmae_p90 = quantile(wm, n, 0.9);
        free(wm);
        bootstrap(m, n, seed);
    }
    return 0;
}

void evaluation_free(struct evaluation *ev)
{
    for (int k = 0; k < EVAL_MAX_MODELS; k++) {
        struct eval_model *m = &ev->m[k];
        if (m->pred)
            for (int i = 0; i < ev->nw; i++) {
                free(m->pred[i]);
                free(m->sigma[i]);
            }
        free(m->pred);
        free(m->sigma);
        free(m->w);
        free(m->athlete);
    }
    free(ev->idx);
    free(ev->intensity);
    free(ev->athlete_of);
    free(ev->athletes);
    memset(ev, 0, sizeof *ev);
}

const char *eval_group_title(enum eval_group g)
{
    static const char *t[EG_COUNT] = {"by intensity (from speed only)", "by duration", "by athlete"};
    return (unsigned)g < EG_COUNT ? t[g] : "?";
}

int eval_group_size(const struct evaluation *ev, enum eval_group g)
{
    return g == EG_INTENSITY ? EVAL_INTENSITIES : g == EG_DURATION ? EVAL_DURATIONS : ev->n_athletes;
}

const char *eval_group_name(const struct evaluation *ev, enum eval_group g, int i)
{
    return g == EG_INTENSITY ? intensity_name(i) : g == EG_DURATION ? duration_bucket_name(i) : ev->athletes[i];
}

const struct metric_acc *eval_group_acc(const struct eval_model *m, enum eval_group g, int i)
{
    return g == EG_INTENSITY ? &m->intensity[i] : g == EG_DURATION ? &m->duration[i] : &m->athlete[i];
}

static const struct evaluation *g_ev; /* qsort context (single-threaded) */
static int g_k;
static int cmp_rank(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    double x = metric_mae(&g_ev->m[g_k].w[i]), y = metric_mae(&g_ev->m[g_k].w[j]);
    int nx = isnan(x), ny = isnan(y);
    if (nx != ny)
        return nx - ny;
    if (!nx && x != y)
        return x < y ? -1 : 1;
    return i - j;
}

int *eval_rank(const struct evaluation *ev, int k)
{
    int *r = malloc(sizeof(int) * (size_t)(ev->nw ? ev->nw : 1));
    if (!r)
        return NULL;
    for (int i = 0; i < ev->nw; i++)
        r[i] = i;
    g_ev = ev;
    g_k = k;
    qsort(r, (size_t)ev->nw, sizeof(int), cmp_rank);
    g_ev = NULL;
    return r;
}
