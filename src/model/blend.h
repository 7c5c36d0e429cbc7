/* blend.h — the blend of a physio-residual model (feature set "physio-residual", docs/features.md):
 *     HR = physio + alpha * network,
 * physio being the model's physiological prior for the athlete (model/physio.h), network the LSTM's
 * output (trained on HR - physio), alpha in [0, 1] chosen per athlete on that athlete's validation
 * workouts (train/blend_fit.h), the population's alpha for anyone else. This file owns the table of
 * alphas, its lookup and its place in the model card ("blend"). */
#ifndef HRCAST_MODEL_BLEND_H
#define HRCAST_MODEL_BLEND_H
#include "io/workout.h"
#include "util/json.h"

struct blend_athlete {
    char id[WK_ATHLETE_LEN];
    float alpha;
};

struct blend {
    float alpha;   /* the population's: for athletes not in the table */
    int n;
    struct blend_athlete *ath; /* sorted by id */
    double val_mae, physio_val_mae; /* the population alpha's and physio's on the validation steps, predicted
                                     * as an unknown runner's (NaN: not chosen) */
};

/* alpha 1 (physio + the whole network), no athletes: a model in training. */
void blend_init(struct blend *b);
void blend_free(struct blend *b);
/* The alpha of an athlete (the population's when NULL, "" or not in the table). */
float blend_lookup(const struct blend *b, const char *athlete);
/* Add or replace an athlete's alpha (keeps the table sorted). Returns -1 on out of memory. */
int blend_set(struct blend *b, const char *athlete, float alpha);
/* The card's "blend" object: {"rule", "alpha", "val_mae", "physio_val_mae", "athletes": {id: alpha}}. */
void blend_write_json(const struct blend *b, struct jw *w);
/* Read it back (j: the "blend" object; NULL gives blend_init's). Every alpha must lie in [0, 1]; returns -1
 * with e filled (path names the file) otherwise. */
int blend_read_json(struct blend *b, const struct json *j, const char *path, struct hr_err *e);

#endif
