/* physio.h — the physiological baseline predictor: first-order HR kinetics
 *     tau dHR/dt = HRss - HR,   HRss = offset + gain * v_eff + drift * t/3600,
 *     v_eff = v * (1 + grade_k * (Cr(grade)/Cr(0) - 1))   (Cr: Minetti 2002 cost of running),
 * HR(0) = hr0. Population parameters plus a table of per-athlete parameters fitted by least squares
 * (docs/physio.md). predict uses the athlete's parameters when series->meta.athlete is in the table. */
#ifndef HRCAST_MODEL_PHYSIO_H
#define HRCAST_MODEL_PHYSIO_H
#include "model/predictor.h"
#include "prep/series.h"
#include "util/err.h"

#define PHYSIO_NPARAM 8 /* floats per parameter row in the model file */

struct physio_params {
    float offset;  /* bpm: steady-state HR at zero speed while exercising */
    float gain;    /* bpm per m/s of grade-adjusted speed */
    float tau;     /* s */
    float drift;   /* bpm per hour of exercise */
    float grade_k; /* 0 = grade ignored, 1 = full Minetti cost */
    float hr0;     /* bpm at the first step */
    float rmse;    /* bpm, fit residual (used as sigma) */
    float n_valid; /* HR steps the fit used (0 for defaults) */
};

struct physio_athlete {
    char id[WK_ATHLETE_LEN];
    struct physio_params p;
};

struct physio_model {
    float step;                 /* grid step (s) of the training series */
    struct physio_params pop;   /* population */
    int n_ath;
    struct physio_athlete *ath; /* sorted by id */
};

struct physio_fit_opts {
    float prior_weight; /* shrinkage of athlete fits toward the population (1 = default strength) */
    int min_valid;      /* athletes with fewer valid HR steps keep the population parameters */
    int personal;       /* fit per-athlete parameters (else population only) */
};

/* Population defaults from the literature (docs/physio.md). */
void physio_params_default(struct physio_params *p);
void physio_fit_opts_default(struct physio_fit_opts *o);
/* Minetti 2002 cost ratio Cr(grade)/Cr(0). */
double physio_cost_ratio(double grade);
/* One step of the model (physio_predict_params is a loop over it; a live stream calls it step by step):
 * returns the HR of this step (the state *h, clamped to [30, 230]) and advances *h by one step of the ODE.
 * alpha = physio_alpha(p, step); the state starts at p->hr0. */
double physio_alpha(const struct physio_params *p, float step);
float physio_step(const struct physio_params *p, double alpha, double *h, float speed, float grade, float time_s);
/* HR prediction (n = s->n values) with the given parameters. */
void physio_predict_params(const struct physio_params *p, const struct series *s, float *hr);

void physio_model_init(struct physio_model *m, float step); /* defaults, no athletes */
void physio_model_free(struct physio_model *m);
/* Parameters for an athlete id (population when "" or unknown). */
const struct physio_params *physio_model_lookup(const struct physio_model *m, const char *athlete);
/* Add or replace an athlete's parameters (keeps the table sorted). */
int physio_model_set_athlete(struct physio_model *m, const char *athlete, const struct physio_params *p);

/* Least-squares fit of one parameter set to n series (masked HR). Grid + golden-section search over tau
 * and grade_k, closed-form (ridge toward prior when prior_weight > 0) for offset, gain, drift, hr0,
 * with two Huber (delta 10 bpm) reweightings. Returns -1 when there are no valid HR steps. */
int physio_fit_params(const struct series *const *s, int n, const struct physio_params *prior,
                      float prior_weight, struct physio_params *out);
/* Fit the population on all series, then each athlete (series grouped by meta.athlete) when
 * opts->personal. Training series only: the caller picks them. */
int physio_model_fit(struct physio_model *m, const struct series *const *s, int n,
                     const struct physio_fit_opts *opts, struct hr_err *e);

/* Fit one athlete's parameters on s (n series, all that athlete's), shrunk toward m->pop as in
 * physio_model_fit, and put them into m's table. Returns 0 when fitted, 1 when not (no id, fewer than
 * o->min_valid valid HR steps: the athlete keeps the population's), -1 on out of memory. */
int physio_model_fit_athlete(struct physio_model *m, const struct series *const *s, int n, const char *athlete,
                             const struct physio_fit_opts *o, struct hr_err *e);

/* Wrap a model as a predictor (takes ownership of *m, which is left empty). */
int physio_predictor_from_model(struct physio_model *m, struct predictor *p, struct hr_err *e);
/* Model files: safetensors, tensors physio.population [8] and physio.athletes [n, 8] (F32),
 * __metadata__ model_type "physio", step, and "model" (JSON: param names, athlete ids, provenance). */
int physio_model_save(const struct physio_model *m, const char *path, const char *provenance_json,
                      struct hr_err *e);
int physio_model_load(const char *path, struct physio_model *m, struct hr_err *e);
/* Parameter rows of PHYSIO_NPARAM floats (the order of struct physio_params): the population first,
 * then each athlete in table order; malloc'ed ((n_ath + 1) rows). For models embedded in other files. */
float *physio_model_rows(const struct physio_model *m);
/* The inverse: pop (one row), ath (n rows) with their ids. Returns -1 on out of memory or a bad id. */
int physio_model_from_rows(struct physio_model *m, float step, const float *pop, const float *ath,
                           const char *const *ids, size_t n);
/* The model card JSON (malloc'ed), as stored in the file's "model" metadata. */
char *physio_model_json(const struct physio_model *m);

#endif
