/* live_report.h — the numbers of live forecasting (`hrcast eval --calibrate`) for a set of calibration
 * windows, and how they are shown: the JSON of --json (one window: one object; several: a list), the
 * Markdown table, the report's "Live forecasting" section (metrics.md, report.html, metrics.json) and its
 * figure of MAE against calibration minutes (model calibrated, uncalibrated, physio calibrated the same
 * way, window_mean, last). Always labelled with the window and kept apart from the offline tables: the
 * errors count only the steps after the window. Computed by cli/eval_calibrate.c. */
#ifndef HRCAST_EVAL_LIVE_REPORT_H
#define HRCAST_EVAL_LIVE_REPORT_H
#include <stdio.h>
#include "eval/calibrate.h"
#include "eval/metrics.h"
#include "io/workout.h"
#include "util/err.h"
#include "util/json.h"

#define LIVE_MAX_WINDOWS 32
#define LIVE_FIGURE "live_mae.png"

struct live_athlete {
    char name[WK_ATHLETE_LEN];
    struct metric_acc cal, unc; /* the model calibrated and not, steps after the window */
};

/* One window: every accumulator over the same steps (t >= window) of the test part. */
struct live_row {
    float window_s;
    int asked;    /* 1: a window the user asked for (the others are the figure's sweep) */
    int workouts; /* runs with at least one step after the window */
    struct metric_acc cal, unc, physio, wmean, last;
    struct calib_trust trust, physio_trust; /* the default, or learned on the validation part */
    int n_ath;
    struct live_athlete *ath; /* malloc'ed, n_ath */
};

struct live_report {
    char split[160];
    int n_test, n_val;
    int one_athlete;   /* the test part was restricted to one athlete (eval --athlete) */
    char trust_athlete[WK_ATHLETE_LEN]; /* "" or the athlete whose own validation workouts taught the trust */
    int trust_default; /* 1: the model's default trust (calib_default_trust), nothing learned (n_val 0) */
    /* with trust_default: the model knows the runner of every test run (1: the personal default), of none (0:
     * the general default) or of some (2: each run its own; the rows show the general one); as in
     * calib_default_source */
    int trust_personal;
    int physio_trust_personal; /* the same for the physio baseline's model */
    int n;
    struct live_row rows[LIVE_MAX_WINDOWS]; /* by increasing window */
};

void live_report_free(struct live_report *lr);
/* --json of eval --calibrate: the asked rows; one: an object with "calibrate_s"; several:
 * {"split", "calibrated": [...]} (each with "asked"). all: every row, always the list (metrics.json). */
void live_report_json(struct jw *j, const struct live_report *lr, int all);
/* The table of eval --calibrate (asked rows) on f. */
void live_report_table(FILE *f, const struct live_report *lr);
/* The rows (the asked ones only, or all) with no step after their window: no test run is longer. */
int live_report_empty_rows(const struct live_report *lr, int asked_only);
/* The report's section in metrics.md (every row; report.html's is in eval_html.c). */
void live_report_markdown(FILE *f, const struct live_report *lr);
/* "calibrated 10 min" */
void live_label(float window_s, char *buf, size_t cap);
/* A trust's fields as JSON keys PREFIX+warm_s, k_steps (-1: never), tail_s, persist, tau_s (eval --calibrate's
 * "trust" with "" and "physio_", predict --calibrate's with "trust_"). */
void live_trust_json(struct jw *j, const char *prefix, const struct calib_trust *t);
/* Where the trust came from, for the report texts: "the default of a general model, as predict --calibrate
 * (nothing learned)" (calib_default_source) or "learned on N validation workouts". */
void live_trust_source(const struct live_report *lr, char *buf, size_t cap);
/* DIR/LIVE_FIGURE: MAE against calibration minutes, model calibrated, uncalibrated and the baselines. */
int live_report_figure(const char *dir, const struct live_report *lr, struct hr_err *e);

#endif
