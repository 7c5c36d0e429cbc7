/* dataset_id.h — the identity of a dataset file, so that a model can say which data it was trained on
 * and eval can tell whether a selection holds workouts the model saw: a content fingerprint (grid step,
 * each workout's athlete, sport, source, id, start time and length; not the splits) and a splits
 * fingerprint (the stored split assignment). Both are FNV-1a 64 (src/util/hash.h), printed as
 * "fnv1a64:<16 hex>". Re-importing the same files gives the same content id; another --split-seed
 * gives another splits id. */
#ifndef HRCAST_DATA_DATASET_ID_H
#define HRCAST_DATA_DATASET_ID_H
#include <stddef.h>
#include "data/dataset.h"
#include "util/json.h"

struct dataset_identity {
    char content[32]; /* "fnv1a64:..." */
    char splits[32];
};

void dataset_identity(const struct dataset *ds, struct dataset_identity *id);
/* Writes "dataset_id", "splits_id", "split_seed" and "dataset_workouts" into the object open in w. */
void dataset_identity_write(struct jw *w, const struct dataset *ds);

#endif
