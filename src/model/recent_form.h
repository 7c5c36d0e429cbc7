/* recent_form.h — the runner's recent form (docs/features.md, "Recent form"): how far a model was off on the
 * runner's own latest runs, carried over to their next run as a shift of the whole prediction:
 *     shift = (sum of the mean residuals of the athlete's last FORM_RUNS runs that started within FORM_DAYS
 *              days before the run) / (their count + FORM_PRIOR),
 * a residual being recorded - predicted over a run's trusted HR steps (at least FORM_MIN_S seconds of them).
 * Fitness, heat and the sensor's fit change over weeks; a model fitted on older runs misses that, and the
 * runner's latest runs show it. Only earlier runs' HR enters the shift, never the HR of the run predicted.
 * The constants were chosen on the chrono validation runs of ../shared (docs/results.md, "Recent form").
 * This file owns the history of residuals, the rule, the measurement of one run's residual and the predictor
 * that wraps a model with the shift. */
#ifndef HRCAST_MODEL_RECENT_FORM_H
#define HRCAST_MODEL_RECENT_FORM_H
#include "model/predictor.h"

#define FORM_RUNS 3        /* the latest runs that count */
#define FORM_DAYS 7.0      /* ... when they started at most this many days before the run */
#define FORM_PRIOR 3.0     /* runs' worth of a zero shift the residuals are averaged with */
#define FORM_MIN_S 300.0f  /* seconds of trusted HR a run needs to count */

struct form_run {
    char athlete[WK_ATHLETE_LEN];
    double start_time; /* Unix seconds; NaN: unknown (such runs count only for a planned run, and only when
                        * none of the runner's runs has a time) */
    float residual;    /* bpm: recorded - predicted, mean over the run's trusted steps */
};

struct form_history {
    int n, cap;
    struct form_run *r;
};

void form_history_init(struct form_history *h);
void form_history_free(struct form_history *h);
/* Append one run. -1 on out of memory. */
int form_history_add(struct form_history *h, const char *athlete, double start_time, float residual);
/* The shift (bpm) for a run of `athlete` ("" or NULL: any runner's history counts) starting at start_time:
 * the runs of the history that started before it and at most FORM_DAYS days before. start_time NaN (a
 * planned run): the runs within FORM_DAYS days of the athlete's latest one. *used (may be NULL): how many
 * runs counted. 0 when none. */
float form_shift(const struct form_history *h, const char *athlete, double start_time, int *used);
/* The mean residual of model p on series s (s's recorded HR is hidden from the model, as in eval): 1 and
 * *residual when s has FORM_MIN_S seconds of trusted HR, 0 when not, -1 with e filled on an error. */
int form_measure(const struct predictor *p, const struct series *s, float *residual, struct hr_err *e);
/* Turns *p into a model that predicts p's HR + form_shift(h, the series' athlete and start time; with planned
 * 1 every series is a planned run, after the history's latest: a race plan's course carries no date); the new
 * predictor owns the old one and *h (moved: h is left empty). sigma, the card and what the model knows pass
 * through. -1 on out of memory (p unchanged). */
int form_wrap(struct predictor *p, struct form_history *h, int planned, struct hr_err *e);

#endif
