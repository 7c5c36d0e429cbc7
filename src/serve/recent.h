/* recent.h — the runner's earlier runs sent with an upload (form field "recent"; docs/features.md "Recent
 * form", limits in docs/security.md): each file is read under the same limits as the upload, its runs
 * measured with the served model into a recent-form history (model/recent_form.h) and freed before the
 * next. An upload names no athlete, so every run counts as the uploader's. */
#ifndef HRCAST_SERVE_RECENT_H
#define HRCAST_SERVE_RECENT_H
#include <stddef.h>
#include <stdint.h>
#include "io/limits.h"
#include "model/recent_form.h"

#define SERVE_RECENT_MAX 20       /* "recent" files per upload */
#define SERVE_RECENT_RUNS_MAX 100 /* runs in them all (an archive holds many): each costs a prediction */

/* Reads the "recent" parts of a multipart body (boundary) into h, every run named `athlete` (the upload's
 * runner, whatever the files say), *files their count (0: none sent). 0, or
 * -1 with e filled: a part that cannot be read (the reason names it), more than SERVE_RECENT_MAX of them or
 * more than SERVE_RECENT_RUNS_MAX runs in them (refused before any of the excess is predicted), or
 * runs none of which has FORM_MIN_S seconds of heart rate. */
int serve_recent_runs(const struct predictor *p, const uint8_t *body, size_t n, const char *boundary,
                      const struct hr_limits *lim, const char *athlete, struct form_history *h, int *files,
                      struct hr_err *e);

#endif
