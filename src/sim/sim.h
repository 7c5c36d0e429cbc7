/* sim.h — the workout simulator: synthetic athletes (documented parameter ranges, docs/simulator.md),
 * their heart-rate physiology, and RAW irregular recordings as struct workout, with the sensor faults
 * of real files (irregular sampling, wrist lag, dropouts, cadence lock, GPS and barometric noise,
 * pauses). Prep cleans and resamples them exactly like imported files. Deterministic given the seed. */
#ifndef HRCAST_SIM_SIM_H
#define HRCAST_SIM_SIM_H
#include <stdint.h>
#include "io/workout.h"
#include "sim/course.h"

struct sim_athlete {
    char id[WK_ATHLETE_LEN]; /* "sim0001" */
    int index;
    char gender;             /* 'm' / 'f' */
    double age;              /* years */
    double hr_rest, hr_max;  /* bpm */
    double vo2max;           /* ml/kg/min */
    double v_aer;            /* m/s at VO2max (ACSM running equation) */
    double offset;           /* bpm above rest when exercising at zero speed */
    double gain;             /* bpm per m/s of grade-adjusted speed */
    double tau_fast, tau_slow, p_fast; /* two-component kinetics: s, s, fraction of the fast part */
    double drift;            /* cardiac drift, fraction of steady-state HR per hour */
    double form_sd;          /* day-to-day form, bpm (sd) */
    int wrist;               /* 1 optical wrist sensor, 0 chest strap */
    double sensor_lag;       /* s, delay of the recorded HR */
    double home_lat, home_lon; /* degrees */
    double epoch;            /* Unix s, midnight of the day before the first workout */
    uint64_t seed;           /* this athlete's stream */
};

struct sim_cohort {
    int n;
    struct sim_athlete *athletes;
    uint64_t seed;
};

enum sim_kind { SIM_EASY = 0, SIM_STEADY, SIM_TEMPO, SIM_INTERVALS, SIM_PROGRESSIVE, SIM_HILLS,
                SIM_LONG, SIM_RACE, SIM_KIND_COUNT };

struct sim_options {
    int noise_free;        /* no jitter, form, HR noise, pauses or sensor effects: 1 s sampling, exact channels */
    double duration_scale; /* multiplies planned durations (0 or 1 = as planned) */
    int artifacts;         /* inject each kind of HR-sensor artifact (cadence lock, lock-on, dropout, stuck,
                            * level shift, spike) at random with its true extent in workout.hr_truth */
};

/* The true (pre-sensor) 1 s traces of one simulated workout; malloc'ed, free with sim_truth_free. */
struct sim_truth {
    int n;
    float *t, *speed, *grade, *alt, *dist, *hr; /* s from start, m/s, fraction, m, m, bpm */
    double form;                                /* the day's form offset, bpm */
};

/* Athlete `index` (0-based) of a cohort seeded with seed: parameters drawn from the documented ranges. */
void sim_athlete_params(struct sim_athlete *a, int index, uint64_t seed);
int sim_cohort_init(struct sim_cohort *c, int athletes, uint64_t seed);
/* One fitted first-order model of a real runner (physio.h's offset, gain, tau, drift). */
struct sim_fitted_row {
    double offset; /* bpm at zero speed while running */
    double gain;   /* bpm per m/s */
    double tau;    /* s */
    double drift;  /* bpm per hour */
};
#define SIM_LIKE_OFFSET_SD 4.0 /* bpm: the jitter of a drawn row's level */
#define SIM_LIKE_LOG_SD 0.15   /* the jitter of gain and tau, as a factor exp(N(0, sd)) */
#define SIM_LIKE_DRIFT_SD 1.5  /* bpm per hour */
#define SIM_LIKE_GAIN_MIN 1.0  /* bpm per m/s: a heart that does not answer pace at all is not simulated */
#define SIM_LIKE_HRMAX_MARGIN 5.0 /* bpm: the HR at the aerobic speed stays this far under HRmax ... */
#define SIM_LIKE_HRMAX_MAX 215.0  /* ... which is raised to at most this */
/* Athlete `index` drawn as sim_athlete_params, then its level, gain, kinetics and drift replaced by one of
 * rows[0..n) picked at random and jittered (athlete_like.c; n 0: as sim_athlete_params). */
void sim_athlete_like(struct sim_athlete *a, int index, uint64_t seed, const struct sim_fitted_row *rows, int n);
/* A cohort drawn by sim_athlete_like (rows NULL or n 0: sim_cohort_init). */
int sim_cohort_init_like(struct sim_cohort *c, int athletes, uint64_t seed, const struct sim_fitted_row *rows,
                         int n);
void sim_cohort_free(struct sim_cohort *c);
/* The kind of an athlete's workout number `index` in its training schedule (seeded mix). */
enum sim_kind sim_schedule_kind(const struct sim_athlete *a, int index);
const char *sim_kind_name(enum sim_kind k);
/* Parse "easy", "tempo", ...; -1 when unknown. */
int sim_kind_parse(const char *name);

/* Physiology. Minetti et al. 2002 energy cost of running on a gradient (J/kg/m), and its ratio to flat. */
double sim_minetti_cost(double grade);
double sim_cost_ratio(double grade);
/* Steady-state HR (bpm) at speed (m/s), grade, elapsed exercise time t (s), day form (bpm); clipped to
 * [hr_rest, hr_max]. */
double sim_hr_steady(const struct sim_athlete *a, double speed, double grade, double t, double form);
/* Noise-free HR response (bpm, n values) to a speed/grade trace sampled every dt seconds, starting at hr0.
 * Two-component kinetics, HR clipped to [hr_rest, hr_max]. */
void sim_hr_response(const struct sim_athlete *a, const float *speed, const float *grade, int n, double dt,
                     double hr0, float *hr);

/* One RAW recording: athlete a's workout number index of the given kind. */
int sim_workout(const struct sim_athlete *a, int index, enum sim_kind kind, uint64_t seed, struct workout *out);
/* Same with options; truth (optional) receives the true 1 s traces. */
int sim_workout_ex(const struct sim_athlete *a, int index, enum sim_kind kind, uint64_t seed,
                   const struct sim_options *opt, struct workout *out, struct sim_truth *truth);
void sim_truth_free(struct sim_truth *t);

#endif
