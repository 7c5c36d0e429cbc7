/* calibrate.h — live calibration from the HR so far: a run's recorded HR over its first W seconds shifts the
 * prediction of the rest. The offset at the window's end is the posterior mean of the day's offset under a
 * zero-mean prior: the residuals (recorded - predicted) of the valid steps in [start, W), summed, over (their
 * count + k). The start skips the first minutes (warm-up transients, optical lock-on): a warm-up in seconds,
 * or a tail (only the window's last seconds count). k is the prior strength in steps (huge = never trust the
 * window, i.e. uncalibrated). The shift then fades: h seconds after the window it is
 * offset x (persist + (1 - persist) x exp(-h / tau)), because what the HR is doing now says more about the
 * next minutes than about the next hour (docs/live.md: on the real runners' validation runs, the share of the
 * window's residual still there 0-10 min after the window is about 0.7, after 30-60 min about 0.3); tau 0
 * holds the offset. The default trust depends on whether the model already knows the runner
 * (predictor_knows_runner: finetuned to them, or holding parameters fitted on their runs): then the window's
 * last 30 s, no prior, fading to 40 % with a time constant of 7.5 min (what is left of its offset is mostly
 * the day's and the hour's); for a general model the same window
 * fading only to 80 % with a time constant of 2.5 min (its offset is mostly the runner's own level, which
 * lasts). predict, replay, plan, the server and eval use it; eval can learn one by grid search on runs of a
 * validation part instead (docs/live.md has the measurements of both). Metrics count only the steps at
 * t >= W. */
#ifndef HRCAST_EVAL_CALIBRATE_H
#define HRCAST_EVAL_CALIBRATE_H
#include "eval/metrics.h"

struct calib_trust {
    float warm_s; /* seconds at the start whose residuals are ignored */
    float k;      /* prior strength, steps (CALIB_NEVER: the window is not trusted at all) */
    float tail_s; /* > 0: only the window's last tail_s seconds count (and none before warm_s); 0: all after
                   * warm_s */
    float persist; /* the share of the offset that lasts (0..1) */
    float tau_s;   /* the time constant, seconds, of the fade from the offset to persist x offset; 0: held */
};
#define CALIB_NEVER 1e9f
/* The default trust for a model that knows the runner: the last 30 s of the window, no prior, fading to
 * 40 % with a time constant of 450 s (docs/live.md: chosen on the five real athletes' validation runs
 * under their finetuned models). */
#define CALIB_PERSONAL_TRUST {0.0f, 0.0f, 30.0f, 0.4f, 450.0f}
/* The default trust for a general model (one that does not know the runner): the last 30 s, no
 * prior, fading to 80 % with a time constant of 150 s (docs/live.md: chosen on the validation runs of
 * each athlete left out of the leave-one-out models). */
#define CALIB_GENERAL_TRUST {0.0f, 0.0f, 30.0f, 0.8f, 150.0f}

/* One run's predictions and recorded HR (NaN where masked), n steps of step seconds. */
struct calib_run {
    const float *pred, *rec;
    int n;
};

float calib_offset(const struct calib_run *r, float step, float window_s, const struct calib_trust *t);
/* How many steps with recorded HR calib_offset averages (0: the offset is 0, measured on nothing). */
int calib_offset_steps(const struct calib_run *r, float step, float window_s, const struct calib_trust *t);
/* The first step whose residual calib_offset counts, for a run of n steps (after the warm-up, within the tail). */
int calib_first_step(float step, float window_s, int n, const struct calib_trust *t);
/* The shift after_s seconds after the window's end: offset x (persist + (1 - persist) exp(-after_s / tau)). */
float calib_shift(const struct calib_trust *t, float offset, float after_s);
/* "WARM_S,K", "WARM_S,K,TAIL_S" or "WARM_S,K,TAIL_S,PERSIST,TAU_S" (k "never" or >= CALIB_NEVER: not
 * trusted; PERSIST in [0, 1]) -> t; 0, or -1 when malformed. */
int calib_parse_trust(const char *text, struct calib_trust *t);
/* "last 30 s of the window, prior 0 steps, fading to 40 % (time constant 450 s)", "warm-up 180 s, prior 10
 * steps", "window not trusted". */
void calib_trust_text(const struct calib_trust *t, char *buf, size_t cap);
/* The default trust: CALIB_PERSONAL_TRUST when the model knows the runner (personal 1, predictor_knows_runner),
 * else CALIB_GENERAL_TRUST. */
struct calib_trust calib_default_trust(int personal);
/* Whose default a trust is, in words: knows 1 "the default of a model that knows the runner", 0 "the default
 * of a general model", 2 (some runs' models know their runner, some not) "each run's default (the model
 * knows some of the runners)". */
const char *calib_default_source(int knows);
/* Shift the steps at t >= window_s of hr[0..n) by the offset, faded by t (NULL: held). */
void calib_apply(float *hr, int n, float step, float window_s, float offset, const struct calib_trust *t);
/* Add the steps at t >= window_s with the prediction shifted by the offset, faded by t (NULL: held; out->n
 * counts them). */
void calib_add(struct metric_acc *acc, const struct calib_run *r, float step, float window_s, float offset,
               const struct calib_trust *t);
/* The window's mean recorded HR, and the last recorded HR in it, held for the rest (NaN: none valid). */
float calib_window_mean(const struct calib_run *r, float step, float window_s);
float calib_last(const struct calib_run *r, float step, float window_s);
/* The trust with the least MAE after the window over runs (the grid: warm-ups and tails, each with prior
 * strengths and fades, and "never": no calibration). */
struct calib_trust calib_learn(const struct calib_run *runs, int n, float step, float window_s);
/* The longest calibration window: 7 days (longer than any run hrcast reads). */
#define CALIB_MAX_WINDOW_S 604800.0
/* "5m,10m,20m", "600", "90s", "1h" -> seconds (cap of them at most); the count, -1 when malformed, not a
 * positive duration of at most CALIB_MAX_WINDOW_S, or over cap. Shared by the CLI's --calibrate and the
 * server's ?calibrate=. */
int calib_parse_windows(const char *text, float *out, int cap);

#endif
