/* text_util.c — strict fast number parsing, ISO 8601 times and literal scanning for the text
 * readers (see text_util.h). */
#include "io/text_util.h"
#include "util/json.h"
#include "util/utf8.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define is_digit tu_is_digit

int tu_number_slow(const char *s, const char *e, double *out)
{
    char buf[512];
    size_t len = (size_t)(e - s);
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *stop;
    double v = strtod(buf, &stop);
    if (stop != buf + len || isinf(v) || isnan(v))
        return 0;
    *out = v;
    return 1;
}

int tu_parse_number_span(const char *p, const char *end, double *out)
{
    p = tu_skip_ws(p, end);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    const char *next;
    return p < end && tu_parse_number(p, end, out, &next) && next == end;
}

long long tu_days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

int tu_valid_date_time(int y, int mo, int d, int h, int mi, int sec)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= dm[mo - 1] + (mo == 2 && leap);
}

int tu_valid_offset(int oh, int om)
{
    return oh >= 0 && om >= 0 && oh * 60 + om <= 14 * 60 && om <= 59;
}

/* Exactly n digits at *pp; advances. */
static int fixed_digits(const char **pp, const char *end, int n, int *v)
{
    const char *p = *pp;
    if (end - p < n)
        return 0;
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return 0;
        x = x * 10 + (p[i] - '0');
    }
    *v = x;
    *pp = p + n;
    return 1;
}

int tu_parse_iso8601(const char *p, const char *end, double *unix_s)
{
    p = tu_skip_ws(p, end);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0;
    if (!fixed_digits(&p, end, 4, &y) || p >= end || *p++ != '-' || !fixed_digits(&p, end, 2, &mo) ||
        p >= end || *p++ != '-' || !fixed_digits(&p, end, 2, &d))
        return 0;
    if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
        p++;
        if (!fixed_digits(&p, end, 2, &h) || p >= end || *p++ != ':' || !fixed_digits(&p, end, 2, &mi))
            return 0;
        if (p < end && *p == ':') {
            p++;
            if (!fixed_digits(&p, end, 2, &sec))
                return 0;
            if (p < end && (*p == '.' || *p == ',')) {
                p++;
                double scale = 0.1;
                if (p >= end || !is_digit(*p))
                    return 0;
                while (p < end && is_digit(*p)) {
                    frac += (*p - '0') * scale;
                    scale *= 0.1;
                    p++;
                }
            }
        }
    }
    /* one check with the TCX/GPX parser (until 2026-12-07 this one took 2023-02-29 for 1 March, 24:59:59
     * and an offset of +99:00) */
    if (!tu_valid_date_time(y, mo, d, h, mi, sec))
        return 0;
    long long off = 0;
    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int sign = *p == '-' ? -1 : 1, oh, om = 0;
        p++;
        if (!fixed_digits(&p, end, 2, &oh))
            return 0;
        if (p < end && *p == ':')
            p++;
        if (p < end && !fixed_digits(&p, end, 2, &om))
            return 0;
        if (!tu_valid_offset(oh, om))
            return 0;
        off = sign * (oh * 3600LL + om * 60LL);
    }
    if (p != end)
        return 0;
    long long days = tu_days_from_civil(y, (unsigned)mo, (unsigned)d);
    *unix_s = (double)(days * 86400LL + h * 3600LL + mi * 60LL + sec - off) + frac;
    return 1;
}

int tu_parse_clock(const char *p, const char *end, double *seconds)
{
    p = tu_skip_ws(p, end);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    int neg = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    double parts[3];
    int np = 0;
    for (;;) {
        const char *q = p;
        long v = 0;
        while (p < end && is_digit(*p) && p - q < 9)
            v = v * 10 + (*p++ - '0');
        if (p == q)
            return 0;
        double x = (double)v;
        if (p < end && *p == '.') {
            /* fraction only on the last part */
            const char *next;
            double f;
            if (!tu_parse_number(q, end, &f, &next) || next != end)
                return 0;
            x = f;
            p = end;
        }
        if (np == 3)
            return 0;
        parts[np++] = x;
        if (p == end)
            break;
        if (*p++ != ':')
            return 0;
    }
    if (np < 2)
        return 0;
    for (int i = 1; i < np; i++)
        if (parts[i] >= 60)
            return 0;
    double s = np == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1];
    *seconds = neg ? -s : s;
    return 1;
}

const char *tu_scan_string(const char *p, const char *end, const char **s, const char **s_end)
{
    char q = *p++;
    *s = p;
    while (p < end) {
        char c = *p;
        if (c == q) {
            *s_end = p;
            return p + 1;
        }
        if (c == '\\') {
            p += 2;
            continue;
        }
        if (c == '\n')
            return NULL;
        p++;
    }
    return NULL;
}

static inline int is_word_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
           c == '+' || c == '-';
}

const char *tu_skip_value(const char *p, const char *end)
{
    char stack[64];
    int depth = 0, need_sep = 0; /* inside a container: an item was just read, ',' ':' or a closer must follow */
    for (;;) {
        p = tu_skip_ws(p, end);
        if (p >= end)
            return NULL;
        char c = *p;
        if (c == ']' || c == '}' || c == ')') {
            if (depth == 0 || stack[depth - 1] != c)
                return NULL;
            p++;
            if (--depth == 0)
                return p;
            need_sep = 1;
            continue;
        }
        if (c == ',' || c == ':') {
            if (depth == 0 || !need_sep)
                return NULL;
            need_sep = 0;
            p++;
            continue;
        }
        if (need_sep)
            return NULL;
        if (c == '[' || c == '{' || c == '(') {
            if (depth == (int)sizeof stack)
                return NULL;
            stack[depth++] = c == '[' ? ']' : c == '{' ? '}' : ')';
            p++;
            continue;
        }
        if (c == '\'' || c == '"') {
            const char *s, *se;
            p = tu_scan_string(p, end, &s, &se);
            if (!p)
                return NULL;
        } else if (is_word_char(c)) {
            while (p < end && is_word_char(*p))
                p++;
        } else {
            return NULL;
        }
        if (depth == 0)
            return p;
        need_sep = 1;
    }
}

int tu_is_null_word(const char *p, const char *end, const char **next)
{
    if (end - p >= 4 && (memcmp(p, "None", 4) == 0 || memcmp(p, "null", 4) == 0) &&
        (end - p == 4 || !is_word_char(p[4]))) {
        *next = p + 4;
        return 1;
    }
    return 0;
}

int tu_copy_text(char *dst, size_t cap, const char *s, const char *s_end)
{
    size_t j = 0;
    const char *p = s;
    while (p < s_end) {
        char u[4];
        size_t n, used;
        const char *why;
        if (*p == '\\') {
            /* JSON escapes decoded (until 2026-12-07 the backslash was dropped and the next character
             * kept: "\u00fc" read as "u00fc", hrcast's own "Ann\tLee" as "AnntLee"); any other escape
             * (a Python literal's \') keeps that rule */
            used = json_escape_decode(p, s_end, u, &n, &why);
            if (!used) {
                used = p + 1 < s_end ? 2 : 1;
                u[0] = p[used - 1];
                n = 1;
            }
        } else {
            n = used = utf8_char_len(p, s_end);
            memcpy(u, p, n);
        }
        p += used;
        if (n == 1 && u[0] == '\0') /* a \u0000 cannot sit in a C string: dropped */
            continue;
        if (j + n >= cap) { /* cut on a character boundary, never inside one */
            p -= used;
            break;
        }
        memcpy(dst + j, u, n);
        j += n;
    }
    dst[j] = '\0';
    return p < s_end;
}

int tu_ieq(const char *s, const char *s_end, const char *word)
{
    size_t n = (size_t)(s_end - s);
    if (strlen(word) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = word[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (char)(b + 32);
        if (a != b)
            return 0;
    }
    return 1;
}

const char *tu_parse_number_list(const char *p, const char *end, double **arr, size_t *n, size_t *cap,
                                 size_t max, const char **why)
{
    char close = *p == '(' ? ')' : ']';
    *n = 0;
    p = tu_skip_ws(p + 1, end);
    if (p < end && *p == close)
        return p + 1;
    for (;;) {
        double v;
        const char *next;
        p = tu_skip_ws(p, end);
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
        if (*n == *cap) {
            if (max && *cap >= max) {
                *why = TU_OVER_LIMIT;
                return NULL;
            }
            size_t nc = *cap ? *cap * 2 : 256;
            if (max && nc > max)
                nc = max; /* no doubling past the budget */
            double *na = realloc(*arr, nc * sizeof *na);
            if (!na) {
                *why = "out of memory";
                return NULL;
            }
            *arr = na;
            *cap = nc;
        }
        (*arr)[(*n)++] = v;
        p = tu_skip_ws(next, end);
        if (p < end && *p == ',')
            p = tu_skip_ws(p + 1, end);
        else if (p < end && *p != close) {
            *why = "expected ',' or ']' in list";
            return NULL;
        }
        if (p < end && *p == close)
            return p + 1;
    }
}
