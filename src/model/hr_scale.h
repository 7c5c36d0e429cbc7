/* hr_scale.h — the per-athlete HR scale of an LSTM (train --hr-scale athlete; docs/features.md, "The
 * athlete's HR scale"): each athlete's mean and sd of heart rate over their own training workouts, so that
 * the network learns one population-typical heart and each runner's level and range come from their own
 * earlier runs:
 *     HR = mean_A + sd_A x (network - pop_mean) / pop_sd,
 * the network trained on pop_mean + pop_sd x (HR - mean_A) / sd_A. pop_mean and pop_sd are the athletes'
 * means and sds averaged (each athlete once), which is also what a runner not in the table gets: for them the
 * network's output is the HR. This file owns the table, its fit from training series, the two maps and its
 * place in the model card ("hr_scale"). Only HR of the training part enters it (never the HR of a workout
 * being predicted, unless that workout was trained on). */
#ifndef HRCAST_MODEL_HR_SCALE_H
#define HRCAST_MODEL_HR_SCALE_H
#include "io/workout.h"
#include "prep/series.h"
#include "util/json.h"

#define HR_SCALE_MIN_S 3600.0f /* seconds of trusted HR an athlete needs for a scale of their own */
#define HR_SCALE_MIN_SD 3.0f   /* bpm: the smallest sd a scale keeps */

struct hr_scale_athlete {
    char id[WK_ATHLETE_LEN];
    float mean, sd; /* bpm */
    long long steps; /* trusted HR steps they were measured on */
};

struct hr_scale {
    int on;                /* 0: HR is the network's output (models without a scale) */
    float pop_mean, pop_sd; /* bpm */
    int n;
    struct hr_scale_athlete *ath; /* sorted by id */
};

/* Off, no athletes. */
void hr_scale_init(struct hr_scale *s);
void hr_scale_free(struct hr_scale *s);
/* The athlete's mean and sd (the population's when NULL, "" or not in the table). */
void hr_scale_lookup(const struct hr_scale *s, const char *athlete, float *mean, float *sd);
/* Network space <-> bpm for one athlete's (mean, sd); identity when s is off. The sd map scales a sigma. */
float hr_scale_to_bpm(const struct hr_scale *s, float mean, float sd, float net);
float hr_scale_to_net(const struct hr_scale *s, float mean, float sd, float hr);
/* 1 when the table holds the athlete (a scale of their own), else 0. */
int hr_scale_knows(const struct hr_scale *s, const char *athlete);
/* Add or replace an athlete (keeps the table sorted). -1 on out of memory or an empty id. */
int hr_scale_set(struct hr_scale *s, const char *athlete, float mean, float sd, long long steps);
/* Measure one athlete on the series v[0..n) (their trusted HR steps, or every recorded one when
 * keep_flagged): 1 and the table entry set when they have HR_SCALE_MIN_S seconds of it, 0 when not (the
 * population's then), -1 on out of memory. */
int hr_scale_fit_athlete(struct hr_scale *s, const struct series *const *v, int n, const char *athlete,
                         int keep_flagged);
/* Turn the scale on and fit it on series v[0..n) (training series), in one pass over their steps: every
 * athlete with enough HR, then the population as their average (no athlete with enough HR: mean and sd of all
 * the steps). 0, -1 on out of memory. */
int hr_scale_fit(struct hr_scale *s, const struct series *const *v, int n, int keep_flagged);
/* The card's "hr_scale" object (only when on): {"rule", "pop_mean", "pop_sd", "min_s", "athletes": {id:
 * [mean, sd, steps]}}. */
void hr_scale_write_json(const struct hr_scale *s, struct jw *w);
/* Read it back (j NULL: off). Means must lie in 30-230 bpm and sds in [HR_SCALE_MIN_SD, 100]; -1 with e
 * filled (path names the file) otherwise. */
int hr_scale_read_json(struct hr_scale *s, const struct json *j, const char *path, struct hr_err *e);

#endif
