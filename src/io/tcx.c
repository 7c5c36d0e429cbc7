/* tcx.c — Garmin Training Center (TCX) reader: a streaming expat parse of the buffer, no DOM.
 * Each Activity (and each Course) is one workout; several in one file become "name#1", "name#2", ...
 * (a MultiSportSession's legs are Activities too and get leg = 1, 2, ...).
 * Per Trackpoint: Time, Position/LatitudeDegrees+LongitudeDegrees, AltitudeMeters, DistanceMeters,
 * HeartRateBpm/Value, Extensions/TPX/Speed, Extensions/TPX/RunCadence (one foot, doubled to steps per
 * minute). DistanceMeters that start again from 0 in a Lap (its first one more than 50 m below the last
 * before it) go on from the last lap's end. Elements are matched by local name, so any namespace
 * prefix works (ns3:TPX). Activity@Sport -> sport (lower case), Activity/Creator/Name -> device.
 * A Trackpoint without a usable Time keeps time NaN. start_time: the first trackpoint time, else
 * the first Lap@StartTime, else the Activity Id. Bad numbers -> missing (one warning per file). */
#include "io/reader.h"
#include "io/xml_util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum tag {
    T_OTHER,
    T_ACTIVITY,
    T_COURSE,
    T_MULTISPORT,
    T_LAP,
    T_TRACKPOINT,
    T_TIME,
    T_POSITION,
    T_LAT,
    T_LON,
    T_ALT,
    T_DIST,
    T_HRBPM,
    T_VALUE,
    T_EXT,
    T_SPEED,
    T_RUNCAD,
    T_CREATOR,
    T_NAME,
    T_ID,
    T_COUNT
};

static const char *const tag_names[T_COUNT] = {
    [T_ACTIVITY] = "Activity",
    [T_COURSE] = "Course",
    [T_MULTISPORT] = "MultiSportSession",
    [T_LAP] = "Lap",
    [T_TRACKPOINT] = "Trackpoint",
    [T_TIME] = "Time",
    [T_POSITION] = "Position",
    [T_LAT] = "LatitudeDegrees",
    [T_LON] = "LongitudeDegrees",
    [T_ALT] = "AltitudeMeters",
    [T_DIST] = "DistanceMeters",
    [T_HRBPM] = "HeartRateBpm",
    [T_VALUE] = "Value",
    [T_EXT] = "Extensions",
    [T_SPEED] = "Speed",
    [T_RUNCAD] = "RunCadence",
    [T_CREATOR] = "Creator",
    [T_NAME] = "Name",
    [T_ID] = "Id",
};

struct tcx_state {
    struct xml_ctx x; /* first member: expat user data */
    struct xml_emit em;
    struct xml_text text;
    enum tag collect;    /* element whose text is being collected */
    int cnt[T_COUNT];    /* open elements per tag */
    struct workout w;
    enum tag in_workout; /* T_ACTIVITY or T_COURSE while one is open, else T_OTHER */
    int legs;            /* Activities seen inside the current MultiSportSession */
    long pt;
    int depth;           /* open elements */
    int wk_depth, pt_depth, collect_depth; /* depth of the open workout, point, collected element */             /* index of the open Trackpoint, -1 when none */
    double lat, lon;
    double lap_start, id_time;
    /* DistanceMeters that start again at 0 in each Lap (some exporters write them so): the offset added
     * to the current lap's distances, the workout's last distance with it, and whether the lap's first
     * distance is still to come */
    double lap_dist_offset, last_dist;
    int lap_dist_pending;
};

/* A lap whose first distance is this far (m) below the last one before it counts from 0 again. */
#define LAP_RESET_M 50.0

static enum tag lookup(const char *qname)
{
    const char *l = xml_local_name(qname);
    for (int t = 1; t < T_COUNT; t++)
        if (strcmp(l, tag_names[t]) == 0)
            return (enum tag)t;
    return T_OTHER;
}

static int wants_text(const struct tcx_state *s, enum tag t)
{
    int in_pt = s->pt >= 0;
    switch (t) {
    case T_TIME: return in_pt;
    case T_LAT:
    case T_LON: return in_pt && s->cnt[T_POSITION] > 0;
    case T_ALT:
    case T_DIST: return in_pt && s->cnt[T_EXT] == 0;
    case T_VALUE: return in_pt && s->cnt[T_HRBPM] > 0;
    case T_SPEED:
    case T_RUNCAD: return in_pt && s->cnt[T_EXT] > 0;
    case T_NAME:
        return s->in_workout && !in_pt && s->cnt[T_CREATOR] > 0 && s->w.device[0] == '\0';
    case T_ID: return s->in_workout && !in_pt && s->cnt[T_LAP] == 0 && s->cnt[T_CREATOR] == 0;
    default: return 0;
    }
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct tcx_state *s = ud;
    if (s->x.failed || s->x.stopped)
        return;
    enum tag t = lookup(name);
    s->cnt[t]++;
    int d = ++s->depth;
    switch (t) {
    case T_MULTISPORT: s->legs = 0; break;
    case T_ACTIVITY:
    case T_COURSE:
        if (s->in_workout)
            break;
        workout_reset(&s->w);
        s->in_workout = t;
        s->wk_depth = d;
        s->lap_start = s->id_time = NAN;
        s->lap_dist_offset = 0;
        s->last_dist = NAN;
        s->lap_dist_pending = 0;
        if (t == T_ACTIVITY) {
            const char *sport = xml_attr(atts, "Sport");
            if (sport)
                workout_set_sport(&s->w, sport);
            if (s->cnt[T_MULTISPORT] > 0)
                s->w.leg = ++s->legs;
        }
        break;
    case T_LAP:
        s->lap_dist_pending = 1;
        if (s->in_workout && isnan(s->lap_start)) {
            const char *st = xml_attr(atts, "StartTime");
            if (st)
                s->lap_start = xml_field_time(&s->x, "Lap StartTime", st, strlen(st));
        }
        break;
    case T_TRACKPOINT:
        if (s->in_workout && s->pt < 0) {
            s->pt = workout_push(&s->w, NAN);
            if (s->pt < 0)
                xml_ctx_fail(&s->x, "out of memory");
            s->pt_depth = d;
            s->lat = s->lon = NAN;
        }
        break;
    default:
        if (!s->text.on && wants_text(s, t)) {
            s->collect = t;
            s->collect_depth = d;
            xml_text_start(&s->text);
        }
        break;
    }
}

static void take_text(struct tcx_state *s, enum tag t)
{
    size_t len;
    const char *v = xml_text_end(&s->text, &len);
    struct xml_ctx *x = &s->x;
    if (t != T_NAME && t != T_ID && (s->pt < 0 || (size_t)s->pt >= s->w.n))
        return; /* point fields need an open point (wants_text ensures it; kept as a guard) */
    size_t i = (size_t)(s->pt >= 0 ? s->pt : 0);
    switch (t) {
    case T_TIME: s->w.time[i] = xml_field_time(x, "Time", v, len); break;
    case T_LAT: s->lat = xml_field_number(x, "LatitudeDegrees", v, len, -90, 90); break;
    case T_LON: s->lon = xml_field_number(x, "LongitudeDegrees", v, len, -180, 180); break;
    case T_ALT:
        s->w.alt[i] = (float)xml_field_number(x, "AltitudeMeters", v, len, XML_ALT_MIN, XML_ALT_MAX);
        break;
    case T_DIST: {
        double d = xml_field_number(x, "DistanceMeters", v, len, 0, XML_DIST_MAX);
        if (!isfinite(d))
            break;
        if (s->lap_dist_pending) { /* the lap's first distance: going on from the last, or from 0 again? */
            s->lap_dist_pending = 0;
            if (isfinite(s->last_dist) && d + s->lap_dist_offset < s->last_dist - LAP_RESET_M)
                s->lap_dist_offset = s->last_dist;
        }
        d += s->lap_dist_offset;
        s->w.dist[i] = (float)d;
        s->last_dist = d;
        break;
    }
    case T_VALUE:
        s->w.hr[i] = (float)xml_field_number(x, "HeartRateBpm", v, len, XML_HR_MIN, XML_HR_MAX);
        break;
    case T_SPEED: s->w.speed[i] = (float)xml_field_number(x, "Speed", v, len, 0, XML_SPEED_MAX); break;
    case T_RUNCAD: /* strides per minute of one foot -> steps per minute */
        s->w.cad[i] = (float)(2.0 * xml_field_number(x, "RunCadence", v, len, 0, XML_CAD_MAX));
        break;
    case T_NAME: xml_copy_str(s->w.device, sizeof s->w.device, v); break;
    case T_ID:
        /* Activity Ids are times; Course Ids are free text (no warning for those). */
        if (s->in_workout == T_ACTIVITY && xml_parse_time(v, len, &s->id_time))
            s->id_time = NAN;
        break;
    default: break;
    }
}

static void finish_workout(struct tcx_state *s)
{
    struct workout *w = &s->w;
    w->start_time = NAN;
    for (size_t i = 0; i < w->n; i++)
        if (!isnan(w->time[i])) {
            w->start_time = w->time[i];
            break;
        }
    if (isnan(w->start_time))
        w->start_time = !isnan(s->lap_start) ? s->lap_start : s->id_time;
    xml_emit_push(&s->em, w);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct tcx_state *s = ud;
    if (s->x.failed || s->x.stopped)
        return;
    enum tag t = lookup(name);
    int d = s->depth--;
    if (s->cnt[t] > 0)
        s->cnt[t]--;
    if (s->text.on && d == s->collect_depth)
        take_text(s, s->collect);
    if (s->pt >= 0 && d == s->pt_depth) {
        if (!isnan(s->lat) && !isnan(s->lon)) {
            s->w.lat[s->pt] = s->lat;
            s->w.lon[s->pt] = s->lon;
        }
        s->pt = -1;
    }
    if (s->in_workout && d == s->wk_depth) {
        finish_workout(s);
        s->in_workout = T_OTHER;
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *txt, int len)
{
    struct tcx_state *s = ud;
    xml_text_add(&s->text, txt, len);
}

int tcx_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e)
{
    struct tcx_state *s = calloc(1, sizeof *s);
    if (!s)
        return hr_fail(e, "%s: out of memory", name);
    if (xml_ctx_init(&s->x, name, e, s)) {
        free(s);
        return -1;
    }
    workout_init(&s->w);
    xml_emit_init(&s->em, &s->x, sink, ctx);
    s->w.max_n = s->em.held.max_n = o ? o->lim.max_samples : HR_LIMIT_SAMPLES;
    s->pt = -1;
    XML_SetElementHandler(s->x.p, on_start, on_end);
    XML_SetCharacterDataHandler(s->x.p, on_text);
    int rc = xml_ctx_run(&s->x, buf, n);
    if (rc == 0 && !s->x.stopped) {
        xml_emit_finish(&s->em);
        if (s->em.count == 0)
            rc = hr_fail(e, "%s: no trackpoints (no Activity or Course with a Trackpoint)", s->x.name);
    }
    xml_emit_free(&s->em);
    workout_free(&s->w);
    xml_ctx_free(&s->x);
    free(s);
    return rc;
}
