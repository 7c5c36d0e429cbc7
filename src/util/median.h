/* median.h — the median of the values of an array above a floor (a workout's moving speeds): one
 * definition for the features (workout_median_speed) and the CSV reader's km/h check. */
#ifndef HRCAST_UTIL_MEDIAN_H
#define HRCAST_UTIL_MEDIAN_H
#include <stddef.h>

/* Median of the v[i] > floor (NaN never is); none when there is no such value (or no memory to sort). */
float median_above(const float *v, size_t n, float floor, float none);

#endif
