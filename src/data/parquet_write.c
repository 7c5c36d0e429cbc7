/* parquet_write.c — writes cleaned series as a Parquet file in the hrcast layout, one row per series:
 * id, athlete, sport, gender, device, hr_sensor, start_time, step_s and float lists time, speed, altitude, grade,
 * distance, heart_rate, and the int32 list hr_issue (the HR-quality verdict codes of io/hr_issue.h, a null list
 * for a series without verdicts) (docs/parquet.md). PLAIN values, RLE levels, data page v1, a row group
 * per rows_per_group rows. */
#include "data/parquet_write.h"
#include "io/parquet/parquet.h"
#include "io/parquet/parquet_codec.h"
#include "io/parquet/parquet_meta.h"
#include "io/parquet/parquet_thrift.h"
#include "util/fileio.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void pq_write_opts_default(struct pq_write_opts *o)
{
    memset(o, 0, sizeof *o);
    o->codec = PQ_SNAPPY;
    o->rows_per_group = 0;
    o->page_bytes = 1u << 20;
    o->created_by = "hrcast";
}

int pq_codec_parse(const char *s)
{
    if (!strcasecmp(s, "none") || !strcasecmp(s, "uncompressed"))
        return PQ_UNCOMPRESSED;
    if (!strcasecmp(s, "snappy"))
        return PQ_SNAPPY;
    if (!strcasecmp(s, "gzip"))
        return PQ_GZIP;
    if (!strcasecmp(s, "zstd"))
        return PQ_ZSTD;
    return -1;
}

enum col_kind { K_ID, K_ATHLETE, K_SPORT, K_TITLE, K_GENDER, K_DEVICE, K_SENSOR, K_START, K_STEP, K_LIST, K_ISSUE };

struct colspec {
    const char *name;
    enum col_kind kind;
    int channel; /* for K_LIST */
};

static const struct colspec COLS[] = {
    {"id", K_ID, 0},           {"athlete", K_ATHLETE, 0},       {"sport", K_SPORT, 0},
    {"title", K_TITLE, 0},
    {"gender", K_GENDER, 0},   {"device", K_DEVICE, 0},         {"hr_sensor", K_SENSOR, 0},
    {"start_time", K_START, 0},
    {"step_s", K_STEP, 0},
    {"time", K_LIST, CH_TIME}, {"speed", K_LIST, CH_SPEED},     {"altitude", K_LIST, CH_ALT},
    {"grade", K_LIST, CH_GRADE}, {"distance", K_LIST, CH_DIST}, {"heart_rate", K_LIST, CH_HR},
    {"hr_issue", K_ISSUE, 0},
};
#define N_COLS ((int)(sizeof COLS / sizeof *COLS))

const char *parquet_series_column(int i) { return i >= 0 && i < N_COLS ? COLS[i].name : NULL; }

static int col_type(enum col_kind k)
{
    switch (k) {
    case K_ID: return PQ_INT64;
    case K_ATHLETE:
    case K_SPORT:
    case K_TITLE:
    case K_GENDER:
    case K_DEVICE:
    case K_SENSOR: return PQ_BYTE_ARRAY;
    case K_START: return PQ_DOUBLE;
    case K_STEP:
    case K_LIST: return PQ_FLOAT;
    case K_ISSUE: return PQ_INT32;
    }
    return PQ_FLOAT;
}
static int is_list_kind(enum col_kind k) { return k == K_LIST || k == K_ISSUE; }
static int max_def(enum col_kind k) { return is_list_kind(k) ? 2 : k == K_STEP ? 0 : 1; }
static int max_rep(enum col_kind k) { return is_list_kind(k) ? 1 : 0; }

struct chunk_meta {
    int64_t num_values, unc, comp, data_off;
};

struct buf {
    uint8_t *p;
    size_t len, cap;
    int oom;
};

static void put_slow(struct buf *b, const void *p, size_t n);
static inline void put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n <= b->cap) {
        memcpy(b->p + b->len, p, n);
        b->len += n;
        return;
    }
    put_slow(b, p, n);
}

static void put_slow(struct buf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}

static void put_f32(struct buf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32(b, u);
}

static void put_u64(struct buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

/* RLE runs only (valid RLE/bit-packed hybrid), bit width 1..8, with the v1 4-byte length prefix. */
static void put_levels(struct buf *b, const uint8_t *lv, size_t n)
{
    struct buf tmp = {0};
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && lv[j] == lv[i])
            j++;
        uint64_t h = (uint64_t)(j - i) << 1;
        while (h >= 0x80) {
            uint8_t x = (uint8_t)(h | 0x80);
            put(&tmp, &x, 1);
            h >>= 7;
        }
        uint8_t x = (uint8_t)h;
        put(&tmp, &x, 1);
        put(&tmp, &lv[i], 1);
        i = j;
    }
    if (tmp.oom)
        b->oom = 1;
    put_u32(b, (uint32_t)tmp.len);
    if (tmp.len)
        put(b, tmp.p, tmp.len);
    free(tmp.p);
}

static const char *gender_str(char g) { return g == 'm' ? "male" : g == 'f' ? "female" : NULL; }

/* Append row s of column c to the page (levels + PLAIN values). */
static void add_row(const struct colspec *c, const struct series *s, struct buf *rep, struct buf *def,
                    struct buf *val, int64_t *nv)
{
    uint8_t one = 1, zero = 0, two = 2;
    const char *str = NULL;
    switch (c->kind) {
    case K_ID:
        if (s->meta.id >= 0) {
            put(def, &one, 1);
            put_u64(val, (uint64_t)s->meta.id);
        } else {
            put(def, &zero, 1);
        }
        (*nv)++;
        return;
    case K_ATHLETE: str = s->meta.athlete[0] ? s->meta.athlete : NULL; break;
    case K_SPORT: str = s->meta.sport[0] ? s->meta.sport : NULL; break;
    case K_TITLE: str = s->meta.title[0] ? s->meta.title : NULL; break;
    case K_GENDER: str = gender_str(s->meta.gender); break;
    case K_DEVICE: str = s->meta.device[0] ? s->meta.device : NULL; break;
    case K_SENSOR: str = s->meta.hr_sensor[0] ? s->meta.hr_sensor : NULL; break;
    case K_START:
        if (isfinite(s->meta.start_time)) {
            put(def, &one, 1);
            uint64_t u;
            memcpy(&u, &s->meta.start_time, 8);
            put_u64(val, u);
        } else {
            put(def, &zero, 1);
        }
        (*nv)++;
        return;
    case K_STEP:
        put_f32(val, s->step);
        (*nv)++;
        return;
    case K_LIST: {
        const float *x = s->ch[c->channel];
        int null_list = c->channel == CH_ALT && !s->meta.has_alt;
        if (null_list || s->n <= 0 || !x) {
            put(rep, &zero, 1);
            put(def, null_list ? &zero : &one, 1);
            (*nv)++;
            return;
        }
        for (int i = 0; i < s->n; i++) {
            put(rep, i ? &one : &zero, 1);
            put(def, &two, 1);
            put_f32(val, x[i]);
        }
        *nv += s->n;
        return;
    }
    case K_ISSUE: /* verdict codes; a null list when the series has none (a version-1 dataset) */
        if (!s->hr_issue || s->n <= 0) {
            put(rep, &zero, 1);
            put(def, s->hr_issue ? &one : &zero, 1);
            (*nv)++;
            return;
        }
        for (int i = 0; i < s->n; i++) {
            put(rep, i ? &one : &zero, 1);
            put(def, &two, 1);
            put_u32(val, s->hr_issue[i]);
        }
        *nv += s->n;
        return;
    }
    /* strings */
    if (str) {
        put(def, &one, 1);
        put_u32(val, (uint32_t)strlen(str));
        put(val, str, strlen(str));
    } else {
        put(def, &zero, 1);
    }
    (*nv)++;
}

struct wctx {
    FILE *f;
    int64_t off;
    int codec;
    const char *path;
    struct hr_err *e;
};

static int write_bytes(struct wctx *w, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        return hr_fail(w->e, "%s: write failed: %s", w->path, strerror(errno));
    w->off += (int64_t)n;
    return 0;
}

static int flush_page(struct wctx *w, const struct colspec *c, struct buf *rep, struct buf *def,
                      struct buf *val, int64_t nv, struct chunk_meta *cm)
{
    struct buf page = {0};
    if (max_rep(c->kind))
        put_levels(&page, rep->p, rep->len);
    if (max_def(c->kind))
        put_levels(&page, def->p, def->len);
    if (val->len)
        put(&page, val->p, val->len);
    if (page.oom || rep->oom || def->oom || val->oom || page.len > INT32_MAX) {
        free(page.p);
        return hr_fail(w->e, "%s: out of memory (or page too large) in column %s", w->path, c->name);
    }
    uint8_t *z;
    size_t zlen;
    const char *why;
    if (pq_compress(w->codec, page.p ? page.p : (const uint8_t *)"", page.len, &z, &zlen, &why)) {
        free(page.p);
        return hr_fail(w->e, "%s: column %s: %s", w->path, c->name, why);
    }
    struct tc_writer h;
    tc_writer_init(&h);
    tc_root_begin(&h);
    tc_put_i32(&h, 1, PQ_DATA_PAGE);
    tc_put_i32(&h, 2, (int32_t)page.len);
    tc_put_i32(&h, 3, (int32_t)zlen);
    tc_put_struct_begin(&h, 5);
    tc_put_i32(&h, 1, (int32_t)nv);
    tc_put_i32(&h, 2, PQ_PLAIN);
    tc_put_i32(&h, 3, PQ_RLE);
    tc_put_i32(&h, 4, PQ_RLE);
    tc_put_struct_end(&h);
    tc_root_end(&h);
    int rc = h.oom ? hr_fail(w->e, "%s: out of memory", w->path) : 0;
    if (!rc && cm->data_off < 0)
        cm->data_off = w->off;
    if (!rc)
        rc = write_bytes(w, h.buf, h.len);
    if (!rc)
        rc = write_bytes(w, z, zlen);
    cm->num_values += nv;
    cm->unc += (int64_t)(h.len + page.len);
    cm->comp += (int64_t)(h.len + zlen);
    tc_writer_free(&h);
    free(z);
    free(page.p);
    rep->len = def->len = val->len = 0;
    return rc;
}

static int write_chunk(struct wctx *w, const struct colspec *c, const struct series *const *items, int r0,
                       int r1, size_t page_bytes, struct chunk_meta *cm)
{
    struct buf rep = {0}, def = {0}, val = {0};
    int64_t nv = 0;
    int rc = 0;
    cm->num_values = cm->unc = cm->comp = 0;
    cm->data_off = -1;
    for (int r = r0; r < r1 && !rc; r++) {
        add_row(c, items[r], &rep, &def, &val, &nv);
        if (val.len + def.len + rep.len >= page_bytes || r + 1 == r1) {
            rc = flush_page(w, c, &rep, &def, &val, nv, cm);
            nv = 0;
        }
    }
    if (!rc && cm->data_off < 0) /* empty row group: one empty page */
        rc = flush_page(w, c, &rep, &def, &val, 0, cm);
    free(rep.p);
    free(def.p);
    free(val.p);
    return rc;
}

static void put_schema(struct tc_writer *t)
{
    size_t lists = 0; /* each list column is three schema elements: group, repeated group, element */
    for (int i = 0; i < N_COLS; i++)
        lists += is_list_kind(COLS[i].kind);
    tc_put_list_begin(t, 2, TC_STRUCT, 1 + (size_t)N_COLS + 2 * lists);
    tc_put_struct_begin(t, 0);
    tc_put_string(t, 4, "schema");
    tc_put_i32(t, 5, N_COLS);
    tc_put_struct_end(t);
    for (int i = 0; i < N_COLS; i++) {
        const struct colspec *c = &COLS[i];
        if (is_list_kind(c->kind)) {
            tc_put_struct_begin(t, 0); /* optional group NAME (LIST) */
            tc_put_i32(t, 3, PQ_OPTIONAL);
            tc_put_string(t, 4, c->name);
            tc_put_i32(t, 5, 1);
            tc_put_i32(t, 6, PQ_CT_LIST);
            tc_put_struct_begin(t, 10);
            tc_put_struct_begin(t, 3); /* LogicalType.LIST */
            tc_put_struct_end(t);
            tc_put_struct_end(t);
            tc_put_struct_end(t);
            tc_put_struct_begin(t, 0); /* repeated group list */
            tc_put_i32(t, 3, PQ_REPEATED);
            tc_put_string(t, 4, "list");
            tc_put_i32(t, 5, 1);
            tc_put_struct_end(t);
            tc_put_struct_begin(t, 0); /* required float (int32) element */
            tc_put_i32(t, 1, col_type(c->kind));
            tc_put_i32(t, 3, PQ_REQUIRED);
            tc_put_string(t, 4, "element");
            tc_put_struct_end(t);
            continue;
        }
        tc_put_struct_begin(t, 0);
        tc_put_i32(t, 1, col_type(c->kind));
        tc_put_i32(t, 3, max_def(c->kind) ? PQ_OPTIONAL : PQ_REQUIRED);
        tc_put_string(t, 4, c->name);
        if (col_type(c->kind) == PQ_BYTE_ARRAY) {
            tc_put_i32(t, 6, PQ_CT_UTF8);
            tc_put_struct_begin(t, 10);
            tc_put_struct_begin(t, 1); /* LogicalType.STRING */
            tc_put_struct_end(t);
            tc_put_struct_end(t);
        }
        tc_put_struct_end(t);
    }
}

static void put_kv(struct tc_writer *t, const char *k, const char *v)
{
    tc_put_struct_begin(t, 0);
    tc_put_string(t, 1, k);
    tc_put_string(t, 2, v);
    tc_put_struct_end(t);
}

int parquet_write_series(const char *path, const struct series *const *items, int n,
                         const struct pq_write_opts *o, struct hr_err *e)
{
    struct pq_write_opts def;
    if (!o) {
        pq_write_opts_default(&def);
        o = &def;
    }
    if (n < 0)
        return hr_fail(e, "%s: negative row count", path);
    if (o->codec != PQ_UNCOMPRESSED && o->codec != PQ_SNAPPY && o->codec != PQ_GZIP && o->codec != PQ_ZSTD)
        return hr_fail(e, "%s: unsupported codec %d", path, o->codec);
    int per = o->rows_per_group > 0 ? o->rows_per_group : (n > 0 ? n : 1);
    int n_groups = n > 0 ? (n + per - 1) / per : 0;
    size_t page_bytes = o->page_bytes ? o->page_bytes : (1u << 20);
    struct atomic_file af;
    if (atomic_open(&af, path, e))
        return -1;
    struct wctx w = {af.f, 0, o->codec, path, e};
    struct chunk_meta *cms = calloc((size_t)(n_groups ? n_groups : 1) * N_COLS, sizeof *cms);
    struct tc_writer t;
    tc_writer_init(&t);
    int rc = cms ? 0 : hr_fail(e, "%s: out of memory", path);
    if (!rc)
        rc = write_bytes(&w, "PAR1", 4);
    for (int g = 0; g < n_groups && !rc; g++) {
        int r0 = g * per, r1 = r0 + per < n ? r0 + per : n;
        for (int c = 0; c < N_COLS && !rc; c++)
            rc = write_chunk(&w, &COLS[c], items, r0, r1, page_bytes, &cms[g * N_COLS + c]);
    }
    if (!rc) {
        tc_root_begin(&t);
        tc_put_i32(&t, 1, 1);
        put_schema(&t);
        tc_put_i64(&t, 3, n);
        tc_put_list_begin(&t, 4, TC_STRUCT, (size_t)n_groups);
        for (int g = 0; g < n_groups; g++) {
            int r0 = g * per, r1 = r0 + per < n ? r0 + per : n;
            int64_t unc = 0, comp = 0;
            tc_put_struct_begin(&t, 0);
            tc_put_list_begin(&t, 1, TC_STRUCT, N_COLS);
            for (int c = 0; c < N_COLS; c++) {
                const struct chunk_meta *cm = &cms[g * N_COLS + c];
                unc += cm->unc;
                comp += cm->comp;
                tc_put_struct_begin(&t, 0); /* ColumnChunk */
                tc_put_i64(&t, 2, cm->data_off);
                tc_put_struct_begin(&t, 3); /* ColumnMetaData */
                tc_put_i32(&t, 1, col_type(COLS[c].kind));
                tc_put_list_begin(&t, 2, TC_I32, 2);
                tc_put_elem_i32(&t, PQ_PLAIN);
                tc_put_elem_i32(&t, PQ_RLE);
                int is_list = is_list_kind(COLS[c].kind);
                tc_put_list_begin(&t, 3, TC_BINARY, is_list ? 3 : 1);
                tc_put_elem_string(&t, COLS[c].name);
                if (is_list) {
                    tc_put_elem_string(&t, "list");
                    tc_put_elem_string(&t, "element");
                }
                tc_put_i32(&t, 4, o->codec);
                tc_put_i64(&t, 5, cm->num_values);
                tc_put_i64(&t, 6, cm->unc);
                tc_put_i64(&t, 7, cm->comp);
                tc_put_i64(&t, 9, cm->data_off);
                tc_put_struct_end(&t);
                tc_put_struct_end(&t);
            }
            tc_put_i64(&t, 2, unc);
            tc_put_i64(&t, 3, r1 - r0);
            tc_put_i64(&t, 5, cms[g * N_COLS].data_off);
            tc_put_i64(&t, 6, comp);
            tc_put_struct_end(&t);
        }
        tc_put_list_begin(&t, 5, TC_STRUCT, 2);
        put_kv(&t, "hrcast.layout", "hrcast-series-v1");
        put_kv(&t, "hrcast.speed_unit", "m/s");
        tc_put_string(&t, 6, o->created_by ? o->created_by : "hrcast");
        tc_root_end(&t);
        if (t.oom)
            rc = hr_fail(e, "%s: out of memory", path);
    }
    if (!rc)
        rc = write_bytes(&w, t.buf, t.len);
    if (!rc) {
        struct buf tail = {0};
        put_u32(&tail, (uint32_t)t.len);
        put(&tail, "PAR1", 4);
        rc = tail.oom ? hr_fail(e, "%s: out of memory", path) : write_bytes(&w, tail.p, tail.len);
        free(tail.p);
    }
    tc_writer_free(&t);
    free(cms);
    if (rc) {
        atomic_abort(&af);
        return -1;
    }
    return atomic_commit(&af, e);
}
