/* athlete_like.c — simulated runners whose heart answers pace the way some real runners' hearts do: the
 * physiological parameters (level, gain, time constant, drift) of a drawn athlete come from a table of
 * fitted first-order models (hrcast fit-physio's per-athlete rows), one row picked at random and jittered
 * (a kernel density over the rows), instead of the simulator's literature ranges (docs/simulator.md,
 * "Runners like real ones"). Everything else (age, HRmax, resting HR, pace, sensor, places) is drawn as
 * usual, from the same seeded stream. */
#include <math.h>
#include "sim/sim.h"
#include "sim/sim_rng.h"

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

void sim_athlete_like(struct sim_athlete *a, int index, uint64_t seed, const struct sim_fitted_row *rows, int n)
{
    sim_athlete_params(a, index, seed);
    if (n <= 0)
        return;
    struct sim_rng r;
    sim_rng_init(&r, sim_seed_mix(seed, 0x4C000000ull + (uint64_t)index));
    const struct sim_fitted_row *row = &rows[sim_rng_int(&r, 0, n - 1)];
    double level = row->offset + SIM_LIKE_OFFSET_SD * sim_rng_normal(&r);
    double gain = clampd(row->gain * exp(SIM_LIKE_LOG_SD * sim_rng_normal(&r)), SIM_LIKE_GAIN_MIN, 60.0);
    double tau = clampd(row->tau * exp(SIM_LIKE_LOG_SD * sim_rng_normal(&r)), 15.0, 300.0);
    double drift = row->drift + SIM_LIKE_DRIFT_SD * sim_rng_normal(&r);
    /* the fitted level is the HR at zero speed while running; the simulator adds it to the resting HR */
    level = clampd(level, a->hr_rest + 5.0, a->hr_max - 10.0);
    a->offset = level - a->hr_rest;
    a->gain = gain;
    /* the two-component kinetics keep their shape and get the fitted mean response time */
    double mean = a->p_fast * a->tau_fast + (1.0 - a->p_fast) * a->tau_slow;
    a->tau_fast *= tau / mean;
    a->tau_slow *= tau / mean;
    /* fitted drift is bpm per hour; the simulator's a share of the HR per hour (at a typical 3 m/s) */
    double typical = level + 3.0 * gain;
    a->drift = clampd(drift / (typical > 60.0 ? typical : 60.0), -0.05, 0.15);
}
