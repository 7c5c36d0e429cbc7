/* text_util.h — tokenizing helpers shared by the text readers (CSV, FitRec, seed JSON):
 * a fast strict decimal parser, ISO 8601 times, and a scanner for Python-literal / JSON values.
 * Every function works on a [p, end) span; nothing needs a NUL terminator. */
#ifndef HRCAST_IO_TEXT_UTIL_H
#define HRCAST_IO_TEXT_UTIL_H
#include <stddef.h>
#include <stdint.h>

/* Strict decimal number: [+-]digits[.digits][(e|E)[+-]digits]. No NaN, inf, hex, or leading/trailing
 * junk inside the token. On success stores the value, sets *next past it and returns 1; else 0.
 * Up to 15 significant digits and |exponent| <= 22 the result is correctly rounded (exact fast path);
 * 16-19 digits are within 1 ulp; anything else goes through strtod. */
static inline int tu_is_digit(char c) { return (unsigned)(c - '0') < 10u; }
/* Fallback for tu_parse_number: strtod on a bounded copy, rejecting NaN/inf. */
int tu_number_slow(const char *s, const char *e, double *out);
static inline int tu_parse_number(const char *p, const char *end, double *out, const char **next)
{
    static const double tu_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *s = p;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    /* All digits go into m; more than 19 of them (leading zeros included) take the slow path. */
    uint64_t m = 0;
    const char *d0 = p;
    while (p < end && tu_is_digit(*p))
        m = m * 10 + (uint64_t)(*p++ - '0');
    int ndig = (int)(p - d0), exp10 = 0;
    if (p < end && *p == '.') {
        const char *f0 = ++p;
        while (p < end && tu_is_digit(*p))
            m = m * 10 + (uint64_t)(*p++ - '0');
        exp10 = -(int)(p - f0);
        ndig += (int)(p - f0);
    }
    if (ndig == 0)
        return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        int eneg = 0;
        if (q < end && (*q == '-' || *q == '+')) {
            eneg = *q == '-';
            q++;
        }
        if (q >= end || !tu_is_digit(*q))
            return 0;
        int ev = 0;
        while (q < end && tu_is_digit(*q)) {
            if (ev < 100000)
                ev = ev * 10 + (*q - '0');
            q++;
        }
        exp10 += eneg ? -ev : ev;
        p = q;
    }
    *next = p;
    if (ndig <= 19 && m == 0) {
        *out = neg ? -0.0 : 0.0;
        return 1;
    }
    if (ndig <= 19 && exp10 >= -22 && exp10 <= 22) {
        /* m <= 2^53: m and 10^k exact, one rounding: correctly rounded. Larger m (16-19 digits):
         * two roundings, within 1 ulp (long double would be exact-er but 4x slower). */
        double v = (double)m;
        v = exp10 < 0 ? v / tu_pow10[-exp10] : v * tu_pow10[exp10];
        *out = neg ? -v : v;
        return 1;
    }
    return tu_number_slow(s, p, out);
}

/* The whole span [p, end) (spaces around allowed) must be one number. */
int tu_parse_number_span(const char *p, const char *end, double *out);

/* ISO 8601 date-time "YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|+hh:mm|-hhmm]" -> Unix seconds. Without a
 * zone it is taken as UTC. Returns 1 on success. */
int tu_parse_iso8601(const char *p, const char *end, double *unix_s);
/* "[-]h:mm:ss[.f]" or "m:ss[.f]" -> seconds. Returns 1 on success. */
int tu_parse_clock(const char *p, const char *end, double *seconds);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
long long tu_days_from_civil(long long y, unsigned m, unsigned d);
/* Whether a date and time of day exist: month 1-12, the day within its month (leap years counted), hour
 * 0-23, minute 0-59, second 0-60 (a leap second). The one check of both time parsers: tu_parse_iso8601
 * (CSV, JSON) and xml_parse_time (TCX, GPX). */
int tu_valid_date_time(int y, int mo, int d, int h, int mi, int sec);
/* Whether a UTC offset of oh hours and om minutes exists: minutes 0-59, at most 14:00 (UTC+14, Kiribati). */
int tu_valid_offset(int oh, int om);

/* ---- Python literal / JSON scanning ---- */
static inline const char *tu_skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}
/* A quoted string ('...' or "...") starting at p (at the quote). On success the raw content (escapes
 * not decoded) is [*s, *s_end) and the return value points past the closing quote; NULL if malformed. */
const char *tu_scan_string(const char *p, const char *end, const char **s, const char **s_end);
/* Skip any one value: string, number, list, tuple, dict, or a bare word (True, None, null, ...).
 * Nesting depth is bounded. Returns the position after it, or NULL if malformed. */
const char *tu_skip_value(const char *p, const char *end);
/* True when [p, end) starts with the bare word None or null (not followed by an identifier char). */
int tu_is_null_word(const char *p, const char *end, const char **next);

/* Parse a list "[n, n, None, ...]" (p at '[' or '(') into a growable double array (*arr, *n, *cap;
 * None/null -> NaN). Returns the position after the closing bracket, or NULL with *why set; a list of
 * more than max values (0 = no limit) fails with *why == TU_OVER_LIMIT before growing past max. */
#define TU_OVER_LIMIT "list longer than the sample limit"
const char *tu_parse_number_list(const char *p, const char *end, double **arr, size_t *n, size_t *cap,
                                 size_t max, const char **why);

/* Copy the text of a quoted value [s, s_end) into dst (size cap), NUL-terminated: JSON escapes decoded
 * (util/json.h json_escape_decode; a decoded NUL dropped), any other backslash dropped with the next
 * character kept; cut on a UTF-8 character boundary. Returns 1 when the text was cut, else 0. */
int tu_copy_text(char *dst, size_t cap, const char *s, const char *s_end);
/* Case-insensitive equality of [s, s_end) and the NUL-terminated word. */
int tu_ieq(const char *s, const char *s_end, const char *word);

#endif
