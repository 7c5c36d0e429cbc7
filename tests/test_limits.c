/* test_limits.c — the input budgets (io/limits.h) against the bombs of issue 20, each built here:
 * a gzip CSV inflating far past the limit, Parquet pages declaring huge sizes with 0 values, a list
 * of 2^24 values, a footer of 16 M empty structs, a FIT file of 10 M one-byte records. Each must be
 * refused with a reason naming the limit, quickly, and without a big allocation: the process's peak
 * RSS (getrusage) stays under 300 MB through the whole file. Times are printed (the goal is <= 1 s;
 * the machine is shared, so the assertion allows 5 s). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>
#include <zstd.h>
#include "io/limits.h"
#include "io/parquet/parquet.h"
#include "io/parquet/parquet_meta.h"
#include "io/parquet/parquet_thrift.h"
#include "io/reader.h"
#include "prep/prep.h"
#include "serve/predict.h"
#include "testutil.h"
#include "util/log.h"

#define RSS_GOAL_MB 300.0
#define TIME_BOUND_S 5.0
/* Under ASan freed memory is quarantined, so peak RSS only grows: the RSS goal is checked in the
 * normal build only (make check), and the time bound is wider. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifdef UNDER_ASAN
#define RSS_OK() 1
#undef TIME_BOUND_S
#define TIME_BOUND_S 20.0
#else
#define RSS_OK() (peak_rss_mb() < RSS_GOAL_MB)
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

/* ---- a growable byte buffer for building files ---- */
struct buf {
    uint8_t *p;
    size_t n, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        assert_non_null(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_u8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void put_varint(struct buf *b, uint64_t x)
{
    do {
        put_u8(b, (uint8_t)((x & 0x7f) | (x > 0x7f ? 0x80 : 0)));
        x >>= 7;
    } while (x);
}
static void put_le32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}

/* gzip of `total` bytes made of `chunk` repeated (streamed: the raw data is never held whole). */
static void gzip_repeated(struct buf *out, const uint8_t *chunk, size_t chunk_n, size_t total)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    uint8_t tmp[1 << 16];
    for (size_t done = 0; done < total || zs.avail_in;) {
        if (!zs.avail_in && done < total) {
            size_t k = total - done < chunk_n ? total - done : chunk_n;
            zs.next_in = (Bytef *)chunk;
            zs.avail_in = (uInt)k;
            done += k;
        }
        zs.next_out = tmp;
        zs.avail_out = sizeof tmp;
        assert_int_equal(deflate(&zs, Z_NO_FLUSH), Z_OK);
        put(out, tmp, sizeof tmp - zs.avail_out);
    }
    int r;
    do {
        zs.next_out = tmp;
        zs.avail_out = sizeof tmp;
        r = deflate(&zs, Z_FINISH);
        put(out, tmp, sizeof tmp - zs.avail_out);
    } while (r == Z_OK);
    assert_int_equal(r, Z_STREAM_END);
    deflateEnd(&zs);
}

/* A constant predictor, as the server would hold one. */
static int flat(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    (void)impl, (void)sigma, (void)e;
    for (int i = 0; i < s->n; i++)
        hr[i] = 140;
    return 0;
}

/* POST the body to /api/predict's handler with the default upload limits; expect `status` and a
 * reason containing `needle`; print and bound the time and the peak RSS. */
static void expect_upload_refused(const char *what, const uint8_t *body, size_t n, int status, const char *needle)
{
    struct predictor p;
    memset(&p, 0, sizeof p);
    strcpy(p.kind, "flat");
    p.step = 10;
    p.predict = flat;
    struct sbuf out;
    sbuf_init(&out);
    double t0 = now_s();
    int st = serve_predict(&p, body, n, NULL, &out);
    double dt = now_s() - t0;
    fprintf(stderr, "  %s: %zu-byte upload -> %d in %.3f s, peak RSS %.0f MB: %.*s", what, n, st, dt, peak_rss_mb(),
            (int)(out.n < 300 ? out.n : 300), out.p ? out.p : "");
    if (st != status || !out.p || !strstr(out.p, needle))
        fail_msg("%s: status %d, body '%.300s', expected %d with '%s'", what, st, out.p ? out.p : "", status, needle);
    sbuf_free(&out);
    assert_true(dt < TIME_BOUND_S);
    assert_true(RSS_OK());
}

static int count_sink(void *ctx, struct workout *w)
{
    *(size_t *)ctx += w->n;
    return 0;
}

/* The same bytes read as a file by the command line's defaults (or o): refused naming `needle`. */
static void expect_read_refused(const char *what, const uint8_t *b, size_t n, const struct read_opts *o,
                                const char *needle)
{
    struct hr_err e = {{0}};
    size_t got = 0;
    double t0 = now_s();
    int rc = io_read_buffer(b, n, "bomb", o, count_sink, &got, &e);
    double dt = now_s() - t0;
    fprintf(stderr, "  %s (read_opts): rc %d in %.3f s, peak RSS %.0f MB: %s\n", what, rc, dt, peak_rss_mb(), e.msg);
    if (rc != -1 || !strstr(e.msg, needle) || strncmp(e.msg, "bomb", 4) != 0)
        fail_msg("%s: rc %d, '%s', expected '%s'", what, rc, e.msg, needle);
    assert_true(dt < TIME_BOUND_S);
    assert_true(RSS_OK());
}

/* The file gzipped as an upload (413 naming upload_needle), then read as is with the command
 * line's defaults (naming cli_needle). */
static void expect_refused_both(const char *what, const struct buf *f, const char *upload_needle,
                                const char *cli_needle)
{
    struct buf gz = {0};
    gzip_repeated(&gz, f->p, f->n, f->n);
    expect_upload_refused(what, gz.p, gz.n, 413, upload_needle);
    char w[200];
    snprintf(w, sizeof w, "%s, CLI defaults", what);
    expect_read_refused(w, f->p, f->n, NULL, cli_needle);
    free(gz.p);
}

/* ---- 1. gzip of a CSV inflating to 256 MiB (the server's limit: 40 MiB) ---- */
static void test_gzip_csv_bomb(void **state)
{
    (void)state;
    struct buf csv = {0}, gz = {0};
    const char *head = "time,heart_rate,speed\n";
    put(&csv, head, strlen(head));
    while (csv.n < ((size_t)1 << 20))
        put(&csv, "1,150,3.0\n", 10);
    gzip_repeated(&gz, csv.p, csv.n, (size_t)256 << 20);
    expect_upload_refused("gzip CSV inflating to 256 MiB", gz.p, gz.n, 413, "limit (--max-inflate)");
    struct read_opts o;
    read_opts_default(&o);
    o.lim.max_inflate = (size_t)64 << 20;
    expect_read_refused("gzip CSV, --max-inflate 64M", gz.p, gz.n, &o, "exceeds the 67108864-byte limit");
    free(csv.p);
    free(gz.p);
}

/* ---- Parquet files built by hand: a step_s INT32 column and a heart_rate list<float> column ---- */
struct pq_page {
    int codec_bytes_are_zstd;
    int32_t declared_size; /* uncompressed_size */
    int32_t num_values;
    const uint8_t *body;   /* compressed bytes */
    size_t body_n;
};

static void page_header(struct buf *b, int32_t usize, int32_t csize, int32_t nv)
{
    struct tc_writer t;
    tc_writer_init(&t);
    tc_root_begin(&t);
    tc_put_i32(&t, 1, PQ_DATA_PAGE);
    tc_put_i32(&t, 2, usize);
    tc_put_i32(&t, 3, csize);
    tc_put_struct_begin(&t, 5);
    tc_put_i32(&t, 1, nv);
    tc_put_i32(&t, 2, PQ_PLAIN);
    tc_put_i32(&t, 3, PQ_RLE);
    tc_put_i32(&t, 4, PQ_RLE);
    tc_put_struct_end(&t);
    tc_root_end(&t);
    put(b, t.buf, t.len);
    tc_writer_free(&t);
}

static void column_meta(struct tc_writer *t, int type, const char *const *path, int npath, int codec, int64_t nv,
                        int64_t size, int64_t offset)
{
    tc_put_struct_begin(t, 0); /* ColumnChunk */
    tc_put_i64(t, 2, offset);
    tc_put_struct_begin(t, 3); /* ColumnMetaData */
    tc_put_i32(t, 1, type);
    tc_put_list_begin(t, 2, TC_I32, 1);
    tc_put_elem_i32(t, PQ_PLAIN);
    tc_put_list_begin(t, 3, TC_BINARY, (size_t)npath);
    for (int i = 0; i < npath; i++)
        tc_put_elem_string(t, path[i]);
    tc_put_i32(t, 4, codec);
    tc_put_i64(t, 5, nv);
    tc_put_i64(t, 6, size);
    tc_put_i64(t, 7, size);
    tc_put_i64(t, 9, offset);
    tc_put_struct_end(t);
    tc_put_struct_end(t);
}

static void schema_elem(struct tc_writer *t, int type, int rep, const char *name, int kids)
{
    tc_put_struct_begin(t, 0);
    if (type >= 0)
        tc_put_i32(t, 1, type);
    tc_put_i32(t, 3, rep);
    tc_put_string(t, 4, name);
    if (kids)
        tc_put_i32(t, 5, kids);
    tc_put_struct_end(t);
}

/* One row group of `rows` rows; the heart_rate chunk holds `hr_values` values in the given pages. */
static void parquet_file(struct buf *f, int codec, int64_t rows, int64_t hr_values, const struct pq_page *pages,
                         int npages)
{
    put(f, "PAR1", 4);
    int64_t step_off = (int64_t)f->n;
    struct buf step = {0};
    page_header(&step, 4 * (int32_t)rows, 4 * (int32_t)rows, (int32_t)rows);
    for (int64_t r = 0; r < rows; r++)
        put_le32(&step, 10);
    put(f, step.p, step.n);
    int64_t hr_off = (int64_t)f->n;
    for (int k = 0; k < npages; k++) {
        page_header(f, pages[k].declared_size, (int32_t)pages[k].body_n, pages[k].num_values);
        put(f, pages[k].body, pages[k].body_n);
    }
    int64_t hr_size = (int64_t)f->n - hr_off;
    struct tc_writer t;
    tc_writer_init(&t);
    tc_root_begin(&t);
    tc_put_i32(&t, 1, 1);
    tc_put_list_begin(&t, 2, TC_STRUCT, 5);
    schema_elem(&t, -1, PQ_REQUIRED, "schema", 2);
    schema_elem(&t, PQ_INT32, PQ_REQUIRED, "step_s", 0);
    schema_elem(&t, -1, PQ_OPTIONAL, "heart_rate", 1);
    schema_elem(&t, -1, PQ_REPEATED, "list", 1);
    schema_elem(&t, PQ_FLOAT, PQ_OPTIONAL, "element", 0);
    tc_put_i64(&t, 3, rows);
    tc_put_list_begin(&t, 4, TC_STRUCT, 1);
    tc_put_struct_begin(&t, 0); /* RowGroup */
    tc_put_list_begin(&t, 1, TC_STRUCT, 2);
    static const char *const step_path[] = {"step_s"}, *const hr_path[] = {"heart_rate", "list", "element"};
    column_meta(&t, PQ_INT32, step_path, 1, PQ_UNCOMPRESSED, rows, (int64_t)step.n, step_off);
    column_meta(&t, PQ_FLOAT, hr_path, 3, codec, hr_values, hr_size, hr_off);
    tc_put_i64(&t, 2, (int64_t)step.n + hr_size);
    tc_put_i64(&t, 3, rows);
    tc_put_struct_end(&t);
    tc_root_end(&t);
    put(f, t.buf, t.len);
    put_le32(f, (uint32_t)t.len);
    put(f, "PAR1", 4);
    tc_writer_free(&t);
    free(step.p);
}

/* zstd frame of n zero bytes (streamed from a small buffer). */
static void zstd_zeros(struct buf *out, size_t n)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    assert_non_null(c);
    static uint8_t zeros[1 << 20];
    uint8_t tmp[1 << 16];
    ZSTD_CCtx_setPledgedSrcSize(c, n);
    for (size_t done = 0; done < n;) {
        size_t k = n - done < sizeof zeros ? n - done : sizeof zeros;
        ZSTD_inBuffer in = {zeros, k, 0};
        while (in.pos < in.size) {
            ZSTD_outBuffer o = {tmp, sizeof tmp, 0};
            assert_false(ZSTD_isError(ZSTD_compressStream2(c, &o, &in, ZSTD_e_continue)));
            put(out, tmp, o.pos);
        }
        done += k;
    }
    size_t left;
    do {
        ZSTD_inBuffer in = {NULL, 0, 0};
        ZSTD_outBuffer o = {tmp, sizeof tmp, 0};
        left = ZSTD_compressStream2(c, &o, &in, ZSTD_e_end);
        assert_false(ZSTD_isError(left));
        put(out, tmp, o.pos);
    } while (left);
    ZSTD_freeCCtx(c);
}

/* ---- 2. 8 zstd pages each declaring 0 values and inflating to 256 MiB / 16 MiB (gzipped upload) ---- */
static void test_parquet_zero_value_pages(void **state)
{
    (void)state;
    size_t sizes[2] = {(size_t)256 << 20, (size_t)16 << 20}; /* one page over the limit; 8 pages over it */
    for (int v = 0; v < 2; v++) {
        struct buf z = {0}, f = {0}, gz = {0};
        zstd_zeros(&z, sizes[v]);
        struct pq_page pages[8];
        for (int k = 0; k < 8; k++)
            pages[k] = (struct pq_page){1, (int32_t)sizes[v], 0, z.p, z.n};
        parquet_file(&f, PQ_ZSTD, 1, 1, pages, 8);
        gzip_repeated(&gz, f.p, f.n, f.n);
        char what[96];
        snprintf(what, sizeof what, "Parquet: 8 zstd pages of 0 values inflating to %zu MiB each", sizes[v] >> 20);
        expect_upload_refused(what, gz.p, gz.n, 413, "limit (--max-inflate)");
        struct read_opts o;
        read_opts_default(&o);
        o.lim.max_inflate = (size_t)100 << 20; /* the sum (128 MiB) is over it, each page is not */
        if (v == 1)
            expect_read_refused(what, f.p, f.n, &o, "exceeds the 104857600-byte limit (--max-inflate)");
        free(z.p);
        free(f.p);
        free(gz.p);
    }
}

/* A page with 0 values followed by a real one: read (the empty page decoded nothing; it used to
 * compute NULL + 0 in the level decoder, which UBSan reports). */
static void test_parquet_empty_page_then_value(void **state)
{
    (void)state;
    /* levels of one present value: rep RLE run (1 x 0), def RLE run (1 x 3); then a float */
    uint8_t one[4 + 2 + 4 + 2 + 4] = {2, 0, 0, 0, 0x02, 0x00, 2, 0, 0, 0, 0x02, 0x03};
    float hr = 150.0f;
    memcpy(one + 12, &hr, 4);
    struct pq_page pages[2] = {{0, 0, 0, (const uint8_t *)"", 0}, {0, sizeof one, 1, one, sizeof one}};
    struct buf f = {0};
    parquet_file(&f, PQ_UNCOMPRESSED, 1, 1, pages, 2);
    struct hr_err e = {{0}};
    size_t got = 0;
    int rc = parquet_read(f.p, f.n, "empty.parquet", NULL, count_sink, &got, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(got, 1);
    seed_save("fuzz_parquet", "empty_page_then_value", f.p, f.n);
    free(f.p);
}

/* Levels of a list of n null elements in one row: rep = 0 then n-1 ones, def = 2 throughout. */
static void null_list_levels(struct buf *b, uint32_t n)
{
    struct buf rep = {0}, def = {0};
    put_u8(&rep, 0x02); /* RLE run header: 1 value */
    put_u8(&rep, 0x00);
    put_varint(&rep, (uint64_t)(n - 1) << 1);
    put_u8(&rep, 0x01);
    put_varint(&def, (uint64_t)n << 1);
    put_u8(&def, 0x02);
    put_le32(b, (uint32_t)rep.n);
    put(b, rep.p, rep.n);
    put_le32(b, (uint32_t)def.n);
    put(b, def.p, def.n);
    free(rep.p);
    free(def.p);
}

/* ---- 3. one row whose list holds 2^24 values, in ~20 bytes of levels ---- */
static void test_parquet_list_of_2_pow_24(void **state)
{
    (void)state;
    struct buf lv = {0}, f = {0};
    uint32_t n = 1u << 24;
    null_list_levels(&lv, n);
    struct pq_page page = {0, (int32_t)lv.n, (int32_t)n, lv.p, lv.n};
    parquet_file(&f, PQ_UNCOMPRESSED, 1, n, &page, 1);
    expect_refused_both("Parquet: one row with a list of 2^24 values", &f,
                        "a row exceeds the 345600-sample limit (--max-samples)",
                        "a row exceeds the 1000000-sample limit (--max-samples)");
    /* the same values over 100 rows pass the per-row limit; their decoding cost is charged */
    free(f.p);
    memset(&f, 0, sizeof f);
    parquet_file(&f, PQ_UNCOMPRESSED, 100, n, &page, 1);
    struct read_opts o;
    read_opts_default(&o);
    hr_limits_for_upload(&o.lim, SERVE_PREDICT_DEFAULT_UPLOAD);
    expect_read_refused("Parquet: 2^24 values in 100 rows, upload limits", f.p, f.n, &o, "limit (--max-inflate)");
    free(lv.p);
    free(f.p);
}

/* ---- 4. a footer whose schema list declares 16 M one-byte empty structs ---- */
static void test_parquet_footer_of_16m_structs(void **state)
{
    (void)state;
    size_t k = (size_t)16 << 20;
    struct buf f = {0};
    put(&f, "PAR1", 4);
    size_t foot = f.n;
    /* FileMetaData: field 1 (version, i32 1), field 2 (list of k structs), each struct just STOP */
    uint8_t head[] = {0x15, 0x02, 0x19, 0xFC};
    put(&f, head, sizeof head);
    put_varint(&f, k);
    uint8_t *zeros = calloc(1, k);
    put(&f, zeros, k);
    free(zeros);
    put_u8(&f, 0x00);
    put_le32(&f, (uint32_t)(f.n - foot));
    put(&f, "PAR1", 4);
    expect_refused_both("Parquet footer of 16 M empty structs", &f,
                        "exceeds the 65536-element limit (--max-footer)",
                        "exceeds the 1000000-element limit (--max-footer)");
    free(f.p);
}

/* ---- 5. FIT: one timestamped record, then n one-byte records (compressed timestamp headers) ---- */
static void fit_one_byte_records(struct buf *f, size_t n)
{
    struct buf d = {0};
    uint8_t def0[] = {0x40, 0, 0, 20, 0, 1, 253, 4, 0x86}; /* local 0: record, timestamp uint32 */
    put(&d, def0, sizeof def0);
    put_u8(&d, 0x00);
    put_le32(&d, 1000000000u);
    uint8_t def1[] = {0x41, 0, 0, 20, 0, 0}; /* local 1: record with no fields */
    put(&d, def1, sizeof def1);
    uint8_t *ones = malloc(n);
    memset(ones, 0xA0, n); /* compressed timestamp header, local type 1, offset 0 */
    put(&d, ones, n);
    free(ones);
    uint8_t hdr[14] = {14, 0x10, 0x2D, 0x08, 0, 0, 0, 0, '.', 'F', 'I', 'T', 0, 0};
    uint32_t ds = (uint32_t)d.n;
    hdr[4] = (uint8_t)ds, hdr[5] = (uint8_t)(ds >> 8), hdr[6] = (uint8_t)(ds >> 16), hdr[7] = (uint8_t)(ds >> 24);
    put(f, hdr, sizeof hdr);
    put(f, d.p, d.n);
    uint16_t crc = 0;
    put(f, &crc, 2);
    free(d.p);
}

static void test_fit_10m_one_byte_records(void **state)
{
    (void)state;
    struct buf f = {0};
    fit_one_byte_records(&f, 10000000);
    expect_refused_both("FIT with 10 M one-byte records", &f, "exceeds the 345600-sample limit (--max-samples)",
                        "exceeds the 1000000-sample limit (--max-samples)");
    free(f.p);
}

/* A FIT timestamp declared FLOAT64 holding 1e300: not a time (the cast to uint32 was undefined and
 * gave a sample at the FIT epoch on x86). */
static void test_fit_float64_timestamp_is_not_a_time(void **state)
{
    (void)state;
    struct buf d = {0}, f = {0};
    uint8_t def0[] = {0x40, 0, 0, 20, 0, 2, 253, 8, 0x89, 3, 1, 0x02}; /* timestamp FLOAT64, hr uint8 */
    put(&d, def0, sizeof def0);
    double t = 1e300;
    put_u8(&d, 0x00);
    put(&d, &t, 8);
    put_u8(&d, 150);
    uint8_t hdr[14] = {14, 0x10, 0x2D, 0x08, (uint8_t)d.n, 0, 0, 0, '.', 'F', 'I', 'T', 0, 0};
    put(&f, hdr, sizeof hdr);
    put(&f, d.p, d.n);
    uint16_t crc = 0;
    put(&f, &crc, 2);
    size_t got = 0;
    struct hr_err e;
    assert_int_equal(fit_read(f.p, f.n, "f.fit", NULL, count_sink, &got, &e), 0);
    assert_int_equal(got, 0); /* the record has no usable time: skipped */
    seed_save("fuzz_fit", "float64_timestamp", f.p, f.n);
    free(d.p);
    free(f.p);
}

/* Samples in the text readers: one past the limit is refused with the limit named. */
static void test_text_readers_sample_limit(void **state)
{
    (void)state;
    struct read_opts o;
    read_opts_default(&o);
    o.lim.max_samples = 100;
    struct buf csv = {0}, seed = {0}, gpx = {0};
    put(&csv, "time,heart_rate,speed\n", 22);
    put(&seed, "{\"speed\": [", 11);
    const char *g0 = "<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk><trkseg>";
    put(&gpx, g0, strlen(g0));
    for (int i = 0; i < 101; i++) {
        char line[160];
        int k = snprintf(line, sizeof line, "%d,150,3.0\n", i);
        put(&csv, line, (size_t)k);
        k = snprintf(line, sizeof line, "%s10.5", i ? ", " : "");
        put(&seed, line, (size_t)k);
        k = snprintf(line, sizeof line, "<trkpt lat=\"45.%04d\" lon=\"7.0\"><time>2020-01-01T00:%02d:%02dZ</time></trkpt>",
                     i, i / 60, i % 60);
        put(&gpx, line, (size_t)k);
    }
    put(&seed, "], \"gender\": \"male\"}", 20);
    const char *g1 = "</trkseg></trk></gpx>";
    put(&gpx, g1, strlen(g1));
    expect_read_refused("CSV of 101 rows, --max-samples 100", csv.p, csv.n, &o, "exceeds the 100-sample limit");
    expect_read_refused("seed JSON of 101 speeds, --max-samples 100", seed.p, seed.n, &o,
                        "exceeds the 100-sample limit");
    expect_read_refused("GPX of 101 points, --max-samples 100", gpx.p, gpx.n, &o, "exceeds the 100-sample limit");
    o.lim.max_samples = 101;
    size_t got = 0;
    struct hr_err e;
    assert_int_equal(io_read_buffer(csv.p, csv.n, "c", &o, count_sink, &got, &e), 0);
    assert_int_equal(got, 101);
    free(csv.p);
    free(seed.p);
    free(gpx.p);
}

/* The API the server calls: serve_predict_limited with its own limits; our JSON body too. */
static void test_predict_json_body_limited(void **state)
{
    (void)state;
    struct buf body = {0};
    const char *head = "{\"step\": 10, \"speed\": [";
    put(&body, head, strlen(head));
    for (int i = 0; i < 60; i++)
        put(&body, i ? ",3.1" : "3.1", i ? 4 : 3);
    put(&body, "]}", 2);
    struct predictor p;
    memset(&p, 0, sizeof p);
    strcpy(p.kind, "flat");
    p.step = 10;
    p.predict = flat;
    struct hr_limits lim;
    hr_limits_for_upload(&lim, (size_t)1 << 20);
    lim.max_samples = 50;
    struct sbuf out;
    sbuf_init(&out);
    int st = serve_predict_limited(&p, body.p, body.n, "application/json", &lim, &out);
    if (st != 413 || !strstr(out.p, "exceeds the 50-sample limit (--max-samples)"))
        fail_msg("status %d: %s", st, out.p);
    lim.max_samples = 60;
    assert_int_equal(serve_predict_limited(&p, body.p, body.n, "application/json", &lim, &out), 200);
    sbuf_free(&out);
    free(body.p);
}

/* The grid is cut at 48 h on every path, including a workout that is already a grid (grid_copy). */
static void test_grid_cut_at_48_hours(void **state)
{
    (void)state;
    struct prep_opts po;
    prep_opts_default(&po);
    po.require_hr = 0;
    snprintf(po.sport, sizeof po.sport, "any");
    for (int grid = 0; grid < 2; grid++) {
        struct workout w;
        workout_init(&w);
        int n = 72 * 360; /* 72 h at 10 s */
        for (int i = 0; i < n; i++) {
            long k = workout_push(&w, 1e9 + 10.0 * i);
            assert_true(k >= 0);
            w.speed[k] = 3.0f;
            w.hr[k] = 140.0f;
        }
        w.grid_step = grid ? 10.0f : 0.0f;
        struct series s;
        enum reject_reason why;
        struct hr_err e;
        assert_int_equal(prep_workout(&w, &po, &s, &why, NULL, &e), 0);
        assert_int_equal(s.n, 48 * 360 + 1);
        series_free(&s);
        workout_free(&w);
    }
}

int main(void)
{
    hr_log_set_level(HR_LOG_QUIET);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_csv_bomb),
        cmocka_unit_test(test_parquet_zero_value_pages),
        cmocka_unit_test(test_parquet_empty_page_then_value),
        cmocka_unit_test(test_parquet_list_of_2_pow_24),
        cmocka_unit_test(test_parquet_footer_of_16m_structs),
        cmocka_unit_test(test_fit_10m_one_byte_records),
        cmocka_unit_test(test_fit_float64_timestamp_is_not_a_time),
        cmocka_unit_test(test_text_readers_sample_limit),
        cmocka_unit_test(test_predict_json_body_limited),
        cmocka_unit_test(test_grid_cut_at_48_hours),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fprintf(stderr, "test_limits: peak RSS of the whole run %.0f MB (goal < %.0f MB)\n", peak_rss_mb(), RSS_GOAL_MB);
    return rc;
}
