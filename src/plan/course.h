/* course.h — a race course for the planner: altitude as a function of distance on a regular grid
 * (about every 10 m, linear in between), built from any route or recording that io/ reads (GPX rte/trk
 * with or without times, TCX, FIT, ...), from a given profile, or flat of a given length.
 * Distance comes from the file's distance channel when it has one throughout, else from the positions
 * (haversine). Altitude gaps are interpolated; a file without altitude gives a flat course (has_alt 0). */
#ifndef HRCAST_PLAN_COURSE_H
#define HRCAST_PLAN_COURSE_H
#include "util/err.h"

#define PLAN_COURSE_MIN_M 100.0     /* shorter courses are refused */
#define PLAN_COURSE_MAX_M 500000.0  /* longer ones too (500 km) */
#define PLAN_COURSE_SPACING 10.0    /* target grid spacing (m) */

struct plan_course {
    int n;          /* grid points (>= 2) */
    double spacing; /* metres between points: length / (n - 1) */
    double length;  /* metres */
    float *alt;     /* n altitudes (m) */
    int has_alt;    /* 0: no altitude in the source (flat) */
    char name[256]; /* file name or "flat" */
};

/* Flat course of length metres. */
int plan_course_flat(struct plan_course *c, double length, struct hr_err *e);
/* From points (distance in m, non-decreasing; altitude in m, NaN = unknown; alt NULL = flat). */
int plan_course_from_points(struct plan_course *c, const double *dist, const float *alt, int n,
                            const char *name, struct hr_err *e);
/* The first track/route/activity of a file (any format io_read_path reads). */
int plan_course_load(const char *path, struct plan_course *c, struct hr_err *e);
void plan_course_free(struct plan_course *c);

/* Altitude (m) at distance d, clamped to [0, length]. */
double plan_course_alt(const struct plan_course *c, double d);
/* Total ascent and descent (m, both >= 0) over the grid. */
void plan_course_climb(const struct plan_course *c, double *ascent, double *descent);

#endif
