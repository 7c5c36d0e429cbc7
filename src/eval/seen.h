/* seen.h — which workouts of a dataset a model saw while it was made, read from the provenance in its
 * card ("training" of an LSTM, "provenance" of a physio or constant model): the dataset's identity
 * (src/data/dataset_id.h), the split and its parts, a finetuned model's explicit workouts and its base
 * model's record; on another dataset file, the workouts listed by fingerprint (data/dataset_id.h).
 * `hrcast eval` refuses a selection that holds training workouts, so that no number it prints scores a
 * model on data it was fitted to. */
#ifndef HRCAST_EVAL_SEEN_H
#define HRCAST_EVAL_SEEN_H
#include <stddef.h>
#include "data/dataset.h"

struct seen_report {
    int checked;      /* 1: the model's record names this dataset or lists its workouts' fingerprints */
    int resplit;      /* 1: the same workouts with other stored splits: its training workouts are unknown */
    int n, n_train, n_val; /* the selection; how many of it were the model's training / validation data */
    int n_train_base; /* of n_train, those only a base model (finetune's, train --init's) trained on */
    char split[16];   /* the model's own split: "athlete", "chrono", "all" or "" (not recorded) */
    char why[320];    /* when !checked or resplit: why, in words */
};

/* The split recorded in a model's card (metadata_json as predictor.metadata_json): "athlete", "chrono",
 * "all", or "" when none is recorded. */
void seen_model_split(const char *metadata_json, char *out, size_t cap);
/* Counts the workouts of the selection idx[0..n) that the model trained or validated on. */
int seen_check(const char *metadata_json, const struct dataset *ds, const int *idx, int n, struct seen_report *r,
               struct hr_err *e);

#endif
