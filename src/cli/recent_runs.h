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

#endif
