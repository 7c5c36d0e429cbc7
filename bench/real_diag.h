/* real_diag.h — diagnostics of the real-data benchmark (bench/real_bench.c): for one athlete and one
 * or two predictors, the test-part error of
 *   - the prediction itself (or a blend w·A + (1−w)·B with w chosen on the athlete's VALIDATION part),
 *   - the prediction corrected by the mean residual of the athlete's previous K workouts by date
 *     (an online "recent form" correction: earlier workouts' HR only, which a deployment has),
 *   - the prediction corrected by each test workout's OWN mean residual: an oracle that reads the HR
 *     being predicted (forbidden as an input), shown only as a bound on what any per-workout
 *     constant correction could reach. */
#ifndef HRCAST_BENCH_REAL_DIAG_H
#define HRCAST_BENCH_REAL_DIAG_H
#include "data/dataset.h"
#include "eval/metrics.h"
#include "model/predictor.h"

#define DIAG_RECENT_K 5

struct diag_cell {
    struct metric_acc plain, recent, oracle;
    double weight; /* blend weight of A chosen on validation (1 without B) */
};

/* b may be NULL (then w = 1). Exits on errors (a benchmark driver). */
void real_diag(const struct dataset *ds, const char *athlete, const struct predictor *a, const struct predictor *b,
               struct diag_cell *out);

#endif
