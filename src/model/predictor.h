/* predictor.h — the one small interface behind which every model sits: LSTM, physiological, constant.
 * predict(series) -> hr[] (and sigma[] where the model has one). A model file is self-sufficient:
 * safetensors with a JSON __metadata__ whose "model_type" says which implementation loads it. */
#ifndef HRCAST_MODEL_PREDICTOR_H
#define HRCAST_MODEL_PREDICTOR_H
#include "prep/series.h"
#include "util/err.h"

struct predictor {
    char kind[16];  /* "lstm", "physio", "constant" */
    float step;     /* grid step (s) the model was trained on; series must use it */
    int has_sigma;  /* 1 when predict fills sigma */
    void *impl;
    /* hr and sigma have s->n entries; sigma may be NULL. */
    int (*predict)(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e);
    void (*destroy)(void *impl);
    int (*set_int8)(void *impl, int on, struct hr_err *e); /* NULL where the model has no int8 forward */
    char *metadata_json; /* malloc'ed copy of the model's metadata (the model card as JSON) */
};

/* Load any hrcast model file (dispatches on metadata "model_type"). */
int predictor_load(const char *path, struct predictor *p, struct hr_err *e);
void predictor_free(struct predictor *p);
/* Switch an LSTM to its int8 forward (on = 1) or back to FP32; fails, saying so, for other kinds. */
int predictor_set_int8(struct predictor *p, int on, const char *path, struct hr_err *e);
static inline int predictor_predict(const struct predictor *p, const struct series *s, float *hr,
                                    float *sigma, struct hr_err *e)
{
    return p->predict(p->impl, s, hr, sigma, e);
}

#endif
