/* fit_decode.c — the FIT message walker: file headers (12/14 bytes, header CRC), data CRC, chained
 * files, definition messages (both architectures, developer fields skipped by size), normal and
 * compressed-timestamp data messages, and typed field access with the base types' invalid values.
 * It knows no message semantics; fit.c turns messages into workouts. */
#include "io/fit_internal.h"
#include "util/log.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

uint16_t fit_crc16(uint16_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

/* Size in bytes of one element of a base type (by its low 5 bits), 0 when unknown. */
static unsigned base_size(uint8_t base)
{
    static const uint8_t sz[17] = {1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8};
    unsigned t = base & 0x1F;
    return t < 17 ? sz[t] : 0;
}

int fit_get(const struct fit_msg *m, uint8_t num, double *v)
{
    unsigned slot = m->def->slot[num];
    if (!slot)
        return 0;
    const struct fit_field *f = &m->def->field[slot - 1];
    unsigned t = f->base & 0x1F, sz = base_size(f->base);
    if (sz == 0 || f->size < sz || t == 7 || t == 13) /* unknown, short, string, byte */
        return 0;
    const uint8_t *p = m->data + f->offset;
    uint64_t u = 0;
    for (unsigned i = 0; i < sz; i++) {
        unsigned k = m->def->big_endian ? i : sz - 1 - i;
        u = u << 8 | p[k];
    }
    switch (t) {
    case 0: case 2: return u != 0xFF ? (*v = (double)u, 1) : 0;
    case 1: return u != 0x7F ? (*v = (double)(int8_t)u, 1) : 0;
    case 3: return u != 0x7FFF ? (*v = (double)(int16_t)u, 1) : 0;
    case 4: return u != 0xFFFF ? (*v = (double)u, 1) : 0;
    case 5: return u != 0x7FFFFFFF ? (*v = (double)(int32_t)u, 1) : 0;
    case 6: return u != 0xFFFFFFFFu ? (*v = (double)u, 1) : 0;
    case 8: {
        if (u == 0xFFFFFFFFu)
            return 0;
        uint32_t b = (uint32_t)u;
        float x;
        memcpy(&x, &b, sizeof x);
        return isfinite(x) ? (*v = x, 1) : 0;
    }
    case 9: {
        if (u == UINT64_MAX)
            return 0;
        double x;
        memcpy(&x, &u, sizeof x);
        return isfinite(x) ? (*v = x, 1) : 0;
    }
    case 10: case 11: case 12: case 16: return u != 0 ? (*v = (double)u, 1) : 0;
    case 14: return u != 0x7FFFFFFFFFFFFFFFull ? (*v = (double)(int64_t)u, 1) : 0;
    case 15: return u != UINT64_MAX ? (*v = (double)u, 1) : 0;
    default: return 0;
    }
}

int fit_get_int(const struct fit_msg *m, uint8_t num, long long lo, long long hi, long long *out)
{
    double v;
    /* compared as doubles first: a FLOAT64 field may hold 1e300, and casting that is undefined */
    if (!fit_get(m, num, &v) || !(v >= (double)lo && v <= (double)hi))
        return 0;
    *out = (long long)v;
    return 1;
}

const uint8_t *fit_get_bytes(const struct fit_msg *m, uint8_t num, size_t *len)
{
    unsigned slot = m->def->slot[num];
    if (!slot)
        return NULL;
    const struct fit_field *f = &m->def->field[slot - 1];
    *len = f->size;
    return m->data + f->offset;
}

struct walker {
    const uint8_t *buf;
    size_t n;
    const char *name;
    struct fit_def *defs; /* 16 local message types */
    uint32_t last_ts;
    int have_ts;
    struct hr_err *e;
    int cut; /* the last failure was a message running past the end of the data */
};

/* Parse the definition message at p (header byte included); returns its length or -1. */
static long parse_definition(struct walker *w, size_t p, size_t end)
{
    const uint8_t *b = w->buf;
    uint8_t h = b[p];
    if (end - p < 6)
        return w->cut = 1, hr_fail_at(w->e, w->name, (long long)p, "truncated definition message");
    uint8_t arch = b[p + 2];
    if (arch > 1)
        return hr_fail_at(w->e, w->name, (long long)p + 2, "bad architecture byte %u in definition",
                          arch);
    struct fit_def *d = &w->defs[h & 0x0F];
    d->defined = 0;
    d->big_endian = arch;
    d->global = (uint16_t)(arch ? (b[p + 3] << 8 | b[p + 4]) : (b[p + 3] | b[p + 4] << 8));
    d->nfields = b[p + 5];
    size_t need = 6 + 3 * (size_t)d->nfields;
    if (end - p < need)
        return w->cut = 1, hr_fail_at(w->e, w->name, (long long)p, "truncated definition message (%u fields)",
                          d->nfields);
    memset(d->slot, 0, sizeof d->slot);
    uint32_t off = 0;
    for (unsigned i = 0; i < d->nfields; i++) {
        const uint8_t *f = b + p + 6 + 3 * i;
        d->field[i].num = f[0];
        d->field[i].size = f[1];
        d->field[i].base = f[2];
        d->field[i].offset = (uint16_t)off;
        off += f[1];
        if (!d->slot[f[0]])
            d->slot[f[0]] = (uint8_t)(i + 1);
    }
    if (h & 0x20) { /* developer fields: only their sizes matter here */
        if (end - p < need + 1)
            return w->cut = 1, hr_fail_at(w->e, w->name, (long long)(p + need), "truncated developer field count");
        unsigned ndev = b[p + need];
        need += 1;
        if (end - p < need + 3 * (size_t)ndev)
            return w->cut = 1, hr_fail_at(w->e, w->name, (long long)(p + need),
                              "truncated developer field definitions (%u fields)", ndev);
        for (unsigned i = 0; i < ndev; i++)
            off += b[p + need + 3 * i + 1];
        need += 3 * (size_t)ndev;
    }
    d->size = off;
    d->defined = 1;
    return (long)need;
}

/* Walk the messages of one FIT file's data section [p, end). */
static int walk_data(struct walker *w, size_t p, size_t end, int file_index, fit_msg_fn fn, void *ctx)
{
    const uint8_t *b = w->buf;
    while (p < end) {
        uint8_t h = b[p];
        if (!(h & 0x80) && (h & 0x40)) {
            long len = parse_definition(w, p, end);
            if (len < 0)
                return -1;
            p += (size_t)len;
            continue;
        }
        struct fit_msg m = {0};
        int local, compressed = (h & 0x80) != 0;
        local = compressed ? (h >> 5) & 3 : h & 0x0F;
        const struct fit_def *d = &w->defs[local];
        if (!d->defined)
            return hr_fail_at(w->e, w->name, (long long)p,
                              "data message for undefined local message type %d", local);
        if (end - p - 1 < d->size)
            return w->cut = 1, hr_fail_at(w->e, w->name, (long long)p,
                              "truncated data message (needs %u bytes, %zu left)", d->size + 1,
                              end - p);
        m.def = d;
        m.data = b + p + 1;
        m.offset = (long long)p;
        m.file_index = file_index;
        if (compressed) {
            uint32_t off5 = h & 0x1F, ts = (w->last_ts & ~0x1Fu) + off5;
            if (off5 < (w->last_ts & 0x1F))
                ts += 0x20;
            m.has_ts = w->have_ts;
            m.timestamp = w->last_ts = ts;
        } else {
            long long t;
            if (fit_get_int(&m, FIT_FIELD_TIMESTAMP, 0, UINT32_MAX, &t)) {
                m.timestamp = w->last_ts = (uint32_t)t;
                m.has_ts = w->have_ts = 1;
            }
        }
        int rc = fn(ctx, &m);
        if (rc)
            return rc;
        p += 1 + (size_t)d->size;
    }
    return 0;
}

static int looks_like_header(const uint8_t *p, size_t left)
{
    return left >= 12 && p[0] >= 12 && memcmp(p + 8, ".FIT", 4) == 0;
}

int fit_walk(const uint8_t *buf, size_t n, const char *name, fit_msg_fn fn, void *ctx,
             struct hr_err *e)
{
    struct walker w = {buf, n, name, NULL, 0, 0, e, 0};
    w.defs = calloc(16, sizeof *w.defs);
    if (!w.defs)
        return hr_fail_at(e, name, 0, "out of memory");
    size_t pos = 0;
    int rc = 0, file_index = 0;
    while (pos < n) {
        size_t left = n - pos;
        if (!looks_like_header(buf + pos, left)) {
            if (file_index == 0) {
                rc = hr_fail_at(e, name, 0, "not a FIT file (no \".FIT\" header)");
            } else {
                size_t zeros = 0;
                while (zeros < left && buf[pos + zeros] == 0)
                    zeros++;
                if (zeros < left)
                    hr_warn("%s: %zu: %zu bytes after the FIT data ignored", name, pos, left);
            }
            break;
        }
        size_t hs = buf[pos];
        if (left < hs) {
            rc = hr_fail_at(e, name, (long long)pos, "truncated FIT header");
            break;
        }
        uint32_t data_size = le32(buf + pos + 4);
        if (hs >= 14) {
            uint32_t want = le16(buf + pos + 12);
            if (want != 0 && want != fit_crc16(0, buf + pos, 12))
                hr_warn("%s: %zu: header CRC mismatch (stored 0x%04x, computed 0x%04x); decoding anyway",
                        name, pos + 12, want, fit_crc16(0, buf + pos, 12));
        }
        if (data_size > left - hs) {
            /* a recording cut short (a watch that died, a copy that stopped): the messages before the
             * cut are read, the one cut in two is dropped */
            hr_warn("%s: %zu: truncated: the header at %zu declares %u data bytes, only %zu present; reading "
                    "the messages before the cut", name, n, pos, data_size, left - hs);
            memset(w.defs, 0, 16 * sizeof *w.defs);
            w.cut = 0;
            rc = walk_data(&w, pos + hs, n, file_index, fn, ctx);
            if (rc && w.cut) {
                hr_warn("%s (the message cut in two, dropped)", e ? e->msg : name);
                rc = 0;
            }
            break;
        }
        size_t end = pos + hs + data_size;
        if (n - end >= 2) {
            uint32_t want = le16(buf + end), got = fit_crc16(0, buf + pos, hs + data_size);
            if (want != got)
                hr_warn("%s: %zu: data CRC mismatch (stored 0x%04x, computed 0x%04x); decoding anyway",
                        name, end, want, got);
        } else {
            hr_warn("%s: %zu: data CRC missing", name, end);
        }
        memset(w.defs, 0, 16 * sizeof *w.defs);
        rc = walk_data(&w, pos + hs, end, file_index, fn, ctx);
        if (rc)
            break;
        pos = end + 2 < n ? end + 2 : n;
        file_index++;
    }
    free(w.defs);
    return rc;
}
