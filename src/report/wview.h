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
/* Axis label of the speed panel. */
const char *wview_speed_label(const struct workout_plot *w);

#endif
