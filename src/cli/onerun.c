/* onerun.c — see onerun.h. */
#include "cli/onerun.h"
#include "eval/metrics.h"
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int onerun_load(struct onerun *r, const char *cmd, const char *model, const char *file, int which)
{
    memset(r, 0, sizeof *r);
    r->mae = NAN;
    struct hr_err e = {{0}};
    if (predictor_load(model, &r->p, &e)) {
        fprintf(stderr, "hrcast %s: %s\n", cmd, e.msg);
        return -1;
    }
    if (load_runs(file, r->p.step, NULL, &r->runs, &e)) {
        fprintf(stderr, "hrcast %s: %s\n", cmd, e.msg);
        predictor_free(&r->p);
        return -1;
    }
    if (which < 0 || which >= r->runs.n) {
        fprintf(stderr, "hrcast %s: %s holds %d workout(s); --index %d is out of range\n", cmd, file, r->runs.n, which);
        onerun_free(r);
        return -1;
    }
    r->s = &r->runs.s[which];
    size_t n = (size_t)(r->s->n ? r->s->n : 1);
    r->hr = malloc(sizeof(float) * n);
    r->sigma = malloc(sizeof(float) * n);
    /* the model sees speed and terrain only: predict from a copy without the recorded HR */
    struct series blind = *r->s;
    float *nan_hr = malloc(sizeof(float) * n);
    if (!r->hr || !r->sigma || !nan_hr) {
        free(nan_hr);
        fprintf(stderr, "hrcast %s: out of memory\n", cmd);
        onerun_free(r);
        return -1;
    }
    for (int t = 0; t < r->s->n; t++)
        nan_hr[t] = NAN;
    blind.ch[CH_HR] = nan_hr;
    int rc = predictor_predict(&r->p, &blind, r->hr, r->p.has_sigma ? r->sigma : NULL, &e);
    free(nan_hr);
    if (rc) {
        fprintf(stderr, "hrcast %s: %s\n", cmd, e.msg);
        onerun_free(r);
        return -1;
    }
    struct metric_acc acc;
    metric_reset(&acc);
    metric_add(&acc, r->hr, S_HR(r->s), r->s->n);
    r->mae = metric_mae(&acc);
    char base[512];
    snprintf(base, sizeof base, "%s", r->s->meta.source);
    if (acc.n)
        snprintf(r->title, sizeof r->title, "%s - %s model, MAE %.1f bpm", basename(base), r->p.kind, r->mae);
    else
        snprintf(r->title, sizeof r->title, "%s - %s model (no recorded HR)", basename(base), r->p.kind);
    return 0;
}

void onerun_plot(const struct onerun *r, struct workout_plot *wp)
{
    memset(wp, 0, sizeof *wp);
    const struct series *s = r->s;
    wp->t = S_TIME(s);
    wp->hr_actual = series_valid_hr(s) ? S_HR(s) : NULL;
    wp->hr_pred = r->hr;
    wp->hr_sigma = r->p.has_sigma ? r->sigma : NULL;
    wp->speed = S_SPEED(s);
    wp->altitude = s->meta.has_alt ? S_ALT(s) : NULL;
    wp->n = (size_t)s->n;
    wp->title = r->title;
    wp->pace = 1;
}

void onerun_free(struct onerun *r)
{
    free(r->hr);
    free(r->sigma);
    run_list_free(&r->runs);
    predictor_free(&r->p);
    memset(r, 0, sizeof *r);
}
