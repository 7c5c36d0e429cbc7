/* bytebuf.c — see bytebuf.h. */
#include "util/bytebuf.h"
#include <stdlib.h>
#include <string.h>

void bb_init(struct bytebuf *b) { memset(b, 0, sizeof *b); }
void bb_free(struct bytebuf *b)
{
    free(b->data);
    bb_init(b);
}

void bb_put(struct bytebuf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->oom = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void bb_u8(struct bytebuf *b, uint8_t v) { bb_put(b, &v, 1); }
void bb_u16(struct bytebuf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    bb_put(b, x, 2);
}
void bb_u32(struct bytebuf *b, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[i] = (uint8_t)(v >> (8 * i));
    bb_put(b, x, 4);
}
void bb_u64(struct bytebuf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (uint8_t)(v >> (8 * i));
    bb_put(b, x, 8);
}
void bb_f32(struct bytebuf *b, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    bb_u32(b, u);
}
void bb_f64(struct bytebuf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    bb_u64(b, u);
}
void bb_str16(struct bytebuf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > 65535)
        n = 65535;
    bb_u16(b, (uint16_t)n);
    bb_put(b, s, n);
}

static const uint8_t *take(struct bytereader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

uint8_t br_u8(struct bytereader *r)
{
    const uint8_t *p = take(r, 1);
    return p ? p[0] : 0;
}
uint16_t br_u16(struct bytereader *r)
{
    const uint8_t *p = take(r, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}
uint32_t br_u32(struct bytereader *r)
{
    const uint8_t *p = take(r, 4);
    return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}
uint64_t br_u64(struct bytereader *r)
{
    uint64_t lo = br_u32(r), hi = br_u32(r);
    return lo | hi << 32;
}
float br_f32(struct bytereader *r)
{
    uint32_t u = br_u32(r);
    float f;
    memcpy(&f, &u, 4);
    return f;
}
double br_f64(struct bytereader *r)
{
    uint64_t u = br_u64(r);
    double d;
    memcpy(&d, &u, 8);
    return d;
}
void br_str16(struct bytereader *r, char *dst, size_t cap)
{
    uint16_t n = br_u16(r);
    const uint8_t *p = take(r, n);
    size_t k = 0;
    if (p)
        for (; k < n && k + 1 < cap; k++)
            dst[k] = p[k] ? (char)p[k] : '?';
    if (cap)
        dst[k] = '\0';
}
void br_skip(struct bytereader *r, size_t n) { take(r, n); }
