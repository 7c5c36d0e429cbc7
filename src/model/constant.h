/* constant.h — the constant baseline: predicts the training mean HR, or the athlete's own mean over
 * its training series when the athlete was seen in training (earlier workouts only: allowed). */
#ifndef HRCAST_MODEL_CONSTANT_H
#define HRCAST_MODEL_CONSTANT_H
#include "model/predictor.h"
#include "prep/series.h"
#include "util/err.h"

struct constant_athlete {
    char id[WK_ATHLETE_LEN];
    float mean;   /* bpm */
    float n;      /* valid HR steps behind the mean */
};

struct constant_model {
    float step;
    float mean;                   /* global masked mean over all valid training steps */
    float sd;                     /* global sd of HR around the mean (used as sigma) */
    int n_ath;
    struct constant_athlete *ath; /* sorted by id */
};

/* Fit on training series: global and per-athlete masked means (athletes with < min_valid steps
 * keep the global mean). Fails when no series has valid HR. */
int constant_model_fit(struct constant_model *m, const struct series *const *s, int n, int min_valid,
                       struct hr_err *e);
void constant_model_free(struct constant_model *m);
/* The value predicted for an athlete id ("" or unknown: the global mean). */
float constant_model_value(const struct constant_model *m, const char *athlete);
/* Wrap as a predictor (takes ownership; *m is left empty). */
int constant_predictor_from_model(struct constant_model *m, struct predictor *p, struct hr_err *e);
/* Model file: tensors constant.population F32 [2] (mean, sd) and constant.athletes F32 [n, 2]
 * (mean, n); __metadata__ model_type "constant", step, model (card JSON with athlete ids). */
int constant_model_save(const struct constant_model *m, const char *path, const char *provenance_json,
                        struct hr_err *e);
int constant_model_load(const char *path, struct constant_model *m, struct hr_err *e);

#endif
