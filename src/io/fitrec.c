/* fitrec.c — FitRec / Endomondo reader: one workout per line, a Python dict literal (single quotes,
 * True/False/None) or strict JSON. A hand-written scanner parses each line in place (no DOM): the
 * per-sample lists go straight into a reused struct workout, other keys are skipped.
 * Keys read: id, userId (athlete, as text), gender, sport, timestamp (Unix s), latitude, longitude,
 * altitude (m), heart_rate (bpm, <= 0 -> missing), speed (km/h -> m/s). Without a timestamp list the
 * time is i * sample_step from 0 and start_time is NaN. Lists shorter than the time list are padded
 * with NaN, longer ones cut; samples whose timestamp is None are dropped.
 * hrcast's own `export --format jsonl` lines are recognised by their `step_s` key (which precedes the
 * arrays): then `time` is elapsed seconds on that grid (absolute with `start_time`), speed is m/s, and
 * athlete, device, hr_sensor and start_time are read too, and the per-step "hr_issue" (and "hr_truth") arrays
 * of HR-quality verdicts (null or a reason name, io/hr_issue.h); the workout is marked as a clean grid (grid_step).
 * The stream reader keeps one growable line buffer (a line may be up to 64 MB); a malformed line is
 * a warning "name: line L: reason", counted, and the reader goes on. */
#include "io/hr_issue.h"
#include "io/read_opts.h"
#include "io/reader.h"
#include "io/text_util.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FITREC_MAX_LINE ((size_t)64 << 20)
#define FITREC_CHUNK ((size_t)1 << 20)
#define FITREC_WARN_MAX 20

enum { CH_TIME, CH_LAT, CH_LON, CH_ALT, CH_HR, CH_SPEED, CH_COUNT };

struct fitrec {
    struct workout w;
    size_t count[CH_COUNT];
    int time_has_nan;
    int hrcast;          /* the line is hrcast's jsonl export (it has step_s) */
    double step, start;  /* its step_s and start_time (NaN when null) */
    long n_issue, n_truth; /* values in its "hr_issue" / "hr_truth" arrays, -1 when absent */
    const char *name;
    const struct read_opts *o;
    workout_sink sink;
    void *ctx;
    long long good, bad;
    int stopped;
    int oom;
    char why_buf[160]; /* a reason with numbers in it (the sample limit) */
};

/* Parse "[n, n, None, ...]" into channel ch of r->w. Returns the position after ']' or NULL. */
static const char *parse_list(struct fitrec *r, int ch, const char *p, const char *end, const char **why)
{
    struct workout *w = &r->w;
    char close = *p == '(' ? ')' : ']';
    p = tu_skip_ws(p + 1, end);
    size_t k = 0;
    if (p < end && *p == close) {
        r->count[ch] = 0;
        return p + 1;
    }
    for (;;) {
        double v;
        const char *next;
        if (p >= end) {
            *why = "unterminated list";
            return NULL;
        }
        if (!tu_parse_number(p, end, &v, &next)) {
            if (!tu_is_null_word(p, end, &next)) {
                *why = "bad number in list";
                return NULL;
            }
            v = NAN;
        }
        p = next;
        if (k == w->cap) {
            int grow = workout_reserve(w, k + 1);
            if (grow) {
                r->oom = grow != WK_OVER_LIMIT;
                *why = workout_grow_why(w, grow, r->why_buf, sizeof r->why_buf);
                return NULL;
            }
        }
        switch (ch) {
        case CH_TIME:
            if (isnan(v))
                r->time_has_nan = 1;
            w->time[k] = v;
            break;
        case CH_LAT: w->lat[k] = v; break;
        case CH_LON: w->lon[k] = v; break;
        case CH_ALT: w->alt[k] = (float)v; break;
        case CH_HR: w->hr[k] = v > 0 ? (float)v : NAN; break;
        default: w->speed[k] = r->hrcast ? (float)v : (float)(v * (1.0 / 3.6)); break;
        }
        k++;
        if (p < end && *p == ',') {
            p++;
            if (p < end && *p == ' ')
                p++;
            else
                p = tu_skip_ws(p, end);
            if (p < end && *p == close)
                break;
            continue;
        }
        p = tu_skip_ws(p, end);
        if (p < end && *p == close)
            break;
        if (p < end && *p == ',') {
            p = tu_skip_ws(p + 1, end);
            if (p < end && *p == close)
                break;
            continue;
        }
        *why = p < end ? "expected ',' or ']' in list" : "unterminated list";
        return NULL;
    }
    r->count[ch] = k;
    return p + 1;
}

/* Parse a verdict list of hrcast's export ("hr_issue", "hr_truth"): [null, "spike", ...], null meaning
 * trusted (no artifact), into w->hr_truth (truth) or w->hr_issue. Returns the position after ']' or NULL. */
static const char *parse_verdicts(struct fitrec *r, int truth, const char *p, const char *end, const char **why)
{
    struct workout *w = &r->w;
    if (*p != '[') {
        *why = truth ? "hr_truth is not a list" : "hr_issue is not a list";
        return NULL;
    }
    p = tu_skip_ws(p + 1, end);
    long k = 0;
    while (p < end && *p != ']') {
        int code = HRQ_TRUSTED;
        const char *next, *s, *se;
        if (tu_is_null_word(p, end, &next)) {
            p = next;
        } else if ((*p == '"' || *p == '\'') && (next = tu_scan_string(p, end, &s, &se)) != NULL) {
            char name[32];
            tu_copy_text(name, sizeof name, s, se);
            code = hr_issue_parse(name);
            if (code < 0) {
                snprintf(r->why_buf, sizeof r->why_buf, "%s: unknown verdict '%.40s' (docs/data.md lists them)",
                         truth ? "hr_truth" : "hr_issue", name);
                *why = r->why_buf;
                return NULL;
            }
            p = next;
        } else {
            *why = truth ? "hr_truth: expected null or a verdict name" : "hr_issue: expected null or a verdict name";
            return NULL;
        }
        if ((size_t)k == w->cap) {
            int grow = workout_reserve(w, (size_t)k + 1);
            if (grow) {
                r->oom = grow != WK_OVER_LIMIT;
                *why = workout_grow_why(w, grow, r->why_buf, sizeof r->why_buf);
                return NULL;
            }
        }
        (truth ? w->hr_truth : w->hr_issue)[k++] = (uint8_t)code;
        p = tu_skip_ws(p, end);
        if (p < end && *p == ',')
            p = tu_skip_ws(p + 1, end);
        else if (p < end && *p != ']') {
            *why = "expected ',' or ']' in list";
            return NULL;
        }
    }
    if (p >= end) {
        *why = "unterminated list";
        return NULL;
    }
    *(truth ? &r->n_truth : &r->n_issue) = k;
    return p + 1;
}

/* A scalar token (number, string or bare word) as raw text. */
static const char *scalar_text(const char *p, const char *end, const char **s, const char **se)
{
    if (*p == '\'' || *p == '"')
        return tu_scan_string(p, end, s, se);
    const char *q = tu_skip_value(p, end);
    if (!q || *p == '[' || *p == '{' || *p == '(')
        return NULL;
    *s = p;
    *se = q;
    return q;
}

static int key_is(const char *k, size_t kn, const char *word, size_t wn)
{
    return kn == wn && memcmp(k, word, wn) == 0;
}
#define KEY(w) key_is(k, kn, w, sizeof(w) - 1)

static const char *parse_value(struct fitrec *r, const char *k, size_t kn, const char *p, const char *end,
                               const char **why)
{
    struct workout *w = &r->w;
    int ch = -1;
    switch (kn) {
    case 4:
        if (KEY("time") && r->hrcast)
            ch = CH_TIME;
        break;
    case 5:
        if (KEY("speed"))
            ch = CH_SPEED;
        break;
    case 8:
        if (KEY("latitude"))
            ch = CH_LAT;
        else if (KEY("altitude"))
            ch = CH_ALT;
        break;
    case 9:
        if (KEY("timestamp"))
            ch = CH_TIME;
        else if (KEY("longitude"))
            ch = CH_LON;
        break;
    case 10:
        if (KEY("heart_rate"))
            ch = CH_HR;
        break;
    default: break;
    }
    if (ch >= 0) {
        const char *next;
        if (*p == '[' || *p == '(')
            return parse_list(r, ch, p, end, why);
        if (tu_is_null_word(p, end, &next)) {
            r->count[ch] = 0;
            return next;
        }
        *why = "expected a list of numbers";
        return NULL;
    }
    if ((KEY("hr_issue") || KEY("hr_truth")) && r->hrcast) {
        const char *next;
        if (tu_is_null_word(p, end, &next))
            return next;
        return parse_verdicts(r, KEY("hr_truth"), p, end, why);
    }
    if (KEY("step_s") || KEY("start_time")) {
        double v = NAN;
        const char *s, *se, *nw;
        const char *q = scalar_text(p, end, &s, &se);
        if (!q || (!tu_parse_number_span(s, se, &v) && !(tu_is_null_word(s, se, &nw) && nw == se))) {
            *why = KEY("step_s") ? "step_s is not a number" : "start_time is not a number";
            return NULL;
        }
        if (KEY("start_time")) {
            r->start = v;
            return q;
        }
        for (int c = 0; c < CH_COUNT; c++)
            if (r->count[c]) {
                *why = "step_s after the sample arrays (hrcast export lines have it first)";
                return NULL;
            }
        if (!(v > 0 && v <= 3600)) {
            *why = "step_s is not a step in (0, 3600] s";
            return NULL;
        }
        r->hrcast = 1;
        r->step = v;
        return q;
    }
    if (KEY("athlete") || KEY("device") || KEY("hr_sensor") || KEY("title")) {
        const char *s, *se;
        const char *q = scalar_text(p, end, &s, &se);
        if (!q) {
            *why = "bad value";
            return NULL;
        }
        if (KEY("athlete"))
            tu_copy_text(w->athlete, sizeof w->athlete, s, se);
        else if (KEY("device"))
            tu_copy_text(w->device, sizeof w->device, s, se);
        else if (KEY("title")) { /* escapes decoded by tu_copy_text; control characters then become spaces */
            char t[4 * WK_TITLE_LEN];
            tu_copy_text(t, sizeof t, s, se);
            workout_set_title(w, t);
        }
        else
            tu_copy_text(w->hr_sensor, sizeof w->hr_sensor, s, se);
        return q;
    }
    if (KEY("id") || KEY("userId") || KEY("gender") || KEY("sport")) {
        const char *s, *se;
        const char *q = scalar_text(p, end, &s, &se);
        if (!q) {
            *why = "bad value";
            return NULL;
        }
        const char *nw;
        int null = tu_is_null_word(s, se, &nw) && nw == se && *p != '\'' && *p != '"';
        if (KEY("id")) {
            double v;
            if (!null && tu_parse_number_span(s, se, &v) && v >= 0 && v < 9e18)
                w->id = (long long)v;
        } else if (KEY("userId")) {
            if (!null)
                tu_copy_text(w->athlete, sizeof w->athlete, s, se);
        } else if (KEY("gender")) {
            if (tu_ieq(s, se, "male") || tu_ieq(s, se, "m"))
                w->gender = 'm';
            else if (tu_ieq(s, se, "female") || tu_ieq(s, se, "f"))
                w->gender = 'f';
            else
                w->gender = 'u';
        } else if (!null) {
            char tmp[WK_SPORT_LEN];
            tu_copy_text(tmp, sizeof tmp, s, se);
            workout_set_sport(w, tmp);
        }
        return q;
    }
    const char *q = tu_skip_value(p, end);
    if (!q)
        *why = "malformed value";
    return q;
}

/* Parse one line into r->w. Returns 0, or -1 with *why set. */
static int parse_line(struct fitrec *r, const char *p, const char *end, const char **why)
{
    struct workout *w = &r->w;
    workout_reset(w);
    memset(r->count, 0, sizeof r->count);
    r->time_has_nan = 0;
    r->hrcast = 0;
    r->step = r->start = NAN;
    r->n_issue = r->n_truth = -1;
    p = tu_skip_ws(p, end);
    if (p >= end || *p != '{') {
        *why = "not a dict or JSON object";
        return -1;
    }
    p = tu_skip_ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            if (p >= end) {
                *why = "truncated line";
                return -1;
            }
            if (*p != '\'' && *p != '"') {
                *why = "expected a quoted key";
                return -1;
            }
            const char *k, *ke;
            p = tu_scan_string(p, end, &k, &ke);
            if (!p) {
                *why = "unterminated key";
                return -1;
            }
            p = tu_skip_ws(p, end);
            if (p >= end || *p != ':') {
                *why = p >= end ? "truncated line" : "expected ':' after key";
                return -1;
            }
            p = tu_skip_ws(p + 1, end);
            if (p >= end) {
                *why = "truncated line";
                return -1;
            }
            p = parse_value(r, k, (size_t)(ke - k), p, end, why);
            if (!p)
                return -1;
            p = tu_skip_ws(p, end);
            if (p < end && *p == ',') {
                p = tu_skip_ws(p + 1, end);
                if (p < end && *p == '}') {
                    p++;
                    break;
                }
                continue;
            }
            if (p < end && *p == '}') {
                p++;
                break;
            }
            *why = p >= end ? "truncated line" : "expected ',' or '}' after value";
            return -1;
        }
    }
    p = tu_skip_ws(p, end);
    if (p != end) {
        *why = "trailing characters after the dict";
        return -1;
    }
    size_t n = 0;
    int has_time = r->count[CH_TIME] > 0;
    if (r->hrcast && !has_time) {
        *why = "hrcast export line without a time array";
        return -1;
    }
    if (has_time) {
        n = r->count[CH_TIME];
    } else {
        for (int c = 0; c < CH_COUNT; c++)
            if (r->count[c] > n)
                n = r->count[c];
    }
    if (n == 0) {
        *why = "no samples";
        return -1;
    }
    if ((r->n_issue >= 0 && (size_t)r->n_issue != n) || (r->n_truth >= 0 && (size_t)r->n_truth != n)) {
        snprintf(r->why_buf, sizeof r->why_buf, "%s has %ld values, the time array %zu",
                 r->n_issue >= 0 && (size_t)r->n_issue != n ? "hr_issue" : "hr_truth",
                 r->n_issue >= 0 && (size_t)r->n_issue != n ? r->n_issue : r->n_truth, n);
        *why = r->why_buf;
        return -1;
    }
    int grow = workout_reserve(w, n);
    if (grow) {
        r->oom = grow != WK_OVER_LIMIT;
        *why = workout_grow_why(w, grow, r->why_buf, sizeof r->why_buf);
        return -1;
    }
    for (size_t i = r->count[CH_LAT]; i < n; i++)
        w->lat[i] = NAN;
    for (size_t i = r->count[CH_LON]; i < n; i++)
        w->lon[i] = NAN;
    for (size_t i = r->count[CH_ALT]; i < n; i++)
        w->alt[i] = NAN;
    for (size_t i = r->count[CH_HR]; i < n; i++)
        w->hr[i] = NAN;
    for (size_t i = r->count[CH_SPEED]; i < n; i++)
        w->speed[i] = NAN;
    for (size_t i = 0; i < n; i++) {
        w->dist[i] = NAN;
        w->cad[i] = NAN;
    }
    w->has_hr_issue = r->n_issue >= 0;
    w->has_hr_truth = r->n_truth >= 0;
    if (!w->has_hr_issue)
        memset(w->hr_issue, 0, n);
    if (!w->has_hr_truth)
        memset(w->hr_truth, 0, n);
    w->n = n;
    if (!has_time) {
        double step = r->o->sample_step > 0 ? r->o->sample_step : 6.0;
        for (size_t i = 0; i < n; i++)
            w->time[i] = (double)i * step;
        w->start_time = NAN;
    } else {
        if (r->time_has_nan) {
            size_t j = 0;
            for (size_t i = 0; i < n; i++) {
                if (isnan(w->time[i]))
                    continue;
                w->time[j] = w->time[i];
                w->hr[j] = w->hr[i];
                w->speed[j] = w->speed[i];
                w->lat[j] = w->lat[i];
                w->lon[j] = w->lon[i];
                w->alt[j] = w->alt[i];
                w->hr_issue[j] = w->hr_issue[i];
                w->hr_truth[j] = w->hr_truth[i];
                j++;
            }
            w->n = n = j;
            if (n == 0) {
                *why = "no samples with a timestamp";
                return -1;
            }
        }
        w->start_time = w->time[0];
    }
    if (r->hrcast) { /* elapsed grid times, made absolute when the start is known */
        if (isfinite(r->start))
            for (size_t i = 0; i < n; i++)
                w->time[i] += r->start;
        w->start_time = r->start;
        w->grid_step = (float)r->step;
    }
    return 0;
}

static void bad_line(struct fitrec *r, long long line, const char *why)
{
    r->bad++;
    if (r->bad <= FITREC_WARN_MAX)
        hr_warn("%s: line %lld: %s", r->name, line, why);
    else if (r->bad == FITREC_WARN_MAX + 1)
        hr_warn("%s: more bad lines; only the count is reported from here on", r->name);
}

/* Handle one line (without its '\n'). Returns -1 on a fatal error (out of memory). */
static int do_line(struct fitrec *r, const char *p, const char *end, long long line, struct hr_err *e)
{
    const char *q = tu_skip_ws(p, end);
    if (q == end)
        return 0;
    const char *why = "bad line";
    if (parse_line(r, q, end, &why)) {
        if (r->oom)
            return hr_fail(e, "%s: line %lld: out of memory", r->name, line);
        bad_line(r, line, why);
        return 0;
    }
    snprintf(r->w.source, sizeof r->w.source, "%s#line %lld", r->name, line);
    r->good++;
    if (r->sink(r->ctx, &r->w))
        r->stopped = 1;
    return 0;
}

static void fitrec_begin(struct fitrec *r, const char *name, const struct read_opts *o, workout_sink sink,
                         void *ctx, struct read_opts *def)
{
    memset(r, 0, sizeof *r);
    workout_init(&r->w);
    if (!o) {
        read_opts_default(def);
        o = def;
    }
    r->name = name ? name : "<input>";
    r->o = o;
    r->w.max_n = o->lim.max_samples;
    r->sink = sink;
    r->ctx = ctx;
}

static int fitrec_end(struct fitrec *r, int rc, struct hr_err *e)
{
    workout_free(&r->w);
    if (r->o && r->o->bad_records)
        *r->o->bad_records += r->bad; /* each a workout refused: import counts them as read errors */
    if (rc)
        return rc;
    if (r->bad)
        hr_warn("%s: %lld bad line%s skipped, %lld workout%s read", r->name, r->bad, r->bad == 1 ? "" : "s",
                r->good, r->good == 1 ? "" : "s");
    if (r->good == 0 && !r->stopped)
        return hr_fail(e, "%s: no readable workout (%lld bad line%s)", r->name, r->bad, r->bad == 1 ? "" : "s");
    return 0;
}

int fitrec_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                workout_sink sink, void *ctx, struct hr_err *e)
{
    struct fitrec r;
    struct read_opts def;
    fitrec_begin(&r, name, o, sink, ctx, &def);
    const char *p = (const char *)buf, *end = p + n;
    long long line = 1;
    int rc = 0;
    while (p < end && !r.stopped) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > FITREC_MAX_LINE)
            bad_line(&r, line, "line longer than 64 MB");
        else if ((rc = do_line(&r, p, le, line, e)))
            break;
        line++;
        p = nl ? nl + 1 : end;
    }
    return fitrec_end(&r, rc, e);
}

int fitrec_read_stream(io_read_fn read, void *src, const uint8_t *prefix, size_t prefix_len,
                       const char *name, const struct read_opts *o, workout_sink sink, void *ctx,
                       struct hr_err *e)
{
    struct fitrec r;
    struct read_opts def;
    fitrec_begin(&r, name, o, sink, ctx, &def);
    size_t cap = FITREC_CHUNK * 2;
    while (cap < prefix_len + FITREC_CHUNK)
        cap *= 2;
    char *buf = malloc(cap);
    if (!buf) {
        workout_free(&r.w);
        return hr_fail(e, "%s: out of memory", r.name);
    }
    if (prefix_len)
        memcpy(buf, prefix, prefix_len);
    size_t len = prefix_len, start = 0, scan = 0;
    long long line = 1;
    int eof = 0, skipping = 0, rc = 0;
    while (!r.stopped) {
        char *nl = scan < len ? memchr(buf + scan, '\n', len - scan) : NULL;
        if (nl) {
            if (skipping) {
                skipping = 0;
            } else if ((rc = do_line(&r, buf + start, nl, line, e))) {
                break;
            }
            line++;
            start = scan = (size_t)(nl - buf) + 1;
            continue;
        }
        if (eof) {
            if (start < len && !skipping)
                rc = do_line(&r, buf + start, buf + len, line, e);
            break;
        }
        /* No full line left: keep the partial one, then read more. */
        scan = len;
        if (!skipping && len - start > FITREC_MAX_LINE) {
            bad_line(&r, line, "line longer than 64 MB");
            skipping = 1;
        }
        if (skipping)
            start = len = scan = 0;
        if (cap - len < FITREC_CHUNK && start > 0) { /* compact only when short of room */
            memmove(buf, buf + start, len - start);
            len -= start;
            scan = len;
            start = 0;
        }
        if (cap - len < FITREC_CHUNK) {
            size_t ncap = cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                rc = hr_fail(e, "%s: line %lld: out of memory", r.name, line);
                break;
            }
            buf = nb;
            cap = ncap;
        }
        long got = read(src, (uint8_t *)buf + len, cap - len);
        if (got < 0) {
            rc = hr_fail(e, "%s: line %lld: read error", r.name, line);
            break;
        }
        if (got == 0)
            eof = 1;
        len += (size_t)got;
    }
    free(buf);
    return fitrec_end(&r, rc, e);
}
