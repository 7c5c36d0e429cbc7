/* so_far.c — the part of a race already run as a calibrated stream, and the rest of the course
 * (see so_far.h, docs/plan.md "Re-planning during a race"). */
#include "plan/so_far.h"
#include "data/runs.h"
#include "io/limits.h"
#include "model/stream.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SO_FAR_MIN_S 120.0 /* a shorter part run calibrates nothing */

int plan_so_far_from_series(const struct predictor *p, const struct series *s, const struct calib_trust *trust,
                            struct plan_so_far *sf, struct hr_err *e)
{
    memset(sf, 0, sizeof *sf);
    sf->trust = *trust;
    snprintf(sf->source, sizeof sf->source, "%s", s->meta.source);
    if (fabsf(s->step - p->step) > 1e-4f)
        return hr_fail(e, "%s: grid step %g s, the model's is %g s", s->meta.source, s->step, p->step);
    if (s->n * (double)s->step < SO_FAR_MIN_S)
        return hr_fail(e, "%s: %.0f s run so far; --so-far needs at least %.0f s to calibrate", s->meta.source,
                       s->n * (double)s->step, SO_FAR_MIN_S);
    if (s->n * (double)s->step > HR_LIMIT_DURATION_S - 3600)
        return hr_fail(e, "%s: %.1f h run so far leaves no room on the %.0f h grid", s->meta.source,
                       s->n * s->step / 3600.0, HR_LIMIT_DURATION_S / 3600);
    sf->st = hr_stream_open(p, s->meta.gender, s->meta.athlete, (float)(HR_LIMIT_DURATION_S / 3600), e);
    if (!sf->st)
        return -1;
    for (int k = 0; k < s->n; k++)
        if (hr_stream_push(sf->st, S_TIME(s)[k], S_SPEED(s)[k], S_ALT(s)[k], S_HR(s)[k], e)) {
            char why[sizeof e->msg];
            snprintf(why, sizeof why, "%s", e->msg);
            plan_so_far_free(sf);
            return hr_fail(e, "%s: step %d (%.0f s): %s", s->meta.source, k, S_TIME(s)[k], why);
        }
    sf->steps = hr_stream_steps(sf->st);
    /* now: the recording's last sample, its raw duration (the grid's last step is at most a step before it);
     * it was steps x step, up to a step more than was run, which the rest of the plan then lacked */
    double last_step = (s->n - 1) * (double)s->step;
    sf->elapsed_s = s->meta.raw_duration >= last_step && s->meta.raw_duration <= last_step + s->step
                        ? s->meta.raw_duration
                        : last_step;
    sf->step_s = s->step;
    for (int k = 0; k < s->n; k++) {
        /* the distance run up to now: each step's speed to the next step, the last one's to now */
        double dt = k < s->n - 1 ? s->step : sf->elapsed_s - last_step;
        if (isfinite(S_SPEED(s)[k]))
            sf->dist_m += S_SPEED(s)[k] * dt;
        if (isfinite(S_ALT(s)[k]))
            sf->last_alt = S_ALT(s)[k];
        else if (k == 0)
            sf->last_alt = NAN;
    }
    float *pred = malloc(sizeof(float) * (size_t)(sf->steps + 1)), *rec = malloc(sizeof(float) * (size_t)(sf->steps + 1));
    if (!pred || !rec) {
        free(pred);
        free(rec);
        plan_so_far_free(sf);
        return hr_fail(e, "plan: out of memory");
    }
    hr_stream_predict(sf->st, pred, NULL, NULL, rec);
    struct calib_run cr = {pred, rec, sf->steps};
    float window = (float)(sf->steps * (double)s->step); /* every step recorded so far calibrates */
    sf->offset = calib_offset(&cr, s->step, window, trust);
    sf->offset_steps = calib_offset_steps(&cr, s->step, window, trust);
    double su = 0, sc = 0;
    int from = calib_first_step(s->step, window, sf->steps, trust);
    for (int k = 0; k < sf->steps; k++)
        if (isfinite(rec[k]) && isfinite(pred[k])) {
            sf->hr_steps++;
            if (k >= from) {
                su += fabs(rec[k] - pred[k]);
                sc += fabs(rec[k] - pred[k] - sf->offset);
            }
        }
    int m = 0;
    for (int k = from; k < sf->steps; k++)
        m += isfinite(rec[k]) && isfinite(pred[k]);
    sf->mae_uncal = m ? su / m : NAN;
    sf->mae_cal = m ? sc / m : NAN;
    free(pred);
    free(rec);
    if (sf->hr_steps == 0) {
        plan_so_far_free(sf);
        return hr_fail(e, "%s: no heart rate recorded; --so-far calibrates from the HR so far", s->meta.source);
    }
    return 0;
}

int plan_so_far_load(const struct predictor *p, const char *path, char gender, const char *athlete,
                     const struct calib_trust *trust, struct plan_so_far *sf, struct hr_err *e)
{
    struct run_list runs;
    memset(sf, 0, sizeof *sf);
    if (load_runs(path, p->step, NULL, &runs, e))
        return -1;
    if (runs.n < 1) {
        run_list_free(&runs);
        return hr_fail(e, "%s: no workout in the file", path);
    }
    struct series *s = &runs.s[0];
    if (gender != 'u')
        s->meta.gender = gender;
    if (athlete && *athlete)
        snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete);
    int rc = plan_so_far_from_series(p, s, trust, sf, e);
    run_list_free(&runs);
    return rc;
}

void plan_so_far_free(struct plan_so_far *sf)
{
    hr_stream_free(sf->st);
    sf->st = NULL;
}

int plan_so_far_forecast(struct plan_so_far *sf, const float *speed, const float *alt, int n, float *hr,
                         struct hr_err *e)
{
    if (hr_stream_forecast(sf->st, speed, alt, n, hr, e))
        return -1;
    for (int k = 0; k < n; k++) /* step k of the forecast is k steps after the part run so far, as in calib_apply */
        hr[k] += calib_shift(&sf->trust, sf->offset, (float)k * sf->step_s);
    return 0;
}

int plan_course_rest(const struct plan_course *c, double from_m, float start_alt, struct plan_course *out,
                     struct hr_err *e)
{
    memset(out, 0, sizeof *out);
    double left = c->length - from_m;
    if (!(left >= PLAN_COURSE_MIN_M))
        return hr_fail(e, "plan: %.2f km run of a %.2f km course leaves %.0f m; re-planning needs at least %.0f m",
                       from_m / 1000, c->length / 1000, left > 0 ? left : 0, PLAN_COURSE_MIN_M);
    int n = (int)ceil(left / PLAN_COURSE_SPACING) + 1;
    double *d = malloc(sizeof(double) * (size_t)n);
    float *a = malloc(sizeof(float) * (size_t)n);
    if (!d || !a) {
        free(d);
        free(a);
        return hr_fail(e, "plan: out of memory");
    }
    double shift = c->has_alt && isfinite(start_alt) ? start_alt - plan_course_alt(c, from_m) : 0;
    for (int i = 0; i < n; i++) {
        d[i] = left * i / (n - 1);
        a[i] = (float)(plan_course_alt(c, from_m + d[i]) + shift);
    }
    char name[256];
    snprintf(name, sizeof name, "%.200s (from %.2f km)", c->name, from_m / 1000);
    int rc = plan_course_from_points(out, d, c->has_alt ? a : NULL, n, name, e);
    free(d);
    free(a);
    return rc;
}
