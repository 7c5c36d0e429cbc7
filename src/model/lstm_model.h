/* lstm_model.h — a trained hrcast LSTM: the network (src/nn) plus everything needed to predict
 * from a series — feature set, normaliser fitted on the training split, grid step, loss — saved as
 * safetensors with PyTorch names and a JSON model card in __metadata__ ("model"). */
#ifndef HRCAST_MODEL_LSTM_MODEL_H
#define HRCAST_MODEL_LSTM_MODEL_H
#include "model/blend.h"
#include "model/hr_scale.h"
#include "model/physio.h"
#include "model/predictor.h"
#include "nn/lstm.h"
#include "prep/features.h"
#include "util/safetensors.h"

struct hr_lstm {
    struct lstm_model net;
    const struct feature_set *fs;
    struct normalizer nz;
    float step;
    char loss[8];
    float hr_mean; /* mean valid HR of the training split */
    struct physio_model prior; /* for feature sets with a physiological prior (fs->prior): population
                                * parameters and each training athlete's own, fitted on training data */
    int preroll; /* steps of standing still (features_rest_row) run before the first step, outputs dropped:
                  * the state at the start is a rest state the model learned, not zeros (docs/features.md,
                  * "Pre-roll"). 0 in model files from before (card key preroll_steps absent) */
    struct blend blend; /* feature sets with fs->residual: HR = prior + alpha * network (model/blend.h) */
    struct hr_scale scale; /* on: HR = the athlete's mean + sd x (network - pop_mean) / pop_sd
                            * (model/hr_scale.h; card key "hr_scale"; never with fs->residual) */
    struct lstm_lowp *lowp; /* non-NULL: predictions through the int8 or bf16 forward (lstm_infer_lowp) with
                             * these packed weights, instead of FP32 (lstm_infer) */
};

/* Pre-roll of new models: LSTM_PREROLL_S seconds; hr_lstm_preroll_steps: seconds in steps of the grid
 * (at least 1). */
#define LSTM_PREROLL_S 60.0f
int hr_lstm_preroll_steps(float step, float seconds);

/* provenance_json: a JSON object text stored as the card's "training" (may be NULL). */
int hr_lstm_save(const struct hr_lstm *m, const char *path, const char *provenance_json, struct hr_err *e);
/* Serialise params (+ optional extra tensors, e.g. optimiser state) with the model card. */
int hr_lstm_save_with(const struct hr_lstm *m, const char *path, const char *provenance_json,
                      const struct st_out *extra, int n_extra, const struct st_meta *extra_meta,
                      int n_extra_meta, struct hr_err *e);
int hr_lstm_load(const char *path, struct hr_lstm *m, struct hr_err *e);
int hr_lstm_from_st(const struct safetensors *st, const char *path, struct hr_lstm *m, struct hr_err *e);
void hr_lstm_free(struct hr_lstm *m);
/* The physiological prior of s (s->n values): the prior's parameters for s->meta.athlete (the
 * population's for anyone else). Only for feature sets with fs->prior. */
void hr_lstm_prior(const struct hr_lstm *m, const struct series *s, float *out);
/* Predict HR (and sigma when the model has a variance head; sigma may be NULL). A physio-residual model
 * (fs->residual) gives prior + alpha * network, alpha = blend_lookup(&m->blend, s->meta.athlete); its
 * sigma is the network's, unscaled. A model with an HR scale (m->scale.on) maps the network's output and
 * sigma to s->meta.athlete's scale (hr_lstm_out). */
int hr_lstm_predict(const struct hr_lstm *m, const struct series *s, float *hr, float *sigma,
                    struct hr_err *e);
/* Batch inference over several series at once (hr[i] has s[i]->n entries). */
int hr_lstm_predict_batch(const struct hr_lstm *m, const struct series *const *s, int n, float **hr,
                          float **sigma, struct hr_err *e);
/* Feature rows of s (s->n x fs->n) into out, with the prior column when the set has one;
 * normalised with m->nz when normalize. */
int hr_lstm_features(const struct hr_lstm *m, const struct series *s, float *out, int normalize, struct hr_err *e);
/* The network's input sequence of s, normalised: m->preroll rest rows, then the s->n feature rows
 * (out holds (m->preroll + s->n) x fs->n floats). */
int hr_lstm_sequence(const struct hr_lstm *m, const struct series *s, float *out, struct hr_err *e);
/* The same for the first n steps of s (a training crop, n <= s->n): rows computed as for the whole series
 * (a whole-workout column, default+pace's median speed, sees all of s: until 2026-12-07 training took it
 * from the crop, prediction from the whole run). out holds n rows, or (m->preroll + n) for the sequence. */
int hr_lstm_features_first(const struct hr_lstm *m, const struct series *s, int n, float *out, struct hr_err *e);
int hr_lstm_sequence_first(const struct hr_lstm *m, const struct series *s, int n, float *out, struct hr_err *e);
/* hr_lstm_sequence into a malloc'ed buffer. */
float *hr_lstm_inputs(const struct hr_lstm *m, const struct series *s, struct hr_err *e);

/* The network's output y (and sigma, may be NULL) of a step to bpm for an athlete whose scale is (mean, sd)
 * (hr_scale_lookup; nothing changes when the model has no scale). */
static inline float hr_lstm_out(const struct hr_lstm *m, float mean, float sd, float y, float *sigma)
{
    if (!m->scale.on)
        return y;
    if (sigma)
        *sigma *= sd / m->scale.pop_sd;
    return hr_scale_to_bpm(&m->scale, mean, sd, y);
}

/* predictor_load hook (model_type "lstm"). */
int lstm_predictor_load_st(const struct safetensors *st, const char *path, struct predictor *p,
                           struct hr_err *e);

#endif
