/* tmp_prep.c — TEMPORARY workout -> series conversion for the server (see tmp_prep.h). */
#include "serve/tmp_prep.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double haversine(double la1, double lo1, double la2, double lo2)
{
    const double r = 6371000.0, d = M_PI / 180.0;
    double a = sin((la2 - la1) * d / 2), b = sin((lo2 - lo1) * d / 2);
    double h = a * a + cos(la1 * d) * cos(la2 * d) * b * b;
    return 2 * r * asin(sqrt(h < 1 ? h : 1));
}

/* Linear interpolation of raw (t[], v[] with NaN gaps) at grid time g; NaN when the nearest valid
 * neighbours are more than max_gap apart (or when hold_edges is 0 and g lies outside them). */
static float interp(const double *t, const float *v, size_t n, size_t *cursor, double g, double max_gap,
                    int hold_edges)
{
    size_t i = *cursor;
    while (i + 1 < n && t[i + 1] <= g)
        i++;
    *cursor = i;
    long lo = (long)i, hi = (long)i + (t[i] < g ? 1 : 0);
    while (lo >= 0 && isnan(v[lo]))
        lo--;
    while (hi < (long)n && isnan(v[hi]))
        hi++;
    if (lo < 0 && hi >= (long)n)
        return NAN;
    if (lo < 0)
        return hold_edges || t[hi] - g <= max_gap ? v[hi] : NAN;
    if (hi >= (long)n)
        return hold_edges || g - t[lo] <= max_gap ? v[lo] : NAN;
    if (lo == hi || t[hi] <= t[lo])
        return v[lo];
    if (!hold_edges && t[hi] - t[lo] > max_gap)
        return NAN;
    double a = (g - t[lo]) / (t[hi] - t[lo]);
    return (float)(v[lo] + a * (v[hi] - v[lo]));
}

int serve_tmp_prep(const struct workout *w, float step, struct series *out, struct hr_err *e)
{
    memset(out, 0, sizeof *out);
    if (w->n < 2)
        return hr_fail(e, "%s: too few samples (%zu)", w->source, w->n);
    if (!(step > 0))
        return hr_fail(e, "%s: bad grid step", w->source);
    for (size_t i = 1; i < w->n; i++)
        if (!(w->time[i] >= w->time[i - 1]))
            return hr_fail(e, "%s: timestamps go backwards at sample %zu", w->source, i);
    double t0 = w->time[0], dur = w->time[w->n - 1] - t0;
    if (!(dur >= step))
        return hr_fail(e, "%s: workout shorter than one step (%.0f s)", w->source, dur);
    if (dur > TMP_PREP_MAX_SECONDS)
        return hr_fail(e, "%s: workout longer than 48 hours", w->source);
    float *spd = malloc(w->n * sizeof *spd);
    if (!spd)
        return hr_fail(e, "out of memory");
    size_t have_speed = workout_count_float(w, w->speed);
    size_t have_dist = workout_count_float(w, w->dist);
    for (size_t i = 0; i < w->n; i++)
        spd[i] = w->speed[i];
    if (have_speed < w->n / 2) { /* derive from distance or positions over >= 1 s */
        for (size_t i = 0; i < w->n; i++)
            spd[i] = NAN;
        size_t prev = 0;
        for (size_t i = 1; i < w->n; i++) {
            double dt = w->time[i] - w->time[prev], dd = NAN;
            if (dt < 1)
                continue;
            if (have_dist >= w->n / 2)
                dd = (double)w->dist[i] - (double)w->dist[prev];
            else if (!isnan(w->lat[i]) && !isnan(w->lat[prev]))
                dd = haversine(w->lat[prev], w->lon[prev], w->lat[i], w->lon[i]);
            if (isfinite(dd) && dd >= 0)
                spd[i] = (float)(dd / dt);
            prev = i;
        }
    }
    int n = (int)floor(dur / step) + 1;
    if (series_alloc(out, n, step)) {
        free(spd);
        return hr_fail(e, "out of memory");
    }
    size_t c1 = 0, c2 = 0, c3 = 0;
    int has_alt = workout_count_float(w, w->alt) > 0;
    int any_speed = 0;
    for (int i = 0; i < n; i++) {
        double g = t0 + (double)i * step;
        S_TIME(out)[i] = (float)(i * step);
        float s = interp(w->time, spd, w->n, &c1, g, 1e9, 1);
        any_speed |= !isnan(s);
        S_SPEED(out)[i] = isnan(s) ? 0 : (s < 0 ? 0 : s > 15 ? 15 : s);
        S_ALT(out)[i] = has_alt ? interp(w->time, w->alt, w->n, &c2, g, 1e9, 1) : 0;
        S_HR(out)[i] = interp(w->time, w->hr, w->n, &c3, g, 30.0, 0);
    }
    free(spd);
    if (!any_speed) {
        series_free(out);
        return hr_fail(e, "%s: no speed, distance or position data", w->source);
    }
    for (int i = 1; i < n; i++)
        S_DIST(out)[i] = S_DIST(out)[i - 1] + 0.5f * (S_SPEED(out)[i] + S_SPEED(out)[i - 1]) * step;
    for (int i = 0; i < n; i++) {
        int a = i > 0 ? i - 1 : 0, b = i + 1 < n ? i + 1 : n - 1;
        float dd = S_DIST(out)[b] - S_DIST(out)[a];
        float gr = dd > 1 ? (S_ALT(out)[b] - S_ALT(out)[a]) / dd : 0;
        S_GRADE(out)[i] = gr < -0.4f ? -0.4f : gr > 0.4f ? 0.4f : gr;
    }
    struct series_meta *m = &out->meta;
    snprintf(m->athlete, sizeof m->athlete, "%s", w->athlete);
    snprintf(m->sport, sizeof m->sport, "%s", w->sport);
    snprintf(m->device, sizeof m->device, "%s", w->device);
    snprintf(m->source, sizeof m->source, "%s", w->source);
    m->gender = w->gender;
    m->start_time = w->start_time;
    m->id = w->id;
    m->has_alt = has_alt;
    m->has_gps = !isnan(w->lat[0]);
    m->n_raw = (int)w->n;
    m->raw_duration = (float)dur;
    m->valid_hr_frac = (float)series_valid_hr(out) / (float)n;
    return 0;
}
