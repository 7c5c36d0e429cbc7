/* finetune.h — personalisation: adapt a general LSTM to one athlete from that athlete's EARLIER
 * workouts (the training part of the per-athlete chronological split), early stopping on the
 * athlete's own validation part (or, when that is empty, the last 15 % of the training part by date),
 * with the base model, the athlete and the workouts used recorded in the model's provenance. */
#ifndef HRCAST_TRAIN_FINETUNE_H
#define HRCAST_TRAIN_FINETUNE_H
#include "train/trainer.h"

enum finetune_freeze {
    FT_FREEZE_NONE = 0,  /* every weight */
    FT_FREEZE_LOWER = 1, /* the last LSTM layer and the head */
    FT_FREEZE_LSTM = 2,  /* the head (fc) alone */
    FT_FREEZE_EMBED = 3, /* an athlete embedding: the first layer's gate biases and the output bias */
};
const char *finetune_freeze_name(int freeze);
int finetune_freeze_parse(const char *name); /* none, lower, lstm (alias head), embedding; -1 if unknown */

struct finetune_opts {
    const char *base_model; /* required */
    const char *athlete;    /* required: series_meta.athlete */
    enum split_kind split;  /* SPLIT_CHRONO (the athlete's earlier workouts) */
    int freeze;             /* enum finetune_freeze */
    float lr, dropout, weight_decay; /* lr 0: train_default_lr of the base's feature set */
    int epochs, patience, batch, max_len, threads;
    float val_frac;         /* fallback validation fraction (0.15) */
    uint64_t seed;
    double time_budget;      /* seconds; 0 = none */
    int resume;              /* continue from OUT.resume (the same base, athlete, selection and options) */
    unsigned given;          /* TO_* bits (train/trainer.h): options the user set; --resume refuses them when they differ */
    const char *dataset_path, *log_path;
    const char *program;     /* the program as invoked, for hints (NULL: "hrcast") */
};

/* Defaults chosen by docs/personalisation.md (validation MAE on the real-data benchmark). */
void finetune_opts_default(struct finetune_opts *o);


/* The athlete's training and validation selections (malloc'ed dataset indices, ordered by start
 * time). *val_fallback is set to 1 when the validation part was empty and the last val_frac of the
 * training part (by date, at least one workout, none when training has fewer than 2) stands in. */
int finetune_select(const struct dataset *ds, const char *athlete, enum split_kind split, float val_frac,
                    int **train, int *n_train, int **val, int *n_val, int *val_fallback, struct hr_err *e);

/* Fine-tune o->base_model on the athlete's selection; writes out_path (atomic, best validation MAE). A base
 * with a physiological prior that does not know the athlete gets the athlete's parameters fitted on the
 * training selection; a physio-residual base's alpha is chosen on the validation selection. */
int finetune_lstm(const struct dataset *ds, const struct finetune_opts *o, const char *out_path,
                  struct train_result *res, struct hr_err *e);

#endif
