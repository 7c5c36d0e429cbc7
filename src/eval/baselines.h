/* baselines.h — the constant and physiological baselines fitted on the training part of the same
 * stored split that a model is evaluated on, so that they are compared on equal terms. */
#ifndef HRCAST_EVAL_BASELINES_H
#define HRCAST_EVAL_BASELINES_H
#include "data/dataset.h"
#include "model/predictor.h"

/* kind < 0 (the "all" selection): fitted on the athlete split's training part. physio may be NULL
 * (only the constant baseline is fitted). */
int baselines_fit(const struct dataset *ds, int kind, struct predictor *constant, struct predictor *physio,
                  struct hr_err *e);

#endif
