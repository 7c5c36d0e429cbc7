/* resume.h — the resume file of a training run (MODEL.resume, written before the first epoch and after each):
 * the parameters, Adam moments and loop state, the dataset's identity, the run's identity (command, base
 * model by content, athlete, frozen layers, selection) and the options it keeps; --resume's checks (another
 * dataset, run or option is refused in one line) and its restore. Internal to src/train (trainer.c). */
#ifndef HRCAST_TRAIN_RESUME_H
#define HRCAST_TRAIN_RESUME_H
#include "data/dataset.h"
#include "model/lstm_model.h"
#include "nn/optim.h"
#include "train/trainer.h"
#include "util/err.h"
#include "util/json.h"
#include "util/safetensors.h"

struct run_state { /* what --resume restores */
    int epoch;     /* next epoch to run */
    float lr;
    struct nn_plateau plateau;
    struct nn_early_stop es;
    double best_mae, best_rmse;
    int best_epoch;
};

/* What a run is, beyond its options: which command started it, from which base model (its content, not its
 * path), for which athlete and with which frozen layers, and (finetune) which workouts it selected. A resume
 * file records it and --resume refuses another. */
struct run_ident {
    const char *kind;     /* "finetune" (explicit selections) or "train" */
    char init_id[32];     /* fnv1a64 of the base model file; "" without one */
    char select_id[32];   /* fnv1a64 of the explicit selections; "" when chosen by the split */
};

/* "chrono" or "athlete" (trainer.c). */
const char *train_split_name(int split);
/* The identity of the run o describes (the base model's file hashed). 0, or -1 with e filled. */
int run_ident_make(const struct train_opts *o, struct run_ident *id, struct hr_err *e);
/* Write path (atomically). 0, or -1 with e filled. */
int save_resume(const char *path, const struct hr_lstm *m, const struct nn_adam *adam, const struct run_state *rs,
                const struct train_opts *o, const struct run_ident *id, const struct dataset *ds, struct hr_err *e);
/* --resume, first half: read path, check that it is this run on this dataset, and adopt into o the options
 * the run keeps (an option the user gave that differs is refused). st and *state stay open for
 * resume_restore. 0, or -1 with e filled. */
int resume_adopt(const char *path, const struct dataset *ds, const struct run_ident *id, struct train_opts *o,
                 struct safetensors *st, struct json **state, struct hr_err *e);
/* --resume, second half: the parameters, Adam moments and the loop state into m, adam and rs. */
int resume_restore(const struct safetensors *st, const struct json *j, const char *path, struct hr_lstm *m,
                   struct nn_adam *adam, struct run_state *rs, struct hr_err *e);

#endif
