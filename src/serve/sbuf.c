/* sbuf.c — growable buffer and small JSON writing helpers (see sbuf.h). */
#include "serve/sbuf.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_init(struct sbuf *b) { memset(b, 0, sizeof *b); }

void sbuf_free(struct sbuf *b)
{
    free(b->p);
    sbuf_init(b);
}

static int reserve(struct sbuf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->n + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void sbuf_put(struct sbuf *b, const void *data, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if ((size_t)k < sizeof small) {
        sbuf_put(b, small, (size_t)k);
        return;
    }
    if (reserve(b, (size_t)k))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

char *sbuf_take(struct sbuf *b, size_t *len)
{
    if (b->oom || reserve(b, 0)) {
        sbuf_free(b);
        return NULL;
    }
    char *p = b->p;
    if (len)
        *len = b->n;
    sbuf_init(b);
    return p;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 2 && c < 0xC2)
        return 0;
    for (int i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

void sb_json_str(struct sbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    sbuf_put(b, "\"", 1);
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            sbuf_put(b, esc, 2);
            p++;
        } else if (c < 0x20) {
            sbuf_printf(b, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            sbuf_put(b, p, 1);
            p++;
        } else {
            int len = utf8_len(p);
            if (len == 0) {
                sbuf_puts(b, "\\ufffd");
                p++;
            } else {
                sbuf_put(b, p, (size_t)len);
                p += len;
            }
        }
    }
    sbuf_put(b, "\"", 1);
}

void sb_json_num(struct sbuf *b, double v, int prec)
{
    if (!isfinite(v))
        sbuf_puts(b, "null");
    else
        sbuf_printf(b, "%.*g", prec, v);
}

void sb_json_floats_part(struct sbuf *b, const float *v, int from, int to, int decimals)
{
    for (int i = from; i < to; i++) {
        if (i)
            sbuf_put(b, ",", 1);
        if (!isfinite(v[i]))
            sbuf_puts(b, "null");
        else {
            char t[48];
            int k = snprintf(t, sizeof t, "%.*f", decimals, (double)v[i]);
            /* trim trailing zeros: "152.50" -> "152.5", "3.000" -> "3" */
            if (decimals > 0) {
                while (k > 1 && t[k - 1] == '0')
                    k--;
                if (t[k - 1] == '.')
                    k--;
            }
            if (k == 2 && t[0] == '-' && t[1] == '0')
                sbuf_put(b, "0", 1);
            else
                sbuf_put(b, t, (size_t)k);
        }
    }
}

void sb_json_floats(struct sbuf *b, const float *v, int n, int decimals)
{
    sbuf_put(b, "[", 1);
    sb_json_floats_part(b, v, 0, n, decimals);
    sbuf_put(b, "]", 1);
}
