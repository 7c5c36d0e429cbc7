/* course.h — course profiles for the simulator and the race planner: altitude as a function of
 * distance, sampled every `spacing` metres, with linear interpolation. Random courses are smooth
 * terrain (a sum of a few random sinusoids); a course can also be built from a given profile. */
#ifndef HRCAST_SIM_COURSE_H
#define HRCAST_SIM_COURSE_H
#include <stdint.h>

struct sim_course {
    int n;          /* profile points */
    float spacing;  /* metres between points */
    float *alt;     /* n altitudes (m) */
    double length;  /* metres ((n - 1) * spacing) */
};

/* Random smooth terrain: hilliness 0 = flat, 1 = rolling hills (rms grade ~4 %, max ~15 %),
 * 2 = hilly. Base altitude 0..800 m. Returns 0, -1 on out of memory. */
int sim_course_random(struct sim_course *c, double length_m, double hilliness, uint64_t seed);
/* A course from an altitude profile (copied). */
int sim_course_from_profile(struct sim_course *c, const float *alt, int n, float spacing);
void sim_course_free(struct sim_course *c);
/* Altitude (m) at distance d (clamped to the course). */
double sim_course_alt(const struct sim_course *c, double d);
/* Grade (rise/run, fraction) at distance d: central difference over +-10 m, clamped to +-0.45. */
double sim_course_grade(const struct sim_course *c, double d);
/* Total ascent (m) of the course, summing positive altitude steps. */
double sim_course_ascent(const struct sim_course *c);

#endif
