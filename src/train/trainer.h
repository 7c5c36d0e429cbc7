/* trainer.h — the LSTM training loop: normaliser fitted on the training split, length-bucketed
 * batches, Adam(W) with clipping, reduce-LR-on-plateau, early stopping on validation MAE, the best
 * checkpoint written atomically, a per-epoch JSONL log, and --resume from the last finished epoch.
 * Same seed and thread count give the same bytes. */
#ifndef HRCAST_TRAIN_TRAINER_H
#define HRCAST_TRAIN_TRAINER_H
#include <stdint.h>
#include "data/dataset.h"

struct train_opts {
    int hidden, layers;
    float dropout, lr, weight_decay, clip, huber_delta;
    int batch, epochs, patience, max_len, threads;
    float preroll_s;   /* new models: seconds of standing-still rows run before each sequence
                        * (LSTM_PREROLL_S; 0 = none, the zero state at the first step as before) */
    char loss[8];      /* mse, mae, huber, gnll (alias nll) */
    char features[16]; /* default, seed11 */
    enum split_kind split;
    uint64_t seed;
    int resume;
    double time_budget;      /* seconds; 0 = none (stops after the epoch that passes it) */
    const char *log_path;    /* default: OUT.log.jsonl */
    const char *init_model;  /* start from this model (keeps its features and normaliser) */
    const int *train_idx, *val_idx; /* explicit selections (NULL: from the split) */
    int n_train, n_val;
    int freeze_lower;        /* with init_model: 1 train only the last layer and the head, 2 the head only,
                              * 3 an athlete embedding (layer-0 gate biases + output bias) */
    const char *dataset_path; /* for provenance */
    const char *extra_provenance; /* JSON object text merged as "extra" (may be NULL) */
    int keep_flagged;        /* 1: steps the HR-quality stage flagged stay targets (default 0: left out
                              * of the loss and of the validation metrics) */
};

struct train_result {
    int epochs_run, best_epoch;
    double best_val_mae, best_val_rmse;
    double seconds;
    int n_train, n_val;
};

void train_opts_default(struct train_opts *o);
int train_lstm(const struct dataset *ds, const struct train_opts *o, const char *out_path,
               struct train_result *res, struct hr_err *e);

#endif
