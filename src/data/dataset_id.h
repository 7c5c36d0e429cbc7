/* dataset_id.h — the identity of a dataset file, so that a model can say which data it was trained on
 * and eval can tell whether a selection holds workouts the model saw: a content fingerprint (grid step,
 * each workout's athlete, sport, source, id, start time and length; not the splits) and a splits
 * fingerprint (the stored split assignment). Both are FNV-1a 64 (src/util/hash.h), printed as
 * "fnv1a64:<16 hex>". Re-importing the same files gives the same content id; another --split-seed
 * gives another splits id. A workout fingerprint identifies one workout across datasets. */
#ifndef HRCAST_DATA_DATASET_ID_H
#define HRCAST_DATA_DATASET_ID_H
#include <stddef.h>
#include <stdint.h>
#include "data/dataset.h"
#include "util/json.h"

struct dataset_identity {
    char content[32]; /* "fnv1a64:..." */
    char splits[32];
};

void dataset_identity(const struct dataset *ds, struct dataset_identity *id);
/* Writes "dataset_id", "splits_id", "split_seed" and "dataset_workouts" into the object open in w. */
void dataset_identity_write(struct jw *w, const struct dataset *ds);

/* A workout's fingerprint, the same in any dataset that holds the same recording imported the same way
 * (whatever the file's path, the athlete's name, the order or the other workouts): FNV-1a 64 of its start
 * time rounded to the second (-1 when undated) and its grid HR rounded to 0.1 bpm (masked steps alike). It
 * lets eval find a model's training workouts in another import of them (a subset, a re-export). */
uint64_t workout_fingerprint(const struct dataset *ds, int i);
/* Writes "workout_fingerprints": {"train": [...], "val": [...]} (16 hex digits each) of the workouts
 * train[0..n_train) and val[0..n_val) into the object open in w. */
void workout_fingerprints_write(struct jw *w, const struct dataset *ds, const int *train, int n_train,
                                const int *val, int n_val);

#endif
