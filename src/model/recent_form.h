/* recent_form.h — the runner's recent form (docs/features.md, "Recent form"): what the runner's own earlier
 * runs say about their next one.
 *  - The shift: how far a model was off on the runner's latest runs, carried over as a shift of the whole
 *    prediction:
 *        shift = (sum of the mean residuals of the athlete's last FORM_RUNS runs that started within FORM_DAYS
 *                 days before the run) / (their count + FORM_PRIOR),
 *    a residual being recorded - predicted over a run's trusted HR steps (at least FORM_MIN_S seconds).
 *  - The runner's HR scale: a model with an HR scale (model/hr_scale.h) that does not know the runner (a
 *    general model, an upload) takes the runner's mean and sd of HR from all their earlier runs (trusted steps,
 *    HR_SCALE_MIN_S seconds of them at least), as `finetune --scale-only` would from a training part; the
 *    residuals above are then those of the scaled prediction.
 * Fitness, heat and the sensor's fit change over weeks; a model fitted on older runs misses that, and the
 * runner's latest runs show it. Only earlier runs' HR enters either, never the HR of the run predicted. The
 * constants were chosen on the chrono validation runs of ../shared (docs/results.md, "Recent form"). This file
 * owns the history of runs, the rules, the measurement of one run and the predictor that wraps a model with
 * them. */
#ifndef HRCAST_MODEL_RECENT_FORM_H
#define HRCAST_MODEL_RECENT_FORM_H
#include "model/hr_scale.h"
#include "model/predictor.h"

#define FORM_RUNS 3        /* the latest runs that count */
#define FORM_DAYS 7.0      /* ... when they started at most this many days before the run */
#define FORM_PRIOR 3.0     /* runs' worth of a zero shift the residuals are averaged with */
#define FORM_MIN_S 300.0f  /* seconds of trusted HR a run needs to count */

/* One earlier run: sums over its trusted HR steps (those with a finite prediction). */
struct form_run {
    char athlete[WK_ATHLETE_LEN];
    double start_time; /* Unix seconds; NaN: unknown (such runs count only for a planned run, and only when
                        * none of the runner's runs has a time) */
    double hr_sum, hr_sq; /* recorded HR, bpm and bpm^2 */
    double pred_sum;      /* the model's prediction, bpm */
    long long n;          /* steps */
    float step;           /* seconds per step */
    uint64_t key;         /* form_series_key of the run: the same workout given again is never its own history */
};

struct form_history {
    int n, cap;
    struct form_run *r;
    int dups; /* runs not added: the same runner's run with the same form_series_key was there already */
    int others; /* runs not added: they name another runner than the one asked for (form_history_from_runs) */
    int renamed; /* runs of a one-runner file renamed to the runner asked for (form_history_from_runs) */
    char renamed_from[WK_ATHLETE_LEN]; /* the name the last of them had */
};

/* What the history says about one run. */
struct form_use {
    float shift; /* bpm, added to the (scaled) prediction */
    int runs;    /* runs behind the shift */
    int scaled;  /* 1: the runner's HR scale below replaces the model's population scale */
    float mean, sd; /* bpm: the runner's, from scale_runs runs */
    int scale_runs;
    int same_run;   /* history entries left out because they are the run predicted (same key) */
};

void form_history_init(struct form_history *h);
void form_history_free(struct form_history *h);
/* Append one run, unless the history holds it already (the same athlete and form_series_key: a second copy
 * of the same recording, which would count twice): then h->dups grows. -1 on out of memory. */
int form_history_add(struct form_history *h, const struct form_run *r);
/* How many runners the history's runs name (runs that name none are not counted); *first and *second (may be
 * NULL) get two of the names, for a message. More than one: a run of nobody in particular cannot take its form
 * from them (form_use counts every runner's runs for athlete ""). */
int form_history_runners(const struct form_history *h, const char **first, const char **second);
/* A fingerprint of a run's movement (start time, step, time, speed, altitude and distance on the grid; not its
 * HR, so the run with its HR hidden has the same one); never 0. The same file read twice gets the same key. */
uint64_t form_series_key(const struct series *s);
/* For a run of `athlete` ("" or NULL: any runner's history counts) starting at start_time (NaN: a planned run,
 * after the athlete's latest run): the runner's HR scale when sc is on and does not know the athlete (sc NULL:
 * never), from every earlier run of theirs, then the shift from the runs that started before the run and at
 * most FORM_DAYS days before it, their residuals taken against the scaled prediction. key: the run's
 * form_series_key (0: none, a course); a history entry with the same key is the run itself, given again
 * (which the start times alone do not catch when runs have none): it never counts (u->same_run). */
void form_use(const struct form_history *h, const struct hr_scale *sc, const char *athlete, double start_time,
              uint64_t key, struct form_use *u);
/* form_use for series s to predict (predict's and serve's inputs): a recording (recorded: its file has heart
 * rate) without a start time gets nothing but same_run, as eval's recorded runs (returns 1: say so); one
 * without heart rate either is a planned run, after the runner's latest run (returns 0, as a dated run). */
int form_use_series(const struct form_history *h, const struct hr_scale *sc, const char *athlete,
                    const struct series *s, int recorded, struct form_use *u);
/* A prediction (and its sigma) with what u says: the runner's scale in place of the population's, the shift
 * added. sigma may be NULL. */
void form_apply(const struct form_use *u, const struct hr_scale *sc, float *hr, float *sigma, int n);
/* Measures model p on series s (s's recorded HR is hidden from the model, as in eval) into *r: 1 when s has
 * FORM_MIN_S seconds of trusted HR, 0 when not, -1 with e filled on an error. */
int form_measure(const struct predictor *p, const struct series *s, struct form_run *r, struct hr_err *e);
/* The HR scale in p's card ("model" -> "hr_scale"; off when it has none). 0, -1 with e filled. */
int form_model_scale(const struct predictor *p, struct hr_scale *sc, struct hr_err *e);
/* Turns *p into a model that predicts form_apply(form_use(h, p's HR scale, the series' athlete, start time
 * and key; with planned 1 every series is a planned run, after the history's latest: a race plan's course
 * carries no date; with planned 0, eval's recorded runs, a run without a start time gets nothing: which runs
 * came before it is unknown)); the new predictor owns the old one and *h (moved: h is left empty). The card, the kind and
 * what the model knows pass through. -1 with e filled (p unchanged). */
int form_wrap(struct predictor *p, struct form_history *h, int planned, struct hr_err *e);

#endif
