/* anim_forecast.h — a GIF of a live forecast evolving during a run (`hrcast replay --gif`): each frame is
 * one moment of the replay, with the recorded HR so far, the forecast made at that moment for the rest of
 * the run, the recorded HR still to come (faint, for comparison), a line at "now" and, when the forecasts
 * are calibrated, the calibration window shaded. Written with report/gif.h, deterministic bytes. */
#ifndef HRCAST_REPORT_ANIM_FORECAST_H
#define HRCAST_REPORT_ANIM_FORECAST_H
#include "report/charts.h"
#include "util/err.h"

struct forecast_anim {
    const float *t;         /* n grid times (s) */
    const float *hr_actual; /* n recorded HR (NaN = none) */
    int n;
    int moments;            /* forecasts made (rows of the replay) */
    const int *now;         /* moments: at moment m the steps [0, now[m]) are known */
    const float *forecast;  /* moments x n: moment m's forecast for steps >= now[m] (NaN before) */
    float window_s;         /* > 0: the calibration window [0, window_s) is shaded */
    const char *title;      /* "" or NULL: none */
    int width, height;      /* px; 0 = 800 x 450 */
};

/* One frame per moment (at most o->frames, 0 = 120: moments are then taken evenly); o may be NULL. Returns the
 * frames written, or -1 with e filled. */
int animate_forecast(const struct forecast_anim *a, const struct anim_opts *o, const char *path,
                     struct hr_err *e);

#endif
