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
    /* HRmax was drawn apart from the row: the HR the row gives at the runner's aerobic speed (its fastest
     * sustained pace) must stay under it, or the simulated heart sits at HRmax from easy pace on (until
     * 2026-12-07 a runner drawn at level 132, gain 11.5 and HRmax 164 spent 68 % of its steps within 2 bpm of
     * HRmax). So HRmax is raised to 5 bpm above that HR (215 at most), and where that is not enough the gain
     * is lowered. */
    double top = level + gain * a->v_aer + SIM_LIKE_HRMAX_MARGIN;
    if (top > a->hr_max)
        a->hr_max = top < SIM_LIKE_HRMAX_MAX ? top : SIM_LIKE_HRMAX_MAX;
    level = clampd(level, a->hr_rest + 5.0, a->hr_max - 10.0);
    if (level + gain * a->v_aer + SIM_LIKE_HRMAX_MARGIN > a->hr_max)
        gain = clampd((a->hr_max - SIM_LIKE_HRMAX_MARGIN - level) / a->v_aer, SIM_LIKE_GAIN_MIN, gain);
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
