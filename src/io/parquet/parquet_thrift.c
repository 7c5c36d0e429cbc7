/* parquet_thrift.c — Thrift compact protocol decoder and encoder (see parquet_thrift.h).
 * Decoder errors are sticky: after the first one every read returns 0 and r->err stays set. */
#include "io/parquet/parquet_thrift.h"
#include <stdlib.h>
#include <string.h>

static void fail(struct tc_reader *r, const char *why)
{
    if (!r->err)
        r->err = why;
    r->p = r->end;
}

void tc_reader_init(struct tc_reader *r, const uint8_t *p, size_t n)
{
    memset(r, 0, sizeof *r);
    r->p = r->base = p;
    r->end = p + n;
}

size_t tc_offset(const struct tc_reader *r) { return (size_t)(r->p - r->base); }

static uint8_t byte(struct tc_reader *r)
{
    if (r->p >= r->end) {
        fail(r, "thrift: truncated");
        return 0;
    }
    return *r->p++;
}

uint64_t tc_varint(struct tc_reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        uint8_t b = byte(r);
        if (r->err)
            return 0;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    fail(r, "thrift: varint too long");
    return 0;
}

int64_t tc_zigzag(struct tc_reader *r)
{
    uint64_t v = tc_varint(r);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

double tc_double(struct tc_reader *r)
{
    if (r->end - r->p < 8) {
        fail(r, "thrift: truncated double");
        return 0;
    }
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = (u << 8) | r->p[i];
    r->p += 8;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

const uint8_t *tc_binary(struct tc_reader *r, size_t *len)
{
    uint64_t n = tc_varint(r);
    if (r->err || n > (uint64_t)(r->end - r->p)) {
        fail(r, "thrift: string runs past the end");
        *len = 0;
        return NULL;
    }
    const uint8_t *s = r->p;
    r->p += n;
    *len = (size_t)n;
    return s;
}

void tc_struct_begin(struct tc_reader *r)
{
    if (r->depth >= TC_MAX_DEPTH) {
        fail(r, "thrift: nesting too deep");
        return;
    }
    r->last_id[r->depth++] = 0;
}

void tc_struct_end(struct tc_reader *r)
{
    if (r->depth > 0)
        r->depth--;
}

int tc_field(struct tc_reader *r, int *id, int *type)
{
    if (r->err || r->depth == 0)
        return 0;
    uint8_t b = byte(r);
    if (r->err || b == 0)
        return 0;
    int t = b & 0x0f, delta = b >> 4;
    int fid;
    if (delta)
        fid = r->last_id[r->depth - 1] + delta;
    else
        fid = (int)tc_zigzag(r);
    if (t < TC_TRUE || t > TC_STRUCT) {
        fail(r, "thrift: bad field type");
        return 0;
    }
    r->last_id[r->depth - 1] = (int16_t)fid;
    *id = fid;
    *type = t;
    return r->err ? 0 : 1;
}

size_t tc_list(struct tc_reader *r, int *elem_type)
{
    uint8_t b = byte(r);
    uint64_t n = b >> 4;
    *elem_type = b & 0x0f;
    if (n == 15)
        n = tc_varint(r);
    if (r->err)
        return 0;
    if (n > (uint64_t)(r->end - r->p)) {
        fail(r, "thrift: list longer than the bytes left");
        return 0;
    }
    return (size_t)n;
}

static void skip_n(struct tc_reader *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        fail(r, "thrift: truncated");
    else
        r->p += n;
}

static void skip_elem(struct tc_reader *r, int type)
{
    if (type == TC_TRUE || type == TC_FALSE)
        skip_n(r, 1); /* booleans inside containers take one byte */
    else
        tc_skip(r, type);
}

void tc_skip(struct tc_reader *r, int type)
{
    if (r->err)
        return;
    switch (type) {
    case TC_TRUE:
    case TC_FALSE: return; /* field bools carry their value in the type nibble */
    case TC_BYTE: skip_n(r, 1); return;
    case TC_I16:
    case TC_I32:
    case TC_I64: (void)tc_varint(r); return;
    case TC_DOUBLE: skip_n(r, 8); return;
    case TC_BINARY: {
        size_t n;
        (void)tc_binary(r, &n);
        return;
    }
    case TC_LIST:
    case TC_SET: {
        int et;
        size_t n = tc_list(r, &et);
        if (r->depth >= TC_MAX_DEPTH) {
            fail(r, "thrift: nesting too deep");
            return;
        }
        r->depth++; /* count containers towards the depth limit */
        r->last_id[r->depth - 1] = 0;
        for (size_t i = 0; i < n && !r->err; i++)
            skip_elem(r, et);
        r->depth--;
        return;
    }
    case TC_MAP: {
        uint64_t n = tc_varint(r);
        if (r->err || n == 0)
            return;
        if (n > (uint64_t)(r->end - r->p)) {
            fail(r, "thrift: map longer than the bytes left");
            return;
        }
        uint8_t kv = byte(r);
        if (r->depth >= TC_MAX_DEPTH) {
            fail(r, "thrift: nesting too deep");
            return;
        }
        r->depth++;
        r->last_id[r->depth - 1] = 0;
        for (uint64_t i = 0; i < n && !r->err; i++) {
            skip_elem(r, kv >> 4);
            skip_elem(r, kv & 0x0f);
        }
        r->depth--;
        return;
    }
    case TC_STRUCT: {
        int id, t;
        tc_struct_begin(r);
        while (tc_field(r, &id, &t))
            tc_skip(r, t);
        tc_struct_end(r);
        return;
    }
    default: fail(r, "thrift: bad type"); return;
    }
}

int64_t tc_int(struct tc_reader *r, int type)
{
    switch (type) {
    case TC_TRUE: return 1;
    case TC_FALSE: return 0;
    case TC_BYTE: return (int8_t)byte(r);
    case TC_I16:
    case TC_I32:
    case TC_I64: return tc_zigzag(r);
    default: tc_skip(r, type); fail(r, "thrift: expected an integer"); return 0;
    }
}

/* ---- encoder ---- */

void tc_writer_init(struct tc_writer *w) { memset(w, 0, sizeof *w); }

void tc_writer_free(struct tc_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof *w);
}

void tc_put_bytes(struct tc_writer *w, const void *p, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *b = realloc(w->buf, cap);
        if (!b) {
            w->oom = 1;
            return;
        }
        w->buf = b;
        w->cap = cap;
    }
    if (n)
        memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void tc_put_varint(struct tc_writer *w, uint64_t v)
{
    uint8_t b[10];
    int n = 0;
    do {
        b[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    tc_put_bytes(w, b, (size_t)n);
}

static void put_zigzag(struct tc_writer *w, int64_t v)
{
    tc_put_varint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void tc_field_begin(struct tc_writer *w, int id, int type)
{
    int last = w->depth > 0 ? w->last_id[w->depth - 1] : 0;
    int delta = id - last;
    if (delta > 0 && delta <= 15) {
        uint8_t b = (uint8_t)((delta << 4) | type);
        tc_put_bytes(w, &b, 1);
    } else {
        uint8_t b = (uint8_t)type;
        tc_put_bytes(w, &b, 1);
        put_zigzag(w, id);
    }
    if (w->depth > 0)
        w->last_id[w->depth - 1] = (int16_t)id;
}

void tc_put_i32(struct tc_writer *w, int id, int32_t v)
{
    tc_field_begin(w, id, TC_I32);
    put_zigzag(w, v);
}

void tc_put_i64(struct tc_writer *w, int id, int64_t v)
{
    tc_field_begin(w, id, TC_I64);
    put_zigzag(w, v);
}

void tc_put_bool(struct tc_writer *w, int id, int v) { tc_field_begin(w, id, v ? TC_TRUE : TC_FALSE); }

void tc_put_binary(struct tc_writer *w, int id, const void *p, size_t n)
{
    tc_field_begin(w, id, TC_BINARY);
    tc_put_varint(w, n);
    tc_put_bytes(w, p, n);
}

void tc_put_string(struct tc_writer *w, int id, const char *s) { tc_put_binary(w, id, s, strlen(s)); }

void tc_put_struct_begin(struct tc_writer *w, int id)
{
    if (id > 0)
        tc_field_begin(w, id, TC_STRUCT);
    if (w->depth >= TC_MAX_DEPTH) {
        w->oom = 1; /* programming error: treat as failure */
        return;
    }
    w->last_id[w->depth++] = 0;
}

void tc_put_struct_end(struct tc_writer *w)
{
    uint8_t stop = 0;
    tc_put_bytes(w, &stop, 1);
    if (w->depth > 0)
        w->depth--;
}

void tc_put_list_begin(struct tc_writer *w, int id, int elem_type, size_t n)
{
    tc_field_begin(w, id, TC_LIST);
    if (n < 15) {
        uint8_t b = (uint8_t)((n << 4) | (size_t)elem_type);
        tc_put_bytes(w, &b, 1);
    } else {
        uint8_t b = (uint8_t)(0xf0 | elem_type);
        tc_put_bytes(w, &b, 1);
        tc_put_varint(w, n);
    }
}

void tc_put_elem_i32(struct tc_writer *w, int32_t v) { put_zigzag(w, v); }

void tc_put_elem_string(struct tc_writer *w, const char *s)
{
    size_t n = strlen(s);
    tc_put_varint(w, n);
    tc_put_bytes(w, s, n);
}

void tc_root_begin(struct tc_writer *w) { tc_put_struct_begin(w, 0); }
void tc_root_end(struct tc_writer *w) { tc_put_struct_end(w); }
