/* apijson.c — parser for hrcast's own JSON workout format: the body of POST /api/predict and the page's
 * downloaded result (see apijson.h). */
#include "io/apijson.h"
#include "io/read_opts.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const uint8_t *p;
    size_t n, i;
    const char *name;
    struct hr_err *e;
    size_t max; /* samples per array: the workout's sample budget */
};

struct farr {
    double *v;
    size_t n, cap;
    int present;
};

static void ws(struct parser *ps)
{
    while (ps->i < ps->n && (ps->p[ps->i] == ' ' || ps->p[ps->i] == '\t' || ps->p[ps->i] == '\n' ||
                             ps->p[ps->i] == '\r'))
        ps->i++;
}

static int fail(struct parser *ps, const char *why)
{
    return hr_fail_at(ps->e, ps->name, (long long)ps->i, "%s", why);
}

static int peek(struct parser *ps)
{
    ws(ps);
    return ps->i < ps->n ? ps->p[ps->i] : -1;
}

static int expect(struct parser *ps, int c)
{
    if (peek(ps) != c) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid JSON: expected '%c'", c);
        return fail(ps, msg);
    }
    ps->i++;
    return 0;
}

/* String into out (truncated to cap-1; escapes other than \" \\ \/ kept raw). */
static int string(struct parser *ps, char *out, size_t cap)
{
    if (expect(ps, '"'))
        return -1;
    size_t k = 0;
    while (ps->i < ps->n) {
        uint8_t c = ps->p[ps->i++];
        if (c == '"') {
            if (out)
                out[k] = '\0';
            return 0;
        }
        if (c < 0x20)
            return fail(ps, "invalid JSON: control character in string");
        if (c == '\\') {
            if (ps->i >= ps->n)
                break;
            c = ps->p[ps->i++];
            if (c == 'u') {
                if (ps->n - ps->i < 4)
                    break;
                ps->i += 4;
                c = '?';
            } else if (!strchr("\"\\/bfnrt", c))
                return fail(ps, "invalid JSON: bad escape");
        }
        if (out && k + 1 < cap)
            out[k++] = (char)c;
    }
    return fail(ps, "invalid JSON: unterminated string");
}

static int number(struct parser *ps, double *v)
{
    ws(ps);
    size_t start = ps->i;
    while (ps->i < ps->n && strchr("+-0123456789.eE", ps->p[ps->i]) && ps->p[ps->i])
        ps->i++;
    size_t len = ps->i - start;
    if (len == 0 || len > 63)
        return fail(ps, "invalid JSON: expected a number");
    char t[64];
    memcpy(t, ps->p + start, len);
    t[len] = '\0';
    char *end;
    *v = strtod(t, &end);
    if (*end != '\0')
        return fail(ps, "invalid JSON: bad number");
    return 0;
}

static int literal(struct parser *ps, const char *word)
{
    size_t m = strlen(word);
    ws(ps);
    if (ps->n - ps->i < m || memcmp(ps->p + ps->i, word, m) != 0)
        return fail(ps, "invalid JSON: unexpected token");
    ps->i += m;
    return 0;
}

static int skip_value(struct parser *ps, int depth)
{
    if (depth > 32)
        return fail(ps, "invalid JSON: nested too deeply");
    int c = peek(ps);
    double d;
    switch (c) {
    case '"': return string(ps, NULL, 0);
    case 't': return literal(ps, "true");
    case 'f': return literal(ps, "false");
    case 'n': return literal(ps, "null");
    case '[':
        ps->i++;
        if (peek(ps) == ']') {
            ps->i++;
            return 0;
        }
        for (;;) {
            if (skip_value(ps, depth + 1))
                return -1;
            if (peek(ps) == ',') {
                ps->i++;
                continue;
            }
            return expect(ps, ']');
        }
    case '{':
        ps->i++;
        if (peek(ps) == '}') {
            ps->i++;
            return 0;
        }
        for (;;) {
            if (string(ps, NULL, 0) || expect(ps, ':') || skip_value(ps, depth + 1))
                return -1;
            if (peek(ps) == ',') {
                ps->i++;
                continue;
            }
            return expect(ps, '}');
        }
    case -1: return fail(ps, "invalid JSON: unexpected end");
    default: return number(ps, &d);
    }
}

static int num_array(struct parser *ps, struct farr *a)
{
    if (a->present)
        return fail(ps, "duplicate key");
    a->present = 1;
    if (expect(ps, '['))
        return -1;
    if (peek(ps) == ']') {
        ps->i++;
        return 0;
    }
    for (;;) {
        double v;
        if (peek(ps) == 'n') {
            if (literal(ps, "null"))
                return -1;
            v = NAN;
        } else if (number(ps, &v))
            return -1;
        if (a->n == a->cap) {
            if (a->cap >= ps->max)
                return hr_fail_at(ps->e, ps->name, (long long)ps->i,
                                  "array holds more than %zu samples: exceeds the %zu-sample limit (--max-samples)",
                                  ps->max, ps->max);
            size_t cap = a->cap ? a->cap * 2 : 1024;
            if (cap > ps->max)
                cap = ps->max; /* no doubling past the budget */
            double *p = realloc(a->v, cap * sizeof *p);
            if (!p)
                return fail(ps, "out of memory");
            a->v = p;
            a->cap = cap;
        }
        a->v[a->n++] = v;
        if (peek(ps) == ',') {
            ps->i++;
            continue;
        }
        return expect(ps, ']');
    }
}

int apijson_has_key(const uint8_t *buf, size_t n, const char *key)
{
    size_t look = n < APIJSON_LOOK ? n : APIJSON_LOOK, i = 0, klen = strlen(key);
    if (look >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        i = 3;
    while (i < look && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (i == look || buf[i] != '{')
        return 0;
    /* walk the text once: depth counts [ and { outside strings; a string at depth 1 followed by ':' is a
     * top-level key */
    int depth = 0;
    for (; i < look; i++) {
        uint8_t c = buf[i];
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (--depth <= 0)
                return 0;
        } else if (c == '"') {
            size_t s = ++i;
            while (i < look && buf[i] != '"')
                i += buf[i] == '\\' ? 2 : 1;
            if (i >= look)
                return 0;
            if (depth != 1 || i - s != klen || memcmp(buf + s, key, klen) != 0)
                continue;
            size_t j = i + 1;
            while (j < look && (buf[j] == ' ' || buf[j] == '\n' || buf[j] == '\r' || buf[j] == '\t'))
                j++;
            if (j < look && buf[j] == ':')
                return 1;
        }
    }
    return 0;
}

int apijson_looks_like(const uint8_t *buf, size_t n)
{
    return apijson_has_key(buf, n, "speed") &&
           (apijson_has_key(buf, n, "step") || apijson_has_key(buf, n, "time")) &&
           !apijson_has_key(buf, n, "step_s");
}

int apijson_parse(const uint8_t *buf, size_t n, const char *name, struct workout *w, struct hr_err *e)
{
    struct parser ps = {buf, n, 0, name, e, w->max_n ? w->max_n : APIJSON_MAX_SAMPLES};
    struct farr speed = {0}, alt = {0}, hr = {0}, tm = {0};
    double step = 10;
    char gender[16] = "";
    int rc = -1;
    if (expect(&ps, '{'))
        goto out;
    if (peek(&ps) == '}') {
        ps.i++;
    } else {
        for (;;) {
            char key[32];
            if (string(&ps, key, sizeof key) || expect(&ps, ':'))
                goto out;
            int r;
            if (!strcmp(key, "speed"))
                r = num_array(&ps, &speed);
            else if (!strcmp(key, "altitude"))
                r = num_array(&ps, &alt);
            else if (!strcmp(key, "heart_rate"))
                r = num_array(&ps, &hr);
            else if (!strcmp(key, "time"))
                r = num_array(&ps, &tm);
            else if (!strcmp(key, "step"))
                r = number(&ps, &step);
            else if (!strcmp(key, "gender")) { /* "m", "f" or "u" (either case), as the C API; absent: "u" */
                size_t at = ps.i;
                r = peek(&ps) == '"' ? string(&ps, gender, sizeof gender) : skip_value(&ps, 1);
                if (!r && (strlen(gender) != 1 || !strchr("mfuMFU", gender[0]))) {
                    ps.i = at;
                    r = fail(&ps, "\"gender\" must be \"m\", \"f\" or \"u\" (or left out: unknown)");
                }
            }
            else
                r = skip_value(&ps, 1);
            if (r)
                goto out;
            if (peek(&ps) == ',') {
                ps.i++;
                continue;
            }
            if (expect(&ps, '}'))
                goto out;
            break;
        }
    }
    if (peek(&ps) != -1) {
        fail(&ps, "invalid JSON: trailing data");
        goto out;
    }
    if (!speed.present || speed.n < 2) {
        hr_fail_at(e, name, 0, "JSON needs a \"speed\" array (m/s) of at least 2 samples");
        goto out;
    }
    if (!(step >= 0.1 && step <= 3600)) {
        hr_fail_at(e, name, 0, "\"step\" must be between 0.1 and 3600 seconds");
        goto out;
    }
    if ((alt.present && alt.n != speed.n) || (hr.present && hr.n != speed.n) ||
        (tm.present && tm.n != speed.n)) {
        hr_fail_at(e, name, 0, "arrays \"speed\", \"altitude\", \"heart_rate\", \"time\" differ in length");
        goto out;
    }
    if (workout_reserve(w, speed.n)) {
        hr_fail_at(e, name, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < speed.n; i++) {
        double t = tm.present ? tm.v[i] : (double)i * step;
        if (!isfinite(t) || (i > 0 && t <= w->time[i - 1])) {
            hr_fail_at(e, name, 0, "\"time\" must be finite and strictly increasing (sample %zu)", i);
            goto out;
        }
        workout_push(w, t);
        double s = speed.v[i];
        if (isfinite(s) && (s < 0 || s > APIJSON_SPEED_MAX)) {
            hr_fail_at(e, name, 0, "speed %.3g m/s at sample %zu is outside 0..%g m/s%s", s, i, APIJSON_SPEED_MAX,
                       s > 0 ? " (speeds are m/s: a value in km/h? 12 m/s is 43.2 km/h)" : "");
            goto out;
        }
        w->speed[i] = (float)s;
        w->alt[i] = alt.present ? (float)alt.v[i] : NAN;
        double h = hr.present ? hr.v[i] : NAN;
        w->hr[i] = (h >= 30 && h <= 250) ? (float)h : NAN;
    }
    w->gender = (gender[0] == 'm' || gender[0] == 'M') ? 'm' : (gender[0] == 'f' || gender[0] == 'F') ? 'f' : 'u';
    /* until 2026-12-07 any other value ("x", "woman", 1, null) was taken as "u" without a word */
    workout_set_sport(w, "running");
    snprintf(w->source, sizeof w->source, "%s", name);
    rc = 0;
out:
    free(speed.v);
    free(alt.v);
    free(hr.v);
    free(tm.v);
    return rc;
}

int apijson_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o, workout_sink sink,
                 void *ctx, struct hr_err *e)
{
    struct workout w;
    workout_init(&w);
    w.max_n = o ? o->lim.max_samples : 0;
    int rc = apijson_parse(buf, n, name, &w, e);
    if (rc == 0)
        sink(ctx, &w);
    workout_free(&w);
    return rc;
}
