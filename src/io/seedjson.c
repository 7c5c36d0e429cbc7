/* seedjson.c — the seed project's sample workout JSON: {"speed": [km/h...], "altitude": [m...],
 * "gender": "Male"} (single-quoted Python literals accepted too). There is no time column: sample i is
 * at i * read_opts.sample_step seconds (default 6) and start_time is NaN. An optional "heart_rate"
 * list (bpm) is read when present; other keys are skipped. Lists of different lengths are padded
 * with NaN to the longest. */
#include "io/read_opts.h"
#include "io/reader.h"
#include "io/text_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SJ_SPEED, SJ_ALT, SJ_HR, SJ_COUNT };

struct seed_lists {
    double *v[SJ_COUNT];
    size_t n[SJ_COUNT], cap[SJ_COUNT];
};

static void lists_free(struct seed_lists *l)
{
    for (int i = 0; i < SJ_COUNT; i++)
        free(l->v[i]);
}

static int fail(struct seed_lists *l, struct hr_err *e, const char *name, const char *base, const char *p,
                const char *why)
{
    lists_free(l);
    return hr_fail_at(e, name, p ? (long long)(p - base) : 0, "%s", why);
}

int seedjson_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                  workout_sink sink, void *ctx, struct hr_err *e)
{
    struct read_opts def;
    if (!o) {
        read_opts_default(&def);
        o = &def;
    }
    if (!name)
        name = "<input>";
    struct seed_lists l;
    memset(&l, 0, sizeof l);
    char gender = 'u';
    const char *base = (const char *)buf, *end = base + n, *p = base;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    p = tu_skip_ws(p, end);
    if (p >= end || *p != '{')
        return fail(&l, e, name, base, p, "expected a JSON object");
    p = tu_skip_ws(p + 1, end);
    int first = 1;
    for (;;) {
        if (p >= end)
            return fail(&l, e, name, base, p, "truncated object");
        if (*p == '}' && first) {
            p++;
            break;
        }
        first = 0;
        if (*p != '"' && *p != '\'')
            return fail(&l, e, name, base, p, "expected a quoted key");
        const char *k, *ke;
        p = tu_scan_string(p, end, &k, &ke);
        if (!p)
            return fail(&l, e, name, base, k, "unterminated key");
        p = tu_skip_ws(p, end);
        if (p >= end || *p != ':')
            return fail(&l, e, name, base, p, "expected ':' after key");
        p = tu_skip_ws(p + 1, end);
        if (p >= end)
            return fail(&l, e, name, base, p, "truncated object");
        int ch = tu_ieq(k, ke, "speed") ? SJ_SPEED : tu_ieq(k, ke, "altitude") ? SJ_ALT
                 : tu_ieq(k, ke, "heart_rate")                                  ? SJ_HR
                                                                                : -1;
        const char *why = "malformed value";
        const char *at = p;
        char limit_why[160];
        if (ch >= 0 && (*p == '[' || *p == '(')) {
            size_t max = o->lim.max_samples;
            p = tu_parse_number_list(p, end, &l.v[ch], &l.n[ch], &l.cap[ch], max, &why);
            if (!p && !strcmp(why, TU_OVER_LIMIT)) {
                snprintf(limit_why, sizeof limit_why,
                         "list holds more than %zu samples: exceeds the %zu-sample limit (--max-samples)", max, max);
                why = limit_why;
            }
        } else if (ch >= 0) {
            const char *nx;
            if (tu_is_null_word(p, end, &nx)) {
                l.n[ch] = 0;
                p = nx;
            } else {
                why = "expected a list of numbers";
                p = NULL;
            }
        } else if (tu_ieq(k, ke, "gender") && (*p == '"' || *p == '\'')) {
            const char *s, *se;
            p = tu_scan_string(p, end, &s, &se);
            if (p)
                gender = tu_ieq(s, se, "male") || tu_ieq(s, se, "m")     ? 'm'
                         : tu_ieq(s, se, "female") || tu_ieq(s, se, "f") ? 'f'
                                                                          : 'u';
        } else {
            p = tu_skip_value(p, end);
        }
        if (!p)
            return fail(&l, e, name, base, at, why);
        p = tu_skip_ws(p, end);
        if (p < end && *p == ',') {
            p = tu_skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') {
            p++;
            break;
        }
        return fail(&l, e, name, base, p, "expected ',' or '}'");
    }
    p = tu_skip_ws(p, end);
    if (p != end)
        return fail(&l, e, name, base, p, "trailing characters after the object");
    size_t ns = 0;
    for (int c = 0; c < SJ_COUNT; c++)
        if (l.n[c] > ns)
            ns = l.n[c];
    if (ns == 0)
        return fail(&l, e, name, base, NULL, "no speed or altitude samples");
    struct workout w;
    workout_init(&w);
    w.max_n = o->lim.max_samples;
    int grow = workout_reserve(&w, ns);
    if (grow) {
        char why[160];
        workout_grow_why(&w, grow, why, sizeof why);
        workout_free(&w);
        return fail(&l, e, name, base, NULL, why);
    }
    double step = o->sample_step > 0 ? o->sample_step : 6.0;
    for (size_t i = 0; i < ns; i++) {
        long k = workout_push(&w, (double)i * step);
        if (i < l.n[SJ_SPEED] && !isnan(l.v[SJ_SPEED][i]))
            w.speed[k] = (float)(l.v[SJ_SPEED][i] / 3.6);
        if (i < l.n[SJ_ALT])
            w.alt[k] = (float)l.v[SJ_ALT][i];
        if (i < l.n[SJ_HR] && l.v[SJ_HR][i] > 0)
            w.hr[k] = (float)l.v[SJ_HR][i];
    }
    lists_free(&l);
    w.gender = gender;
    w.start_time = NAN;
    snprintf(w.source, sizeof w.source, "%s", name);
    sink(ctx, &w);
    workout_free(&w);
    return 0;
}
