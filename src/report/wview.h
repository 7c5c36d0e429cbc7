/* wview.h — internal helpers shared by the workout figure and its animation: time in minutes,
 * speed as shown (m/s or pace), MAE over valid pairs. Not part of the public report API. */
#ifndef HRCAST_REPORT_WVIEW_H
#define HRCAST_REPORT_WVIEW_H
#include <stddef.h>
#include "report/charts.h"

/* Slowest speed shown as a pace; slower samples become gaps (a standing runner has no pace). */
#define PACE_MIN_SPEED 1.2f

/* malloc'ed t/60. */
float *wview_minutes(const struct workout_plot *w);
/* malloc'ed speed in m/s, or pace in min/km when w->pace (NaN below PACE_MIN_SPEED). */
float *wview_speed(const struct workout_plot *w);
/* Mean |pred - actual| over the first n pairs where both are finite; NaN when none. */
double wview_mae(const float *pred, const float *actual, size_t n);
/* Minimum span of the speed panel: a steady run keeps a flat line, not its noise stretched to the panel's
 * height (as the altitude panel's 10 m). */
#define PACE_MIN_SPAN 0.5  /* min/km: 30 s */
#define SPEED_MIN_SPAN 0.5 /* m/s */
/* The speed panel's y range for the n values of sp (wview_speed): their range padded by 4 % each side, widened
 * about its middle to PACE_MIN_SPAN or SPEED_MIN_SPAN. 0, or -1 (lo, hi untouched) when no value is finite. */
int wview_speed_range(const struct workout_plot *w, const float *sp, size_t n, double *lo, double *hi);
/* Axis label of the speed panel. */
const char *wview_speed_label(const struct workout_plot *w);

#endif
