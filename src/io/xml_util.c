/* xml_util.c — shared helpers of the TCX and GPX readers (see xml_util.h). */
#include "io/xml_util.h"
#include "io/text_util.h"
#include "util/log.h"
#include "util/utf8.h"
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *xml_local_name(const char *qname)
{
    const char *l = qname;
    for (const char *p = qname; *p; p++)
        if (*p == ':' || *p == '}')
            l = p + 1;
    return l;
}

int xml_streq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

void xml_copy_str(char *dst, size_t cap, const char *src)
{
    if (cap)
        utf8_copy(dst, cap, src);
}

const char *xml_attr(const XML_Char **atts, const char *local)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcmp(xml_local_name(atts[i]), local) == 0)
            return atts[i + 1];
    return NULL;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s))
        (*s)++, (*n)--;
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

int xml_parse_number(const char *s, size_t n, double *out)
{
    trim(&s, &n);
    if (n == 0 || n >= 64)
        return -1;
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (i < n && isdigit((unsigned char)s[i]))
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < n && isdigit((unsigned char)s[i]))
            i++, ed++;
        if (ed == 0)
            return -1;
    }
    if (i != n)
        return -1;
    char tmp[64];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double v = strtod(tmp, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long long)yoe + era * 400 + (*m <= 2);
}

/* Reads exactly k digits at s[*i]. */
static int digits(const char *s, size_t n, size_t *i, int k, int *v)
{
    if (*i + (size_t)k > n)
        return -1;
    int r = 0;
    for (int j = 0; j < k; j++) {
        char c = s[*i + (size_t)j];
        if (!isdigit((unsigned char)c))
            return -1;
        r = r * 10 + (c - '0');
    }
    *i += (size_t)k;
    *v = r;
    return 0;
}

int xml_parse_time(const char *s, size_t n, double *out)
{
    trim(&s, &n);
    size_t i = 0;
    int Y, M, D, h, mi, sec;
    if (digits(s, n, &i, 4, &Y) || i >= n || s[i++] != '-' || digits(s, n, &i, 2, &M) || i >= n ||
        s[i++] != '-' || digits(s, n, &i, 2, &D) || i >= n)
        return -1;
    char t = s[i++];
    if (t != 'T' && t != 't' && t != ' ')
        return -1;
    if (digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' || digits(s, n, &i, 2, &mi) || i >= n ||
        s[i++] != ':' || digits(s, n, &i, 2, &sec))
        return -1;
    if (!tu_valid_date_time(Y, M, D, h, mi, sec))
        return -1;
    double frac = 0.0;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        i++;
        double scale = 0.1;
        size_t nd = 0;
        while (i < n && isdigit((unsigned char)s[i])) {
            if (nd < 12)
                frac += (s[i] - '0') * scale;
            scale *= 0.1;
            i++, nd++;
        }
        if (nd == 0)
            return -1;
    }
    long long off = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1;
        int oh, om = 0;
        if (digits(s, n, &i, 2, &oh))
            return -1;
        if (i < n && s[i] == ':') {
            i++;
            if (digits(s, n, &i, 2, &om))
                return -1;
        } else if (i < n && digits(s, n, &i, 2, &om)) {
            return -1;
        }
        if (!tu_valid_offset(oh, om))
            return -1;
        off = sign * (oh * 3600LL + om * 60LL);
    }
    if (i != n)
        return -1;
    long long days = tu_days_from_civil(Y, (unsigned)M, (unsigned)D);
    *out = (double)(days * 86400LL + h * 3600LL + mi * 60LL + sec - off) + frac;
    return 0;
}

int xml_format_time(double t, char *out, size_t cap)
{
    if (!isfinite(t) || fabs(t) > 2.0e11) /* beyond year ~8300 */
        return snprintf(out, cap, "1970-01-01T00:00:00Z");
    long long ms = llround(t * 1000.0);
    long long secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int frac = (int)(ms - secs * 1000);
    long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    long long sod = secs - days * 86400;
    long long y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int hh = (int)(sod / 3600), mm = (int)(sod / 60 % 60), ss = (int)(sod % 60);
    if (frac)
        return snprintf(out, cap, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d, hh, mm, ss, frac);
    return snprintf(out, cap, "%04lld-%02u-%02uT%02d:%02d:%02dZ", y, m, d, hh, mm, ss);
}

void xml_text_start(struct xml_text *t)
{
    t->len = 0;
    t->on = 1;
    t->overflow = 0;
}

void xml_text_add(struct xml_text *t, const char *s, int len)
{
    if (!t->on || len <= 0)
        return;
    size_t room = sizeof t->buf - 1 - t->len;
    size_t k = (size_t)len;
    if (k > room) {
        t->overflow = 1;
        k = room;
    }
    memcpy(t->buf + t->len, s, k);
    t->len += k;
}

const char *xml_text_end(struct xml_text *t, size_t *len)
{
    t->on = 0;
    t->buf[t->len] = '\0';
    const char *s = t->buf;
    size_t n = t->len;
    trim(&s, &n);
    t->buf[(size_t)(s - t->buf) + n] = '\0';
    *len = n;
    return s;
}

/* ---- the expat driver ---- */

static void XMLCALL on_entity_decl(void *ud, const XML_Char *entityName, int is_parameter_entity,
                                   const XML_Char *value, int value_length, const XML_Char *base,
                                   const XML_Char *systemId, const XML_Char *publicId,
                                   const XML_Char *notationName)
{
    (void)entityName, (void)is_parameter_entity, (void)value, (void)value_length, (void)base;
    (void)systemId, (void)publicId, (void)notationName;
    xml_ctx_fail((struct xml_ctx *)ud, "entity declarations are not accepted");
}

int xml_ctx_init(struct xml_ctx *x, const char *name, struct hr_err *e, void *ud)
{
    memset(x, 0, sizeof *x);
    x->name = name ? name : "<input>";
    x->e = e;
    x->p = XML_ParserCreate(NULL);
    if (!x->p)
        return hr_fail(e, "%s: out of memory (XML parser)", x->name);
    /* ud must start with the struct xml_ctx (the readers' state structs do). */
    XML_SetUserData(x->p, ud);
    XML_SetEntityDeclHandler(x->p, on_entity_decl);
    return 0;
}

void xml_ctx_free(struct xml_ctx *x)
{
    if (x->p)
        XML_ParserFree(x->p);
    x->p = NULL;
}

static void where(struct xml_ctx *x, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s: %lld (line %lu)", x->name,
             (long long)XML_GetCurrentByteIndex(x->p) + (long long)x->skipped,
             (unsigned long)XML_GetCurrentLineNumber(x->p) + x->skipped_lines);
}

void xml_ctx_fail(struct xml_ctx *x, const char *fmt, ...)
{
    if (x->failed || x->stopped)
        return;
    char at[300], reason[HR_ERR_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    where(x, at, sizeof at);
    hr_fail(x->e, "%.300s: %.200s", at, reason);
    x->failed = 1;
    XML_StopParser(x->p, XML_FALSE);
}

void xml_ctx_bad_value(struct xml_ctx *x, const char *field, const char *text)
{
    if (x->bad_values++ == 0) {
        char at[300];
        where(x, at, sizeof at);
        hr_warn("%s: %s value '%.40s' is not a usable number or time; treated as missing "
                "(further bad values in this file are not reported)",
                at, field, text);
    }
}

double xml_field_number(struct xml_ctx *x, const char *field, const char *text, size_t len, double lo,
                        double hi)
{
    if (len == 0)
        return NAN;
    double v;
    if (xml_parse_number(text, len, &v) || v < lo || v > hi) {
        xml_ctx_bad_value(x, field, text);
        return NAN;
    }
    return v;
}

double xml_field_time(struct xml_ctx *x, const char *field, const char *text, size_t len)
{
    if (len == 0)
        return NAN;
    double v;
    if (xml_parse_time(text, len, &v)) {
        xml_ctx_bad_value(x, field, text);
        return NAN;
    }
    return v;
}

int xml_ctx_run(struct xml_ctx *x, const uint8_t *buf, size_t n)
{
    size_t i = 0;
    if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        i = 3;
    while (i < n && is_space((char)buf[i]))
        i++;
    if (i == n)
        return hr_fail(x->e, "%s: 0: empty file", x->name);
    /* Some exporters (Strava) put white space before the XML declaration, which expat refuses:
     * start at the first '<' (after a UTF-8 byte order mark). Offsets in messages stay file offsets. */
    x->skipped = i;
    for (size_t k = 0; k < i; k++)
        x->skipped_lines += buf[k] == '\n';
    buf += i;
    n -= i;
    const size_t chunk = (size_t)1 << 24;
    size_t off = 0;
    do {
        size_t k = n - off > chunk ? chunk : n - off;
        int final = off + k == n;
        if (XML_Parse(x->p, (const char *)buf + off, (int)k, final) != XML_STATUS_OK) {
            if (x->stopped && !x->failed)
                return 0;
            if (x->failed)
                return -1;
            char at[300];
            where(x, at, sizeof at);
            return hr_fail(x->e, "%.300s: %s", at, XML_ErrorString(XML_GetErrorCode(x->p)));
        }
        off += k;
    } while (off < n);
    return x->failed ? -1 : 0;
}

/* ---- numbering and handing over finished workouts ---- */

void xml_emit_init(struct xml_emit *em, struct xml_ctx *x, workout_sink sink, void *ctx)
{
    memset(em, 0, sizeof *em);
    em->x = x;
    em->sink = sink;
    em->ctx = ctx;
    workout_init(&em->held);
}

static void hand_over(struct xml_emit *em, int number)
{
    struct workout *w = &em->held;
    if (number > 0)
        snprintf(w->source, sizeof w->source, "%.490s#%d", em->x->name, number);
    else
        snprintf(w->source, sizeof w->source, "%s", em->x->name);
    em->have_held = 0;
    if (em->sink && em->sink(em->ctx, w) != 0) {
        em->x->stopped = 1;
        XML_StopParser(em->x->p, XML_FALSE);
    }
}

void xml_emit_push(struct xml_emit *em, struct workout *w)
{
    if (em->x->stopped || em->x->failed || w->n == 0) {
        workout_reset(w);
        return;
    }
    em->count++;
    if (em->have_held)
        hand_over(em, em->count - 1);
    struct workout tmp = em->held;
    em->held = *w;
    *w = tmp;
    workout_reset(w);
    em->have_held = 1;
}

void xml_emit_finish(struct xml_emit *em)
{
    if (em->have_held && !em->x->stopped && !em->x->failed)
        hand_over(em, em->count > 1 ? em->count : 0);
}

void xml_emit_free(struct xml_emit *em) { workout_free(&em->held); }
