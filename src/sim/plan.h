/* plan.h — (internal to src/sim) a workout plan: segments of target speed, as fractions of the athlete's
 * aerobic speed v_aer, plus the course hilliness and how strongly the runner slows uphill. */
#ifndef HRCAST_SIM_PLAN_H
#define HRCAST_SIM_PLAN_H
#include "sim/sim.h"
#include "sim/sim_rng.h"

#define SIM_MAX_SEGS 48

struct sim_seg {
    double dur;          /* s */
    double frac0, frac1; /* target speed / v_aer at segment start and end (linear in between) */
};

struct sim_plan {
    int n;
    struct sim_seg seg[SIM_MAX_SEGS];
    double hilliness;  /* course, see sim_course_random */
    double pace_k;     /* uphill slowing: v = v_target * cost_ratio(grade)^-pace_k */
    int allow_pauses;
};

void sim_plan_make(struct sim_plan *p, enum sim_kind kind, struct sim_rng *r, double duration_scale);
double sim_plan_duration(const struct sim_plan *p);
/* Target speed fraction at running time t (s). */
double sim_plan_frac(const struct sim_plan *p, double t);

#endif
