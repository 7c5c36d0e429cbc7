/* fit.c — the FIT reader: turns the messages found by fit_walk (fit_decode.c) into workouts.
 * record (20) -> samples (cadence: running cadence is strides per minute of one foot, stored x 2 as
 * steps per minute); session (18) / sport (12) -> sport text; file_id (0) -> device text;
 * device_info (23) -> heart-rate sensor kind (external ANT+/BLE heart-rate device = "strap", the
 * watch's own wrist optical sensor = "wrist").
 * Several sessions (multisport, or chained FIT files) split the samples into legs at the sessions'
 * start times, handed one by one with w->leg = 1, 2, ... and source "name#leg N". */
#include "io/fit_internal.h"
#include "io/reader.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits against hostile files (1 byte can encode a record): records are bounded by the sample
 * budget (read_opts.lim.max_samples, --max-samples), sessions by this. */
#define FIT_MAX_SESSIONS 65536u

struct fit_session {
    double start, end;          /* Unix seconds; NAN when absent */
    int sport, sub_sport;       /* -1 when absent */
    double distance;            /* total_distance (m); NAN when absent */
};

struct fit_state {
    const char *name;
    struct hr_err *e;
    struct workout all;         /* every record of the file, in file order */
    struct fit_session *sess;
    size_t nsess, capsess;
    int sport, sub_sport;       /* first sport message (12), -1 when none */
    int have_file_id;
    long manufacturer, product; /* -1 when absent */
    char product_name[WK_DEVICE_LEN];
    int csd_have;               /* compressed_speed_distance rolling state */
    unsigned csd_last;
    double csd_dist;
    size_t no_time;             /* records without any timestamp, skipped */
    int hr_strap, hr_wrist;     /* device_info listed an external heart-rate sensor / a wrist optical one */
};

/* device_info source_type values and the device types that mean a heart-rate sensor */
#define FIT_SOURCE_ANT 0
#define FIT_SOURCE_ANTPLUS 1
#define FIT_SOURCE_BLUETOOTH 2
#define FIT_SOURCE_BLE 3
#define FIT_SOURCE_LOCAL 5
#define FIT_ANTPLUS_HEART_RATE 120
#define FIT_BLE_HEART_RATE 1
#define FIT_LOCAL_WRIST_HR 10

static double get_or_nan(const struct fit_msg *m, uint8_t num)
{
    double v;
    return fit_get(m, num, &v) ? v : NAN;
}

/* A FIT date_time below 0x10000000 is not a date but seconds since the device was switched on (the FIT
 * profile): kept as elapsed seconds, so the workout has no known date (until 2026-12-07 it was dated 1989-90). */
#define FIT_MIN_DATE 0x10000000u
static double fit_time(double ts)
{
    return ts < FIT_MIN_DATE ? ts : ts + FIT_EPOCH_UNIX;
}

static int on_record(struct fit_state *s, const struct fit_msg *m)
{
    if (!m->has_ts) {
        s->no_time++;
        return 0;
    }
    long i = workout_push(&s->all, fit_time((double)m->timestamp));
    if (i < 0)
        return workout_fail_grow(&s->all, i, s->name, (long long)m->offset, s->e);
    struct workout *w = &s->all;
    double v;
    if (fit_get(m, 3, &v))
        w->hr[i] = (float)v;
    if (fit_get(m, 73, &v) || fit_get(m, 6, &v))
        w->speed[i] = (float)(v / 1000.0);
    if (fit_get(m, 5, &v))
        w->dist[i] = (float)(v / 100.0);
    double lat = get_or_nan(m, 0), lon = get_or_nan(m, 1);
    if (!isnan(lat) && !isnan(lon)) {
        w->lat[i] = lat * (180.0 / 2147483648.0);
        w->lon[i] = lon * (180.0 / 2147483648.0);
    }
    if (fit_get(m, 78, &v) || fit_get(m, 2, &v))
        w->alt[i] = (float)(v / 5.0 - 500.0);
    if (fit_get(m, 4, &v)) { /* cadence (strides/min of one foot) + fractional_cadence (1/128) */
        double frac;
        if (fit_get(m, 53, &frac))
            v += frac / 128.0;
        w->cad[i] = (float)(2.0 * v);
    }
    size_t len;
    const uint8_t *c = fit_get_bytes(m, 8, &len); /* compressed_speed_distance: 12 + 12 bits */
    if (c && len >= 3 && !(c[0] == 0xFF && c[1] == 0xFF && c[2] == 0xFF)) {
        unsigned sp = c[0] | (unsigned)(c[1] & 0x0F) << 8, d12 = c[1] >> 4 | (unsigned)c[2] << 4;
        if (isnan(w->speed[i]))
            w->speed[i] = (float)(sp / 100.0);
        s->csd_dist += s->csd_have ? ((d12 - s->csd_last) & 0xFFF) / 16.0 : d12 / 16.0;
        s->csd_have = 1;
        s->csd_last = d12;
        if (isnan(w->dist[i]))
            w->dist[i] = (float)s->csd_dist;
    }
    return 0;
}

static int on_session(struct fit_state *s, const struct fit_msg *m)
{
    if (s->nsess >= FIT_MAX_SESSIONS)
        return hr_fail_at(s->e, s->name, m->offset, "more than %u sessions; refusing", FIT_MAX_SESSIONS);
    if (s->nsess == s->capsess) {
        size_t cap = s->capsess ? 2 * s->capsess : 8;
        void *p = realloc(s->sess, cap * sizeof *s->sess);
        if (!p)
            return hr_fail_at(s->e, s->name, m->offset, "out of memory for sessions");
        s->sess = p;
        s->capsess = cap;
    }
    struct fit_session *x = &s->sess[s->nsess++];
    double start = get_or_nan(m, 2), elapsed = get_or_nan(m, 7);
    x->start = isnan(start) ? NAN : fit_time(start);
    x->end = !isnan(x->start) && !isnan(elapsed) ? x->start + elapsed / 1000.0
             : m->has_ts ? fit_time(m->timestamp) : NAN;
    long long k;
    x->sport = fit_get_int(m, 5, 0, 255, &k) ? (int)k : -1;
    x->sub_sport = fit_get_int(m, 6, 0, 255, &k) ? (int)k : -1;
    double d = get_or_nan(m, 9); /* total_distance, cm */
    x->distance = isnan(d) ? NAN : d / 100.0;
    return 0;
}

#define FIT_SUB_TREADMILL 1
#define FIT_SUB_INDOOR_RUNNING 45
#define TREADMILL_FIX_MIN 0.02 /* the session's distance and the records' differ by more than this share */

/* A treadmill run saved with the distance the runner read off the treadmill: the watch writes that distance
 * into the session's total_distance but leaves the records as its wrist estimated them (arthurfsy2's runs:
 * 18,524 m recorded for a saved 12,000 m, 3,364 m for 5,000; 25 of 84 off by more than 8 %). The records'
 * speed and distance are scaled to the session's (until 2026-12-07 they were kept, pace off by -33 % to
 * +54 %). Only a single treadmill or indoor session with both distances, over 100 m. */
static void fix_treadmill_distance(const struct fit_state *s, const struct fit_session *x, struct workout *w)
{
    if (!x || (x->sub_sport != FIT_SUB_TREADMILL && x->sub_sport != FIT_SUB_INDOOR_RUNNING) ||
        !(x->distance > 100))
        return;
    double first = NAN, last = NAN;
    for (size_t i = 0; i < w->n; i++)
        if (isfinite(w->dist[i])) {
            if (isnan(first))
                first = w->dist[i];
            last = w->dist[i];
        }
    double recorded = last - first;
    if (!(recorded > 100))
        return;
    double ratio = x->distance / recorded;
    if (fabs(ratio - 1) <= TREADMILL_FIX_MIN)
        return;
    for (size_t i = 0; i < w->n; i++) {
        w->speed[i] = (float)(w->speed[i] * ratio);
        w->dist[i] = (float)(first + (w->dist[i] - first) * ratio);
    }
    hr_debug("%s: treadmill run saved as %.0f m where the records add up to %.0f m: pace and distance scaled by "
             "%.3f", s->name, x->distance, recorded, ratio);
}

static void copy_string(char *dst, size_t cap, const uint8_t *src, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len && src[i] && j + 1 < cap; i++)
        dst[j++] = (src[i] >= 0x20 && src[i] < 0x7F) ? (char)src[i] : '?';
    dst[j] = '\0';
}

static int on_message(void *ctx, const struct fit_msg *m)
{
    struct fit_state *s = ctx;
    long long k;
    switch (m->def->global) {
    case FIT_MESG_RECORD:
        return on_record(s, m);
    case FIT_MESG_SESSION:
        return on_session(s, m);
    case FIT_MESG_SPORT:
        if (s->sport < 0 && fit_get_int(m, 0, 0, 255, &k)) {
            s->sport = (int)k;
            s->sub_sport = fit_get_int(m, 1, 0, 255, &k) ? (int)k : -1;
        }
        return 0;
    case FIT_MESG_DEVICE_INFO: {
        double type, source;
        if (!fit_get(m, 1, &type))
            return 0;
        if (!fit_get(m, 25, &source))
            source = FIT_SOURCE_ANTPLUS; /* older files: device types are ANT+ ones */
        if (((source == FIT_SOURCE_ANT || source == FIT_SOURCE_ANTPLUS) && type == FIT_ANTPLUS_HEART_RATE) ||
            ((source == FIT_SOURCE_BLUETOOTH || source == FIT_SOURCE_BLE) && type == FIT_BLE_HEART_RATE))
            s->hr_strap = 1;
        else if (source == FIT_SOURCE_LOCAL && type == FIT_LOCAL_WRIST_HR)
            s->hr_wrist = 1;
        return 0;
    }
    case FIT_MESG_FILE_ID:
        if (!s->have_file_id) {
            size_t len;
            s->have_file_id = 1;
            s->manufacturer = fit_get_int(m, 1, 0, UINT32_MAX, &k) ? (long)k : -1;
            s->product = fit_get_int(m, 2, 0, UINT32_MAX, &k) ? (long)k : -1;
            const uint8_t *pn = fit_get_bytes(m, 8, &len);
            if (pn)
                copy_string(s->product_name, sizeof s->product_name, pn, len);
        }
        return 0;
    default:
        return 0;
    }
}

static void set_sport(struct workout *w, int sport, int sub_sport)
{
    if (sport < 0)
        return;
    char buf[WK_SPORT_LEN];
    const char *name = fit_sport_name((unsigned)sport);
    const char *sub = sub_sport > 0 ? fit_sub_sport_name((unsigned)sub_sport) : NULL;
    if (name && sub)
        snprintf(buf, sizeof buf, "%s/%s", name, sub);
    else if (name)
        snprintf(buf, sizeof buf, "%s", name);
    else
        snprintf(buf, sizeof buf, "sport_%d", sport);
    workout_set_sport(w, buf);
}

static void set_device(const struct fit_state *s, struct workout *w)
{
    const char *mf = s->manufacturer >= 0 ? fit_manufacturer_name((unsigned)s->manufacturer) : NULL;
    const char *prod = NULL;
    int garmin = s->manufacturer == 1 || s->manufacturer == 13 || s->manufacturer == 15;
    if (garmin && s->product >= 0)
        prod = fit_garmin_product_name((unsigned)s->product);
    char m[32];
    if (mf)
        snprintf(m, sizeof m, "%s", mf);
    else if (s->manufacturer >= 0)
        snprintf(m, sizeof m, "manufacturer %ld", s->manufacturer);
    else
        m[0] = '\0';
    if (prod)
        snprintf(w->device, sizeof w->device, "%s %s", m, prod);
    else if (s->product_name[0] && (!m[0] || s->manufacturer == 255))
        snprintf(w->device, sizeof w->device, "%s", s->product_name);
    else if (s->product_name[0])
        snprintf(w->device, sizeof w->device, "%s %s", m, s->product_name);
    else if (m[0] && s->product >= 0)
        snprintf(w->device, sizeof w->device, "%s/product %ld", m, s->product);
    else
        snprintf(w->device, sizeof w->device, "%s", m);
    snprintf(w->hr_sensor, sizeof w->hr_sensor, "%s", s->hr_strap ? "strap" : s->hr_wrist ? "wrist" : "");
}

static int cmp_start(const void *a, const void *b)
{
    double x = ((const struct fit_session *)a)->start, y = ((const struct fit_session *)b)->start;
    return (x > y) - (x < y);
}

/* Index of the last session starting at or before t (0 when t precedes them all). */
static size_t leg_of(const struct fit_session *v, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].start <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int emit_legs(struct fit_state *s, struct fit_session *v, size_t nv, workout_sink sink, void *ctx)
{
    struct workout *a = &s->all;
    size_t *order = malloc((a->n + 1) * sizeof *order), *first = calloc(nv + 1, sizeof *first);
    struct workout leg;
    workout_init(&leg);
    int rc = 0;
    if (!order || !first) {
        rc = hr_fail_at(s->e, s->name, 0, "out of memory splitting legs");
        goto out;
    }
    for (size_t i = 0; i < a->n; i++) /* counting sort of the records by leg, stable */
        first[leg_of(v, nv, a->time[i]) + 1]++;
    for (size_t k = 0; k < nv; k++)
        first[k + 1] += first[k];
    for (size_t i = 0; i < a->n; i++)
        order[first[leg_of(v, nv, a->time[i])]++] = i;
    for (size_t k = 0, begin = 0; k < nv && rc == 0; begin = first[k], k++) {
        size_t end = first[k];
        if (end == begin)
            continue;
        workout_reset(&leg);
        if (workout_reserve(&leg, end - begin)) {
            rc = hr_fail_at(s->e, s->name, 0, "out of memory splitting legs");
            break;
        }
        for (size_t j = begin; j < end; j++) {
            size_t i = order[j], o = leg.n++;
            leg.time[o] = a->time[i];
            leg.hr[o] = a->hr[i];
            leg.speed[o] = a->speed[i];
            leg.dist[o] = a->dist[i];
            leg.lat[o] = a->lat[i];
            leg.lon[o] = a->lon[i];
            leg.alt[o] = a->alt[i];
            leg.cad[o] = a->cad[i];
            leg.hr_truth[o] = 0;
            leg.hr_issue[o] = 0;
        }
        leg.leg = (int)k + 1;
        leg.start_time = v[k].start;
        set_sport(&leg, v[k].sport, v[k].sub_sport);
        set_device(s, &leg);
        snprintf(leg.source, sizeof leg.source, "%.400s#leg %zu", s->name, k + 1);
        if (sink(ctx, &leg))
            break;
    }
out:
    workout_free(&leg);
    free(order);
    free(first);
    return rc;
}

int fit_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e)
{
    struct fit_state s;
    memset(&s, 0, sizeof s);
    s.name = name;
    s.e = e;
    s.sport = s.sub_sport = -1;
    s.manufacturer = s.product = -1;
    workout_init(&s.all);
    s.all.max_n = o ? o->lim.max_samples : HR_LIMIT_SAMPLES;
    int rc = fit_walk(buf, n, name, on_message, &s, e);
    if (rc < 0)
        goto out;
    rc = 0;
    if (s.no_time)
        hr_warn("%s: %zu record messages without a timestamp skipped", name, s.no_time);
    if (s.all.n == 0) {
        hr_warn("%s: no record messages (not an activity file?)", name);
        goto out;
    }
    /* Sessions with a start time delimit legs; fewer than two means a single-sport workout. */
    size_t nv = 0;
    for (size_t i = 0; i < s.nsess; i++)
        if (!isnan(s.sess[i].start))
            s.sess[nv++] = s.sess[i];
    if (nv > 1) {
        qsort(s.sess, nv, sizeof *s.sess, cmp_start);
        rc = emit_legs(&s, s.sess, nv, sink, ctx);
        goto out;
    }
    struct workout *w = &s.all;
    if (s.nsess > 0 && s.sess[0].sport >= 0)
        set_sport(w, s.sess[0].sport, s.sess[0].sub_sport);
    else
        set_sport(w, s.sport, s.sub_sport);
    if (s.nsess == 1)
        fix_treadmill_distance(&s, &s.sess[0], w);
    set_device(&s, w);
    w->start_time = nv == 1 ? s.sess[0].start : w->time[0];
    snprintf(w->source, sizeof w->source, "%s", name);
    sink(ctx, w);
out:
    workout_free(&s.all);
    free(s.sess);
    return rc;
}
