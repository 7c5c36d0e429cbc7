/* predictor.h — the one small interface behind which every model sits: LSTM, physiological, constant.
 * predict(series) -> hr[] (and sigma[] where the model has one). A model file is self-sufficient:
 * safetensors with a JSON __metadata__ whose "model_type" says which implementation loads it. */
#ifndef HRCAST_MODEL_PREDICTOR_H
#define HRCAST_MODEL_PREDICTOR_H
#include "prep/series.h"
#include "util/err.h"

#define MODEL_STEP_MIN GRID_STEP_MIN /* a model's grid step, as import --step and simulate --step take it */
#define MODEL_STEP_MAX GRID_STEP_MAX
#define PREDICT_HR_MIN 0.0f   /* bpm: a prediction outside is no heart's (predictor_predict refuses it) */
#define PREDICT_HR_MAX 300.0f

struct predictor {
    char kind[16];  /* "lstm", "physio", "constant" */
    float step;     /* grid step (s) the model was trained on; series must use it */
    int has_sigma;  /* 1 when predict fills sigma */
    void *impl;
    /* hr and sigma have s->n entries; sigma may be NULL. */
    int (*predict)(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e);
    void (*destroy)(void *impl);
    /* prec: enum lstm_precision (nn/lstm.h); NULL where the model has no low-precision forward */
    int (*set_precision)(void *impl, int prec, struct hr_err *e);
    char *metadata_json; /* malloc'ed copy of the model's metadata (the model card as JSON) */
    int finetuned;       /* 1: hrcast finetune made it for one athlete (the card's training.extra.kind) */
    char finetuned_athlete[WK_ATHLETE_LEN]; /* that athlete's id (training.extra.athlete), "" if unnamed */
    char as_runner[WK_ATHLETE_LEN]; /* "" or the runner every series is predicted as, whatever athlete it names
                                     * (`eval --runner`: runs imported under another name than the model's) */
    /* 1 when the model holds parameters fitted on this athlete's own runs (a physio or constant model's
     * per-athlete table); NULL: it has none */
    int (*knows_athlete)(const void *impl, const char *athlete);
};

/* Load any hrcast model file (dispatches on metadata "model_type"); a grid step outside MODEL_STEP_MIN..MAX is
 * refused. */
int predictor_load(const char *path, struct predictor *p, struct hr_err *e);
void predictor_free(struct predictor *p);
/* Switch an LSTM to its int8 or bf16 forward, or back to FP32 (prec: enum lstm_precision, nn/lstm.h);
 * fails, saying so, for other kinds of model (FP32 is accepted by every model). */
int predictor_set_precision(struct predictor *p, int prec, const char *path, struct hr_err *e);
/* predictor_set_precision with LSTM_PREC_INT8 (on = 1) or LSTM_PREC_FP32 (on = 0). */
int predictor_set_int8(struct predictor *p, int on, const char *path, struct hr_err *e);
/* For the CLI's one-line warning: when prec is bf16 and its products will not run on vdpbf16ps (the CPU
 * lacks AVX512_BF16, or HRCAST_ISA chose a path below avx512), why, in why (cap bytes), and 1; else 0. */
int predictor_precision_emulated(int prec, char *why, size_t cap);
/* Whether the model already knows the runner of a workout by athlete ("" or NULL: unnamed): made for them by
 * hrcast finetune (an unnamed runner counts as its own), or holding parameters fitted on their runs (live
 * calibration picks its default trust by it, eval/calibrate.h). */
int predictor_knows_runner(const struct predictor *p, const char *athlete);
/* The runner a workout of `athlete` is predicted as: p->as_runner when set, else the athlete, or for an unnamed
 * workout ("" or NULL) a finetuned model's own runner ("" when none). */
const char *predictor_runner(const struct predictor *p, const char *athlete);
/* p's prediction for s, as the runner predictor_runner names. A workout that names no athlete is predicted as a
 * finetuned model's own runner (their HR scale, prior and blend), as live calibration already treats it
 * (predictor_knows_runner). A value outside
 * PREDICT_HR_MIN..MAX (a damaged model file) fails, naming it. */
int predictor_predict(const struct predictor *p, const struct series *s, float *hr, float *sigma,
                      struct hr_err *e);
/* predictor_predict of s with its recorded HR hidden (all NaN): what eval scores, so that no model can
 * read the HR of the workout it predicts, whatever its inputs. */
int predictor_predict_blind(const struct predictor *p, const struct series *s, float *hr, float *sigma,
                            struct hr_err *e);

#endif
