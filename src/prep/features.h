/* features.h — the named feature sets that models read, computed from a grid series.
 * Features are defined in SECONDS (lags, windows), so a 1 s and a 10 s grid mean the same thing;
 * the "seed11" set keeps the reference project's step-based definitions for comparison.
 * No feature reads heart rate: a model's inputs never come from the HR it predicts. */
#ifndef HRCAST_PREP_FEATURES_H
#define HRCAST_PREP_FEATURES_H
#include "prep/series.h"
#include "util/err.h"

#define FEAT_MAX 32

struct feature_set {
    char name[16];
    int n;
    const char *names[FEAT_MAX];
    int prior; /* 1: the last column is a physiological prior HR supplied by the caller (computed
                * from speed and grade with parameters fitted on training data, never from this HR) */
    int residual; /* 1 (physio-residual): the network learns HR minus the prior, and a model predicts
                   * prior + alpha * network (model/blend.h) */
    int effort;   /* 1 (default+effort): columns 14.. are the effort averages (FEAT_EFFORT_N, below) */
    int relalt;   /* 1 (default+relalt): the two altitude columns are metres above the run's first step, not
                   * above the sea: the course's profile without the place (a run with no altitude is 0 m
                   * throughout, as a flat run is) */
};

/* Look up a set by name ("default+relalt", "default", "seed11", "default+physio", ...); NULL if unknown. */
const struct feature_set *feature_set_get(const char *name);
/* 1 when a row depends on the whole workout, not only on the steps up to it (default+pace: the workout's median
 * moving speed): such a set's rows of a crop must be computed on the whole series. */
int feature_set_whole_workout(const struct feature_set *set);
/* Every set's name, comma-separated in table order ("physio-residual, default, ..."), for --help and
 * error messages: written into buf (cap bytes, truncated to fit), which is returned. */
const char *feature_set_names(char *buf, size_t cap);
/* The set of a new model when none is asked for (the measured best, docs/results.md). */
#define FEATURE_SET_DEFAULT "default+relalt"
/* out: s->n rows x set->n columns, row-major. Every value finite. prior: s->n values for sets with
 * set->prior (else ignored, may be NULL). */
int features_compute(const struct feature_set *set, const struct series *s, const float *prior, float *out,
                     struct hr_err *e);

/* Effort = speed x max(0, 1 + 5 grade) (grade clamped to +-0.3), averaged exponentially with these time
 * constants (s), from 0 before the start (rested): the load of the last half minute to half hour. */
#define FEAT_EFFORT_N 4
#define FEAT_EFFORT_TAUS {30.0f, 120.0f, 600.0f, 1800.0f}

/* What rows carry from one step to the next: running elevation gain, the effort averages and the first
 * step's altitude (default+relalt). */
struct feature_state {
    double gain;
    float alt0;
    double effort[FEAT_EFFORT_N];
};
void feature_state_init(struct feature_state *st);

/* One row at a time (features_compute is a loop over it; a live stream calls it as steps arrive): row i
 * reads the series only at steps <= i (lags, trailing means from the prefix sums pre[k] = sum of speed
 * over steps < k, and *st, updated: rows must come in order from a fresh state). pace: the default+pace
 * column (workout_median_speed); prior: the default+physio column at step i. */
struct feature_ctx {
    const struct feature_set *set;
    float step, gender, pace;
    int seed, l20, l50, l300, m100, m300;
    float effort_a[FEAT_EFFORT_N]; /* EMA weight of the new value per step: step / (tau + step) */
};
void features_ctx_init(struct feature_ctx *c, const struct feature_set *set, float step, char gender, float pace);
/* The most steps back any feature of the set reads. */
int features_lookback(const struct feature_ctx *c);
void features_row(const struct feature_ctx *c, const struct series *s, const double *pre, int i,
                  struct feature_state *st, float prior, float *row);

/* The row of standing still before the start (a model's pre-roll, docs/features.md): row0 (the first row of
 * a workout) with every speed column (names starting "speed"), every effort column and grade set to 0;
 * altitude, gender and the workout constants are kept, and elapsed time, distance and gain are 0 at the first
 * row already. */
void features_rest_row(const struct feature_set *set, const float *row0, float *out);

/* Per-feature mean and standard deviation, fitted on training series only. */
struct normalizer {
    int n;
    float mean[FEAT_MAX];
    float std[FEAT_MAX];
};
/* Accumulate over many feature matrices, then finish. */
struct norm_acc {
    int n;
    double sum[FEAT_MAX], sq[FEAT_MAX];
    long long count;
};
void norm_acc_init(struct norm_acc *a, int n);
void norm_acc_add(struct norm_acc *a, const float *x, int rows);
void norm_acc_finish(const struct norm_acc *a, struct normalizer *nz);
void normalize_rows(const struct normalizer *nz, float *x, int rows);

#endif
