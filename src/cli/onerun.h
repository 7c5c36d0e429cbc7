/* onerun.h — shared by `hrcast plot` and `hrcast animate`: load a model and one workout file,
 * predict it, describe it for the pictures, and run either command. */
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
    char title[256];      /* "run.fit - lstm model, MAE 7.1 bpm" */
    char anim_title[256]; /* "run.fit - lstm model": an animation shows its running MAE itself */
    double mae; /* NaN without recorded HR */
};

/* which: index of the workout in the file (0 for single-workout files). Prints its own errors
 * ("hrcast CMD: ...") and returns -1 on failure. */
int onerun_load(struct onerun *r, const char *cmd, const char *usage_text, const char *model, const char *file,
                int which);
void onerun_plot(const struct onerun *r, struct workout_plot *wp);
void onerun_free(struct onerun *r);
/* The whole command (options -o, --index, --frames, -q, -h): a PNG/SVG picture, or a GIF when animate. */
int onerun_command(int argc, char **argv, const char *cmd, const char *usage_text, int animate);

#endif
