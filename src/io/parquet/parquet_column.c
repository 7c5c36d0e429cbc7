/* parquet_column.c — schema leaves and column chunk decoding (see parquet_column.h).
 * Every length read from the file is checked against the bytes that hold it; level entries are
 * bounded by a caller budget so that a tiny file cannot ask for gigabytes. */
#include "io/parquet/parquet_column.h"
#include "io/limits.h"
#include "io/parquet/parquet_codec.h"
#include "io/parquet/parquet_thrift.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PQ_MAX_DEPTH 32
#define PQ_MAX_PAGE_VALUES (1L << 26)

/* ---------------- schema ---------------- */

struct leaf_list {
    struct pq_leaf *v;
    int n, cap;
};

static int walk(const struct pq_file_meta *m, int *idx, int depth, int def, int rep, int rep_def,
                const char *top, struct leaf_list *L, const char **why)
{
    if (*idx >= m->n_schema) {
        *why = "schema: fewer elements than num_children says";
        return -1;
    }
    if (depth >= PQ_MAX_DEPTH) {
        *why = "schema: nested too deep";
        return -1;
    }
    const struct pq_schema_elem *s = &m->schema[(*idx)++];
    if (s->repetition != PQ_REQUIRED)
        def++;
    if (s->repetition == PQ_REPEATED) {
        rep++;
        rep_def = def;
    }
    if (depth == 0)
        top = s->name;
    if (s->num_children > 0) {
        for (int c = 0; c < s->num_children; c++)
            if (walk(m, idx, depth + 1, def, rep, rep_def, top, L, why))
                return -1;
        return 0;
    }
    if (s->type < PQ_BOOLEAN || s->type > PQ_FIXED) {
        *why = "schema: leaf without a physical type";
        return -1;
    }
    if (L->n == L->cap) {
        int cap = L->cap ? L->cap * 2 : 16;
        struct pq_leaf *v = realloc(L->v, (size_t)cap * sizeof *v);
        if (!v) {
            *why = "out of memory";
            return -1;
        }
        L->v = v;
        L->cap = cap;
    }
    struct pq_leaf *l = &L->v[L->n++];
    memset(l, 0, sizeof *l);
    l->type = s->type;
    l->type_length = s->type_length;
    l->max_def = def;
    l->max_rep = rep;
    l->rep_def = rep_def;
    l->is_string = s->is_string;
    l->ts_div = s->ts_div;
    l->depth = depth + 1;
    snprintf(l->top, sizeof l->top, "%s", top);
    if (l->type == PQ_FIXED && (l->type_length <= 0 || l->type_length > (1 << 20))) {
        *why = "schema: bad FIXED_LEN_BYTE_ARRAY length";
        return -1;
    }
    return 0;
}

int pq_schema_leaves(const struct pq_file_meta *m, struct pq_leaf **out, int *n, const char **why)
{
    struct leaf_list L = {0};
    *out = NULL;
    *n = 0;
    if (m->n_schema < 1) {
        *why = "schema: empty";
        return -1;
    }
    int idx = 1;
    for (int c = 0; c < m->schema[0].num_children; c++) {
        if (walk(m, &idx, 0, 0, 0, 0, "", &L, why)) {
            free(L.v);
            return -1;
        }
    }
    *out = L.v;
    *n = L.n;
    return 0;
}

/* ---------------- storage ---------------- */

void pq_column_free(struct pq_column *c)
{
    free(c->def);
    free(c->rep);
    free(c->i64);
    free(c->f64);
    free(c->off);
    free(c->bytes);
    memset(c, 0, sizeof *c);
}

static int is_int_type(int t) { return t == PQ_BOOLEAN || t == PQ_INT32 || t == PQ_INT64; }
static int is_bytes_type(int t) { return t == PQ_BYTE_ARRAY || t == PQ_FIXED; }

static int reserve_vals(struct pq_column *c, int type, size_t extra)
{
    size_t need = c->n_vals + extra;
    if (need <= c->cap_vals)
        return 0;
    size_t cap = c->cap_vals ? c->cap_vals : 64;
    while (cap < need)
        cap *= 2;
    if (is_int_type(type)) {
        int64_t *p = realloc(c->i64, cap * sizeof *p);
        if (!p)
            return -1;
        c->i64 = p;
    } else if (is_bytes_type(type)) {
        uint32_t *p = realloc(c->off, (cap + 1) * sizeof *p);
        if (!p)
            return -1;
        if (!c->off)
            p[0] = 0;
        c->off = p;
    } else {
        double *p = realloc(c->f64, cap * sizeof *p);
        if (!p)
            return -1;
        c->f64 = p;
    }
    c->cap_vals = cap;
    return 0;
}

static int push_bytes(struct pq_column *c, const uint8_t *p, size_t n)
{
    if (c->n_bytes + n > UINT32_MAX)
        return -1;
    if (c->n_bytes + n > c->cap_bytes) {
        size_t cap = c->cap_bytes ? c->cap_bytes : 256;
        while (cap < c->n_bytes + n)
            cap *= 2;
        uint8_t *b = realloc(c->bytes, cap);
        if (!b)
            return -1;
        c->bytes = b;
        c->cap_bytes = cap;
    }
    if (n)
        memcpy(c->bytes + c->n_bytes, p, n);
    c->n_bytes += n;
    c->off[c->n_vals + 1] = (uint32_t)c->n_bytes;
    c->n_vals++;
    return 0;
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static double int96_seconds(const uint8_t *p)
{
    uint64_t nanos = le(p, 8);
    uint32_t julian = (uint32_t)le(p + 8, 4);
    return ((double)julian - 2440588.0) * 86400.0 + (double)nanos * 1e-9;
}

/* PLAIN-decode count values of the leaf's type from p[0..n). Returns 0 or -1. */
static int decode_plain(const uint8_t *p, size_t n, const struct pq_leaf *leaf, size_t count,
                        struct pq_column *c, const char **why)
{
    if (reserve_vals(c, leaf->type, count)) {
        *why = "out of memory";
        return -1;
    }
    size_t pos = 0;
    int width = leaf->type == PQ_INT32 || leaf->type == PQ_FLOAT ? 4
              : leaf->type == PQ_INT64 || leaf->type == PQ_DOUBLE ? 8
              : leaf->type == PQ_INT96 ? 12 : 0;
    if (width && count > n / (size_t)width) {
        *why = "PLAIN values run past the page";
        return -1;
    }
    for (size_t k = 0; k < count; k++) {
        switch (leaf->type) {
        case PQ_BOOLEAN:
            if (k / 8 >= n) {
                *why = "PLAIN booleans run past the page";
                return -1;
            }
            c->i64[c->n_vals++] = (p[k / 8] >> (k % 8)) & 1;
            break;
        case PQ_INT32: c->i64[c->n_vals++] = (int32_t)(uint32_t)le(p + pos, 4); pos += 4; break;
        case PQ_INT64: c->i64[c->n_vals++] = (int64_t)le(p + pos, 8); pos += 8; break;
        case PQ_FLOAT: {
            uint32_t u = (uint32_t)le(p + pos, 4);
            float f;
            memcpy(&f, &u, 4);
            c->f64[c->n_vals++] = f;
            pos += 4;
            break;
        }
        case PQ_DOUBLE: {
            uint64_t u = le(p + pos, 8);
            double d;
            memcpy(&d, &u, 8);
            c->f64[c->n_vals++] = d;
            pos += 8;
            break;
        }
        case PQ_INT96: c->f64[c->n_vals++] = int96_seconds(p + pos); pos += 12; break;
        case PQ_BYTE_ARRAY: {
            if (n - pos < 4) {
                *why = "PLAIN byte array length runs past the page";
                return -1;
            }
            size_t len = (size_t)le(p + pos, 4);
            pos += 4;
            if (len > n - pos) {
                *why = "PLAIN byte array runs past the page";
                return -1;
            }
            if (push_bytes(c, p + pos, len)) {
                *why = "out of memory";
                return -1;
            }
            pos += len;
            break;
        }
        case PQ_FIXED: {
            size_t len = (size_t)leaf->type_length;
            if (n - pos < len) {
                *why = "PLAIN fixed-length value runs past the page";
                return -1;
            }
            if (push_bytes(c, p + pos, len)) {
                *why = "out of memory";
                return -1;
            }
            pos += len;
            break;
        }
        default: *why = "unsupported physical type"; return -1;
        }
    }
    return 0;
}

static int decode_stream_split(const uint8_t *p, size_t n, const struct pq_leaf *leaf, size_t count,
                               struct pq_column *c, const char **why)
{
    int w = leaf->type == PQ_FLOAT || leaf->type == PQ_INT32 ? 4 : leaf->type == PQ_DOUBLE || leaf->type == PQ_INT64 ? 8 : 0;
    if (!w) {
        *why = "BYTE_STREAM_SPLIT for this type is not supported";
        return -1;
    }
    if (count > n / (size_t)w) {
        *why = "BYTE_STREAM_SPLIT values run past the page";
        return -1;
    }
    uint8_t *tmp = malloc(count * (size_t)w + 1);
    if (!tmp) {
        *why = "out of memory";
        return -1;
    }
    for (size_t k = 0; k < count; k++)
        for (int b = 0; b < w; b++)
            tmp[k * (size_t)w + (size_t)b] = p[(size_t)b * count + k];
    int rc = decode_plain(tmp, count * (size_t)w, leaf, count, c, why);
    free(tmp);
    return rc;
}

/* Copy dictionary entry k to the column. */
static int push_dict(struct pq_column *c, const struct pq_column *dict, const struct pq_leaf *leaf, uint32_t k)
{
    if (k >= dict->n_vals)
        return -1;
    if (is_bytes_type(leaf->type))
        return push_bytes(c, dict->bytes + dict->off[k], dict->off[k + 1] - dict->off[k]);
    if (is_int_type(leaf->type))
        c->i64[c->n_vals++] = dict->i64[k];
    else
        c->f64[c->n_vals++] = dict->f64[k];
    return 0;
}

/* ---------------- RLE / bit-packed hybrid ---------------- */

long pq_rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count)
{
    if (bw < 0 || bw > 32)
        return -1;
    size_t pos = 0, got = 0;
    size_t vbytes = ((size_t)bw + 7) / 8;
    while (got < count) {
        /* header varint */
        uint64_t h = 0;
        int shift = 0;
        for (;;) {
            if (pos >= n || shift > 35)
                return -1;
            uint8_t b = p[pos++];
            h |= (uint64_t)(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80))
                break;
        }
        if (h & 1) { /* bit-packed: (h >> 1) groups of 8 values */
            uint64_t groups = h >> 1;
            if (groups == 0)
                continue;
            size_t nvals = (size_t)groups * 8;
            size_t need = count - got < nvals ? count - got : nvals;
            if ((need * (size_t)bw + 7) / 8 > n - pos)
                return -1; /* a short final group is tolerated, missing values are not */
            size_t bits = 0;
            const uint8_t *q = p + pos;
            for (size_t k = 0; k < need; k++) {
                uint32_t v = 0;
                for (int b = 0; b < bw; b++, bits++)
                    v |= (uint32_t)((q[bits >> 3] >> (bits & 7)) & 1) << b;
                out[got++] = v;
            }
            size_t span = (size_t)groups * (size_t)bw;
            pos += span < n - pos ? span : n - pos;
        } else { /* RLE run: (h >> 1) copies of one value */
            uint64_t run = h >> 1;
            if (vbytes > n - pos)
                return -1;
            uint32_t v = (uint32_t)le(p + pos, (int)vbytes);
            pos += vbytes;
            if (bw < 32 && (v >> bw))
                return -1;
            for (uint64_t k = 0; k < run && got < count; k++)
                out[got++] = v;
        }
    }
    return (long)pos;
}

static int bit_width(int v)
{
    int b = 0;
    while (v >> b)
        b++;
    return b;
}

/* ---------------- pages ---------------- */

static int grow_levels(struct pq_column *c, const struct pq_leaf *leaf, size_t extra)
{
    size_t need = c->n_levels + extra;
    if (need <= c->cap_levels)
        return 0;
    size_t cap = c->cap_levels ? c->cap_levels : 256;
    while (cap < need)
        cap *= 2;
    if (leaf->max_def > 0) {
        uint8_t *d = realloc(c->def, cap);
        if (!d)
            return -1;
        c->def = d;
    }
    if (leaf->max_rep > 0) {
        uint8_t *r = realloc(c->rep, cap);
        if (!r)
            return -1;
        c->rep = r;
    }
    c->cap_levels = cap;
    return 0;
}

/* Decode levels (RLE hybrid, no length prefix) into dst; returns bytes used or -1. */
static long read_levels(const uint8_t *p, size_t n, int max_level, uint8_t *dst, size_t count,
                        uint32_t *tmp, const char **why)
{
    long used = pq_rle_decode(p, n, bit_width(max_level), tmp, count);
    if (used < 0) {
        *why = "corrupt RLE levels";
        return -1;
    }
    for (size_t k = 0; k < count; k++) {
        if (tmp[k] > (uint32_t)max_level) {
            *why = "level above its maximum";
            return -1;
        }
        dst[k] = (uint8_t)tmp[k];
    }
    return used;
}

/* Values of one data page (already decompressed) after the levels. */
static int decode_values(const uint8_t *p, size_t n, int encoding, const struct pq_leaf *leaf,
                         size_t count, const struct pq_column *dict, struct pq_column *c, const char **why)
{
    switch (encoding) {
    case PQ_PLAIN: return decode_plain(p, n, leaf, count, c, why);
    case PQ_BYTE_STREAM_SPLIT: return decode_stream_split(p, n, leaf, count, c, why);
    case PQ_PLAIN_DICTIONARY:
    case PQ_RLE_DICTIONARY: {
        if (!dict) {
            *why = "dictionary-encoded page without a dictionary page";
            return -1;
        }
        if (count == 0)
            return 0;
        if (n < 1 || p[0] > 32) {
            *why = "bad dictionary index bit width";
            return -1;
        }
        uint32_t *idx = malloc(count * sizeof *idx);
        if (!idx || reserve_vals(c, leaf->type, count)) {
            free(idx);
            *why = "out of memory";
            return -1;
        }
        if (pq_rle_decode(p + 1, n - 1, p[0], idx, count) < 0) {
            free(idx);
            *why = "corrupt dictionary indices";
            return -1;
        }
        for (size_t k = 0; k < count; k++) {
            if (push_dict(c, dict, leaf, idx[k])) {
                free(idx);
                *why = "dictionary index out of range";
                return -1;
            }
        }
        free(idx);
        return 0;
    }
    default: *why = "unsupported value encoding (supported: PLAIN, dictionary, BYTE_STREAM_SPLIT)"; return -1;
    }
}

static size_t count_present(const struct pq_column *c, const struct pq_leaf *leaf, size_t from, size_t n)
{
    if (leaf->max_def == 0)
        return n;
    size_t k = 0;
    for (size_t i = from; i < from + n; i++)
        k += c->def[i] == leaf->max_def;
    return k;
}

void pq_budget_init(struct pq_budget *b, uint64_t max_bytes, uint64_t max_per_row)
{
    memset(b, 0, sizeof *b);
    b->bytes_left = b->bytes_limit = max_bytes;
    b->max_per_row = max_per_row;
}

/* Charge one page's declared sizes; -1 with *why naming the limit when they do not fit. */
static int charge_page(struct pq_budget *b, const struct pq_page_header *h, const char **why)
{
    uint64_t cost = (uint64_t)h->uncompressed_size + (uint64_t)h->num_values * HR_LIMIT_PARQUET_VALUE_BYTES;
    if (cost > b->bytes_left) {
        snprintf(b->why, sizeof b->why,
                 "page declares %d bytes and %d values: the file exceeds the %llu-byte limit (--max-inflate)",
                 (int)h->uncompressed_size, (int)h->num_values, (unsigned long long)b->bytes_limit);
        *why = b->why;
        return -1;
    }
    b->bytes_left -= cost;
    return 0;
}

int pq_column_read(const uint8_t *file, size_t file_len, const struct pq_column_chunk *cc,
                   const struct pq_leaf *leaf, int64_t num_rows, struct pq_budget *budget,
                   struct pq_column *c, const char **why, size_t *at)
{
    memset(c, 0, sizeof *c);
    struct pq_column dict;
    memset(&dict, 0, sizeof dict);
    int have_dict = 0;
    uint8_t *page = NULL;
    uint32_t *tmp = NULL;
    int64_t start = cc->data_page_offset;
    if (cc->dictionary_page_offset > 0 && cc->dictionary_page_offset < start)
        start = cc->dictionary_page_offset;
    *at = start > 0 ? (size_t)start : 0;
    if (!cc->has_meta) {
        *why = "column chunk without metadata";
        return -1;
    }
    if (cc->type != leaf->type) {
        *why = "column chunk type differs from its schema";
        return -1;
    }
    if (start < 4 || (uint64_t)start >= file_len || cc->total_compressed_size < 0 ||
        (uint64_t)cc->total_compressed_size > file_len - (size_t)start) {
        *why = "column chunk lies outside the file";
        return -1;
    }
    size_t pos = (size_t)start, end = pos + (size_t)cc->total_compressed_size;
    uint64_t want = cc->num_values > 0 ? (uint64_t)cc->num_values : 0;
    /* a row holds at most max_per_row values (+1: an empty or null list still has one level) */
    uint64_t rows = num_rows > 0 ? (uint64_t)num_rows : 0;
    uint64_t per_row = budget->max_per_row + 1;
    if (budget->max_per_row && (want + per_row - 1) / per_row > rows) {
        snprintf(budget->why, sizeof budget->why,
                 "%llu values in %llu rows: a row exceeds the %llu-sample limit (--max-samples)",
                 (unsigned long long)want, (unsigned long long)rows, (unsigned long long)budget->max_per_row);
        *why = budget->why;
        return -1;
    }
    while (pos < end && c->n_levels < want) {
        *at = pos;
        struct pq_page_header h;
        if (pq_page_header_decode(file + pos, end - pos, &h, why))
            goto fail;
        pos += h.header_len;
        if ((size_t)h.compressed_size > end - pos) {
            *why = "page runs past its column chunk";
            goto fail;
        }
        const uint8_t *body = file + pos;
        pos += (size_t)h.compressed_size;
        if (h.type == PQ_INDEX_PAGE)
            continue;
        if (h.type != PQ_DICTIONARY_PAGE && h.type != PQ_DATA_PAGE && h.type != PQ_DATA_PAGE_V2) {
            *why = "unknown page type";
            goto fail;
        }
        if (h.num_values > PQ_MAX_PAGE_VALUES ||
            (h.type != PQ_DICTIONARY_PAGE && (uint64_t)h.num_values > want - c->n_levels)) {
            *why = "page holds more values than its column chunk";
            goto fail;
        }
        if (charge_page(budget, &h, why))
            goto fail;
        /* v2: levels are stored uncompressed before the (maybe compressed) values. */
        size_t lev_len = 0;
        if (h.type == PQ_DATA_PAGE_V2) {
            lev_len = (size_t)h.def_len + (size_t)h.rep_len;
            if (lev_len > (size_t)h.compressed_size || lev_len > (size_t)h.uncompressed_size) {
                *why = "v2 page levels longer than the page";
                goto fail;
            }
        }
        size_t ulen = (size_t)h.uncompressed_size;
        free(page);
        page = malloc(ulen + 1);
        if (!page) {
            *why = "out of memory";
            goto fail;
        }
        memcpy(page, body, lev_len);
        int codec = cc->codec;
        if (h.type == PQ_DATA_PAGE_V2 && !h.is_compressed)
            codec = PQ_UNCOMPRESSED;
        if (pq_decompress(codec, body + lev_len, (size_t)h.compressed_size - lev_len, page + lev_len,
                          ulen - lev_len, why))
            goto fail;
        size_t nv = (size_t)h.num_values;
        if (h.type == PQ_DICTIONARY_PAGE) {
            if (have_dict) {
                *why = "second dictionary page in a column chunk";
                goto fail;
            }
            if (h.encoding != PQ_PLAIN && h.encoding != PQ_PLAIN_DICTIONARY) {
                *why = "dictionary page not PLAIN-encoded";
                goto fail;
            }
            if (decode_plain(page, ulen, leaf, nv, &dict, why))
                goto fail;
            have_dict = 1;
            continue;
        }
        if (nv == 0)
            continue; /* nothing to decode (and no level array to point into) */
        if (grow_levels(c, leaf, nv)) {
            *why = "out of memory";
            goto fail;
        }
        free(tmp);
        tmp = malloc((nv ? nv : 1) * sizeof *tmp);
        if (!tmp) {
            *why = "out of memory";
            goto fail;
        }
        size_t vpos = 0;
        if (h.type == PQ_DATA_PAGE) {
            const int maxl[2] = {leaf->max_rep, leaf->max_def};
            uint8_t *dst[2] = {c->rep, c->def};
            int enc[2] = {h.rep_encoding, h.def_encoding};
            for (int L = 0; L < 2; L++) {
                if (maxl[L] == 0)
                    continue;
                if (enc[L] != PQ_RLE) {
                    *why = "only RLE-encoded levels are supported";
                    goto fail;
                }
                if (ulen - vpos < 4) {
                    *why = "levels length runs past the page";
                    goto fail;
                }
                size_t len = (size_t)le(page + vpos, 4);
                vpos += 4;
                if (len > ulen - vpos) {
                    *why = "levels run past the page";
                    goto fail;
                }
                if (read_levels(page + vpos, len, maxl[L], dst[L] + c->n_levels, nv, tmp, why) < 0)
                    goto fail;
                vpos += len;
            }
        } else {
            if (leaf->max_rep > 0) {
                if (read_levels(page, (size_t)h.rep_len, leaf->max_rep, c->rep + c->n_levels, nv, tmp, why) < 0)
                    goto fail;
            } else if (h.rep_len) {
                *why = "repetition levels in a flat column";
                goto fail;
            }
            if (leaf->max_def > 0) {
                if (read_levels(page + h.rep_len, (size_t)h.def_len, leaf->max_def, c->def + c->n_levels, nv, tmp, why) < 0)
                    goto fail;
            }
            vpos = lev_len;
        }
        if (leaf->max_rep > 0 && c->n_levels == 0 && nv > 0 && c->rep[0] != 0) {
            *why = "column chunk starts inside a row";
            goto fail;
        }
        size_t present = count_present(c, leaf, c->n_levels, nv);
        c->n_levels += nv;
        if (decode_values(page + vpos, ulen - vpos, h.encoding, leaf, present, have_dict ? &dict : NULL, c, why))
            goto fail;
    }
    if (c->n_levels != want) {
        *at = pos;
        *why = "column chunk holds fewer values than its metadata says";
        goto fail;
    }
    free(page);
    free(tmp);
    pq_column_free(&dict);
    return 0;
fail:
    free(page);
    free(tmp);
    pq_column_free(&dict);
    pq_column_free(c);
    return -1;
}

double pq_column_num(const struct pq_column *c, const struct pq_leaf *leaf, size_t k)
{
    if (k >= c->n_vals)
        return NAN;
    if (is_int_type(leaf->type))
        return (double)c->i64[k];
    if (is_bytes_type(leaf->type))
        return NAN;
    return c->f64[k];
}
