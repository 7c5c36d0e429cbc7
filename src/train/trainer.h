/* trainer.h — the LSTM training loop: normaliser fitted on the training split, length-bucketed
 * batches, Adam(W) with clipping, reduce-LR-on-plateau, early stopping on validation MAE (never on
 * training data: an empty validation part is refused), the best checkpoint written atomically, a
 * per-epoch JSONL log, and --resume from the last finished epoch (same dataset and options, checked).
 * Same seed and thread count give the same bytes. */
#ifndef HRCAST_TRAIN_TRAINER_H
#define HRCAST_TRAIN_TRAINER_H
#include <stdint.h>
#include "data/dataset.h"

struct train_opts {
    int hidden, layers;
    float dropout, lr, weight_decay, clip, huber_delta; /* lr 0: train_default_lr of the feature set */
    int batch, epochs, patience, max_len, threads;
    float preroll_s;   /* new models: seconds of standing-still rows run before each sequence
                        * (LSTM_PREROLL_S; 0 = none, the zero state at the first step as before) */
    char loss[8];      /* mse, mae, huber, gnll (alias nll) */
    char features[16]; /* a feature set (prep/features.h): FEATURE_SET_DEFAULT unless given */
    int split;         /* SPLIT_ATHLETE, SPLIT_CHRONO, or TRAIN_SPLIT_AUTO */
    uint64_t seed;
    int resume;
    double time_budget;      /* seconds; 0 = none (stops after the epoch that passes it) */
    const char *log_path;    /* default: OUT.log.jsonl */
    const char *init_model;  /* start from this model (keeps its features, architecture, pre-roll and
                              * normaliser; the output scaling is fitted on this run's training HR; without
                              * prior_athlete, a set with a prior gets it fitted on this run's training part) */
    const char *prior_athlete; /* with init_model and a feature set with a prior: the athlete finetuned; when
                              * the prior does not know them, their parameters are fitted on the training
                              * selection first (finetune.c sets it) */
    const int *train_idx, *val_idx; /* explicit selections (NULL: from the split) */
    int n_train, n_val;
    int freeze_lower;        /* with init_model: 1 train only the last layer and the head, 2 the head only,
                              * 3 an athlete embedding (layer-0 gate biases + output bias) */
    const char *dataset_path; /* for provenance */
    const char *extra_provenance; /* JSON object text merged as "extra" (may be NULL) */
    int keep_flagged;        /* 1: steps the HR-quality stage flagged stay targets (default 0: left out
                              * of the loss and of the validation metrics) */
    int hr_scale;            /* new models: 1 (the default) each athlete's HR scale from their training
                              * workouts (model/hr_scale.h; off for physio-residual unless asked for, which is
                              * refused), 0 none; with init_model the base's is kept (refitted on this run's
                              * training part; for prior_athlete, that athlete's added) */
    unsigned given;          /* TO_* bits: options the user set; --resume refuses them when they differ */
    const char *program;     /* the program as invoked, for hints that must run when pasted (NULL: "hrcast") */
};

/* auto: the athlete split when it has a validation part (3 or more athletes), else the chronological */
#define TRAIN_SPLIT_AUTO (-1)
enum train_opt_bit {
    TO_HIDDEN = 1u << 0, TO_LAYERS = 1u << 1, TO_DROPOUT = 1u << 2, TO_LR = 1u << 3, TO_WEIGHT_DECAY = 1u << 4,
    TO_BATCH = 1u << 5, TO_PATIENCE = 1u << 6, TO_LOSS = 1u << 7, TO_FEATURES = 1u << 8, TO_SPLIT = 1u << 9,
    TO_SEED = 1u << 10, TO_MAX_LEN = 1u << 11, TO_THREADS = 1u << 12, TO_KEEP_FLAGGED = 1u << 13,
    TO_HR_SCALE = 1u << 14,
};

struct train_result {
    int epochs_run, best_epoch;
    double best_val_mae, best_val_rmse;
    double seconds;
    int n_train, n_val;
    int split;       /* the split used (auto resolved) */
    int interrupted; /* stopped by train_request_stop (SIGINT): the resume file holds the last epoch */
};

void train_opts_default(struct train_opts *o);
/* The learning rate a run gets when none is given (train_opts.lr 0, finetune_opts.lr 0): TRAIN_LR_RESIDUAL for
 * physio-residual (its target, HR minus the physiological prior, is smaller; larger steps measured better
 * from scratch and in finetuning: docs/results.md, "The physiology-anchored set"), else TRAIN_LR. */
#define TRAIN_LR 5e-4f
#define TRAIN_LR_RESIDUAL 2e-3f
float train_default_lr(const char *feature_set);
int train_lstm(const struct dataset *ds, const struct train_opts *o, const char *out_path,
               struct train_result *res, struct hr_err *e);
/* Async-signal-safe: the running train_lstm stops after the current batch, keeps the resume file of the
 * last finished epoch (written before the first one too) and returns -1 with res->interrupted = 1. */
void train_request_stop(void);
/* The split train_lstm would use on ds for split (TRAIN_SPLIT_AUTO resolved); *why gets a reason line
 * when auto chose the chronological split (else ""). */
int train_resolve_split(const struct dataset *ds, int split, char *why, size_t cap);

#endif
