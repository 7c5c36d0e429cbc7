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

/* Who the workout is predicted as, as `hrcast predict --athlete/--gender` does: athlete (NULL: the file's own;
 * one the model does not know is refused) and gender ('m', 'f', 'u'; 0: the file's own) replace the
 * workout's; a workout that names no athlete is predicted as a finetuned model's own runner
 * (predictor_predict). */
struct onerun_who {
    const char *athlete;
    char gender;
};
/* Their help lines, the same in plot's and animate's --help. */
#define ONERUN_WHO_HELP                                                                                         \
    "      --athlete ID   predict as this athlete, as hrcast predict --athlete does: an LSTM uses their\n"      \
    "                     HR scale or prior, a physio or constant model their own parameters (an\n"             \
    "                     athlete the model does not know is refused, listing those it knows); the\n"           \
    "                     title names the runner when it is not the file's own. Without it: the\n"              \
    "                     file's athlete (a dataset names one), or for a file that names none a\n"              \
    "                     finetuned model's own runner\n"                                                       \
    "      --gender m|f|u the runner's gender, for files that do not carry it (models that use it;\n"           \
    "                     u: unknown)\n"
/* which: index of the workout in the file (0 for single-workout files). Prints its own errors
 * ("hrcast CMD: ...") and returns the exit status: 0, 1 on failure, 2 for an --athlete the model does
 * not know. The titles name the runner predicted as when it is not the file's own athlete. */
int onerun_load(struct onerun *r, const char *cmd, const char *usage_text, const char *model, const char *file,
                int which, const struct onerun_who *who);
void onerun_plot(const struct onerun *r, struct workout_plot *wp);
void onerun_free(struct onerun *r);
/* The whole command (options -o, --index, --athlete, --gender, -q, -h, and --frames of animate): a PNG/SVG
 * picture, or a GIF when animate. */
int onerun_command(int argc, char **argv, const char *cmd, const char *usage_text, int animate);

#endif
