/* prep.h — turns one raw struct workout into one clean struct series on a uniform grid:
 * sport filter, HR range/spike masking, clock-glitch handling, altitude cleaning (altitude.h), speed
 * derivation (device speed, distance, or GPS), resampling with pauses, grade and distance. Every rejection and every masked
 * step has a named, counted reason (docs/data.md). */
#ifndef HRCAST_PREP_PREP_H
#define HRCAST_PREP_PREP_H
#include "io/workout.h"
#include "prep/series.h"
#include "util/err.h"

/* Why a whole workout was not accepted. */
enum reject_reason {
    REJ_NOT_RUNNING = 0, /* sport filter */
    REJ_NO_TIME,         /* no usable timestamps */
    REJ_NO_HR,           /* no heart-rate sample at all */
    REJ_NO_SPEED,        /* neither speed, distance nor positions */
    REJ_TOO_SHORT,       /* less than min_valid_s seconds of valid HR */
    REJ_LOW_VALID_HR,    /* less than min_valid_frac of the steps have valid HR */
    REJ_DUPLICATE,       /* same athlete and start time as an earlier workout */
    REJ_READ_ERROR,      /* the file could not be read (counted by import) */
    REJ_UNSUPPORTED,     /* not a workout format hrcast reads (counted by import) */
    REJ_NOT_MOVING,      /* less than min_valid_s seconds moving (> 0.5 m/s): a watch left recording */
    REJ_COUNT
};

/* Why individual samples or grid steps were masked or dropped (counted, not fatal). */
enum mask_reason {
    MASK_HR_OUT_OF_RANGE = 0, /* HR 0 or outside [hr_min, hr_max]: sample masked */
    MASK_HR_SPIKE,            /* isolated jump away and back: sample masked */
    MASK_HR_GAP,              /* grid step with no HR sample close enough: step masked */
    MASK_PAUSE,               /* grid step inside a recording gap > max_gap: speed 0, HR masked */
    MASK_CLOCK_BACKWARDS,     /* sample out of time order (backwards, or a glitch ahead): dropped */
    MASK_CLOCK_GLITCH,        /* samples beyond a jump > split_gap: segment dropped */
    MASK_SPEED_SPIKE,         /* speed above speed_max: replaced by interpolation */
    MASK_ALT_OUT_OF_RANGE,    /* altitude below -450 m or above 9,000 m: sample masked, interpolated */
    MASK_ALT_SPIKE,           /* altitude jump that comes back: sample masked, interpolated */
    MASK_ALT_LEVEL_SHIFT,     /* altitude jump that stays (barometric/GPS switch): sample re-levelled */
    MASK_ALT_CLIMB_RATE,      /* sustained vertical speed no runner holds: sample masked, interpolated */
    MASK_MOVING_GAP,          /* grid step inside a recording gap the distance says was run: its mean speed */
    MASK_COUNT
};

const char *reject_reason_name(enum reject_reason r);
const char *mask_reason_name(enum mask_reason r);

struct prep_opts {
    float step;            /* grid step, seconds (default 10) */
    char sport[32];        /* "running" (default), "any", or a sport name to keep */
    float hr_min, hr_max;  /* valid HR range (30, 230) */
    float max_gap;         /* gaps longer than this (s) are pauses, not interpolated (60) */
    float split_gap;       /* gaps longer than this (s) are clock glitches / separate sessions (1800) */
    float hr_max_gap;      /* HR interpolated across at most this many seconds (20) */
    float min_valid_s;     /* minimum valid-HR time (300) */
    float min_valid_frac;  /* minimum fraction of steps with valid HR (0.5) */
    float speed_max;       /* m/s above which speed is a spike (12) */
    char athlete[WK_ATHLETE_LEN]; /* used when the workout has none ("" = keep "") */
    char gender;           /* used when the workout has none ('u' = keep) */
    int require_hr;        /* 1 (default): reject workouts without enough valid HR. 0: predicting a
                            * run that may have no HR at all (planned or HR-less recordings) */
    double max_duration_s; /* grid span; longer recordings are cut here (HR_LIMIT_DURATION_S, 48 h) */
};
void prep_opts_default(struct prep_opts *o);

struct prep_stats {
    long long rejected[REJ_COUNT];
    long long masked[MASK_COUNT];
    long long accepted;
};

/* The sport filter of prep_opts.sport: 1 when a workout of this sport is kept ("" = unstated: kept;
 * want "running" = any running sport; "any"; else a substring). Import uses it to skip members of an
 * archive whose index names another sport before parsing them. */
int prep_sport_wanted(const char *sport, const char *want);
/* Returns 0 and fills *out (owned) when accepted; 1 when rejected (*why set, stats counted);
 * -1 on error (out of memory). */
int prep_workout(const struct workout *w, const struct prep_opts *o, struct series *out,
                 enum reject_reason *why, struct prep_stats *st, struct hr_err *e);

/* Fill distance (integral of speed) and grade (from smoothed altitude over distance) of a grid
 * series whose speed and altitude are set. Used by prep and by planned runs. */
void series_finish_grid(struct series *s);
/* The grade of step i of an n-step grid (series_finish_grid is a loop over it): smoothed altitude (prefix
 * sums pre[k] = sum of altitude over steps < k) over +-half steps at both ends of a +-half baseline, over the
 * distance run between them. Reads steps up to i + 2 half (clamped at n - 1): a live stream's grade at i is
 * final once step i + 2 half exists. half = grade_half_steps(step). */
int grade_half_steps(float step);
float grade_at(const double *pre, const float *dist, int n, int i, int half);
/* A planned run: speed (m/s) and altitude (m, may be NULL) per step -> series (hr all NaN). */
int series_from_profile(const float *speed, const float *alt, int n, float step, char gender,
                        struct series *out);

#endif
