/* gpx.c — GPX 1.0/1.1 reader: a streaming expat parse of the buffer, no DOM.
 * Each trk (all its trksegs) is one workout, and so is each rte (a planned course: rtept with
 * lat/lon/ele and usually no time — such points keep time NaN and are still returned, for the course
 * planner). Several in one file become "name#1", "name#2", ... in document order.
 * Per point: lat/lon attributes, ele, time, and inside extensions (any prefix, any nesting such as
 * gpxtpx:TrackPointExtension): hr or heartrate -> hr, speed -> speed, distance -> dist, cad -> cadence
 * (one foot, doubled to steps per minute) (the first
 * usable value wins when a file repeats one). A GPX 1.0 <speed> child of the point is read as well.
 * trk/name or rte/name -> title, else metadata/name (GPX 1.0: gpx/name), the file's own name;
 * trk/type or rte/type -> sport ("9", Strava's code for a run, -> "running"; "1" -> "cycling");
 * gpx@creator -> device. start_time: the first point time, else metadata/time. Bad numbers and
 * times -> missing, one warning per file. Elements and attributes are matched by local name. */
#include "io/reader.h"
#include "io/xml_util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tag {
    T_OTHER,
    T_GPX,
    T_METADATA,
    T_TRK,
    T_RTE,
    T_TRKPT,
    T_RTEPT,
    T_ELE,
    T_TIME,
    T_EXT,
    T_HR,
    T_HEARTRATE,
    T_SPEED,
    T_DISTANCE,
    T_TYPE,
    T_CAD,
    T_NAME,
    T_COUNT
};

static const char *const tag_names[T_COUNT] = {
    [T_GPX] = "gpx",     [T_METADATA] = "metadata", [T_TRK] = "trk",
    [T_RTE] = "rte",     [T_TRKPT] = "trkpt",       [T_RTEPT] = "rtept",
    [T_ELE] = "ele",     [T_TIME] = "time",         [T_EXT] = "extensions",
    [T_HR] = "hr",       [T_HEARTRATE] = "heartrate", [T_SPEED] = "speed",
    [T_DISTANCE] = "distance", [T_TYPE] = "type", [T_CAD] = "cad",    [T_NAME] = "name",
};

struct gpx_state {
    struct xml_ctx x; /* first member: expat user data */
    struct xml_emit em;
    struct xml_text text;
    enum tag collect;
    int cnt[T_COUNT];
    struct workout w;
    enum tag in_workout; /* T_TRK or T_RTE while one is open */
    long pt;
    int depth;           /* open elements */
    int wk_depth, pt_depth, collect_depth; /* depth of the open workout, point, collected element */
    int meta_depth;      /* depth of the open metadata element, 0 when none */
    char meta_name[WK_TITLE_LEN]; /* metadata/name: the title of workouts that have no name of their own */
    char creator[WK_DEVICE_LEN];
    double meta_time;
};

static enum tag lookup(const char *qname)
{
    const char *l = xml_local_name(qname);
    for (int t = 1; t < T_COUNT; t++)
        if (strcmp(l, tag_names[t]) == 0)
            return (enum tag)t;
    return T_OTHER;
}

static int wants_text(const struct gpx_state *s, enum tag t)
{
    int in_pt = s->pt >= 0;
    int in_ext = s->cnt[T_EXT] > 0;
    switch (t) {
    case T_ELE:
    case T_TIME:
        if (!in_pt && t == T_TIME)
            return s->cnt[T_METADATA] > 0 && !s->in_workout; /* metadata/time */
        return in_pt && !in_ext;
    case T_HR:
    case T_HEARTRATE:
    case T_CAD:
    case T_DISTANCE: return in_pt && in_ext;
    case T_SPEED: return in_pt;
    case T_TYPE: return s->in_workout && !in_pt && !in_ext;
    case T_NAME: /* a direct child only: metadata/author/name is a person */
        if (s->in_workout)
            return !in_pt && s->depth == s->wk_depth + 1;
        if (s->meta_depth) /* GPX 1.1: metadata/name; GPX 1.0: gpx/name */
            return s->depth == s->meta_depth + 1;
        return s->depth == 2 && s->cnt[T_GPX] > 0;
    default: return 0;
    }
}

static double attr_number(struct gpx_state *s, const XML_Char **atts, const char *key, double lim)
{
    const char *v = xml_attr(atts, key);
    return v ? xml_field_number(&s->x, key, v, strlen(v), -lim, lim) : NAN;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct gpx_state *s = ud;
    if (s->x.failed || s->x.stopped)
        return;
    enum tag t = lookup(name);
    s->cnt[t]++;
    int d = ++s->depth;
    switch (t) {
    case T_METADATA:
        if (!s->in_workout && !s->meta_depth)
            s->meta_depth = d;
        break;
    case T_GPX: {
        const char *c = xml_attr(atts, "creator");
        if (c && !s->creator[0])
            xml_copy_str(s->creator, sizeof s->creator, c);
        break;
    }
    case T_TRK:
    case T_RTE:
        if (s->in_workout)
            break;
        workout_reset(&s->w);
        s->in_workout = t;
        s->wk_depth = d;
        break;
    case T_TRKPT:
    case T_RTEPT:
        if (s->in_workout && s->pt < 0) {
            s->pt = workout_push(&s->w, NAN);
            if (s->pt < 0) {
                char why[160];
                xml_ctx_fail(&s->x, "%s", workout_grow_why(&s->w, s->pt, why, sizeof why));
                break;
            }
            s->pt_depth = d;
            double lat = attr_number(s, atts, "lat", 90), lon = attr_number(s, atts, "lon", 180);
            if (!isnan(lat) && !isnan(lon)) {
                s->w.lat[s->pt] = lat;
                s->w.lon[s->pt] = lon;
            }
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

static void set_sport(struct workout *w, const char *v)
{
    if (strcmp(v, "9") == 0 || strcasecmp(v, "run") == 0) /* Keep writes <type>run</type>: listed as "run" before */
        v = "running";
    else if (strcmp(v, "1") == 0)
        v = "cycling";
    workout_set_sport(w, v);
}

static void take_text(struct gpx_state *s, enum tag t)
{
    size_t len;
    const char *v = xml_text_end(&s->text, &len);
    struct xml_ctx *x = &s->x;
    if (s->pt < 0) {
        if (t == T_TIME && isnan(s->meta_time))
            s->meta_time = xml_field_time(x, "metadata time", v, len);
        else if (t == T_TYPE && !s->w.sport[0])
            set_sport(&s->w, v);
        else if (t == T_NAME && s->in_workout && !s->w.title[0])
            workout_set_title(&s->w, v);
        else if (t == T_NAME && !s->in_workout && !s->meta_name[0])
            xml_copy_str(s->meta_name, sizeof s->meta_name, v);
        return;
    }
    if ((size_t)s->pt >= s->w.n)
        return;
    size_t i = (size_t)s->pt;
    struct workout *w = &s->w;
    switch (t) {
    case T_ELE: w->alt[i] = (float)xml_field_number(x, "ele", v, len, XML_ALT_MIN, XML_ALT_MAX); break;
    case T_TIME: w->time[i] = xml_field_time(x, "time", v, len); break;
    case T_HR:
    case T_HEARTRATE:
        if (isnan(w->hr[i]))
            w->hr[i] = (float)xml_field_number(x, "hr", v, len, XML_HR_MIN, XML_HR_MAX);
        break;
    case T_SPEED:
        if (isnan(w->speed[i]))
            w->speed[i] = (float)xml_field_number(x, "speed", v, len, 0, XML_SPEED_MAX);
        break;
    case T_CAD: /* gpxtpx:cad, written like FIT's running cadence: one foot -> steps per minute */
        if (isnan(w->cad[i]))
            w->cad[i] = (float)(2.0 * xml_field_number(x, "cad", v, len, 0, XML_CAD_MAX));
        break;
    case T_DISTANCE:
        if (isnan(w->dist[i]))
            w->dist[i] = (float)xml_field_number(x, "distance", v, len, 0, XML_DIST_MAX);
        break;
    default: break;
    }
}

static void finish_workout(struct gpx_state *s)
{
    struct workout *w = &s->w;
    w->start_time = NAN;
    for (size_t i = 0; i < w->n; i++)
        if (!isnan(w->time[i])) {
            w->start_time = w->time[i];
            break;
        }
    if (isnan(w->start_time) && s->in_workout == T_TRK)
        w->start_time = s->meta_time;
    xml_copy_str(w->device, sizeof w->device, s->creator);
    if (!w->title[0] && s->meta_name[0])
        workout_set_title(w, s->meta_name);
    xml_emit_push(&s->em, w);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct gpx_state *s = ud;
    if (s->x.failed || s->x.stopped)
        return;
    enum tag t = lookup(name);
    int d = s->depth--;
    if (s->cnt[t] > 0)
        s->cnt[t]--;
    if (s->text.on && d == s->collect_depth)
        take_text(s, s->collect);
    if (s->meta_depth && d == s->meta_depth)
        s->meta_depth = 0;
    if (s->pt >= 0 && d == s->pt_depth)
        s->pt = -1;
    if (s->in_workout && d == s->wk_depth) {
        finish_workout(s);
        s->in_workout = T_OTHER;
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *txt, int len)
{
    struct gpx_state *s = ud;
    xml_text_add(&s->text, txt, len);
}

int gpx_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e)
{
    struct gpx_state *s = calloc(1, sizeof *s);
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
    s->meta_time = NAN;
    XML_SetElementHandler(s->x.p, on_start, on_end);
    XML_SetCharacterDataHandler(s->x.p, on_text);
    int rc = xml_ctx_run(&s->x, buf, n);
    if (rc == 0 && !s->x.stopped) {
        xml_emit_finish(&s->em);
        if (s->em.count == 0)
            rc = hr_fail(e, "%s: no track or route points (no trk/trkpt or rte/rtept)", s->x.name);
    }
    xml_emit_free(&s->em);
    workout_free(&s->w);
    xml_ctx_free(&s->x);
    free(s);
    return rc;
}
