/* features.c — feature sets "default" (14, defined in seconds), its extensions (+physio, +pace, +effort,
 * physio-residual) and "seed11" (the reference's 11 honest features, step-based); the normaliser.
 * Formulas: docs/features.md. */
#include "prep/features.h"
#include "util/median.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default's columns 6-13, shared by every set but seed11; then the 14 of default. */
#define COLUMNS_6_TO_13                                                                                        \
    "speed_diff_per_s", "altitude_diff_per_s", "speed_mean_100s", "speed_mean_300s", "elevation_gain",      \
        "elapsed_time", "distance", "gender"
#define DEFAULT_14 "speed", "altitude", "grade", "speed_lag_20s", "speed_lag_50s", "altitude_lag_300s", COLUMNS_6_TO_13

static const struct feature_set sets[] = {
    {"physio-residual", 15, {DEFAULT_14, "physio_prior_hr"}, 1, 1, 0, 0},
    {"default", 14, {DEFAULT_14}, 0, 0, 0, 0},
    {"seed11", 11,
     {"speed", "altitude", "gender", "speed_lag_2", "speed_lag_5", "altitude_lag_30", "speed_diff",
      "altitude_diff", "speed_rolling_10", "speed_rolling_30", "cum_elevation_gain"},
     0, 0, 0, 0},
    {"default+physio", 15, {DEFAULT_14, "physio_prior_hr"}, 1, 0, 0, 0},
    {"default+pace", 15, {DEFAULT_14, "workout_median_speed"}, 0, 0, 0, 0},
    {"default+effort", 18,
     {DEFAULT_14, "effort_ema_30s", "effort_ema_120s", "effort_ema_600s", "effort_ema_1800s"},
     0, 0, 1, 0},
    {"default+relalt", 14,
     {"speed", "altitude_rel", "grade", "speed_lag_20s", "speed_lag_50s", "altitude_rel_lag_300s", COLUMNS_6_TO_13},
     0, 0, 0, 1},
};
#define N_SETS (sizeof sets / sizeof sets[0])

/* Median of the moving speeds (> 0.5 m/s) of the whole series: how fast this runner runs this
 * workout, a proxy for fitness and relative intensity. From speed only. */
static float median_moving_speed(const struct series *s)
{
    return median_above(S_SPEED(s), (size_t)(s->n > 0 ? s->n : 0), 0.5f, 0.0f);
}

const struct feature_set *feature_set_get(const char *name)
{
    for (size_t i = 0; i < N_SETS; i++)
        if (!strcmp(sets[i].name, name))
            return &sets[i];
    return NULL;
}

int feature_set_whole_workout(const struct feature_set *set)
{
    return set && !strcmp(set->name, "default+pace");
}

const char *feature_set_names(char *buf, size_t cap)
{
    size_t k = 0;
    if (cap)
        buf[0] = 0;
    for (size_t i = 0; i < N_SETS && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", sets[i].name);
    return buf;
}

static int steps_for(float seconds, float step)
{
    int k = (int)lroundf(seconds / step);
    return k < 1 ? 1 : k;
}

/* value lagged by k steps, the first value repeated before the start */
static float lag(const float *v, int i, int k) { return v[i - k >= 0 ? i - k : 0]; }

/* trailing mean over the last k steps (including i), from prefix sums */
static float trailing_mean(const double *pre, int i, int k)
{
    int a = i - k + 1 < 0 ? 0 : i - k + 1;
    return (float)((pre[i + 1] - pre[a]) / (i - a + 1));
}

void feature_state_init(struct feature_state *st) { memset(st, 0, sizeof *st); }

void features_ctx_init(struct feature_ctx *c, const struct feature_set *set, float step, char gender, float pace)
{
    static const float taus[FEAT_EFFORT_N] = FEAT_EFFORT_TAUS;
    for (int k = 0; k < FEAT_EFFORT_N; k++)
        c->effort_a[k] = step / (taus[k] + step);
    c->set = set;
    c->step = step;
    c->gender = gender == 'm' ? 1.0f : gender == 'f' ? -1.0f : 0.0f;
    c->seed = !strcmp(set->name, "seed11");
    c->l20 = c->seed ? 2 : steps_for(20, step);
    c->l50 = c->seed ? 5 : steps_for(50, step);
    c->l300 = c->seed ? 30 : steps_for(300, step);
    c->m100 = c->seed ? 10 : steps_for(100, step);
    c->m300 = c->seed ? 30 : steps_for(300, step);
    c->pace = pace;
}

int features_lookback(const struct feature_ctx *c)
{
    int k = c->l20 > c->l50 ? c->l20 : c->l50;
    k = k > c->l300 ? k : c->l300;
    k = k > c->m100 ? k : c->m100;
    return k > c->m300 ? k : c->m300;
}

/* speed x max(0, 1 + 5 grade), grade clamped to +-0.3; 0 where either is not finite */
static double effort_of(float speed, float grade)
{
    if (!isfinite(speed) || !isfinite(grade))
        return 0.0;
    double g = grade < -0.3f ? -0.3 : grade > 0.3f ? 0.3 : grade, f = 1.0 + 5.0 * g;
    return f > 0 ? speed * f : 0.0;
}

void features_row(const struct feature_ctx *c, const struct series *s, const double *pre, int i,
                  struct feature_state *fs, float prior, float *row)
{
    const float *spd = S_SPEED(s), *alt = S_ALT(s);
    float st = c->step;
    float dv = i ? spd[i] - spd[i - 1] : 0.0f, da = i ? alt[i] - alt[i - 1] : 0.0f;
    double *gain = &fs->gain;
    if (i == 0)
        fs->alt0 = alt[0];
    if (da > 0)
        *gain += da;
    if (c->set->effort) {
        double e = effort_of(spd[i], S_GRADE(s)[i]);
        for (int k = 0; k < FEAT_EFFORT_N; k++)
            fs->effort[k] += c->effort_a[k] * (e - fs->effort[k]);
    }
    if (c->seed) {
        float v[11] = {spd[i], alt[i], c->gender, lag(spd, i, c->l20), lag(spd, i, c->l50), lag(alt, i, c->l300),
                       dv, da, trailing_mean(pre, i, c->m100), trailing_mean(pre, i, c->m300), (float)*gain};
        memcpy(row, v, sizeof v);
    } else {
        float v[14] = {spd[i], alt[i], S_GRADE(s)[i], lag(spd, i, c->l20), lag(spd, i, c->l50),
                       lag(alt, i, c->l300), dv / st, da / st, trailing_mean(pre, i, c->m100),
                       trailing_mean(pre, i, c->m300), (float)*gain, S_TIME(s)[i], S_DIST(s)[i], c->gender};
        memcpy(row, v, sizeof v);
        if (c->set->relalt)
            row[1] -= fs->alt0, row[5] -= fs->alt0;
        if (c->set->prior)
            row[14] = prior;
        else if (c->set->effort)
            for (int k = 0; k < FEAT_EFFORT_N; k++)
                row[14 + k] = (float)fs->effort[k];
        else if (c->set->n == 15)
            row[14] = c->pace;
    }
    for (int f = 0; f < c->set->n; f++)
        if (!isfinite(row[f]))
            row[f] = 0.0f;
}

int features_compute(const struct feature_set *set, const struct series *s, const float *prior, float *out,
                     struct hr_err *e)
{
    if (set->prior && !prior)
        return hr_fail(e, "features: set '%s' needs a prior", set->name);
    int n = s->n, F = set->n;
    const float *spd = S_SPEED(s);
    double *pre = malloc(sizeof(double) * (size_t)(n + 1));
    if (!pre)
        return hr_fail(e, "features: out of memory");
    pre[0] = 0;
    for (int i = 0; i < n; i++)
        pre[i + 1] = pre[i] + spd[i];
    struct feature_ctx c;
    features_ctx_init(&c, set, s->step, s->meta.gender,
                      feature_set_whole_workout(set) ? median_moving_speed(s) : 0.0f);
    struct feature_state st;
    feature_state_init(&st);
    for (int i = 0; i < n; i++)
        features_row(&c, s, pre, i, &st, set->prior ? prior[i] : 0.0f, out + (size_t)i * F);
    free(pre);
    return 0;
}

void features_rest_row(const struct feature_set *set, const float *row0, float *out)
{
    for (int f = 0; f < set->n; f++)
        out[f] = !strncmp(set->names[f], "speed", 5) || !strncmp(set->names[f], "effort", 6) ||
                         !strcmp(set->names[f], "grade")
                     ? 0.0f
                     : row0[f];
}

void norm_acc_init(struct norm_acc *a, int n)
{
    memset(a, 0, sizeof *a);
    a->n = n;
}

void norm_acc_add(struct norm_acc *a, const float *x, int rows)
{
    for (int r = 0; r < rows; r++)
        for (int f = 0; f < a->n; f++) {
            double v = x[(size_t)r * a->n + f];
            a->sum[f] += v;
            a->sq[f] += v * v;
        }
    a->count += rows;
}

void norm_acc_finish(const struct norm_acc *a, struct normalizer *nz)
{
    nz->n = a->n;
    for (int f = 0; f < a->n; f++) {
        double m = a->count ? a->sum[f] / a->count : 0;
        double var = a->count ? a->sq[f] / a->count - m * m : 1;
        double sd = var > 1e-12 ? sqrt(var) : 1.0;
        nz->mean[f] = (float)m;
        nz->std[f] = (float)sd;
    }
}

void normalize_rows(const struct normalizer *nz, float *x, int rows)
{
    for (int r = 0; r < rows; r++)
        for (int f = 0; f < nz->n; f++) {
            float *v = &x[(size_t)r * nz->n + f];
            *v = (*v - nz->mean[f]) / nz->std[f];
        }
}
