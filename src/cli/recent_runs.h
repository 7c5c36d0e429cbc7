/* recent_runs.h — the --recent-form RUNS option of `hrcast predict` and `hrcast plan`: reads the runner's
 * latest recorded runs (workout files or datasets) and measures how far the model was off on each, into a
 * recent-form history (model/recent_form.h). */
#ifndef HRCAST_CLI_RECENT_RUNS_H
#define HRCAST_CLI_RECENT_RUNS_H
#include "io/read_opts.h"
#include "model/recent_form.h"

#define CLI_RECENT_MAX 64 /* --recent-form files per command (a dataset holds any number of runs) */

/* Reads files[0..n) on p's grid (their athlete set to `athlete` and gender to `gender` when given: 0 or NULL
 * keeps the files'), measures p on each run with enough trusted HR (a warning names each run without) into h.
 * 0; 1 after one line on stderr ("hrcast CMD: --recent-form: ...") when a file cannot be read or none of its
 * runs has enough heart rate. */
int cli_recent_runs(const char *cmd, const struct predictor *p, const char *const *files, int n,
                    const struct read_opts *ro, const char *athlete, char gender, struct form_history *h);

/* --athlete A with --recent-form: A may be a runner the model has no parameters for when the runs given are
 * A's (they are predicted as a new runner, on A's HR scale from those runs; an info line says so). 0; 2 after
 * cli_check_model_athlete's line when the model does not know A and none of the runs is A's. */
int cli_recent_athlete(const char *cmd, const struct predictor *p, const char *model_path, const char *athlete,
                       const struct form_history *h);

/* A run predicted as `runner` (predictor_runner; "" when it names no one) takes its form from the runs given:
 * when it names no one and they are the runs of several runners, which ones are its own is unknown (until
 * 2026-12-07 every runner's counted). 0; 2 after one line naming `what` and two of the runners. */
int cli_recent_runner(const char *cmd, const struct form_history *h, const char *runner, const char *what);

/* The warning when no run given for --recent-form counted for a run of `runner` (`what` names it): they name
 * other runners (which, and the --athlete that counts a one-runner file as theirs), or none started in the
 * FORM_DAYS days before it. Until 2026-12-07 the second was said in both cases. */
void cli_recent_none(const struct form_history *h, const char *runner, const char *what);

#endif
