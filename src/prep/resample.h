/* resample.h — irregular samples onto a uniform grid: bin averages, bounded interpolation,
 * and the cumulative-distance helpers that speed derivation uses. Internal to src/prep. */
#ifndef HRCAST_PREP_RESAMPLE_H
#define HRCAST_PREP_RESAMPLE_H
#include <stdint.h>

/* out[k] for grid times t0 + k*step: mean of the valid (finite) samples in
 * [tk - step/2, tk + step/2); else linear interpolation between the nearest valid samples on each
 * side when they are at most max_interp seconds apart; else NaN. t is strictly increasing. */
void resample_channel(const double *t, const float *v, int n, double t0, float step, int nsteps,
                      float max_interp, float *out);
/* Value of a monotone cumulative series D at time x (linear, clamped at the ends). */
double interp_at(const double *t, const double *d, int n, double x, int *hint);
/* Great-circle distance in metres. */
double haversine_m(double lat1, double lon1, double lat2, double lon2);

#endif
