/* tmp_prep.h — TEMPORARY: turns a struct workout into a grid struct series for the server until the
 * lead's src/prep/prep.h (prep_workout) lands; then replace serve_tmp_prep() by prep_workout() in
 * src/serve/predict.c and delete this file and tmp_prep.c. Deliberately simple: linear
 * interpolation onto the grid, speed from the speed channel, else distance, else GPS. */
#ifndef HRCAST_SERVE_TMP_PREP_H
#define HRCAST_SERVE_TMP_PREP_H
#include "io/workout.h"
#include "prep/series.h"
#include "util/err.h"

#define TMP_PREP_MAX_SECONDS (48.0 * 3600.0)

int serve_tmp_prep(const struct workout *w, float step, struct series *out, struct hr_err *e);

#endif
