/* onerun.h — shared by `hrcast plot` and `hrcast animate`: load a model and one workout file,
 * predict it, and describe it for the pictures. */
#ifndef HRCAST_CLI_ONERUN_H
#define HRCAST_CLI_ONERUN_H
#include "data/runs.h"
#include "model/predictor.h"
#include "report/charts.h"

struct onerun {
    struct predictor p;
    struct run_list runs;
    const struct series *s; /* the chosen workout */
    float *hr, *sigma;
    char title[256];
    double mae; /* NaN without recorded HR */
};

/* which: index of the workout in the file (0 for single-workout files). Prints its own errors
 * ("hrcast CMD: ...") and returns -1 on failure. */
int onerun_load(struct onerun *r, const char *cmd, const char *model, const char *file, int which);
void onerun_plot(const struct onerun *r, struct workout_plot *wp);
void onerun_free(struct onerun *r);

#endif
