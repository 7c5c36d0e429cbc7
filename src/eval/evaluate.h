/* evaluate.h — honest evaluation of one or more predictors on a dataset selection: global masked
 * MAE/RMSE/bias over all valid steps, the per-workout MAE distribution, seeded bootstrap confidence
 * intervals by workout, MAE after the first 2 minutes, by minute of workout, by duration bucket, by
 * athlete and by an intensity class derived from SPEED ONLY, and interval coverage for models with
 * sigma. Predictions can be kept for the pictures. */
#ifndef HRCAST_EVAL_EVALUATE_H
#define HRCAST_EVAL_EVALUATE_H
#include <stdint.h>
#include "data/dataset.h"
#include "eval/metrics.h"
#include "model/predictor.h"

#define EVAL_MAX_MODELS 4
#define EVAL_MINUTES 240 /* MAE by minute of workout: the first 4 hours */
#define EVAL_DURATIONS 4 /* < 30, 30-60, 60-90, >= 90 min */
#define EVAL_INTENSITIES 4

enum intensity { INT_EASY = 0, INT_STEADY, INT_TEMPO, INT_INTERVALS };
const char *intensity_name(int k);
const char *duration_bucket_name(int k);

struct eval_model {
    char name[32];
    int has_sigma;
    struct metric_acc all, after2;
    struct metric_acc trusted;               /* only the steps the HR-quality stage trusts */
    double mae_lo, mae_hi, rmse_lo, rmse_hi; /* 95 % bootstrap by workout */
    struct metric_acc *w;                    /* per workout [nw] */
    double wmae_median, wmae_q1, wmae_q3, wmae_p90;
    struct metric_acc minute[EVAL_MINUTES];
    struct metric_acc duration[EVAL_DURATIONS];
    struct metric_acc intensity[EVAL_INTENSITIES];
    struct metric_acc *athlete;              /* [n_athletes] */
    long long cover_n, cover50, cover90;     /* steps with sigma; inside the 50 % / 90 % interval */
    float **pred, **sigma;                   /* [nw][len] when keep_preds */
};

struct evaluation {
    int nw;            /* workouts evaluated */
    int *idx;          /* dataset index of each */
    int *intensity;    /* class of each */
    int *athlete_of;   /* athlete number of each */
    char (*athletes)[WK_ATHLETE_LEN];
    int n_athletes;
    long long steps;   /* valid HR steps (all recorded steps) */
    long long trusted_steps; /* of which the HR-quality stage trusts (= steps for version-1 datasets) */
    int assessed;      /* the dataset carries HR-quality verdicts */
    int n_models;
    struct eval_model m[EVAL_MAX_MODELS];
};

int evaluate(const struct dataset *ds, const int *idx, int n, const struct predictor *const *models,
             const char *const *names, int n_models, uint64_t seed, int keep_preds, struct evaluation *ev,
             struct hr_err *e);
void evaluation_free(struct evaluation *ev);
/* The breakdowns as groups, so that every table is written by one loop. */
enum eval_group { EG_INTENSITY = 0, EG_DURATION, EG_ATHLETE, EG_COUNT };
const char *eval_group_title(enum eval_group g);
int eval_group_size(const struct evaluation *ev, enum eval_group g);
const char *eval_group_name(const struct evaluation *ev, enum eval_group g, int i);
const struct metric_acc *eval_group_acc(const struct eval_model *m, enum eval_group g, int i);

/* Workout positions (0..nw-1) sorted by model k's per-workout MAE (workouts without valid HR last). */
int *eval_rank(const struct evaluation *ev, int k);

#endif
