/* athlete.c — drawing synthetic athletes and their training schedule (ranges and sources:
 * docs/simulator.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/sim.h"
#include "sim/sim_rng.h"

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

void sim_athlete_params(struct sim_athlete *a, int index, uint64_t seed)
{
    memset(a, 0, sizeof *a);
    struct sim_rng r;
    a->seed = sim_seed_mix(seed, 0x41000000ull + (uint64_t)index);
    sim_rng_init(&r, a->seed);
    a->index = index;
    snprintf(a->id, sizeof a->id, "sim%04d", index + 1);
    a->gender = sim_rng_uniform(&r) < 0.6 ? 'm' : 'f';
    a->age = sim_rng_range(&r, 20, 60);
    /* Tanaka et al. 2001: HRmax = 208 - 0.7 age, sd ~ 5-7 bpm */
    a->hr_max = clampd(208.0 - 0.7 * a->age + 5.0 * sim_rng_normal(&r), 160, 205);
    double vo2 = a->gender == 'm' ? 52 + 7 * sim_rng_normal(&r) : 46 + 6 * sim_rng_normal(&r);
    vo2 -= 0.2 * (a->age - 35);
    a->vo2max = clampd(vo2, 32, 70);
    a->hr_rest = clampd(78 - 0.45 * a->vo2max + (a->gender == 'f' ? 3 : 0) + 4 * sim_rng_normal(&r), 40, 75);
    /* ACSM running equation: VO2 = 3.5 + 0.2 ml/kg/m * v(m/min) -> v at VO2max in m/s */
    a->v_aer = (a->vo2max - 3.5) / 12.0;
    a->offset = sim_rng_range(&r, 15, 35);
    /* gain: the reserve left above rest+offset spread over the aerobic speed range (fitter -> lower) */
    a->gain = 0.9 * (a->hr_max - a->hr_rest - a->offset) / a->v_aer * exp(0.08 * sim_rng_normal(&r));
    a->tau_fast = sim_rng_range(&r, 8, 20);
    a->tau_slow = clampd(exp(log(78.0) + 0.3 * sim_rng_normal(&r)), 35, 130);
    a->p_fast = sim_rng_range(&r, 0.2, 0.45);
    a->drift = sim_rng_range(&r, 0.02, 0.10);
    a->form_sd = sim_rng_range(&r, 1.5, 4.0);
    a->wrist = sim_rng_uniform(&r) < 0.6;
    a->sensor_lag = a->wrist ? sim_rng_range(&r, 4, 12) : sim_rng_range(&r, 0, 2);
    a->home_lat = sim_rng_range(&r, 36, 60);
    a->home_lon = sim_rng_range(&r, -9, 28);
    /* first workout between 2014-01-01 and 2019-01-01 (UTC midnights) */
    a->epoch = 1388534400.0 + 86400.0 * floor(sim_rng_range(&r, 0, 1826));
}

int sim_cohort_init_like(struct sim_cohort *c, int athletes, uint64_t seed, const struct sim_fitted_row *rows,
                         int n)
{
    memset(c, 0, sizeof *c);
    if (athletes < 0)
        return -1;
    c->athletes = calloc((size_t)(athletes ? athletes : 1), sizeof *c->athletes);
    if (!c->athletes)
        return -1;
    c->n = athletes;
    c->seed = seed;
    for (int i = 0; i < athletes; i++)
        sim_athlete_like(&c->athletes[i], i, seed, rows, rows ? n : 0);
    return 0;
}

int sim_cohort_init(struct sim_cohort *c, int athletes, uint64_t seed)
{
    return sim_cohort_init_like(c, athletes, seed, NULL, 0);
}

void sim_cohort_free(struct sim_cohort *c)
{
    free(c->athletes);
    memset(c, 0, sizeof *c);
}

static const char *kind_names[SIM_KIND_COUNT] = {"easy", "steady", "tempo", "intervals",
                                                 "progressive", "hills", "long", "race"};
/* share of each kind in a training schedule, percent */
static const int kind_share[SIM_KIND_COUNT] = {35, 15, 10, 10, 8, 7, 12, 3};

const char *sim_kind_name(enum sim_kind k) { return (unsigned)k < SIM_KIND_COUNT ? kind_names[k] : "?"; }

int sim_kind_parse(const char *name)
{
    for (int k = 0; k < SIM_KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

enum sim_kind sim_schedule_kind(const struct sim_athlete *a, int index)
{
    struct sim_rng r;
    sim_rng_init(&r, sim_seed_mix(a->seed, 0x5C000000ull + (uint64_t)index));
    int x = sim_rng_int(&r, 0, 99), acc = 0;
    for (int k = 0; k < SIM_KIND_COUNT; k++) {
        acc += kind_share[k];
        if (x < acc)
            return (enum sim_kind)k;
    }
    return SIM_EASY;
}
