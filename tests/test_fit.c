/* test_fit.c — the FIT reader and writer: round trips through fit_encode, hand-built byte sequences
 * (compressed timestamps, developer fields, big-endian definitions, invalid values, old
 * compressed_speed_distance, chained files), CRC warnings, truncation errors, multisport legs,
 * a gpsbabel cross-check, and an integration pass over the real FIT files in ../shared/data/real. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "io/fit_write.h"
#include "io/reader.h"
#include "support/testutil.h"
#include "util/fileio.h"
#include "util/log.h"

/* ---- a sink that keeps deep copies of up to 8 workouts ---- */
#define MAXW 8
struct got {
    int count;
    struct workout w[MAXW];
};

static int keep(void *ctx, struct workout *w)
{
    struct got *g = ctx;
    if (g->count < MAXW) {
        struct workout *c = &g->w[g->count];
        workout_init(c);
        assert_int_equal(workout_reserve(c, w->n ? w->n : 1), 0);
        for (size_t i = 0; i < w->n; i++) {
            long k = workout_push(c, w->time[i]);
            c->hr[k] = w->hr[i];
            c->speed[k] = w->speed[i];
            c->dist[k] = w->dist[i];
            c->lat[k] = w->lat[i];
            c->lon[k] = w->lon[i];
            c->alt[k] = w->alt[i];
        }
        c->start_time = w->start_time;
        c->leg = w->leg;
        memcpy(c->sport, w->sport, sizeof c->sport);
        memcpy(c->device, w->device, sizeof c->device);
        memcpy(c->source, w->source, sizeof c->source);
    }
    g->count++;
    return 0;
}

static void got_free(struct got *g)
{
    for (int i = 0; i < g->count && i < MAXW; i++)
        workout_free(&g->w[i]);
    g->count = 0;
}

/* ---- stderr capture, to see the warnings ---- */
static int saved_fd = -1;
static char cap_path[64];

static void capture_begin(void)
{
    fflush(stderr);
    snprintf(cap_path, sizeof cap_path, "/tmp/hrcast-fit-stderr-%d", (int)getpid());
    FILE *f = fopen(cap_path, "w");
    assert_non_null(f);
    saved_fd = dup(fileno(stderr));
    dup2(fileno(f), fileno(stderr));
    fclose(f);
}

static char *capture_end(void)
{
    fflush(stderr);
    dup2(saved_fd, fileno(stderr));
    close(saved_fd);
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(read_file_all(cap_path, &buf, &n, 1 << 20, &e), 0);
    unlink(cap_path);
    return (char *)buf;
}

static int decode(const uint8_t *buf, size_t n, struct got *g, struct hr_err *e)
{
    memset(g, 0, sizeof *g);
    return fit_read(buf, n, "t.fit", NULL, keep, g, e);
}

/* ---- a sample workout ---- */
static void make_workout(struct workout *w, size_t n, double t0, double lat0)
{
    workout_init(w);
    for (size_t i = 0; i < n; i++) {
        long k = workout_push(w, t0 + (double)i);
        w->hr[k] = (float)(120 + i % 40);
        w->speed[k] = (float)(3.0 + 0.013 * (double)i);
        w->dist[k] = (float)(3.1 * (double)i);
        w->lat[k] = lat0 + 1e-5 * (double)i;
        w->lon[k] = -0.12 - 2e-5 * (double)i;
        w->alt[k] = (float)(35.3 + 0.1 * (double)i);
    }
    w->hr[3] = NAN;
    w->lat[4] = w->lon[4] = NAN;
    w->alt[5] = NAN;
    w->speed[6] = NAN;
    w->start_time = t0;
    workout_set_sport(w, "running/treadmill");
    snprintf(w->device, sizeof w->device, "hrcast simulator");
}

static void expect_same(const struct workout *a, const struct workout *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_true(fabs(a->time[i] - b->time[i]) < 0.51);
#define SAME(ch, tol) \
        assert_int_equal(isnan(a->ch[i]), isnan(b->ch[i])); \
        if (!isnan(a->ch[i])) assert_true(fabs((double)a->ch[i] - (double)b->ch[i]) <= (tol));
        SAME(hr, 0.5);
        SAME(speed, 0.0005 + 1e-6);
        SAME(dist, 0.005 + 1e-3);
        SAME(lat, 1e-7);
        SAME(lon, 1e-7);
        SAME(alt, 0.1 + 1e-4);
#undef SAME
    }
}

static void test_roundtrip_single(void **state)
{
    (void)state;
    struct workout w;
    make_workout(&w, 120, 1600000000.0, 51.5);
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(fit_encode_workout(&w, &buf, &n, &e), 0);
    seed_save("fuzz_fit", "roundtrip", buf, n);
    assert_int_equal(io_detect(buf, n), FMT_FIT);
    struct got g;
    assert_int_equal(decode(buf, n, &g, &e), 0);
    assert_int_equal(g.count, 1);
    expect_same(&w, &g.w[0]);
    assert_string_equal(g.w[0].sport, "running/treadmill");
    assert_string_equal(g.w[0].device, "hrcast simulator");
    assert_string_equal(g.w[0].source, "t.fit");
    assert_int_equal(g.w[0].leg, 0);
    assert_true(fabs(g.w[0].start_time - 1600000000.0) < 0.5);
    got_free(&g);
    free(buf);
    workout_free(&w);
}

static void test_elapsed_time_is_anchored(void **state)
{
    (void)state;
    struct workout w;
    make_workout(&w, 10, 0.0, 10.0);
    w.start_time = NAN;
    w.device[0] = '\0';
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(fit_encode_workout(&w, &buf, &n, &e), 0);
    struct got g;
    assert_int_equal(decode(buf, n, &g, &e), 0);
    assert_int_equal(g.count, 1);
    assert_true(g.w[0].time[0] == 1577836800.0);
    assert_true(g.w[0].time[9] == 1577836809.0);
    assert_string_equal(g.w[0].device, "development/product 0");
    got_free(&g);
    free(buf);
    workout_free(&w);
}

static void test_multisport_two_legs(void **state)
{
    (void)state;
    struct workout run, bike;
    make_workout(&run, 50, 1500000000.0, 45.0);
    make_workout(&bike, 70, 1500000100.0, 45.1);
    workout_set_sport(&run, "running");
    workout_set_sport(&bike, "cycling");
    const struct workout *legs[2] = {&run, &bike};
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(fit_encode(legs, 2, &buf, &n, &e), 0);
    seed_save("fuzz_fit", "multisport", buf, n);
    struct got g;
    assert_int_equal(decode(buf, n, &g, &e), 0);
    assert_int_equal(g.count, 2);
    expect_same(&run, &g.w[0]);
    expect_same(&bike, &g.w[1]);
    assert_int_equal(g.w[0].leg, 1);
    assert_int_equal(g.w[1].leg, 2);
    assert_string_equal(g.w[0].sport, "running");
    assert_string_equal(g.w[1].sport, "cycling");
    assert_string_equal(g.w[1].source, "t.fit#leg 2");
    assert_true(g.w[1].start_time == 1500000100.0);
    got_free(&g);

    /* the same two legs as two chained FIT files */
    uint8_t *a, *b;
    size_t na, nb;
    assert_int_equal(fit_encode_workout(&run, &a, &na, &e), 0);
    assert_int_equal(fit_encode_workout(&bike, &b, &nb, &e), 0);
    uint8_t *chain = malloc(na + nb);
    memcpy(chain, a, na);
    memcpy(chain + na, b, nb);
    seed_save("fuzz_fit", "chained", chain, na + nb);
    assert_int_equal(decode(chain, na + nb, &g, &e), 0);
    assert_int_equal(g.count, 2);
    assert_int_equal(g.w[0].n, 50);
    assert_int_equal(g.w[1].n, 70);
    assert_string_equal(g.w[1].sport, "cycling");
    got_free(&g);
    free(a);
    free(b);
    free(chain);
    free(buf);
    workout_free(&run);
    workout_free(&bike);
}

static void test_bad_crc_warns_and_decodes(void **state)
{
    (void)state;
    struct workout w;
    make_workout(&w, 30, 1600000000.0, 51.5);
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(fit_encode_workout(&w, &buf, &n, &e), 0);
    buf[n - 1] ^= 0x5A; /* data CRC */
    buf[12] ^= 0x01;    /* header CRC */
    seed_save("fuzz_fit", "bad_crc", buf, n);
    struct got g;
    capture_begin();
    int rc = decode(buf, n, &g, &e);
    char *err = capture_end();
    assert_int_equal(rc, 0);
    assert_int_equal(g.count, 1);
    assert_int_equal(g.w[0].n, 30);
    assert_non_null(strstr(err, "t.fit: 12: header CRC mismatch"));
    char want[64];
    snprintf(want, sizeof want, "t.fit: %zu: data CRC mismatch", n - 2);
    assert_non_null(strstr(err, want));
    free(err);
    got_free(&g);
    free(buf);
    workout_free(&w);
}

/* A file cut short (a watch that died mid-run) keeps the records before the cut, with a warning that
 * names the file, the offset and what was lost. */
static void test_truncated_keeps_the_records_before_the_cut(void **state)
{
    (void)state;
    struct workout w;
    make_workout(&w, 200, 1600000000.0, 51.5);
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(fit_encode_workout(&w, &buf, &n, &e), 0);
    struct got g;
    capture_begin();
    int rc = decode(buf, n / 2, &g, &e);
    char *err = capture_end();
    assert_int_equal(rc, 0);
    assert_int_equal(g.count, 1);
    assert_true(g.w[0].n > 60 && g.w[0].n < 120); /* about half of the 200 records */
    assert_float_equal(g.w[0].time[0], 1600000000.0, 0);
    assert_float_equal(g.w[0].hr[g.w[0].n - 1], (float)(120 + (g.w[0].n - 1) % 40), 0);
    char want[96];
    snprintf(want, sizeof want, "t.fit: %zu: truncated: the header at 0 declares", n / 2);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "reading the messages before the cut"));
    free(err);
    got_free(&g);
    free(buf);
    workout_free(&w);
}

static void test_truncated_fails_with_offset(void **state)
{
    (void)state;
    struct workout w;
    make_workout(&w, 20, 1600000000.0, 51.5);
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(fit_encode_workout(&w, &buf, &n, &e), 0);
    struct got g;
    /* cut inside the file header: an error with the offset */
    assert_int_equal(decode(buf, 13, &g, &e), -1); /* 12 of its 14 bytes say FIT */
    assert_int_equal(g.count, 0);
    assert_non_null(strstr(e.msg, "t.fit: 0: truncated FIT header"));
    /* every cut: an error or a warning, never a crash, never a workout on error */
    hr_log_set_level(HR_LOG_QUIET);
    for (size_t cut = 0; cut < n; cut++) {
        int rc = decode(buf, cut, &g, &e);
        assert_true(rc == 0 || (rc == -1 && g.count == 0 && strncmp(e.msg, "t.fit: ", 7) == 0));
        got_free(&g);
    }
    hr_log_set_level(HR_LOG_INFO);
    /* a data size far beyond the buffer: read as a cut file, its CRC bytes taken for a message (an
     * error) or dropped as one cut in two; never a crash */
    buf[7] = 0x7F;
    hr_log_set_level(HR_LOG_QUIET);
    int rc = decode(buf, n, &g, &e);
    hr_log_set_level(HR_LOG_INFO);
    assert_true(rc == 0 || (rc == -1 && g.count == 0));
    got_free(&g);
    assert_int_equal(decode((const uint8_t *)"hello world, not FIT", 20, &g, &e), -1);
    assert_string_equal(e.msg, "t.fit: 0: not a FIT file (no \".FIT\" header)");
    free(buf);
    workout_free(&w);
}

/* ---- hand-built files ---- */
struct fb {
    uint8_t b[4096];
    size_t n;
};

static void fb_header(struct fb *f, int size)
{
    f->n = 0;
    memset(f->b, 0, (size_t)size);
    f->b[0] = (uint8_t)size;
    f->b[1] = 0x20;
    memcpy(f->b + 8, ".FIT", 4);
    f->n = (size_t)size;
}

static void fb_bytes(struct fb *f, const uint8_t *p, size_t n)
{
    memcpy(f->b + f->n, p, n);
    f->n += n;
}
#define FB(f, ...) do { const uint8_t tmp_[] = {__VA_ARGS__}; fb_bytes(f, tmp_, sizeof tmp_); } while (0)

static void fb_finish(struct fb *f)
{
    uint32_t ds = (uint32_t)(f->n - f->b[0]);
    f->b[4] = ds & 0xFF;
    f->b[5] = ds >> 8 & 0xFF;
    f->b[6] = ds >> 16 & 0xFF;
    f->b[7] = ds >> 24;
    if (f->b[0] == 14) {
        uint16_t c = fit_crc16(0, f->b, 12);
        f->b[12] = c & 0xFF;
        f->b[13] = c >> 8;
    }
    uint16_t c = fit_crc16(0, f->b, f->n);
    FB(f, c & 0xFF, c >> 8);
}

static void test_compressed_timestamps(void **state)
{
    (void)state;
    struct fb f;
    fb_header(&f, 12); /* 12-byte header, no header CRC */
    /* local 1: record {timestamp uint32, heart_rate uint8}; local 0: record {heart_rate} */
    FB(&f, 0x41, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02);
    FB(&f, 0x40, 0, 0, 20, 0, 1, 3, 1, 0x02);
    /* t = 0x3B9AC3E8 = 999,998,440 s after the FIT epoch (a date: 2021-09-08; low 5 bits = 8) */
    FB(&f, 0x01, 0xE8, 0xC3, 0x9A, 0x3B, 100);
    FB(&f, 0x80 | 10, 101);               /* offset 10 -> +2 */
    FB(&f, 0x80 | 5, 102);                /* offset 5 < 10: rolls over -> +29 */
    FB(&f, 0x80 | 5, 0xFF);               /* same offset again -> +29, HR invalid */
    fb_finish(&f);
    seed_save("fuzz_fit", "compressed_ts", f.b, f.n);
    struct got g;
    struct hr_err e;
    assert_int_equal(decode(f.b, f.n, &g, &e), 0);
    assert_int_equal(g.count, 1);
    struct workout *w = &g.w[0];
    assert_int_equal(w->n, 4);
    const double base = 631065600.0 + 0x3B9AC3E8;
    assert_true(w->time[0] == base);
    assert_true(w->time[1] == base + 2);
    assert_true(w->time[2] == base + 29);
    assert_true(w->time[3] == base + 29);
    assert_true(w->hr[2] == 102.0f);
    assert_true(isnan(w->hr[3]));
    assert_string_equal(w->sport, "");
    got_free(&g);
}

/* A date_time below 0x10000000 is seconds since the device was switched on (FIT profile), not a date: kept as
 * elapsed seconds (dated 1989-90 until 2026-12-07). */
static void test_relative_timestamps_are_no_dates(void **state)
{
    (void)state;
    struct fb f;
    fb_header(&f, 12);
    FB(&f, 0x40, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02);
    FB(&f, 0x00, 0xE8, 0x03, 0, 0, 100); /* t = 1000 s after power-on */
    FB(&f, 0x00, 0xF2, 0x03, 0, 0, 101); /* 1010 */
    fb_finish(&f);
    struct got g;
    struct hr_err e;
    assert_int_equal(decode(f.b, f.n, &g, &e), 0);
    struct workout *w = &g.w[0];
    assert_true(w->time[0] == 1000 && w->time[1] == 1010);
    got_free(&g);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = v & 0xFF, p[1] = v >> 8 & 0xFF, p[2] = v >> 16 & 0xFF, p[3] = v >> 24;
}

/* A treadmill run saved with the distance read off the treadmill: the session's total_distance (900 m) where
 * the records add up to 600 m (the wrist's estimate): speed and distance scaled to the session's (kept until
 * 2026-12-07); the same records in an outdoor session are kept. */
static void test_treadmill_session_distance(void **state)
{
    (void)state;
    for (int sub = 1; sub >= 0; sub--) { /* 1 treadmill, 0 generic */
        struct fb f;
        fb_header(&f, 12);
        /* local 0: record {timestamp, distance (cm), speed (mm/s)}; local 1: session {sport, sub_sport, total_distance} */
        FB(&f, 0x40, 0, 0, 20, 0, 3, 253, 4, 0x86, 5, 4, 0x86, 6, 2, 0x84);
        FB(&f, 0x41, 0, 0, 18, 0, 3, 5, 1, 0x00, 6, 1, 0x00, 9, 4, 0x86);
        for (int i = 0; i <= 20; i++) {
            uint8_t r[11];
            r[0] = 0x00;
            put_u32(r + 1, 1000000000u + 10u * (unsigned)i);
            put_u32(r + 5, 3000u * (unsigned)i); /* 30 m per 10 s */
            r[9] = 3000 & 0xFF, r[10] = 3000 >> 8; /* 3.000 m/s */
            fb_bytes(&f, r, sizeof r);
        }
        uint8_t ses[7] = {0x01, 1, (uint8_t)sub};
        put_u32(ses + 3, 90000u); /* 900 m */
        fb_bytes(&f, ses, sizeof ses);
        fb_finish(&f);
        struct got g;
        struct hr_err e;
        assert_int_equal(decode(f.b, f.n, &g, &e), 0);
        struct workout *w = &g.w[0];
        assert_int_equal(w->n, 21);
        float want = sub ? 1.5f : 1.0f;
        assert_true(fabsf(w->speed[10] - 3.0f * want) < 1e-4f);
        assert_true(fabsf(w->dist[20] - w->dist[0] - 600.0f * want) < 1e-3f);
        assert_string_equal(w->sport, sub ? "running/treadmill" : "running");
        got_free(&g);
    }
}

static void test_developer_fields_skipped(void **state)
{
    (void)state;
    struct fb f;
    fb_header(&f, 14);
    /* developer_data_id and field_description messages, as a device writes them */
    FB(&f, 0x42, 0, 0, 207, 0, 1, 3, 1, 0x02);
    FB(&f, 0x02, 0);
    FB(&f, 0x43, 0, 0, 206, 0, 3, 0, 1, 0x02, 1, 1, 0x02, 3, 6, 0x07);
    FB(&f, 0x03, 0, 0, 'p', 'o', 'w', 'e', 'r', 0);
    /* record with 2 developer fields (4 + 2 bytes) after timestamp and heart rate */
    FB(&f, 0x60, 0, 0, 20, 0, 2, 253, 4, 0x86, 3, 1, 0x02, 2, 0, 4, 0, 1, 2, 0);
    FB(&f, 0x00, 0x10, 0x27, 0, 0, 140, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF);
    FB(&f, 0x00, 0x11, 0x27, 0, 0, 141, 1, 2, 3, 4, 5, 6);
    /* session: running/trail */
    FB(&f, 0x44, 0, 0, 18, 0, 3, 2, 4, 0x86, 5, 1, 0x00, 6, 1, 0x00);
    FB(&f, 0x04, 0x10, 0x27, 0, 0, 1, 3);
    fb_finish(&f);
    seed_save("fuzz_fit", "developer", f.b, f.n);
    struct got g;
    struct hr_err e;
    assert_int_equal(decode(f.b, f.n, &g, &e), 0);
    assert_int_equal(g.count, 1);
    assert_int_equal(g.w[0].n, 2);
    assert_true(g.w[0].hr[0] == 140.0f && g.w[0].hr[1] == 141.0f);
    assert_true(g.w[0].time[1] - g.w[0].time[0] == 1.0);
    assert_string_equal(g.w[0].sport, "running/trail");
    got_free(&g);
}

static void test_big_endian_and_invalid(void **state)
{
    (void)state;
    struct fb f;
    fb_header(&f, 14);
    /* file_id (big-endian): garmin forerunner 935 */
    FB(&f, 0x41, 0, 1, 0, 0, 3, 0, 1, 0x00, 1, 2, 0x84, 2, 2, 0x84);
    FB(&f, 0x01, 4, 0x00, 0x01, 0x0A, 0x83);
    /* record (big-endian): timestamp, lat, long, heart_rate, speed, altitude */
    FB(&f, 0x40, 0, 1, 0, 20, 6, 253, 4, 0x86, 0, 4, 0x85, 1, 4, 0x85, 3, 1, 0x02, 6, 2, 0x84,
       2, 2, 0x84);
    /* t=0x3B9ACA00, lat=-2^30 (-90 deg), long=2^29 (45 deg), HR 150, 3.25 m/s, alt 100 m */
    FB(&f, 0x00, 0x3B, 0x9A, 0xCA, 0x00, 0xC0, 0, 0, 0, 0x20, 0, 0, 0, 150, 0x0C, 0xB2, 0x0B, 0xB8);
    /* all invalid but the timestamp */
    FB(&f, 0x00, 0x3B, 0x9A, 0xCA, 0x01, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF,
       0xFF, 0xFF, 0xFF, 0xFF);
    /* sport message: cycling */
    FB(&f, 0x42, 0, 0, 12, 0, 1, 0, 1, 0x00);
    FB(&f, 0x02, 2);
    fb_finish(&f);
    seed_save("fuzz_fit", "big_endian", f.b, f.n);
    struct got g;
    struct hr_err e;
    assert_int_equal(decode(f.b, f.n, &g, &e), 0);
    assert_int_equal(g.count, 1);
    struct workout *w = &g.w[0];
    assert_int_equal(w->n, 2);
    assert_true(w->time[0] == 631065600.0 + 1000000000.0);
    assert_true(w->lat[0] == -90.0 && w->lon[0] == 45.0);
    assert_true(w->hr[0] == 150.0f);
    assert_true(fabsf(w->speed[0] - 3.25f) < 1e-6f);
    assert_true(fabsf(w->alt[0] - 100.0f) < 1e-4f);
    assert_true(isnan(w->lat[1]) && isnan(w->lon[1]) && isnan(w->hr[1]) && isnan(w->speed[1]) &&
                isnan(w->alt[1]));
    assert_string_equal(w->device, "garmin forerunner 935");
    assert_string_equal(w->sport, "cycling");
    got_free(&g);
}

static void test_compressed_speed_distance(void **state)
{
    (void)state;
    struct fb f;
    fb_header(&f, 14);
    FB(&f, 0x40, 0, 0, 20, 0, 2, 253, 4, 0x86, 8, 3, 0x0D);
    /* speed 350 (3.50 m/s), distance 4090 (/16 m) */
    FB(&f, 0x00, 100, 0, 0, 0, 0x5E, 0x01 | (4090 & 0xF) << 4, 4090 >> 4);
    /* speed 400, distance 10: rolled over, +16 -> +1 m */
    FB(&f, 0x00, 101, 0, 0, 0, 0x90, 0x01 | (10 & 0xF) << 4, 10 >> 4);
    fb_finish(&f);
    seed_save("fuzz_fit", "compressed_speed", f.b, f.n);
    struct got g;
    struct hr_err e;
    assert_int_equal(decode(f.b, f.n, &g, &e), 0);
    struct workout *w = &g.w[0];
    assert_int_equal(w->n, 2);
    assert_true(fabsf(w->speed[0] - 3.5f) < 1e-6f && fabsf(w->speed[1] - 4.0f) < 1e-6f);
    assert_true(fabsf(w->dist[0] - 4090 / 16.0f) < 1e-4f);
    assert_true(fabsf(w->dist[1] - (4090 / 16.0f + 1.0f)) < 1e-4f);
    got_free(&g);
}

static void test_undefined_local_type_fails(void **state)
{
    (void)state;
    struct fb f;
    fb_header(&f, 14);
    FB(&f, 0x40, 0, 0, 20, 0, 1, 253, 4, 0x86);
    FB(&f, 0x00, 1, 0, 0, 0);
    FB(&f, 0x05, 1, 0, 0, 0);
    fb_finish(&f);
    struct got g;
    struct hr_err e;
    assert_int_equal(decode(f.b, f.n, &g, &e), -1);
    assert_string_equal(e.msg, "t.fit: 28: data message for undefined local message type 5");
    assert_int_equal(g.count, 0);
}

/* ---- gpsbabel cross-check ---- */
static int have_gpsbabel(void) { return system("command -v gpsbabel >/dev/null 2>&1") == 0; }

/* Run gpsbabel on a FIT file; count CSV rows and fill up to cap lat/lon pairs. */
static long gpsbabel_points(const char *fit, const char *csv, double *lat, double *lon, size_t cap)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "gpsbabel -t -i garmin_fit -f '%s' -o unicsv -F '%s' 2>/dev/null", fit, csv);
    if (system(cmd) != 0)
        return -1;
    FILE *f = fopen(csv, "r");
    if (!f)
        return -1;
    char line[4096];
    long rows = -1;
    int clat = -1, clon = -1;
    while (fgets(line, sizeof line, f)) {
        if (rows < 0) { /* header: find Latitude/Longitude columns */
            int col = 0;
            for (char *tok = strtok(line, ",\r\n"); tok; tok = strtok(NULL, ",\r\n"), col++) {
                if (strcmp(tok, "Latitude") == 0) clat = col;
                if (strcmp(tok, "Longitude") == 0) clon = col;
            }
            rows = 0;
            continue;
        }
        double la = NAN, lo = NAN;
        int col = 0;
        char *s = line;
        for (char *c = line;; c++) {
            if (*c == ',' || *c == '\n' || *c == '\0') {
                char sv = *c;
                *c = '\0';
                if (col == clat) la = atof(s);
                if (col == clon) lo = atof(s);
                col++;
                s = c + 1;
                if (sv != ',')
                    break;
            }
        }
        if ((size_t)rows < cap) {
            lat[rows] = la;
            lon[rows] = lo;
        }
        rows++;
    }
    fclose(f);
    return rows;
}

struct gps_sink {
    size_t n_pos;
    double lat[64], lon[64];
    size_t kept;
};

static int count_positions(void *ctx, struct workout *w)
{
    struct gps_sink *g = ctx;
    for (size_t i = 0; i < w->n; i++)
        if (!isnan(w->lat[i])) {
            if (g->kept < 64) {
                g->lat[g->kept] = w->lat[i];
                g->lon[g->kept] = w->lon[i];
                g->kept++;
            }
            g->n_pos++;
        }
    return 0;
}

static void check_against_gpsbabel(const char *fit, const char *csv, const char *label, int *agree)
{
    static double lat[64], lon[64];
    long rows = gpsbabel_points(fit, csv, lat, lon, 64);
    struct gps_sink g = {0};
    struct hr_err e;
    hr_log_set_level(HR_LOG_QUIET);
    int rc = io_read_path(fit, NULL, count_positions, &g, &e);
    hr_log_set_level(HR_LOG_INFO);
    assert_int_equal(rc, 0);
    int same = rows == (long)g.n_pos;
    for (size_t i = 0; same && i < g.kept; i++)
        same = fabs(lat[i] - g.lat[i]) < 2e-6 && fabs(lon[i] - g.lon[i]) < 2e-6;
    printf("  gpsbabel %s: gpsbabel %ld points, hrcast %zu with position: %s\n", label, rows, g.n_pos,
           same ? "same" : "DIFFERENT");
    *agree += same;
}

static void test_gpsbabel_cross_check(void **state)
{
    (void)state;
    if (!have_gpsbabel())
        skip();
    char *dir = make_temp_dir();
    char fit[512], csv[512];
    snprintf(fit, sizeof fit, "%s/gen.fit", dir);
    snprintf(csv, sizeof csv, "%s/gen.csv", dir);
    struct workout w;
    make_workout(&w, 200, 1600000000.0, 51.5);
    struct hr_err e;
    assert_int_equal(fit_write_workout(fit, &w, &e), 0);
    int agree = 0;
    check_against_gpsbabel(fit, csv, "generated", &agree);
    assert_int_equal(agree, 1);
    const char *real = real_data_dir();
    if (real) {
        static const char *const files[] = {
            "python-fitparse-testfiles/tests/files/2013-02-06-12-11-14.fit.gz",
            "runalyze-testfiles/tests/testfiles/fit/FR630-with-lth.fit.gz",
            "goldencheetah-testdata/rides_dir_runs/HRV-Data.fit.gz",
            "arthurfsy2-workouts-page/FIT_OUT/100087245.fit.gz",
            "python-fitparse-testfiles/tests/files/activity-large-fenxi2-multisport.fit.gz",
        };
        int tried = 0;
        agree = 0;
        for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
            char src[1024];
            snprintf(src, sizeof src, "%s/%s", real, files[i]);
            uint8_t *buf;
            size_t n;
            if (read_file_all(src, &buf, &n, 1 << 28, &e))
                continue;
            assert_int_equal(write_file_atomic(fit, buf, n, &e), 0);
            free(buf);
            tried++;
            check_against_gpsbabel(fit, csv, files[i], &agree);
        }
        assert_int_equal(agree, tried);
    }
    workout_free(&w);
    remove_temp_dir(dir);
    free(dir);
}

/* ---- integration: every FIT file listed in the real data's index.tsv ---- */
struct tally {
    size_t n, nhr, nspd, ngps, nalt;
    double tmin, tmax;
    int workouts;
};

static int tally_sink(void *ctx, struct workout *w)
{
    struct tally *t = ctx;
    t->n += w->n;
    t->nhr += workout_count_float(w, w->hr);
    t->nalt += workout_count_float(w, w->alt);
    for (size_t i = 0; i < w->n; i++) {
        t->ngps += !isnan(w->lat[i]);
        t->nspd += !isnan(w->speed[i]) || !isnan(w->dist[i]) || !isnan(w->lat[i]); /* as index.tsv counts */
    }
    t->workouts++;
    for (size_t i = 0; i < w->n; i++) {
        if (w->time[i] < t->tmin) t->tmin = w->time[i];
        if (w->time[i] > t->tmax) t->tmax = w->time[i];
    }
    return 0;
}

static void test_real_fit_files_match_index(void **state)
{
    (void)state;
    const char *real = real_data_dir();
    if (!real) {
        printf("  skipped: no real data folder (../shared/data/real)\n");
        skip();
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls '%s'/*/index.tsv 2>/dev/null", real);
    FILE *ls = popen(cmd, "r");
    assert_non_null(ls);
    char idx[1024];
    int files = 0, failed = 0, exact = 0, within = 0, dur_ok = 0, shown = 0, ch_ok[4] = {0};
    clock_t c0 = clock();
    hr_log_set_level(HR_LOG_QUIET);
    while (fgets(idx, sizeof idx, ls)) {
        idx[strcspn(idx, "\n")] = '\0';
        FILE *f = fopen(idx, "r");
        if (!f)
            continue;
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", idx);
        *strrchr(dir, '/') = '\0';
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            char *col[20] = {0};
            int nc = 0;
            for (char *p = line; nc < 20;) {
                col[nc++] = p;
                char *t = strchr(p, '\t');
                if (!t)
                    break;
                *t = '\0';
                p = t + 1;
            }
            if (nc < 9 || strcmp(col[1], "fit") != 0)
                continue;
            long want_n = atol(col[3]);
            double want_dur = atof(col[8]);
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, col[0]);
            struct tally t = {0, 0, 0, 0, 0, INFINITY, -INFINITY, 0};
            struct hr_err e;
            files++;
            if (io_read_path(path, NULL, tally_sink, &t, &e)) {
                failed++;
                printf("  FAIL %s\n", e.msg);
                continue;
            }
            double dur = t.n ? t.tmax - t.tmin : 0;
            int n_ok = (long)t.n == want_n, n_close = fabs((double)t.n - (double)want_n) <= 0.01 * (double)want_n;
            int d_ok = fabs(dur - want_dur) <= 0.01 * want_dur + 1;
            ch_ok[0] += (long)t.nhr == atol(col[4]);
            ch_ok[1] += (long)t.nspd == atol(col[5]);
            if ((long)t.nspd != atol(col[5]) && shown++ < 15)
                printf("  speed/gps count differs %s: %zu vs %s\n", col[0], t.nspd, col[5]);
            ch_ok[2] += (long)t.ngps == atol(col[6]);
            ch_ok[3] += (long)t.nalt == atol(col[7]);
            exact += n_ok;
            within += n_close;
            dur_ok += d_ok;
            if ((!n_ok || !d_ok) && shown++ < 15)
                printf("  differs %s: n %zu vs %ld, dur %.0f vs %.0f s, %d workout(s)\n", col[0], t.n,
                       want_n, dur, want_dur, t.workouts);
        }
        fclose(f);
    }
    pclose(ls);
    hr_log_set_level(HR_LOG_INFO);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    printf("  real FIT files: %d decoded of %d (%d failed); samples equal to index.tsv: %d, within 1%%: %d; "
           "duration within 1%%: %d; %.1f s CPU\n",
           files - failed, files, failed, exact, within, dur_ok, secs);
    printf("  channel counts equal to index.tsv: hr %d, speed %d, gps %d, altitude %d\n", ch_ok[0], ch_ok[1],
           ch_ok[2], ch_ok[3]);
    assert_true(files > 0);
    assert_true(failed * 100 <= files);
    assert_true(within * 100 >= 95 * files);
    assert_true(dur_ok * 100 >= 95 * files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_single),
        cmocka_unit_test(test_elapsed_time_is_anchored),
        cmocka_unit_test(test_multisport_two_legs),
        cmocka_unit_test(test_bad_crc_warns_and_decodes),
        cmocka_unit_test(test_truncated_fails_with_offset),
        cmocka_unit_test(test_truncated_keeps_the_records_before_the_cut),
        cmocka_unit_test(test_compressed_timestamps),
        cmocka_unit_test(test_relative_timestamps_are_no_dates),
        cmocka_unit_test(test_treadmill_session_distance),
        cmocka_unit_test(test_developer_fields_skipped),
        cmocka_unit_test(test_big_endian_and_invalid),
        cmocka_unit_test(test_compressed_speed_distance),
        cmocka_unit_test(test_undefined_local_type_fails),
        cmocka_unit_test(test_gpsbabel_cross_check),
        cmocka_unit_test(test_real_fit_files_match_index),
    };
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
