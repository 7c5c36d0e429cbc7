/* series.h — struct series: one cleaned workout on a uniform time grid (step seconds), the unit that
 * the dataset stores and that features, models and metrics consume.
 * Invariants after prep: speed, alt, grade, dist, time are finite at every step (alt is 0 and
 * meta.has_alt 0 when the recording had none); hr is NaN where masked (never a target there). */
#ifndef HRCAST_PREP_SERIES_H
#define HRCAST_PREP_SERIES_H
#include <stdint.h>
#include "io/workout.h"

enum series_channel { CH_TIME = 0, CH_SPEED, CH_ALT, CH_GRADE, CH_DIST, CH_HR, CH_COUNT };

struct series_meta {
    char athlete[WK_ATHLETE_LEN];
    char sport[WK_SPORT_LEN];
    char gender; /* 'm', 'f', 'u' */
    char device[WK_DEVICE_LEN];
    char source[WK_SOURCE_LEN];
    char title[WK_TITLE_LEN]; /* the activity's name, "" when none (workout.h) */
    double start_time; /* Unix seconds, NAN unknown */
    long long id;      /* source id or -1 */
    int has_alt;       /* recording had altitude */
    int has_gps;       /* recording had positions */
    float valid_hr_frac; /* fraction of grid steps with valid HR */
    int n_raw;           /* raw samples in the recording */
    float raw_duration;  /* last - first raw timestamp, seconds */
    char hr_sensor[WK_SENSOR_LEN]; /* "strap", "wrist" or "" (the file did not say) */
    int has_hr_truth;    /* hr_truth holds the injected artifacts (simulate --artifacts) */
};

struct series {
    int n;      /* steps */
    float step; /* seconds per step */
    float *ch[CH_COUNT]; /* time (elapsed s), speed (m/s), alt (m), grade (fraction), dist (m), hr (bpm, NaN masked) */
    uint8_t *hr_issue; /* per step enum hr_issue (prep/hr_quality.h); NULL: not assessed (datasets of
                        * version 1, hand-built series): every recorded HR is trusted */
    uint8_t *hr_truth; /* per step true artifact (simulated data) when meta.has_hr_truth, else unused */
    struct series_meta meta;
    int owns; /* 1 when ch[], hr_issue and hr_truth are malloc'ed by series_alloc (one buffer) */
};

/* The grid steps hrcast works on (s): import's and simulate's --step range, what a dataset and a model file may
 * hold (dataset_open, predictor_load). */
#define GRID_STEP_MIN 0.5f
#define GRID_STEP_MAX 600.0f

#define S_TIME(s) ((s)->ch[CH_TIME])
#define S_SPEED(s) ((s)->ch[CH_SPEED])
#define S_ALT(s) ((s)->ch[CH_ALT])
#define S_GRADE(s) ((s)->ch[CH_GRADE])
#define S_DIST(s) ((s)->ch[CH_DIST])
#define S_HR(s) ((s)->ch[CH_HR])

const char *series_channel_name(enum series_channel c);
void series_meta_init(struct series_meta *m);
/* Allocate n steps (one buffer), every value 0 except hr NaN; hr_issue and hr_truth all 0. */
int series_alloc(struct series *s, int n, float step);
void series_free(struct series *s);
/* Number of steps with valid (non-NaN) HR. */
int series_valid_hr(const struct series *s);
/* 1 when step k has a recorded HR that the quality stage did not flag (a trusted target). */
int series_hr_trusted(const struct series *s, int k);

#endif
