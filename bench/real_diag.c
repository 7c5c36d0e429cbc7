/* real_diag.c — the benchmark's diagnostics (see real_diag.h): blend weight on validation, the online
 * recent-form correction from earlier workouts, and the per-workout oracle offset bound. */
#include "real_diag.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wk {
    int idx;
    double start;
    int n;
    float *pa, *pb, *hr;
    double resid; /* mean (hr - blended prediction) over valid steps; NaN when none */
};

static int by_start(const void *x, const void *y)
{
    const struct wk *a = x, *b = y;
    double sa = isfinite(a->start) ? a->start : 1e300, sb = isfinite(b->start) ? b->start : 1e300;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

static float *predict_or_die(const struct predictor *p, const struct series *s)
{
    float *y = malloc(sizeof(float) * (size_t)(s->n ? s->n : 1));
    struct hr_err e = {{0}};
    if (!y || predictor_predict(p, s, y, NULL, &e)) {
        fprintf(stderr, "real_diag: predict: %s\n", e.msg);
        exit(1);
    }
    return y;
}

static void blend(const struct wk *w, double weight, float *out)
{
    for (int t = 0; t < w->n; t++)
        out[t] = w->pb ? (float)(weight * w->pa[t] + (1 - weight) * w->pb[t]) : w->pa[t];
}

void real_diag(const struct dataset *ds, const char *athlete, const struct predictor *a, const struct predictor *b,
               struct diag_cell *out)
{
    memset(out, 0, sizeof *out);
    struct wk *ws = calloc((size_t)(ds->n ? ds->n : 1), sizeof *ws);
    int nw = 0, max_n = 1;
    for (int i = 0; i < ds->n; i++) {
        if (strcmp(ds->meta[i].athlete, athlete))
            continue;
        struct series s;
        dataset_series(ds, i, &s);
        struct wk *w = &ws[nw++];
        w->idx = i;
        w->start = ds->meta[i].start_time;
        w->n = s.n;
        w->pa = predict_or_die(a, &s);
        w->pb = b ? predict_or_die(b, &s) : NULL;
        w->hr = S_HR(&s); /* a view into the mapping */
        if (s.n > max_n)
            max_n = s.n;
    }
    qsort(ws, (size_t)nw, sizeof *ws, by_start);
    float *y = malloc(sizeof(float) * (size_t)max_n);

    /* blend weight: lowest MAE on the athlete's validation part, in steps of 0.1 */
    double best_w = 1, best = INFINITY;
    for (int k = 0; b && k <= 10; k++) {
        struct metric_acc acc = {0};
        for (int i = 0; i < nw; i++) {
            if (ds->split[SPLIT_CHRONO][ws[i].idx] != PART_VAL)
                continue;
            blend(&ws[i], k / 10.0, y);
            metric_add(&acc, y, ws[i].hr, ws[i].n);
        }
        double m = metric_mae(&acc);
        if (isfinite(m) && m < best - 1e-9) {
            best = m;
            best_w = k / 10.0;
        }
    }
    out->weight = best_w;

    for (int i = 0; i < nw; i++) {
        blend(&ws[i], best_w, y);
        double s = 0;
        int c = 0;
        for (int t = 0; t < ws[i].n; t++)
            if (isfinite(ws[i].hr[t]) && isfinite(y[t])) {
                s += ws[i].hr[t] - y[t];
                c++;
            }
        ws[i].resid = c ? s / c : NAN;
    }
    for (int i = 0; i < nw; i++) {
        if (ds->split[SPLIT_CHRONO][ws[i].idx] != PART_TEST)
            continue;
        double recent = 0;
        int c = 0;
        for (int j = i - 1; j >= 0 && c < DIAG_RECENT_K; j--)
            if (isfinite(ws[j].resid)) {
                recent += ws[j].resid;
                c++;
            }
        recent = c ? recent / c : 0;
        blend(&ws[i], best_w, y);
        metric_add(&out->plain, y, ws[i].hr, ws[i].n);
        for (int t = 0; t < ws[i].n; t++)
            y[t] += (float)recent;
        metric_add(&out->recent, y, ws[i].hr, ws[i].n);
        double own = isfinite(ws[i].resid) ? ws[i].resid : 0;
        for (int t = 0; t < ws[i].n; t++)
            y[t] += (float)(own - recent);
        metric_add(&out->oracle, y, ws[i].hr, ws[i].n);
    }
    for (int i = 0; i < nw; i++) {
        free(ws[i].pa);
        free(ws[i].pb);
    }
    free(ws);
    free(y);
}
