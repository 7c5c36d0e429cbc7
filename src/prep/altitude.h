/* altitude.h — the altitude cleaning rules: altitude outside the Earth's range, spikes, level shifts
 * (a device switching between barometric and GPS altitude) and sustained climb rates no runner holds.
 * Bad samples become NaN (the caller interpolates them on the grid) or are re-levelled; every sample
 * touched is counted under its reason. Thresholds and why: docs/data.md, "Altitude". Used by src/prep
 * (recordings) and src/plan/course.c (courses, their distances read as times at a runner's pace). */
#ifndef HRCAST_PREP_ALTITUDE_H
#define HRCAST_PREP_ALTITUDE_H

#define ALT_MIN_M (-450.0f)      /* lowest land: the Dead Sea shore, -430 m */
#define ALT_MAX_M 9000.0f        /* highest land: Everest, 8,849 m */
#define ALT_TOL_M 10.0f          /* GPS altitude noise between two samples */
#define ALT_VJUMP_M_S 2.0f       /* faster than this between two samples is a jump (spike or shift) */
#define ALT_VBACK_M_S 0.5f       /* back within ALT_TOL_M + this * elapsed of the level left: a spike */
#define ALT_RETURN_S 120.0       /* ... when it comes back within this; else a level shift */
#define ALT_RATE_WINDOW_S 30.0   /* climb-rate window */
#define ALT_RATE_MAX_M_S 1.5f    /* altitudes in one window spanning more than this * window + ALT_TOL_M */

/* Counts of the samples each rule touched. */
struct alt_counts {
    long long out_of_range; /* masked */
    long long spike;        /* masked */
    long long level_shift;  /* re-levelled (kept, shifted to join the longest level) */
    long long climb_rate;   /* masked */
};

/* Clean alt[0..n-1] (NaN = missing) sampled at strictly increasing times t[] in place. Returns 0, or -1
 * when out of memory (alt unchanged). */
int altitude_clean(const double *t, float *alt, int n, struct alt_counts *c);

#endif
