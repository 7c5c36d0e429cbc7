/* fit_write.c — the FIT encoder (see fit_write.h): builds the file in memory, little-endian, one
 * definition per message kind, then fixes the header's data size and both CRCs. */
#include "io/fit_write.h"
#include "io/fit_internal.h"
#include "util/fileio.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_BASE_UNIX 1577836800.0 /* 2020-01-01T00:00:00Z, for workouts with elapsed time only */

enum { L_FILE_ID, L_EVENT, L_RECORD, L_LAP, L_SESSION, L_ACTIVITY };

struct out {
    uint8_t *p;
    size_t n, cap;
    int oom;
};

static void put(struct out *o, const void *data, size_t len)
{
    if (o->oom)
        return;
    if (o->n + len > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + len)
            cap *= 2;
        uint8_t *p = realloc(o->p, cap);
        if (!p) {
            o->oom = 1;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, data, len);
    o->n += len;
}

static void u8(struct out *o, unsigned v) { uint8_t b = (uint8_t)v; put(o, &b, 1); }
static void u16(struct out *o, uint32_t v) { u8(o, v & 0xFF); u8(o, v >> 8 & 0xFF); }
static void u32(struct out *o, uint32_t v) { u16(o, v & 0xFFFF); u16(o, v >> 16); }

/* Definition message: fields given as (number, size, base type) triples. */
static void define(struct out *o, unsigned local, unsigned global, const uint8_t (*f)[3], unsigned nf)
{
    u8(o, 0x40 | local);
    u8(o, 0);    /* reserved */
    u8(o, 0);    /* little-endian */
    u16(o, global);
    u8(o, nf);
    for (unsigned i = 0; i < nf; i++)
        put(o, f[i], 3);
}

/* Scaled, rounded value or the invalid marker when NaN / out of range. */
static uint32_t scaled_u32(double v, double scale, double offset)
{
    if (isnan(v))
        return 0xFFFFFFFFu;
    double x = nearbyint((v + offset) * scale);
    return x >= 0 && x < 4294967295.0 ? (uint32_t)x : 0xFFFFFFFFu;
}

static uint32_t semicircles(double deg)
{
    if (isnan(deg) || fabs(deg) > 180)
        return 0x7FFFFFFFu;
    double x = nearbyint(deg * (2147483648.0 / 180.0));
    if (x >= 2147483647.0)
        x = 2147483646.0;
    return (uint32_t)(int32_t)x;
}

struct timebase { double add; };

static uint32_t fit_time(const struct timebase *tb, double t)
{
    double x = nearbyint(t + tb->add - FIT_EPOCH_UNIX);
    if (!(x >= 0))
        return 0;
    return x < 4294967294.0 ? (uint32_t)x : 4294967294u;
}

static void write_event(struct out *o, uint32_t ts, unsigned type)
{
    u8(o, L_EVENT);
    u32(o, ts);
    u8(o, 0);     /* event: timer */
    u8(o, type);  /* event_type: 0 start, 4 stop_all */
}

static void write_leg(struct out *o, const struct workout *w, const struct timebase *tb,
                      uint32_t *t_first, uint32_t *t_last, unsigned lap_index)
{
    uint32_t first = w->n ? fit_time(tb, w->time[0]) : fit_time(tb, 0);
    uint32_t last = first;
    double total_dist = NAN;
    for (size_t i = 0; i < w->n; i++) {
        uint32_t ts = fit_time(tb, w->time[i]);
        if (ts > last)
            last = ts;
        u8(o, L_RECORD);
        u32(o, ts);
        u32(o, semicircles(isnan(w->lon[i]) ? NAN : w->lat[i]));
        u32(o, semicircles(isnan(w->lat[i]) ? NAN : w->lon[i]));
        u32(o, scaled_u32(w->alt[i], 5, 500));
        double hr = isnan(w->hr[i]) ? NAN : nearbyint(w->hr[i]);
        u8(o, !isnan(hr) && hr >= 0 && hr < 255 ? (unsigned)hr : 0xFF);
        u32(o, scaled_u32(w->dist[i], 100, 0));
        u32(o, scaled_u32(w->speed[i], 1000, 0));
        /* running cadence: strides per minute of one foot (steps / 2) and its 1/128 fraction */
        double strides = w->cad ? w->cad[i] / 2.0 : NAN;
        unsigned whole = 0xFF, frac = 0xFF;
        if (strides >= 0 && strides < 254) {
            unsigned q = (unsigned)lrint(strides * 128);
            whole = q / 128;
            frac = q % 128;
        }
        u8(o, whole);
        u8(o, frac);
        if (!isnan(w->dist[i]))
            total_dist = w->dist[i];
    }
    unsigned sport, sub;
    fit_sport_from_name(w->sport, &sport, &sub);
    uint32_t span = last - first, ms = span < 4294967u ? span * 1000u : 4294967000u;
    u8(o, L_LAP);
    u32(o, last);
    u32(o, first);
    u32(o, ms);
    u32(o, ms);
    u8(o, 9);     /* event: lap */
    u8(o, 1);     /* event_type: stop */
    u8(o, sport);
    u8(o, L_SESSION);
    u32(o, last);
    u32(o, first);
    u32(o, ms);
    u32(o, ms);
    u32(o, scaled_u32(total_dist, 100, 0));
    u8(o, sport);
    u8(o, sub);
    u8(o, 8);     /* event: session */
    u8(o, 1);     /* event_type: stop */
    u16(o, lap_index);
    u16(o, 1);    /* num_laps */
    *t_first = first;
    *t_last = last;
}

int fit_encode(const struct workout *const *legs, size_t nlegs, uint8_t **out, size_t *len,
               struct hr_err *e)
{
    static const uint8_t f_file_id[][3] = {
        {0, 1, FIT_ENUM}, {1, 2, FIT_UINT16}, {2, 2, FIT_UINT16}, {3, 4, FIT_UINT32Z}, {4, 4, FIT_UINT32},
    };
    static const uint8_t f_event[][3] = {{253, 4, FIT_UINT32}, {0, 1, FIT_ENUM}, {1, 1, FIT_ENUM}};
    static const uint8_t f_record[][3] = {
        {253, 4, FIT_UINT32}, {0, 4, FIT_SINT32}, {1, 4, FIT_SINT32}, {78, 4, FIT_UINT32},
        {3, 1, FIT_UINT8}, {5, 4, FIT_UINT32}, {73, 4, FIT_UINT32}, {4, 1, FIT_UINT8}, {53, 1, FIT_UINT8},
    };
    static const uint8_t f_lap[][3] = {
        {253, 4, FIT_UINT32}, {2, 4, FIT_UINT32}, {7, 4, FIT_UINT32}, {8, 4, FIT_UINT32},
        {0, 1, FIT_ENUM}, {1, 1, FIT_ENUM}, {25, 1, FIT_ENUM},
    };
    static const uint8_t f_session[][3] = {
        {253, 4, FIT_UINT32}, {2, 4, FIT_UINT32}, {7, 4, FIT_UINT32}, {8, 4, FIT_UINT32},
        {9, 4, FIT_UINT32}, {5, 1, FIT_ENUM}, {6, 1, FIT_ENUM}, {0, 1, FIT_ENUM}, {1, 1, FIT_ENUM},
        {25, 2, FIT_UINT16}, {26, 2, FIT_UINT16},
    };
    static const uint8_t f_activity[][3] = {
        {253, 4, FIT_UINT32}, {0, 4, FIT_UINT32}, {1, 2, FIT_UINT16}, {2, 1, FIT_ENUM},
        {3, 1, FIT_ENUM}, {4, 1, FIT_ENUM},
    };
#define NF(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
    if (nlegs == 0)
        return hr_fail(e, "fit_encode: no workout given");
    const struct workout *w0 = legs[0];
    struct timebase tb = {0};
    if (w0->n && w0->time[0] < FIT_EPOCH_UNIX) /* elapsed times: anchor them */
        tb.add = isnan(w0->start_time) ? DEFAULT_BASE_UNIX : w0->start_time;
    else if (!w0->n)
        tb.add = isnan(w0->start_time) ? DEFAULT_BASE_UNIX : w0->start_time;

    struct out o = {0};
    uint8_t header[14] = {14, 0x20, 0x54, 0x08, 0, 0, 0, 0, '.', 'F', 'I', 'T', 0, 0};
    put(&o, header, sizeof header);

    /* file_id, with the device text as product_name (field 8) when there is one */
    size_t dlen = strnlen(w0->device, sizeof w0->device - 1);
    uint8_t fid[NF(f_file_id) + 1][3];
    memcpy(fid, f_file_id, sizeof f_file_id);
    fid[NF(f_file_id)][0] = 8;
    fid[NF(f_file_id)][1] = (uint8_t)(dlen + 1);
    fid[NF(f_file_id)][2] = FIT_STRING;
    define(&o, L_FILE_ID, FIT_MESG_FILE_ID, fid, NF(f_file_id) + (dlen ? 1 : 0));
    uint32_t t0 = w0->n ? fit_time(&tb, w0->time[0]) : fit_time(&tb, 0);
    u8(&o, L_FILE_ID);
    u8(&o, 4);         /* type: activity */
    u16(&o, 255);      /* manufacturer: development */
    u16(&o, 0);        /* product */
    u32(&o, 1);        /* serial_number */
    u32(&o, t0);       /* time_created */
    if (dlen) {
        put(&o, w0->device, dlen);
        u8(&o, 0);
    }
    define(&o, L_EVENT, FIT_MESG_EVENT, f_event, NF(f_event));
    define(&o, L_RECORD, FIT_MESG_RECORD, f_record, NF(f_record));
    define(&o, L_LAP, FIT_MESG_LAP, f_lap, NF(f_lap));
    define(&o, L_SESSION, FIT_MESG_SESSION, f_session, NF(f_session));
    define(&o, L_ACTIVITY, FIT_MESG_ACTIVITY, f_activity, NF(f_activity));
    write_event(&o, t0, 0);
    uint32_t last = t0;
    uint64_t timer_ms = 0;
    for (size_t k = 0; k < nlegs; k++) {
        uint32_t a, b;
        write_leg(&o, legs[k], &tb, &a, &b, (unsigned)k);
        timer_ms += (uint64_t)(b - a) * 1000u;
        if (b > last)
            last = b;
    }
    write_event(&o, last, 4);
    u8(&o, L_ACTIVITY);
    u32(&o, last);
    u32(&o, timer_ms < 0xFFFFFFFFu ? (uint32_t)timer_ms : 0xFFFFFFFEu);
    u16(&o, (uint32_t)nlegs);
    u8(&o, 0);   /* type: manual */
    u8(&o, 26);  /* event: activity */
    u8(&o, 1);   /* event_type: stop */
    if (o.oom) {
        free(o.p);
        return hr_fail(e, "fit_encode: out of memory");
    }
    if (o.n - 14 > 0xFFFFFFFFu) {
        free(o.p);
        return hr_fail(e, "fit_encode: workout too large for one FIT file");
    }
    uint32_t ds = (uint32_t)(o.n - 14);
    o.p[4] = ds & 0xFF;
    o.p[5] = ds >> 8 & 0xFF;
    o.p[6] = ds >> 16 & 0xFF;
    o.p[7] = ds >> 24 & 0xFF;
    uint16_t hc = fit_crc16(0, o.p, 12);
    o.p[12] = hc & 0xFF;
    o.p[13] = hc >> 8;
    u16(&o, fit_crc16(0, o.p, o.n));
    if (o.oom) {
        free(o.p);
        return hr_fail(e, "fit_encode: out of memory");
    }
    *out = o.p;
    *len = o.n;
    return 0;
#undef NF
}

int fit_encode_workout(const struct workout *w, uint8_t **out, size_t *len, struct hr_err *e)
{
    return fit_encode(&w, 1, out, len, e);
}

int fit_write_file(const char *path, const struct workout *const *legs, size_t nlegs,
                   struct hr_err *e)
{
    uint8_t *buf;
    size_t len;
    if (fit_encode(legs, nlegs, &buf, &len, e))
        return -1;
    int rc = write_file_atomic(path, buf, len, e);
    free(buf);
    return rc;
}

int fit_write_workout(const char *path, const struct workout *w, struct hr_err *e)
{
    return fit_write_file(path, &w, 1, e);
}
