/* eval_calibrate.h — `hrcast eval --calibrate` (eval_calibrate.c) and the window list parser shared with
 * `hrcast predict --calibrate`. */
#ifndef HRCAST_CLI_EVAL_CALIBRATE_H
#define HRCAST_CLI_EVAL_CALIBRATE_H
#include "data/dataset.h"
#include "model/predictor.h"
#include <stdio.h>

/* What eval --calibrate scores and how it prints. */
struct eval_calib_opts {
    int kind, part;          /* the split (enum split_kind) and its part: PART_TEST */
    const char *split_name;  /* label for the output: "chrono:test", ... */
    const char *athlete;     /* NULL: every test workout; else only this athlete's are scored (a learned trust
                              * is still learned on the whole validation part of the split, unless
                              * TRUST_ON_ATHLETE) */
    const float *windows;    /* seconds, nwin of them */
    int nwin;
    int json;                /* one JSON object instead of the Markdown table */
    int trust_on;            /* enum trust_on: the default trust, or learned on the whole validation part,
                              * or (with athlete) on that athlete's own validation workouts (the whole
                              * validation part when they are fewer than CALIB_TRUST_OWN_MIN) */
};
enum trust_on { TRUST_ON_DEFAULT, TRUST_ON_ALL, TRUST_ON_ATHLETE };
#define CALIB_TRUST_OWN_MIN 3
/* physio: the baseline calibrated the same way. */
int eval_calibrated(const struct dataset *ds, const struct predictor *model, const struct predictor *physio,
                    const struct eval_calib_opts *o, FILE *out, struct hr_err *e);
/* The live report of o's windows (the rows printed) and sweep (more windows for the report's figure;
 * may be NULL): every window's row computed once over the test part, with the default trust or one
 * learned on the validation part (o->trust_on). lr is freed (live_report_free) by the caller on success. */
struct live_report;
int eval_live(const struct dataset *ds, const struct predictor *model, const struct predictor *physio,
              const struct eval_calib_opts *o, const float *sweep, int nsweep, struct live_report *lr,
              struct hr_err *e);
/* What eval --calibrate prints: the asked rows as JSON (json) or the table. */
void eval_live_print(const struct live_report *lr, int json, FILE *out);
/* "5m,10m,20m", "600", "90s", "1h" -> seconds; returns the count, -1 when malformed or over cap. */
int parse_windows(const char *text, float *out, int cap);
/* --calibrate W (one window) and --trust WARM_S,K[,TAIL_S] of predict, replay and plan: 0, or 2 after one
 * line on stderr. */
struct calib_trust;
int cli_calib_window(const char *cmd, const char *text, float *window);
int cli_calib_trust(const char *cmd, const char *text, struct calib_trust *t);

#endif
