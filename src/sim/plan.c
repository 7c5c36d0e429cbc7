/* plan.c — workout plans per kind (easy, steady, tempo, intervals, progressive, hills, long, race):
 * durations and intensities as fractions of the aerobic speed v_aer (ranges: docs/simulator.md). */
#include "sim/plan.h"
#include <string.h>

static void add(struct sim_plan *p, double dur, double f0, double f1)
{
    if (p->n < SIM_MAX_SEGS && dur > 0)
        p->seg[p->n++] = (struct sim_seg){dur, f0, f1};
}

void sim_plan_make(struct sim_plan *p, enum sim_kind kind, struct sim_rng *r, double scale)
{
    memset(p, 0, sizeof *p);
    if (!(scale > 0))
        scale = 1;
    p->hilliness = sim_rng_range(r, 0.2, 0.8);
    p->pace_k = 0.5;
    p->allow_pauses = 1;
    double wu = 60 * sim_rng_range(r, 8, 15), cd = 60 * sim_rng_range(r, 5, 10);
    double easy = sim_rng_range(r, 0.60, 0.68);
    switch (kind) {
    case SIM_EASY:
        add(p, scale * 60 * sim_rng_range(r, 30, 60), easy, easy);
        break;
    case SIM_STEADY: {
        double f = sim_rng_range(r, 0.72, 0.78);
        add(p, scale * wu, easy, f);
        add(p, scale * 60 * sim_rng_range(r, 30, 55), f, f);
        break;
    }
    case SIM_TEMPO: {
        double f = sim_rng_range(r, 0.84, 0.89);
        p->hilliness = sim_rng_range(r, 0.1, 0.4);
        add(p, scale * wu, easy, easy);
        add(p, scale * 60 * sim_rng_range(r, 18, 32), f, f);
        add(p, scale * cd, easy - 0.03, easy - 0.03);
        break;
    }
    case SIM_INTERVALS: {
        p->hilliness = sim_rng_range(r, 0.0, 0.3);
        int reps = sim_rng_int(r, 5, 8);
        double on = sim_rng_range(r, 150, 300), off = sim_rng_range(r, 90, 180);
        double f = sim_rng_range(r, 0.95, 1.03), rec = sim_rng_range(r, 0.40, 0.50);
        add(p, scale * wu, easy, easy);
        for (int i = 0; i < reps; i++) {
            add(p, on, f, f);
            add(p, off, rec, rec);
        }
        add(p, scale * cd, easy - 0.03, easy - 0.03);
        p->allow_pauses = 0;
        break;
    }
    case SIM_PROGRESSIVE: {
        int steps = sim_rng_int(r, 5, 8);
        double top = sim_rng_range(r, 0.85, 0.92), len = 60 * sim_rng_range(r, 5, 8);
        for (int i = 0; i < steps; i++) {
            double f = easy + (top - easy) * i / (steps - 1);
            add(p, scale * len, f, f);
        }
        break;
    }
    case SIM_HILLS:
        p->hilliness = sim_rng_range(r, 1.6, 2.4);
        p->pace_k = 0.7;
        add(p, scale * wu, easy, easy);
        add(p, scale * 60 * sim_rng_range(r, 25, 45), 0.76, 0.76);
        add(p, scale * cd, easy - 0.03, easy - 0.03);
        break;
    case SIM_LONG:
        p->hilliness = sim_rng_range(r, 0.3, 1.0);
        add(p, scale * 60 * sim_rng_range(r, 75, 140), easy + 0.02, easy);
        break;
    case SIM_RACE: {
        static const double dist[3] = {5000, 10000, 21097.5}, frac[3] = {0.95, 0.90, 0.82};
        int k = sim_rng_int(r, 0, 2);
        double f = frac[k] * sim_rng_range(r, 0.97, 1.02);
        p->hilliness = sim_rng_range(r, 0.1, 0.7);
        p->allow_pauses = 0;
        add(p, scale * 60 * sim_rng_range(r, 8, 12), easy, easy);
        add(p, 60, 0.2, 0.2); /* walking to the start line */
        add(p, scale * dist[k] / (f * 3.9), f, f); /* duration for a typical v_aer; the runner's own speed differs */
        add(p, scale * 60 * sim_rng_range(r, 3, 8), 0.45, 0.45);
        break;
    }
    default:
        add(p, scale * 60 * 40, easy, easy);
        break;
    }
}

double sim_plan_duration(const struct sim_plan *p)
{
    double d = 0;
    for (int i = 0; i < p->n; i++)
        d += p->seg[i].dur;
    return d;
}

double sim_plan_frac(const struct sim_plan *p, double t)
{
    for (int i = 0; i < p->n; i++) {
        const struct sim_seg *s = &p->seg[i];
        if (t < s->dur)
            return s->frac0 + (s->frac1 - s->frac0) * (t / s->dur);
        t -= s->dur;
    }
    return p->n ? p->seg[p->n - 1].frac1 : 0.6;
}
