/* course.c — building a planner course (see course.h): resampling points onto the regular grid,
 * reading the first workout of a file, measuring its distance and cleaning its altitude. */
#include "plan/course.h"
#include "io/reader.h"
#include "io/workout.h"
#include "prep/altitude.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_R 6371008.8 /* mean Earth radius (m) */

static int grid_alloc(struct plan_course *c, double length, const char *name, struct hr_err *e)
{
    memset(c, 0, sizeof *c);
    if (!(length >= PLAN_COURSE_MIN_M) || length > PLAN_COURSE_MAX_M)
        return hr_fail(e, "%s: course length %.*f m is outside [%.0f, %.0f] m", name,
                       fabs(length - PLAN_COURSE_MIN_M) < 1 || fabs(length - PLAN_COURSE_MAX_M) < 1 ? 2 : 0, length,
                       PLAN_COURSE_MIN_M, PLAN_COURSE_MAX_M); /* 99.99 m, not "100 m" */
    int n = (int)ceil(length / PLAN_COURSE_SPACING) + 1;
    c->alt = calloc((size_t)n, sizeof(float));
    if (!c->alt)
        return hr_fail(e, "%s: out of memory", name);
    c->n = n;
    c->length = length;
    c->spacing = length / (n - 1);
    snprintf(c->name, sizeof c->name, "%s", name);
    return 0;
}

int plan_course_flat(struct plan_course *c, double length, struct hr_err *e)
{
    return grid_alloc(c, length, "flat", e);
}

int plan_course_from_points(struct plan_course *c, const double *dist, const float *alt, int n,
                            const char *name, struct hr_err *e)
{
    if (n < 2)
        return hr_fail(e, "%s: a course needs at least 2 points, got %d", name, n);
    for (int i = 0; i < n; i++)
        if (!isfinite(dist[i]) || (i && dist[i] < dist[i - 1]))
            return hr_fail(e, "%s: point %d: distance is not finite and non-decreasing", name, i);
    double d0 = dist[0];
    if (grid_alloc(c, dist[n - 1] - d0, name, e))
        return -1;
    /* known altitudes; none known -> flat */
    int known = 0;
    for (int i = 0; alt && i < n; i++)
        known += isfinite(alt[i]) != 0;
    c->has_alt = known > 0;
    if (!known)
        return 0;
    /* walk the grid and the points together: altitude by linear interpolation between the nearest
     * known points on either side (constant beyond the first/last known one) */
    int lo = -1, hi = -1; /* last known point at or before g, first known after */
    int j = 0;
    for (int k = 0; k < c->n; k++) {
        double g = d0 + k * c->spacing;
        while (j < n && dist[j] <= g) {
            if (isfinite(alt[j]))
                lo = j;
            j++;
        }
        if (hi < j) {
            hi = j;
            while (hi < n && !isfinite(alt[hi]))
                hi++;
        }
        double a;
        if (lo < 0)
            a = alt[hi];
        else if (hi >= n)
            a = alt[lo];
        else {
            double span = dist[hi] - dist[lo];
            double f = span > 0 ? (g - dist[lo]) / span : 0;
            a = alt[lo] + f * (alt[hi] - alt[lo]);
        }
        c->alt[k] = (float)a;
    }
    return 0;
}

void plan_course_free(struct plan_course *c)
{
    free(c->alt);
    c->alt = NULL;
    c->n = 0;
}

double plan_course_alt(const struct plan_course *c, double d)
{
    if (!(d > 0))
        return c->alt[0];
    double x = d / c->spacing;
    int i = (int)x;
    if (i >= c->n - 1)
        return c->alt[c->n - 1];
    double f = x - i;
    return c->alt[i] + f * (c->alt[i + 1] - c->alt[i]);
}

void plan_course_climb(const struct plan_course *c, double *ascent, double *descent)
{
    double up = 0, down = 0;
    for (int i = 1; i < c->n; i++) {
        double d = (double)c->alt[i] - c->alt[i - 1];
        if (d > 0)
            up += d;
        else
            down -= d;
    }
    *ascent = up;
    *descent = down;
}

/* ---- reading a file ---- */

struct first_sink {
    struct workout w;
    int got;
};

static int keep_first(void *ctx, struct workout *w)
{
    struct first_sink *s = ctx;
    if (w->n < 2)
        return 0; /* skip empty tracks, keep looking */
    if (workout_reserve(&s->w, w->n))
        return 1;
    s->w.n = w->n;
    memcpy(s->w.lat, w->lat, sizeof(double) * w->n);
    memcpy(s->w.lon, w->lon, sizeof(double) * w->n);
    memcpy(s->w.dist, w->dist, sizeof(float) * w->n);
    memcpy(s->w.alt, w->alt, sizeof(float) * w->n);
    s->got = 1;
    return 1; /* stop: the first usable one is the course */
}

static double haversine(double lat1, double lon1, double lat2, double lon2)
{
    const double r = M_PI / 180;
    double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * EARTH_R * asin(sqrt(a < 1 ? a : 1));
}

/* Distances of the usable points of w: the distance channel when it is there at 90 % of the points or more
 * (the others interpolated) and never goes backwards, else haversine over the points with a position.
 * Fills d/a, returns count. */
static int measure(const struct workout *w, double *d, float *a)
{
    size_t nd = 0;
    int mono = 1;
    float last = -INFINITY;
    for (size_t i = 0; i < w->n; i++)
        if (isfinite(w->dist[i])) {
            nd++;
            if (w->dist[i] < last)
                mono = 0;
            last = w->dist[i];
        }
    int m = 0;
    if (nd == w->n && mono) {
        for (size_t i = 0; i < w->n; i++, m++) {
            d[m] = w->dist[i];
            a[m] = w->alt[i];
        }
        return m;
    }
    if (mono && nd >= 2 && nd * 10 >= w->n * 9) {
        /* a few points without a distance (165 of 6,313 in a Polar TCX): interpolated between their neighbours
         * by index, held before the first and after the last; until 2026-12-07 one such point sent the whole
         * course to haversine over the GPS (+1 % there, +83 % on noisy positions) */
        size_t prev = (size_t)-1;
        for (size_t i = 0; i < w->n; i++) {
            if (!isfinite(w->dist[i]))
                continue;
            if (prev == (size_t)-1)
                for (size_t k = 0; k < i; k++)
                    d[k] = w->dist[i];
            else
                for (size_t k = prev + 1; k < i; k++)
                    d[k] = w->dist[prev] + (w->dist[i] - w->dist[prev]) * (double)(k - prev) / (double)(i - prev);
            d[i] = w->dist[i];
            prev = i;
        }
        for (size_t k = prev + 1; k < w->n; k++)
            d[k] = w->dist[prev];
        for (size_t i = 0; i < w->n; i++)
            a[i] = w->alt[i];
        return (int)w->n;
    }
    double acc = 0, plat = NAN, plon = NAN;
    for (size_t i = 0; i < w->n; i++) {
        if (!isfinite(w->lat[i]) || !isfinite(w->lon[i]) || fabs(w->lat[i]) > 90 || fabs(w->lon[i]) > 180)
            continue;
        if (isfinite(plat))
            acc += haversine(plat, plon, w->lat[i], w->lon[i]);
        plat = w->lat[i];
        plon = w->lon[i];
        d[m] = acc;
        a[m] = w->alt[i];
        m++;
    }
    return m;
}

/* A course's altitude cleaned by the rules a recording's is cleaned by at import (prep/altitude.h): a point
 * that is not terrain (a 0 m among points at 1,500 m, a switch between barometer and GPS) would otherwise
 * be a 76 % grade the plan runs into (until 2026-12-07). The rules are rates per second; a course has
 * distances, read here as times at COURSE_PACE_M_S, so that the jump rule is a grade of 2 / 3 between two
 * points and the climb rule one of 1.5 / 3 held over 90 m. Only points COURSE_MIN_STEP_M or more apart are
 * judged (a recording standing still, or GPS jitter, has altitude changes over no distance: infinite
 * grades); those between become unknown and are interpolated by distance, as the grid is. -1 when out of
 * memory. */
#define COURSE_PACE_M_S 3.0
#define COURSE_MIN_STEP_M 5.0
static int clean_course_altitude(const char *path, const double *d, float *a, int n)
{
    double *t = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    float *ka = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
    int *at = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!t || !ka || !at) {
        free(t);
        free(ka);
        free(at);
        return -1;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(a[i]))
            continue;
        if (m && d[i] - d[at[m - 1]] < COURSE_MIN_STEP_M && i != n - 1) {
            a[i] = NAN; /* between judged points: interpolated */
            continue;
        }
        if (m && d[i] <= d[at[m - 1]]) { /* the last point, standing where the one before is */
            a[i] = NAN;
            continue;
        }
        t[m] = d[i] / COURSE_PACE_M_S;
        ka[m] = a[i];
        at[m++] = i;
    }
    struct alt_counts ac = {0};
    int rc = altitude_clean(t, ka, m, &ac);
    for (int k = 0; rc == 0 && k < m; k++)
        a[at[k]] = ka[k];
    free(t);
    free(ka);
    free(at);
    long long touched = ac.out_of_range + ac.spike + ac.level_shift + ac.climb_rate;
    if (rc == 0 && touched)
        hr_warn("%s: %lld of the course's altitudes are not terrain and were cleaned as an import cleans a "
                "recording's (out of range %lld, spikes %lld, level shifts %lld, climbs no runner holds %lld)",
                path, touched, ac.out_of_range, ac.spike, ac.level_shift, ac.climb_rate);
    return rc;
}

int plan_course_load(const char *path, struct plan_course *c, struct hr_err *e)
{
    memset(c, 0, sizeof *c);
    struct read_opts ro;
    read_opts_default(&ro);
    ro.lim.max_inflate = 256u << 20;
    struct first_sink s = {.got = 0};
    workout_init(&s.w);
    if (io_read_path(path, &ro, keep_first, &s, e)) {
        workout_free(&s.w);
        return -1;
    }
    if (!s.got) {
        workout_free(&s.w);
        return hr_fail(e, "%s: no track, route or activity with at least 2 points", path);
    }
    double *d = malloc(sizeof(double) * s.w.n);
    float *a = malloc(sizeof(float) * s.w.n);
    int rc;
    if (!d || !a)
        rc = hr_fail(e, "%s: out of memory", path);
    else {
        int m = measure(&s.w, d, a);
        if (m < 2)
            rc = hr_fail(e, "%s: the course has neither a distance channel nor 2 positions", path);
        else if (clean_course_altitude(path, d, a, m))
            rc = hr_fail(e, "%s: out of memory", path);
        else
            rc = plan_course_from_points(c, d, a, m, path, e);
    }
    free(d);
    free(a);
    workout_free(&s.w);
    return rc;
}
