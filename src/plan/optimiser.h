/* optimiser.h — race pacing plans: a speed per course segment (~100 m), turned into a planned run on
 * the model's time grid and scored with the model's predicted heart rate. Strategies: even pace,
 * even effort (Minetti 2002 grade-adjusted speed) and min-peak-hr (a compass search over a few smooth
 * basis functions of distance, with the model itself in the loop). The finish time equals the target
 * exactly by construction (speeds are rescaled after every move). Method: docs/plan.md. */
#ifndef HRCAST_PLAN_OPTIMISER_H
#define HRCAST_PLAN_OPTIMISER_H
#include "io/workout.h"
#include "model/predictor.h"
#include "plan/course.h"
#include "prep/series.h"
#include "util/err.h"

struct plan_so_far;

enum plan_strategy { PLAN_EVEN_PACE = 0, PLAN_EVEN_EFFORT, PLAN_MIN_PEAK_HR, PLAN_STRATEGY_COUNT };

const char *plan_strategy_name(enum plan_strategy s);
/* -1 when the name is unknown. */
int plan_strategy_parse(const char *name);

#define PLAN_MIN_MEAN_SPEED 1.0 /* m/s (16:40 min/km): slower targets are refused */
#define PLAN_MAX_MEAN_SPEED 7.0 /* m/s (2:23 min/km): faster targets are refused */
#define PLAN_MAX_SEG_SPEED 9.0  /* m/s: no segment of a plan goes faster */
#define PLAN_MAX_SEG_RATIO 1.5  /* nor faster than this times the mean speed */

struct plan_opts {
    enum plan_strategy strategy;
    double target_s;   /* finish time (s) */
    double hr_cap;     /* bpm; NaN = none. min-peak-hr then minimises the time above the cap */
    double seg_len;    /* segment length target (m); 0 = 100 */
    int max_evals;     /* model evaluations of min-peak-hr; 0 = 240 */
    double max_change; /* min-peak-hr: consecutive km's grade-adjusted paces differ by at most this % (2) */
    double max_start;  /* min-peak-hr: the first km's grade-adjusted pace at most this % faster than the
                        * average (3) */
    double max_spread; /* min-peak-hr: every km's grade-adjusted pace within this % of the average (6) */
    char gender;       /* 'm', 'f', 'u' */
    char athlete[WK_ATHLETE_LEN]; /* series meta.athlete ("" = population) */
    /* re-planning during a race (plan/so_far.h): when set, the course is what is left of the race and
     * every plan is scored as a calibrated forecast continuing the part already run; NULL = a fresh start */
    struct plan_so_far *so_far;
};
void plan_opts_default(struct plan_opts *o);

/* What one plan predicts. */
struct plan_score {
    double peak_hr;     /* bpm, max predicted HR up to the finish */
    double above_cap_s; /* s with predicted HR above the cap (0 without one) */
};

struct plan_result {
    enum plan_strategy strategy;
    int nseg;
    double seg_len;     /* m (course length / nseg) */
    float *seg_speed;   /* nseg m/s */
    float *seg_grade;   /* nseg, mean grade of each segment (fraction) */
    double finish_s;    /* sum of segment times */
    struct series s;    /* the planned run on the model's grid (hr NaN) */
    float *hr;          /* s.n predicted HR (bpm) */
    struct plan_score score;
    double hr_cap;      /* copied from the options */
    int evals;          /* model evaluations spent */
    /* the simple strategies scored on the same course and target, for comparison */
    struct plan_score even_pace, even_effort;
    /* with a cap the plan does not meet: the fastest finish (s) at which even pace or even effort keeps
     * the predicted HR under it (plan_fastest_under_cap), NaN when not computed or none does */
    double cap_fastest_s;
    enum plan_strategy cap_fastest_by;
};

/* A target the planner takes: positive, and a mean speed of PLAN_MIN_MEAN_SPEED..PLAN_MAX_MEAN_SPEED over c
 * (plan_make checks it too). 0, or -1 with one line in e naming the speed needed. */
int plan_check_target(const struct plan_course *c, double target_s, struct hr_err *e);
/* Make a plan. Fails (e filled, nothing allocated) on an impossible target or a model error. */
int plan_make(const struct predictor *p, const struct plan_course *c, const struct plan_opts *o,
              struct plan_result *r, struct hr_err *e);
void plan_result_free(struct plan_result *r);

/* The fastest finish time (to 1 s) at which even pace or even effort keeps every predicted HR of the
 * course at or under o->hr_cap; searched from o->target_s up to twice that (the slowest plannable time and the
 * 48 h grid limit at most), or, when one of the two meets it at o->target_s already (a plan whose strategy is
 * the other one), down to the fastest plannable time. *t = NaN (and 0 returned) when none meets it; *by = the strategy. */
int plan_fastest_under_cap(const struct predictor *p, const struct plan_course *c, const struct plan_opts *o,
                           double *t, enum plan_strategy *by, struct hr_err *e);
/* The slowest finish plan_fastest_under_cap tries: twice o->target_s, or less where the course at PLAN_MIN_MEAN_SPEED
 * or the 48 h grid limit ends it sooner (for the message when none meets the cap). */
double plan_cap_search_limit(const struct plan_course *c, const struct plan_opts *o);

/* Elapsed time (s) at distance d along the plan, and distance (m) at time t (both clamped). */
double plan_time_at(const struct plan_result *r, double d);
double plan_dist_at(const struct plan_result *r, double t);
/* Predicted HR at time t (linear between grid steps). */
double plan_hr_at(const struct plan_result *r, double t);

#endif
