/* prep.c — one raw workout -> one clean grid series (see prep.h for the rules and reasons;
 * docs/data.md documents them for users). */
#include "prep/prep.h"
#include "util/log.h"
#include "prep/altitude.h"
#include "prep/hr_quality.h"
#include "prep/resample.h"
#include "io/limits.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SPIKE_BPM 25.0f       /* an isolated jump of more than this away and back is a spike */
#define SPIKE_NEIGHBOUR_S 10.0 /* ... when both neighbours are this close in time */
#define GPS_ANCHOR_M 2.0      /* GPS moves below this are jitter, not distance */
#define GPS_SPEED_WINDOW_S 20.0f
#define MOVING_SPEED 0.5f     /* m/s: slower than this is standing, not running or walking */
#define STOP_MIN_GAP_S 15.0   /* a recording gap this long or longer over which the distance did not move is a stop */

void prep_opts_default(struct prep_opts *o)
{
    memset(o, 0, sizeof *o);
    o->step = 10.0f;
    snprintf(o->sport, sizeof o->sport, "running");
    o->hr_min = 30.0f;
    o->hr_max = 230.0f;
    o->max_gap = 60.0f;
    o->split_gap = 1800.0f;
    o->hr_max_gap = 20.0f;
    o->min_valid_s = 300.0f;
    o->min_valid_frac = 0.5f;
    o->speed_max = 12.0f;
    o->gender = 'u';
    o->require_hr = 1;
    o->max_duration_s = HR_LIMIT_DURATION_S;
}

/* Grid steps of a span of span_s seconds, cut at max_duration_s (the first step is at 0). */
static int grid_steps(double span_s, const struct prep_opts *o)
{
    double max = o->max_duration_s > 0 && o->max_duration_s < HR_LIMIT_DURATION_S ? o->max_duration_s
                                                                                   : HR_LIMIT_DURATION_S;
    if (!(span_s <= max))
        span_s = max;
    return (int)floor(span_s / o->step) + 1;
}

int prep_sport_wanted(const char *sport, const char *want)
{
    /* files that state no sport are taken as what the user imports; "unknown" is how hrcast itself
     * writes "no sport stated" (series meta, exports), so its own exports import back */
    if (!strcasecmp(want, "any") || !sport[0] || !strcasecmp(sport, "unknown"))
        return 1;
    if (!strcasecmp(want, "running") || !strcasecmp(want, "run"))
        return sport_is_running(sport);
    return strcasestr(sport, want) != NULL;
}

/* Replace NaN runs by linear interpolation between finite neighbours (nearest at the edges).
 * Returns the number of finite values found. */
static int fill_gaps(float *v, int n, float dflt)
{
    int last = -1, finite = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        finite++;
        if (last < 0) {
            for (int j = 0; j < i; j++)
                v[j] = v[i];
        } else if (i - last > 1) {
            for (int j = last + 1; j < i; j++)
                v[j] = v[last] + (v[i] - v[last]) * (float)(j - last) / (float)(i - last);
        }
        last = i;
    }
    if (last < 0) {
        for (int i = 0; i < n; i++)
            v[i] = dflt;
    } else {
        for (int j = last + 1; j < n; j++)
            v[j] = v[last];
    }
    return finite;
}

struct raw {
    int m;
    double *t, *dist, *lat, *lon, *cum;
    float *hr, *spd, *alt, *cad;
    uint8_t *truth;
};

static void raw_free(struct raw *r)
{
    free(r->t);
    free(r->dist);
    free(r->lat);
    free(r->lon);
    free(r->cum);
    free(r->hr);
    free(r->spd);
    free(r->alt);
    free(r->cad);
    free(r->truth);
}

static int raw_alloc(struct raw *r, size_t n)
{
    memset(r, 0, sizeof *r);
    n = n ? n : 1;
    r->t = malloc(n * sizeof(double));
    r->dist = malloc(n * sizeof(double));
    r->lat = malloc(n * sizeof(double));
    r->lon = malloc(n * sizeof(double));
    r->cum = malloc(n * sizeof(double));
    r->hr = malloc(n * sizeof(float));
    r->spd = malloc(n * sizeof(float));
    r->alt = malloc(n * sizeof(float));
    r->cad = malloc(n * sizeof(float));
    r->truth = malloc(n);
    return r->t && r->dist && r->lat && r->lon && r->cum && r->hr && r->spd && r->alt && r->cad && r->truth
               ? 0 : -1;
}

/* A sample whose time jumps ahead of samples that follow it (a clock glitch: one record, or a few, stamped
 * hours or days later): some sample among the next CLOCK_LOOKAHEAD lies between the last kept time and
 * this one, so the recording goes on from before the jump. Keeping the glitch would make every later
 * sample "go backwards" and lose the rest of the run; dropping it loses one sample. Only a jump longer
 * than a recording gap (max_gap) is looked at: a shorter one costs at most that many seconds, and the
 * samples of a run (1-10 s apart) then cost no look-ahead. */
#define CLOCK_LOOKAHEAD 16

static int jumps_ahead(const struct workout *w, size_t i, double last_kept)
{
    double t = w->time[i];
    for (size_t j = i + 1; j < w->n && j <= i + CLOCK_LOOKAHEAD; j++) {
        double u = w->time[j];
        if (isfinite(u) && u > last_kept && u < t)
            return 1;
    }
    return 0;
}

/* Keep samples with finite, strictly increasing times. Samples dropped because the clock went back (a
 * zone-less local time across a DST fall-back, a watch's clock reset) get one warning per workout naming
 * how many and how far back; until 2026-12-07 only `info`'s clock_backwards count showed them. */
static void take_samples(const struct workout *w, double max_gap, struct raw *r, struct prep_stats *st)
{
    int m = 0;
    long long back = 0;   /* samples dropped: earlier than the last kept */
    double back_s = 0;    /* the largest step back, seconds */
    double first_at = NAN; /* the first dropped sample's time, as seconds after the first kept */
    for (size_t i = 0; i < w->n; i++) {
        double t = w->time[i];
        double last_kept = m > 0 ? r->t[m - 1] : -INFINITY;
        if (isfinite(t) && t - last_kept > max_gap && jumps_ahead(w, i, last_kept)) {
            st->masked[MASK_CLOCK_BACKWARDS]++;
            continue;
        }
        if (m > 0 && t == r->t[m - 1]) { /* same timestamp (e.g. position and sensor records): merge */
            int j = m - 1;
            if (isnan(r->hr[j])) r->hr[j] = w->hr[i];
            if (isnan(r->spd[j])) r->spd[j] = w->speed[i];
            if (isnan(r->dist[j])) r->dist[j] = w->dist[i];
            if (isnan(r->lat[j])) r->lat[j] = w->lat[i];
            if (isnan(r->lon[j])) r->lon[j] = w->lon[i];
            if (isnan(r->alt[j])) r->alt[j] = w->alt[i];
            if (isnan(r->cad[j])) r->cad[j] = w->cad[i];
            if (!r->truth[j]) r->truth[j] = w->hr_truth[i];
            continue;
        }
        if (!isfinite(t) || (m > 0 && t < r->t[m - 1])) {
            if (isfinite(t)) {
                st->masked[MASK_CLOCK_BACKWARDS]++;
                if (!back++)
                    first_at = r->t[m - 1] - r->t[0];
                back_s = fmax(back_s, r->t[m - 1] - t);
            }
            continue;
        }
        r->t[m] = t;
        r->hr[m] = w->hr[i];
        r->spd[m] = w->speed[i];
        r->dist[m] = w->dist[i];
        r->lat[m] = w->lat[i];
        r->lon[m] = w->lon[i];
        r->alt[m] = w->alt[i];
        r->cad[m] = w->cad[i];
        r->truth[m] = w->hr_truth[i];
        m++;
    }
    r->m = m;
    if (back)
        hr_warn("%s: the clock goes back (by up to %.0f s, first at %.0f s into the recording): %lld sample%s "
                "earlier than the one before dropped as clock_backwards, until the clock caught up",
                w->source, back_s, first_at, back, back == 1 ? "" : "s");
}

/* The altitude rules (altitude.h), counted under their reasons. -1: out of memory. */
static int clean_altitude(const double *t, float *alt, int n, struct prep_stats *st)
{
    struct alt_counts c = {0};
    if (altitude_clean(t, alt, n, &c))
        return -1;
    st->masked[MASK_ALT_OUT_OF_RANGE] += c.out_of_range;
    st->masked[MASK_ALT_SPIKE] += c.spike;
    st->masked[MASK_ALT_LEVEL_SHIFT] += c.level_shift;
    st->masked[MASK_ALT_CLIMB_RATE] += c.climb_rate;
    return 0;
}

static int hr_in_range(float h, const struct prep_opts *o)
{
    return isfinite(h) && h >= o->hr_min && h <= o->hr_max;
}

/* Split at gaps > split_gap and keep the segment with the most valid HR samples. */
static void keep_best_segment(struct raw *r, const struct prep_opts *o, struct prep_stats *st)
{
    int best_a = 0, best_b = r->m, best_cnt = -1;
    int a = 0;
    for (int i = 1; i <= r->m; i++) {
        if (i == r->m || r->t[i] - r->t[i - 1] > o->split_gap) {
            int cnt = 0;
            for (int j = a; j < i; j++)
                cnt += hr_in_range(r->hr[j], o);
            if (cnt > best_cnt) {
                best_cnt = cnt;
                best_a = a;
                best_b = i;
            }
            a = i;
        }
    }
    if (best_a == 0 && best_b == r->m)
        return;
    st->masked[MASK_CLOCK_GLITCH] += r->m - (best_b - best_a);
    int len = best_b - best_a;
    memmove(r->t, r->t + best_a, len * sizeof *r->t);
    memmove(r->hr, r->hr + best_a, len * sizeof *r->hr);
    memmove(r->spd, r->spd + best_a, len * sizeof *r->spd);
    memmove(r->dist, r->dist + best_a, len * sizeof *r->dist);
    memmove(r->lat, r->lat + best_a, len * sizeof *r->lat);
    memmove(r->lon, r->lon + best_a, len * sizeof *r->lon);
    memmove(r->alt, r->alt + best_a, len * sizeof *r->alt);
    memmove(r->cad, r->cad + best_a, len * sizeof *r->cad);
    memmove(r->truth, r->truth + best_a, len * sizeof *r->truth);
    r->m = len;
}

/* Mask out-of-range HR and isolated spikes; returns the count of valid samples left. */
static int clean_hr(struct raw *r, const struct prep_opts *o, struct prep_stats *st)
{
    for (int i = 0; i < r->m; i++)
        if (!isnan(r->hr[i]) && !hr_in_range(r->hr[i], o)) {
            r->hr[i] = NAN;
            r->truth[i] = 0; /* a masked sample carries no artifact into the grid */
            st->masked[MASK_HR_OUT_OF_RANGE]++;
        }
    for (int i = 1; i + 1 < r->m; i++) {
        float h = r->hr[i], a = r->hr[i - 1], b = r->hr[i + 1];
        if (!isfinite(h) || !isfinite(a) || !isfinite(b))
            continue;
        if (r->t[i] - r->t[i - 1] > SPIKE_NEIGHBOUR_S || r->t[i + 1] - r->t[i] > SPIKE_NEIGHBOUR_S)
            continue;
        float da = h - a, db = h - b;
        if (fabsf(da) > SPIKE_BPM && fabsf(db) > SPIKE_BPM && (da > 0) == (db > 0) &&
            fabsf(a - b) < SPIKE_BPM) {
            r->hr[i] = NAN;
            r->truth[i] = 0;
            st->masked[MASK_HR_SPIKE]++;
        }
    }
    int valid = 0;
    for (int i = 0; i < r->m; i++)
        valid += isfinite(r->hr[i]);
    return valid;
}

enum speed_source { SPEED_NONE, SPEED_DEVICE, SPEED_DISTANCE, SPEED_GPS };

/* A position a receiver could have given: finite, on the globe, not the (0, 0) of "no fix". */
static int valid_position(double la, double lo)
{
    return isfinite(la) && isfinite(lo) && fabs(la) <= 90 && fabs(lo) <= 180 && !(la == 0 && lo == 0);
}

/* Choose the speed source and build the cumulative distance r->cum when speed is derived. */
static enum speed_source choose_speed(struct raw *r, int *has_gps)
{
    int nspd = 0, ndist = 0, ngps = 0;
    float max_spd = 0;
    for (int i = 0; i < r->m; i++) {
        if (isfinite(r->spd[i]) && r->spd[i] >= 0) {
            nspd++;
            if (r->spd[i] > max_spd)
                max_spd = r->spd[i];
        }
        ndist += isfinite(r->dist[i]) && r->dist[i] >= 0;
        ngps += valid_position(r->lat[i], r->lon[i]);
    }
    *has_gps = ngps > 0;
    if (nspd * 2 >= r->m && max_spd > 0)
        return SPEED_DEVICE;
    if (ndist * 2 >= r->m) {
        double d = 0;
        for (int i = 0; i < r->m; i++) {
            if (isfinite(r->dist[i]) && r->dist[i] >= d)
                d = r->dist[i];
            r->cum[i] = d;
        }
        if (d > 0)
            return SPEED_DISTANCE;
    }
    if (ngps * 2 >= r->m && ngps >= 2) {
        double d = 0, alat = NAN, alon = NAN;
        for (int i = 0; i < r->m; i++) {
            double la = r->lat[i], lo = r->lon[i];
            if (valid_position(la, lo)) {
                if (isnan(alat)) {
                    alat = la;
                    alon = lo;
                } else {
                    double step = haversine_m(alat, alon, la, lo);
                    if (step >= GPS_ANCHOR_M) {
                        d += step;
                        alat = la;
                        alon = lo;
                    }
                }
            }
            r->cum[i] = d;
        }
        if (d > 0)
            return SPEED_GPS;
    }
    if (nspd * 2 >= r->m)
        return SPEED_DEVICE; /* all zero: a standing recording, still a speed */
    return SPEED_NONE;
}

/* The distance covered over the recording gap between samples i-1 and i, in metres: the device's
 * distance channel where both ends have it, else the straight line between their GPS positions (a lower
 * bound), else 0 (unknown: the gap is a pause). */
/* The distance between samples i - 1 and i when the recording says it (distance channel or positions at both
 * ends); NAN when it does not. */
static double gap_distance_known(const struct raw *r, int i)
{
    double d0 = r->dist[i - 1], d1 = r->dist[i];
    if (isfinite(d0) && isfinite(d1) && d1 >= d0)
        return d1 - d0;
    if (valid_position(r->lat[i - 1], r->lon[i - 1]) && valid_position(r->lat[i], r->lon[i]))
        return haversine_m(r->lat[i - 1], r->lon[i - 1], r->lat[i], r->lon[i]);
    return NAN;
}

/* The same, 0 when the recording does not say. */
static double gap_distance(const struct raw *r, int i)
{
    double d = gap_distance_known(r, i);
    return isnan(d) ? 0.0 : d;
}

static int reject(struct series *out, enum reject_reason r, enum reject_reason *why,
                  struct prep_stats *st)
{
    series_free(out);
    if (why)
        *why = r;
    st->rejected[r]++;
    return 1;
}

/* A start time is a date from 1973 (1e8 s; smaller times are elapsed seconds, not dates) to 2100: a
 * recording stamped beyond that (a Keep export's first point in the year 7521, then elapsed times from
 * 1970) has no known date rather than a wrong one. */
#define START_TIME_MIN 1e8
#define START_TIME_MAX 4102444800.0 /* 2100-01-01 */

static int plausible_start(double t)
{
    return isfinite(t) && t > START_TIME_MIN && t < START_TIME_MAX;
}

static void fill_meta(struct series_meta *m, const struct workout *w, const struct prep_opts *o, double t0,
                      int nalt, int has_gps, int valid, int nsteps, double raw_duration)
{
    snprintf(m->athlete, sizeof m->athlete, "%s", w->athlete[0] ? w->athlete : o->athlete);
    snprintf(m->sport, sizeof m->sport, "%s", w->sport[0] ? w->sport : "unknown");
    m->gender = w->gender == 'm' || w->gender == 'f' ? w->gender : (o->gender ? o->gender : 'u');
    snprintf(m->device, sizeof m->device, "%s", w->device);
    snprintf(m->source, sizeof m->source, "%s", w->source);
    snprintf(m->title, sizeof m->title, "%s", w->title);
    m->start_time = plausible_start(t0) ? t0 : t0 < START_TIME_MIN && plausible_start(w->start_time) ? w->start_time : NAN;
    m->id = w->id;
    m->has_alt = nalt > 0;
    m->has_gps = has_gps;
    m->valid_hr_frac = nsteps ? (float)valid / (float)nsteps : 0.0f;
    m->n_raw = (int)w->n;
    m->raw_duration = (float)raw_duration;
    snprintf(m->hr_sensor, sizeof m->hr_sensor, "%s", w->hr_sensor);
    m->has_hr_truth = w->has_hr_truth;
}

/* The true artifact of each grid step: the artifact of at least half the raw HR samples in the step's
 * bin [t - step/2, t + step/2) (what the bin mean is made of); nearest sample when the bin has none. */
static void grid_truth(const struct raw *r, double t0, float step, int nsteps, uint8_t *out)
{
    int lo = 0;
    for (int k = 0; k < nsteps; k++) {
        double tk = t0 + (double)k * step;
        while (lo < r->m && r->t[lo] < tk - 0.5 * step)
            lo++;
        int cnt[HRQ_COUNT] = {0}, total = 0;
        for (int i = lo; i < r->m && r->t[i] < tk + 0.5 * step; i++)
            if (isfinite(r->hr[i])) {
                cnt[r->truth[i] < HRQ_COUNT ? r->truth[i] : 0]++;
                total++;
            }
        out[k] = 0;
        if (total == 0) {
            int i = lo < r->m ? lo : r->m - 1;
            if (i > 0 && fabs(r->t[i - 1] - tk) < fabs(r->t[i] - tk))
                i--;
            out[k] = i >= 0 ? r->truth[i] : 0;
            continue;
        }
        for (int c = HRQ_FIRST_FLAG; c < HRQ_COUNT; c++)
            if (2 * cnt[c] >= total && cnt[c] > 0)
                out[k] = (uint8_t)c;
    }
}

/* Seconds of a grid series spent moving (speed above MOVING_SPEED). */
static double moving_seconds(const struct series *s)
{
    int k = 0;
    for (int i = 0; i < s->n; i++)
        k += S_SPEED(s)[i] > MOVING_SPEED;
    return k * (double)s->step;
}

/* The verdicts an hrcast export stored, step by step, made consistent with the HR as read now: a step
 * without HR is a pause when stored so, else an hr_gap (the range rule may have masked it); a step with
 * HR keeps its stored verdict unless that says there was none (then trusted). */
static void keep_verdicts(const struct workout *w, const float *hr, int n, uint8_t *verdict)
{
    for (int i = 0; i < n; i++) {
        uint8_t v = w->hr_issue[i] < HRQ_COUNT ? w->hr_issue[i] : HRQ_TRUSTED;
        if (isnan(hr[i]))
            verdict[i] = v == HRQ_PAUSE ? HRQ_PAUSE : HRQ_HR_GAP;
        else
            verdict[i] = v == HRQ_HR_GAP || v == HRQ_PAUSE ? HRQ_TRUSTED : v;
    }
}

/* A workout that is already a clean grid of the requested step (hrcast's own Parquet export): keep its
 * values (re-cleaning would interpolate across steps that were masked on purpose) and the HR-quality
 * verdicts it carries (assessed when it carries none); only the range rule and the acceptance rules
 * apply. Returns -2 when the samples are not exactly on that grid. */
static int grid_copy(const struct workout *w, const struct prep_opts *o, struct series *out,
                     enum reject_reason *why, struct prep_stats *st, struct hr_err *e)
{
    if (w->n < 2)
        return -2;
    int n = w->n > (size_t)INT_MAX ? INT_MAX : (int)w->n;
    int max_steps = grid_steps(INFINITY, o);
    if (n > max_steps) {
        hr_warn("%s: %.1f h long: only its first %.1f h are used (the grid holds %.0f h at most)", w->source,
                (w->n - 1) * (double)o->step / 3600, (max_steps - 1) * (double)o->step / 3600,
                HR_LIMIT_DURATION_S / 3600);
        n = max_steps; /* the same 48 h cut as a resampled recording */
    }
    for (int i = 0; i < n; i++)
        if (!(fabs(w->time[i] - (w->time[0] + (double)i * o->step)) < 1e-3))
            return -2;
    if (series_alloc(out, n, o->step))
        return hr_fail(e, "%s: out of memory", w->source);
    int nalt = 0;
    for (int i = 0; i < n; i++) {
        float h = w->hr[i];
        if (!isnan(h) && !hr_in_range(h, o)) {
            h = NAN;
            st->masked[MASK_HR_OUT_OF_RANGE]++;
        }
        S_HR(out)[i] = h;
        S_SPEED(out)[i] = isfinite(w->speed[i]) && w->speed[i] >= 0 ? w->speed[i] : NAN;
        S_ALT(out)[i] = w->alt[i];
        nalt += isfinite(w->alt[i]);
    }
    if (clean_altitude(w->time, S_ALT(out), n, st)) {
        series_free(out);
        return hr_fail(e, "%s: out of memory", w->source);
    }
    fill_gaps(S_SPEED(out), n, 0.0f);
    fill_gaps(S_ALT(out), n, 0.0f);
    series_finish_grid(out);
    for (int i = 0; i < n; i++)
        out->hr_truth[i] = w->hr_truth[i];
    if (w->has_hr_issue) /* the export's own verdicts, on this very grid: kept as they were stored */
        keep_verdicts(w, S_HR(out), n, out->hr_issue);
    else
        hr_quality_assess(S_HR(out), S_SPEED(out), w->cad, n, o->step, !strcmp(w->hr_sensor, "strap"),
                          out->hr_issue);
    int valid = series_valid_hr(out), active = n;
    for (int i = 0; i < n; i++) /* a pause on the grid: stored so, or speed 0 and HR masked (as prep writes it) */
        active -= isnan(S_HR(out)[i]) && (S_SPEED(out)[i] == 0 || out->hr_issue[i] == HRQ_PAUSE);
    if (o->require_hr && valid == 0)
        return reject(out, REJ_NO_HR, why, st);
    if (o->require_hr && valid * o->step < o->min_valid_s)
        return reject(out, REJ_TOO_SHORT, why, st);
    if (o->require_hr && valid < o->min_valid_frac * (float)active)
        return reject(out, REJ_LOW_VALID_HR, why, st);
    if (o->require_hr && moving_seconds(out) < o->min_valid_s)
        return reject(out, REJ_NOT_MOVING, why, st);
    int gps = 0;
    for (int i = 0; i < n && !gps; i++)
        gps = isfinite(w->lat[i]) && isfinite(w->lon[i]);
    fill_meta(&out->meta, w, o, w->time[0], nalt, gps, valid, n, w->time[n - 1] - w->time[0]);
    st->accepted++;
    return 0;
}

int prep_workout(const struct workout *w, const struct prep_opts *o, struct series *out,
                 enum reject_reason *why, struct prep_stats *st, struct hr_err *e)
{
    struct prep_stats dummy;
    if (!st) {
        memset(&dummy, 0, sizeof dummy);
        st = &dummy;
    }
    memset(out, 0, sizeof *out);
    if (!prep_sport_wanted(w->sport, o->sport))
        return reject(out, REJ_NOT_RUNNING, why, st);
    if (w->grid_step > 0 && fabsf(w->grid_step - o->step) < 1e-6f) {
        int rc = grid_copy(w, o, out, why, st, e);
        if (rc != -2)
            return rc;
    }

    struct raw r;
    if (raw_alloc(&r, w->n)) {
        raw_free(&r);
        return hr_fail(e, "%s: out of memory", w->source);
    }
    int rc = 1;
    take_samples(w, o->max_gap, &r, st);
    if (r.m < 2) {
        rc = reject(out, REJ_NO_TIME, why, st);
        goto done;
    }
    double tmin = INFINITY, tmax = -INFINITY; /* the recording's span, before anything is dropped */
    for (size_t i = 0; i < w->n; i++)
        if (isfinite(w->time[i])) {
            tmin = w->time[i] < tmin ? w->time[i] : tmin;
            tmax = w->time[i] > tmax ? w->time[i] : tmax;
        }
    double raw_duration = tmax - tmin;
    keep_best_segment(&r, o, st);
    if (clean_altitude(r.t, r.alt, r.m, st)) {
        rc = hr_fail(e, "%s: out of memory", w->source);
        goto done;
    }
    if (clean_hr(&r, o, st) == 0 && o->require_hr) {
        rc = reject(out, REJ_NO_HR, why, st);
        goto done;
    }
    int has_gps = 0;
    enum speed_source src = choose_speed(&r, &has_gps);
    if (src == SPEED_NONE) {
        rc = reject(out, REJ_NO_SPEED, why, st);
        goto done;
    }
    double t0 = r.t[0];
    int nsteps = grid_steps(r.t[r.m - 1] - t0, o);
    if (r.t[r.m - 1] - t0 >= (double)nsteps * o->step) /* said: the API's arrays were cut without a word */
        hr_warn("%s: %.1f h long: only its first %.1f h are used (the grid holds %.0f h at most)", w->source,
                (r.t[r.m - 1] - t0) / 3600, (nsteps - 1) * (double)o->step / 3600, HR_LIMIT_DURATION_S / 3600);
    if (series_alloc(out, nsteps, o->step)) {
        rc = hr_fail(e, "%s: out of memory", w->source);
        goto done;
    }
    float *hr = S_HR(out), *spd = S_SPEED(out), *alt = S_ALT(out);
    resample_channel(r.t, r.hr, r.m, t0, o->step, nsteps, o->hr_max_gap, hr);
    resample_channel(r.t, r.alt, r.m, t0, o->step, nsteps, o->max_gap, alt);
    if (src == SPEED_DEVICE) {
        resample_channel(r.t, r.spd, r.m, t0, o->step, nsteps, o->max_gap, spd);
    } else {
        double win = src == SPEED_GPS && o->step < GPS_SPEED_WINDOW_S ? GPS_SPEED_WINDOW_S : o->step;
        int h1 = 0, h2 = 0;
        for (int k = 0; k < nsteps; k++) {
            double tk = t0 + (double)k * o->step;
            double a = tk - win / 2, b = tk + win / 2;
            if (a < r.t[0])
                a = r.t[0];
            if (b > r.t[r.m - 1])
                b = r.t[r.m - 1];
            spd[k] = b > a ? (float)((interp_at(r.t, r.cum, r.m, b, &h2) -
                                      interp_at(r.t, r.cum, r.m, a, &h1)) / (b - a))
                           : NAN;
        }
    }
    /* pauses: grid steps strictly inside a recording gap longer than max_gap; a gap over which the
     * distance says the runner went on (a watch recording sparsely) gets its mean speed instead */
    int paused = 0, gapped = 0;
    unsigned char *pause = calloc((size_t)nsteps, 1);
    if (!pause) {
        series_free(out);
        rc = hr_fail(e, "%s: out of memory", w->source);
        goto done;
    }
    for (int i = 1; i < r.m; i++) {
        double gap = r.t[i] - r.t[i - 1];
        int moving;
        double v;
        if (gap <= o->max_gap) {
            /* a shorter gap is interpolated, unless the recording says the runner stood (a timer stopped at a
             * crossing: no distance over 15 s or more); until 2026-12-07 such a stop was run at the pace
             * around it, inventing the distance (about 5 km over 83 workouts of ../shared) */
            double d = gap >= STOP_MIN_GAP_S ? gap_distance_known(&r, i) : NAN;
            if (!(d / gap < MOVING_SPEED))
                continue;
            v = d / gap;
            moving = 0;
        } else {
            v = gap_distance(&r, i) / gap;
            moving = v >= MOVING_SPEED && v <= o->speed_max;
        }
        long k0 = (long)floor((r.t[i - 1] - t0) / o->step) + 1, k1 = (long)ceil((r.t[i] - t0) / o->step) - 1;
        for (long k = k0 > 0 ? k0 : 0; k <= k1 && k < nsteps; k++) {
            pause[k] = moving ? 2 : 1;
            spd[k] = moving ? (float)v : 0.0f;
            hr[k] = NAN;
            if (moving)
                gapped++;
            else
                paused++;
        }
    }
    st->masked[MASK_PAUSE] += paused;
    st->masked[MASK_MOVING_GAP] += gapped;
    for (int k = 0; k < nsteps; k++) {
        if (isfinite(spd[k]) && spd[k] > o->speed_max) {
            spd[k] = NAN;
            st->masked[MASK_SPEED_SPIKE]++;
        } else if (isfinite(spd[k]) && spd[k] < 0) {
            spd[k] = 0;
        }
        if (!pause[k] && isnan(hr[k]))
            st->masked[MASK_HR_GAP]++;
    }
    fill_gaps(spd, nsteps, 0.0f);
    int nalt = fill_gaps(alt, nsteps, 0.0f);
    series_finish_grid(out);
    /* the HR-quality verdicts, on the grid, from HR, cadence and speed of this recording only */
    float *cad = malloc(sizeof(float) * (size_t)nsteps);
    if (!cad) {
        free(pause);
        series_free(out);
        rc = hr_fail(e, "%s: out of memory", w->source);
        goto done;
    }
    resample_channel(r.t, r.cad, r.m, t0, o->step, nsteps, o->hr_max_gap, cad);
    for (int k = 0; k < nsteps; k++)
        out->hr_issue[k] = pause[k] ? HRQ_PAUSE : HRQ_TRUSTED; /* a recording gap, stopped or moving */
    hr_quality_assess(hr, spd, cad, nsteps, o->step, !strcmp(w->hr_sensor, "strap"), out->hr_issue);
    free(cad);
    free(pause);
    grid_truth(&r, t0, o->step, nsteps, out->hr_truth);

    int valid = series_valid_hr(out), active = nsteps - paused - gapped; /* a gap is no sensor's fault */
    if (o->require_hr && valid * o->step < o->min_valid_s) {
        rc = reject(out, REJ_TOO_SHORT, why, st);
        goto done;
    }
    if (o->require_hr && valid < o->min_valid_frac * (float)active) {
        rc = reject(out, REJ_LOW_VALID_HR, why, st);
        goto done;
    }
    if (o->require_hr && moving_seconds(out) < o->min_valid_s) {
        rc = reject(out, REJ_NOT_MOVING, why, st);
        goto done;
    }
    fill_meta(&out->meta, w, o, t0, nalt, has_gps, valid, nsteps, raw_duration);
    st->accepted++;
    rc = 0;
done:
    raw_free(&r);
    return rc;
}
