/* calibrate.h — live calibration from the HR so far: a run's recorded HR over its first W seconds shifts the
 * prediction of the rest by an offset, the posterior mean of the day's offset under a zero-mean prior: the
 * residuals (recorded - predicted) of the valid steps in [start, W), summed, over (their count + k). The
 * start skips the first minutes (warm-up transients, optical lock-on): a warm-up in seconds, or a tail (only
 * the window's last seconds count). k is the prior strength in steps (huge = never trust the window, i.e.
 * uncalibrated). The default trust (the window's last 2 minutes, k 10) is what predict, replay, plan and the
 * server use; eval can learn one by grid search on runs of a validation part instead (docs/live.md has the
 * measurements of both). Metrics count only the steps at t >= W. */
#ifndef HRCAST_EVAL_CALIBRATE_H
#define HRCAST_EVAL_CALIBRATE_H
#include "eval/metrics.h"

struct calib_trust {
    float warm_s; /* seconds at the start whose residuals are ignored */
    float k;      /* prior strength, steps (CALIB_NEVER: the window is not trusted at all) */
    float tail_s; /* > 0: only the window's last tail_s seconds count (and none before warm_s); 0: all after
                   * warm_s */
};
#define CALIB_NEVER 1e9f
/* The default trust: the last 120 s of the window, prior 10 steps (docs/live.md, measured on the five real
 * athletes' validation and test runs). */
#define CALIB_DEFAULT_TRUST {0.0f, 10.0f, 120.0f}

/* One run's predictions and recorded HR (NaN where masked), n steps of step seconds. */
struct calib_run {
    const float *pred, *rec;
    int n;
};

float calib_offset(const struct calib_run *r, float step, float window_s, const struct calib_trust *t);
/* The first step whose residual calib_offset counts, for a run of n steps (after the warm-up, within the tail). */
int calib_first_step(float step, float window_s, int n, const struct calib_trust *t);
/* "WARM_S,K" or "WARM_S,K,TAIL_S" (k "never" or >= CALIB_NEVER: not trusted) -> t; 0, or -1 when malformed. */
int calib_parse_trust(const char *text, struct calib_trust *t);
/* "last 120 s of the window, prior 10 steps", "warm-up 180 s, prior 10 steps", "window not trusted". */
void calib_trust_text(const struct calib_trust *t, char *buf, size_t cap);
/* Add the steps at t >= window_s with the prediction shifted by the offset (out->n counts them). */
void calib_add(struct metric_acc *acc, const struct calib_run *r, float step, float window_s, float offset);
/* The window's mean recorded HR, and the last recorded HR in it, held for the rest (NaN: none valid). */
float calib_window_mean(const struct calib_run *r, float step, float window_s);
float calib_last(const struct calib_run *r, float step, float window_s);
/* The trust with the least MAE after the window over runs (the grid: warm-ups and tails, each with prior
 * strengths, and "never": no calibration). */
struct calib_trust calib_learn(const struct calib_run *runs, int n, float step, float window_s);
/* "5m,10m,20m", "600", "90s", "1h" -> seconds (cap of them at most); the count, -1 when malformed or over cap.
 * Shared by the CLI's --calibrate and the server's ?calibrate=. */
int calib_parse_windows(const char *text, float *out, int cap);

#endif
