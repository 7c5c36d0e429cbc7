/* physiology.c — the simulator's heart-rate physiology: Minetti 2002 grade cost, steady state with
 * cardiac drift, two-component first-order kinetics (equations: docs/simulator.md). */
#include <math.h>
#include "sim/sim.h"

double sim_minetti_cost(double i)
{
    if (i > 0.45)
        i = 0.45;
    if (i < -0.45)
        i = -0.45;
    /* Minetti et al. 2002, J. Appl. Physiol. 93:1039, Cr in J kg^-1 m^-1, i = gradient fraction */
    return (((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6);
}

double sim_cost_ratio(double grade) { return sim_minetti_cost(grade) / 3.6; }

double sim_hr_steady(const struct sim_athlete *a, double speed, double grade, double t, double form)
{
    double v_eff = speed * sim_cost_ratio(grade);
    double hr = (a->hr_rest + a->offset + a->gain * v_eff + form) * (1.0 + a->drift * t / 3600.0);
    return hr < a->hr_rest ? a->hr_rest : hr > a->hr_max ? a->hr_max : hr;
}

void sim_hr_response(const struct sim_athlete *a, const float *speed, const float *grade, int n, double dt,
                     double hr0, float *hr)
{
    double fast = hr0, slow = hr0;
    double af = 1.0 - exp(-dt / a->tau_fast), as = 1.0 - exp(-dt / a->tau_slow);
    for (int i = 0; i < n; i++) {
        double h = a->p_fast * fast + (1.0 - a->p_fast) * slow;
        hr[i] = (float)(h < a->hr_rest ? a->hr_rest : h > a->hr_max ? a->hr_max : h);
        double ss = sim_hr_steady(a, speed[i], grade ? grade[i] : 0.0, i * dt, 0.0);
        fast += (ss - fast) * af;
        slow += (ss - slow) * as;
    }
}
