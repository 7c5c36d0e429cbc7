/* calibrate.h — live calibration from the HR so far: a run's recorded HR over its first W seconds shifts the
 * prediction of the rest by an offset, the posterior mean of the day's offset under a zero-mean prior: the
 * residuals (recorded - predicted) of the valid steps in [warm-up, W), summed, over (their count + k). The
 * warm-up (minutes ignored: warm-up transients, optical lock-on) and k (prior strength in steps; huge = never
 * trust the window, i.e. uncalibrated) are learned by grid search on runs of a validation part, so the
 * calibration is never worse there than not calibrating. Metrics count only the steps at t >= W. */
#ifndef HRCAST_EVAL_CALIBRATE_H
#define HRCAST_EVAL_CALIBRATE_H
#include "eval/metrics.h"

struct calib_trust {
    float warm_s; /* seconds at the start whose residuals are ignored */
    float k;      /* prior strength, steps (CALIB_NEVER: the window is not trusted at all) */
};
#define CALIB_NEVER 1e9f

/* One run's predictions and recorded HR (NaN where masked), n steps of step seconds. */
struct calib_run {
    const float *pred, *rec;
    int n;
};

float calib_offset(const struct calib_run *r, float step, float window_s, const struct calib_trust *t);
/* Add the steps at t >= window_s with the prediction shifted by the offset (out->n counts them). */
void calib_add(struct metric_acc *acc, const struct calib_run *r, float step, float window_s, float offset);
/* The window's mean recorded HR, and the last recorded HR in it, held for the rest (NaN: none valid). */
float calib_window_mean(const struct calib_run *r, float step, float window_s);
float calib_last(const struct calib_run *r, float step, float window_s);
/* The trust with the least MAE after the window over runs (the grid includes "never": no calibration). */
struct calib_trust calib_learn(const struct calib_run *runs, int n, float step, float window_s);
/* "5m,10m,20m", "600", "90s", "1h" -> seconds (cap of them at most); the count, -1 when malformed or over cap.
 * Shared by the CLI's --calibrate and the server's ?calibrate=. */
int calib_parse_windows(const char *text, float *out, int cap);

#endif
