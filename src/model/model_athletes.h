/* model_athletes.h — which athletes a model file holds its own parameters for (a physio or constant model's
 * "athletes", an LSTM's HR scale or physiological prior, a finetuned model's runner), read from its card: the one check behind the CLI's
 * --athlete and the C API's athlete argument, so that a misspelt id is refused, not predicted as the
 * population. */
#ifndef HRCAST_MODEL_MODEL_ATHLETES_H
#define HRCAST_MODEL_MODEL_ATHLETES_H
#include <stddef.h>
#include "model/predictor.h"

/* 1 when the model holds parameters for athlete; 0 when not: then why (cap bytes) names the model's athletes
 * (the first 12 and a count) or says it has none, and *n_ids (may be NULL) is their number. -1 on out of
 * memory. The text follows the model's name: "has no parameters for 'x'; its 2 athlete(s): a, b" or
 * "(physio) has no per-athlete parameters". */
int model_has_athlete(const struct predictor *p, const char *athlete, char *why, size_t cap, int *n_ids);

#endif
