/* live.c — the calibrated view of a served prediction (see live.h). */
#include "serve/live.h"
#include "eval/calibrate.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int serve_calib_param(const char *text, float *window_s, char *why, size_t cap)
{
    float w;
    if (calib_parse_windows(text, &w, 1) != 1 || !isfinite(w)) {
        snprintf(why, cap, "calibrate: '%.40s' is not a window in seconds (600, 600s) or minutes (10m)", text);
        return -1;
    }
    if (w < SERVE_CALIB_MIN_S || w > SERVE_CALIB_MAX_S) {
        snprintf(why, cap, "calibrate: %g s is outside [%g, %g] s", w, SERVE_CALIB_MIN_S, SERVE_CALIB_MAX_S);
        return -1;
    }
    *window_s = w;
    return 0;
}

int serve_predict_calibrate(struct predict_result *res, float window_s, const struct calib_trust *trust,
                            struct sbuf *err)
{
    const struct series *s = &res->s;
    int w = (int)ceilf(window_s / s->step - 1e-4f), with_hr = 0;
    char msg[320];
    if (w >= s->n) {
        snprintf(msg, sizeof msg, "calibrate: the window (%g s) is not shorter than the run (%g s)", window_s,
                 s->n * (double)s->step);
        serve_error_json(err, msg);
        return 400;
    }
    for (int i = 0; i < w; i++)
        with_hr += isfinite(res->actual[i]) != 0;
    if (!with_hr) {
        snprintf(msg, sizeof msg, "calibrate: no heart rate recorded in the first %g s; the window needs it",
                 window_s);
        serve_error_json(err, msg);
        return 400;
    }
    res->hr_cal = malloc(sizeof(float) * (size_t)s->n);
    if (!res->hr_cal) {
        serve_error_json(err, "out of memory");
        return 500;
    }
    const struct calib_trust t = *trust;
    res->calib_trust = t;
    struct calib_run cr = {res->hr, res->actual, s->n};
    res->calib_s = window_s;
    res->calib_steps = w;
    res->calib_offset = calib_offset(&cr, s->step, window_s, &t);
    res->calib_offset_steps = calib_offset_steps(&cr, s->step, window_s, &t);
    if (res->calib_offset_steps == 0 && t.k < CALIB_NEVER) { /* as `hrcast predict --calibrate` warns */
        char tt[160];
        calib_trust_text(&t, tt, sizeof tt);
        snprintf(msg, sizeof msg, "calibrate: no recorded HR in the part of the window the trust counts (%s): "
                                  "not calibrated", tt);
        size_t k = strlen(res->warnings);
        snprintf(res->warnings + k, sizeof res->warnings - k, "%s%s", k ? "\n" : "", msg);
    }
    struct metric_acc cal, unc;
    metric_reset(&cal);
    metric_reset(&unc);
    calib_add(&cal, &cr, s->step, window_s, res->calib_offset, &t);
    calib_add(&unc, &cr, s->step, window_s, 0.0f, NULL);
    res->calib_after_steps = (int)cal.n;
    res->calib_mae = cal.n ? metric_mae(&cal) : NAN;
    res->calib_mae_uncal = unc.n ? metric_mae(&unc) : NAN;
    memcpy(res->hr_cal, res->hr, sizeof(float) * (size_t)s->n);
    calib_apply(res->hr_cal, s->n, s->step, window_s, res->calib_offset, &t);
    return 200;
}
