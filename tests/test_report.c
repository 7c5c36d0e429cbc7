/* test_report.c — tests of src/report: nice ticks, the rasterizer (lines, NaN gaps, text), PNG written
 * and decoded back with libspng, SVG parsed with expat, GIF decoded with giflib, determinism; and the
 * sample figures written to /tmp/hrcast-report-samples/ (or $HRCAST_REPORT_SAMPLES) for people to see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <expat.h>
#include <gif_lib.h>
#include <math.h>
#include <spng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report/canvas.h"
#include "report/charts.h"
#include "report/draw.h"
#include "report/font.h"
#include "report/plot.h"
#include "report/ticks.h"
#include "support/testutil.h"
#include "util/fileio.h"

/* ---- helpers ---- */

struct image {
    int w, h;
    uint8_t *px; /* RGBA8 */
};

static void png_load(const char *path, struct image *im)
{
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    assert_int_equal(read_file_all(path, &buf, &n, 64u << 20, &e), 0);
    spng_ctx *ctx = spng_ctx_new(0);
    assert_non_null(ctx);
    assert_int_equal(spng_set_png_buffer(ctx, buf, n), 0);
    struct spng_ihdr ihdr;
    assert_int_equal(spng_get_ihdr(ctx, &ihdr), 0);
    size_t len;
    assert_int_equal(spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &len), 0);
    im->w = (int)ihdr.width;
    im->h = (int)ihdr.height;
    im->px = malloc(len);
    assert_int_equal(spng_decode_image(ctx, im->px, len, SPNG_FMT_RGBA8, 0), 0);
    spng_ctx_free(ctx);
    free(buf);
}

static const uint8_t *pix(const struct image *im, int x, int y)
{
    return im->px + ((size_t)y * im->w + x) * 4;
}

static int near_rgb(const uint8_t *p, struct rgba c, int tol)
{
    return abs(p[0] - c.r) <= tol && abs(p[1] - c.g) <= tol && abs(p[2] - c.b) <= tol;
}

static int is_white(const uint8_t *p)
{
    return p[0] == 255 && p[1] == 255 && p[2] == 255;
}

/* A synthetic run: warm-up, intervals, hills; HR follows speed with a 58 s lag; seeded noise. */
struct run {
    size_t n;
    float *t, *hr, *pred, *sigma, *speed, *alt;
};

static double lcg(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static void make_run(struct run *r, size_t n, double step_s, unsigned long long seed)
{
    r->n = n;
    r->t = malloc(n * sizeof(float));
    r->hr = malloc(n * sizeof(float));
    r->pred = malloc(n * sizeof(float));
    r->sigma = malloc(n * sizeof(float));
    r->speed = malloc(n * sizeof(float));
    r->alt = malloc(n * sizeof(float));
    double hr = 95, pr = 100;
    for (size_t i = 0; i < n; i++) {
        double t = i * step_s, min = t / 60;
        double v = min < 8 ? 2.4 + 0.1 * min : (fmod(min, 6) < 3 ? 3.9 : 2.9);
        if (min > 50) v = 2.6;
        v += 0.15 * (lcg(&seed) - 0.5);
        double alt = 120 + 25 * sin(min / 7.0) + 8 * sin(min / 1.9);
        double demand = 60 + 26 * v + 0.12 * min;
        double a = 1 - exp(-step_s / 58.0);
        hr += a * (demand - hr);
        pr += (1 - exp(-step_s / 70.0)) * (demand + 3 - pr);
        r->t[i] = (float)t;
        r->speed[i] = (float)v;
        r->alt[i] = (float)alt;
        r->hr[i] = (float)(hr + 3 * (lcg(&seed) - 0.5));
        r->pred[i] = (float)pr;
        r->sigma[i] = (float)(4 + 3 * (min / 60));
        if (min > 20 && min < 21.5) /* a sensor dropout */
            r->hr[i] = NAN;
    }
}

static void free_run(struct run *r)
{
    free(r->t); free(r->hr); free(r->pred); free(r->sigma); free(r->speed); free(r->alt);
}

static const char *samples_dir(void)
{
    const char *d = getenv("HRCAST_REPORT_SAMPLES");
    if (!d || !*d)
        d = "/tmp/hrcast-report-samples";
    mkdir(d, 0777);
    return d;
}

/* ---- ticks ---- */

static void test_nice_ticks(void **state)
{
    (void)state;
    double t[64], step;
    int n = nice_ticks(0, 100, 5, t, 64, &step);
    assert_true(step == 20.0);
    assert_int_equal(n, 6);
    assert_true(t[0] == 0.0 && t[5] == 100.0);
    n = nice_ticks(0.13, 0.87, 5, t, 64, &step);
    assert_true(fabs(step - 0.1) < 1e-12);
    assert_int_equal(n, 7); /* 0.2 0.3 ... 0.8 */
    assert_true(fabs(t[0] - 0.2) < 1e-12);
    n = nice_ticks(-7, 3, 4, t, 64, &step);
    assert_true(step == 2.0);
    assert_int_equal(n, 5);
    assert_true(t[0] == -6.0);
    n = nice_ticks(3.9, 7.3, 3, t, 64, &step); /* a pace axis: 4, 5, 6, 7, not only 4 and 6 */
    assert_true(step == 1.0);
    assert_int_equal(n, 4);
    n = nice_ticks(0, 1, 5, t, 64, &step);
    assert_true(fabs(step - 0.2) < 1e-12);
    assert_true(nice_step(97, 10) == 10.0);
    assert_true(nice_step(0, 5) == 0.0);
    assert_int_equal(nice_ticks(5, 5, 5, t, 64, &step), 1);
    assert_int_equal(nice_ticks(NAN, 5, 5, t, 64, &step), 0);
    char buf[32];
    tick_label(-0.0000001, 0.5, TICK_NUMBER, buf, sizeof buf);
    assert_string_equal(buf, "0.0");
    tick_label(2.5, 2.5, TICK_NUMBER, buf, sizeof buf);
    assert_string_equal(buf, "2.5");
    tick_label(120, 20, TICK_NUMBER, buf, sizeof buf);
    assert_string_equal(buf, "120");
    tick_label(4.5, 0.5, TICK_MMSS, buf, sizeof buf);
    assert_string_equal(buf, "4:30");
    assert_int_equal(tick_decimals(0.25), 2);
    assert_int_equal(tick_decimals(1000), 0);
}

/* A steady pace (3.005 m/s, 5:33 min/km, with millisecond noise) keeps a flat line on an axis of distinct
 * m:ss labels: before, the noise filled the panel and every label read 5:33. */
static void test_pace_axis_steady(void **state)
{
    (void)state;
    double t[64], step;
    char a[32], b[32];
    for (int target = 2; target <= 10; target++) { /* ticks in whole seconds: no two labels alike */
        int n = axis_style_ticks(5.540, 5.552, target, TICK_MMSS, t, 64, &step);
        for (int i = 1; i < n; i++) {
            tick_label(t[i - 1], step, TICK_MMSS, a, sizeof a);
            tick_label(t[i], step, TICK_MMSS, b, sizeof b);
            assert_string_not_equal(a, b);
        }
    }
    assert_true(axis_style_ticks(5.3, 5.7, 4, TICK_MMSS, t, 64, &step) >= 3);
    assert_true(fabs(step * 60 - round(step * 60)) < 1e-9); /* a whole number of seconds */
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/pace.svg", dir);
    enum { N = 360 };
    float tm[N], sp[N], pred[N];
    for (int i = 0; i < N; i++) {
        tm[i] = 10.0f * i;
        sp[i] = 3.005f + 0.004f * sinf(0.7f * i);
        pred[i] = 150;
    }
    struct workout_plot w = {tm, NULL, pred, NULL, sp, NULL, N, "steady", 1, 0, 0};
    struct hr_err e;
    assert_int_equal(plot_workout(&w, path, &e), 0);
    uint8_t *buf;
    size_t n;
    assert_int_equal(read_file_all(path, &buf, &n, 64u << 20, &e), 0);
    int secs[32], k = 0;
    for (const char *c = (const char *)buf; (c = strchr(c, '>')) && c < (const char *)buf + n; c++) {
        int m, s2, len = 0;
        if (sscanf(c, ">%d:%2d<%n", &m, &s2, &len) == 2 && len > 0 && k < 32)
            secs[k++] = 60 * m + s2;
    }
    free(buf);
    assert_true(k >= 2);
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++)
            assert_int_not_equal(secs[i], secs[j]);
    /* the axis spans 30 s or more around 5:33: the noise (1 s) stays a flat line */
    int lo = secs[0], hi = secs[0];
    for (int i = 1; i < k; i++) {
        lo = secs[i] < lo ? secs[i] : lo;
        hi = secs[i] > hi ? secs[i] : hi;
    }
    assert_true(hi - lo >= 20);
    assert_true(lo <= 333 && hi >= 333);
    remove_temp_dir(dir);
    free(dir);
}

/* Histograms of eval: the y axis counts (whole-number ticks, not 0.5 and 1.5, for a few workouts), and with a
 * fixed x range (error_hist.png: -50..50 bpm) the values beyond it are in the end bars and the legend says
 * how many (before, they were dropped while the legend counted them in n). */
static void test_histogram_counts(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/h.svg", dir);
    const float mae[] = {7.5f, 9.1f, 9.4f, 12.0f};
    struct chart_opts o = {0};
    o.ylabel = "workouts";
    struct hr_err e;
    assert_int_equal(plot_histogram(mae, 4, &o, path, &e), 0);
    uint8_t *buf;
    size_t n;
    assert_int_equal(read_file_all(path, &buf, &n, 64u << 20, &e), 0);
    int yticks = 0;
    for (const char *c = (const char *)buf; (c = strstr(c, "text-anchor=\"end\"")); c++) {
        const char *t = strchr(c, '>');
        assert_non_null(t);
        size_t len = strcspn(t + 1, "<");
        char lab[32];
        snprintf(lab, sizeof lab, "%.*s", (int)(len < 31 ? len : 31), t + 1);
        assert_null(strchr(lab, '.')); /* a count: 0, 1, 2 */
        yticks++;
    }
    assert_true(yticks >= 2);
    free(buf);
    const float err[] = {-90.0f, -3.0f, 0.5f, 2.0f, 4.0f, 60.0f, 200.0f, NAN};
    memset(&o, 0, sizeof o);
    o.xlo = -50;
    o.xhi = 50;
    o.bins = 10;
    assert_int_equal(plot_histogram(err, 8, &o, path, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 64u << 20, &e), 0);
    assert_non_null(strstr((const char *)buf, "n = 7 (3 beyond -50..50: in the end bars)"));
    free(buf);
    remove_temp_dir(dir);
    free(dir);
}

/* Epoch axes: whole numbers only, where the plain ticks would give 2.5, 7.5 or 0.5 steps. */
static void test_integer_ticks(void **state)
{
    (void)state;
    double t[64], step;
    int n = nice_ticks(0.6, 9.4, 2, t, 64, &step);
    assert_true(step == 2.5); /* what the training curve showed: 2.5, 5, 7.5 */
    const double ranges[][2] = {{0.6, 9.4}, {0.95, 2.05}, {0.5, 30.5}, {1, 1.4}, {0.9, 61}};
    for (int r = 0; r < 5; r++)
        for (int target = 2; target <= 10; target++) {
            n = nice_ticks_integer(ranges[r][0], ranges[r][1], target, t, 64, &step);
            assert_true(step >= 1 && step == round(step));
            for (int i = 0; i < n; i++)
                assert_true(t[i] == round(t[i]));
        }
    n = nice_ticks_integer(0.6, 9.4, 2, t, 64, &step);
    assert_true(step == 2.0 || step == 5.0);
    n = nice_ticks_integer(0.95, 2.05, 6, t, 64, &step);
    assert_true(step == 1.0);
    assert_int_equal(n, 2);
}

/* ---- rasterizer ---- */

static void test_canvas_line_and_nan_gap(void **state)
{
    (void)state;
    struct fonts fs;
    struct hr_err e;
    assert_int_equal(fonts_load(&fs, &e), 0);
    struct plot_fig *f = plot_fig_new(400, 300);
    struct plot_panel *p = plot_fig_panel(f, 1);
    plot_fig_xlim(f, 0, 10);
    plot_panel_ylim(p, 0, 10);
    plot_panel_legend(p, LEGEND_NONE);
    float x[] = {0, 2, 4, 6, 8, 10}, y[] = {5, 5, NAN, 5, 5, 5};
    plot_line(p, x, y, 6, plot_style_line(0xff0000, 3), "horizontal");
    struct drawing d;
    assert_int_equal(plot_fig_draw(f, &fs, &d, &e), 0);
    struct canvas c;
    assert_int_equal(canvas_init(&c, 400, 300, rgba_make(255, 255, 255, 255), &e), 0);
    assert_int_equal(dl_render(&d, &fs, &c, &e), 0);
    /* Find the plot box from the drawing's clip item. */
    float bx0 = 0, by0 = 0, bw = 0, bh = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.items[i].kind == DL_CLIP && !d.items[i].noclip) {
            bx0 = d.items[i].x; by0 = d.items[i].y; bw = d.items[i].w; bh = d.items[i].h;
        }
    assert_true(bw > 100 && bh > 100);
    int ymid = (int)(by0 + bh / 2);
    int x_drawn = (int)(bx0 + bw * 0.1f), x_gap = (int)(bx0 + bw * 0.4f), x_after = (int)(bx0 + bw * 0.7f);
    struct rgba red = rgba_make(255, 0, 0, 255);
    assert_true(near_rgb(canvas_at(&c, x_drawn, ymid), red, 8));
    assert_true(near_rgb(canvas_at(&c, x_after, ymid), red, 8));
    /* Inside the NaN gap (between x=2 and x=6, away from the round caps): no red at all. */
    for (int yy = ymid - 4; yy <= ymid + 4; yy++) {
        const uint8_t *q = canvas_at(&c, x_gap, yy);
        assert_false(q[0] > 200 && q[1] < 120);
    }
    /* Background well away from the line. */
    assert_true(is_white(canvas_at(&c, x_drawn, (int)(by0 + bh * 0.3f))));
    canvas_free(&c);
    dl_free(&d);
    plot_fig_free(f);
    fonts_free(&fs);
}

static void test_polygon_coverage_exact(void **state)
{
    (void)state;
    struct canvas c;
    struct hr_err e;
    assert_int_equal(canvas_init(&c, 20, 20, rgba_make(255, 255, 255, 255), &e), 0);
    /* Square [2.5, 7.5]^2 in black: interior full, edges half-covered, outside untouched. */
    float sq[] = {2.5f, 2.5f, 7.5f, 2.5f, 7.5f, 7.5f, 2.5f, 7.5f};
    canvas_fill_polygon(&c, sq, 4, rgba_make(0, 0, 0, 255));
    assert_int_equal(canvas_at(&c, 4, 4)[0], 0);
    assert_in_range(canvas_at(&c, 2, 4)[0], 126, 129);
    assert_in_range(canvas_at(&c, 2, 2)[0], 190, 192); /* quarter covered */
    assert_int_equal(canvas_at(&c, 8, 4)[0], 255);
    assert_int_equal(canvas_at(&c, 4, 1)[0], 255);
    /* Translucent polyline crossing itself blends once. */
    canvas_clear(&c, rgba_make(255, 255, 255, 255));
    float zig[] = {1, 10, 18, 10, 10, 2, 10, 18};
    canvas_polyline(&c, zig, 4, 3, NULL, rgba_make(0, 0, 0, 128));
    assert_in_range(canvas_at(&c, 10, 10)[0], 125, 129);
    assert_in_range(canvas_at(&c, 5, 10)[0], 125, 129);
    canvas_free(&c);
}

static void test_text_renders(void **state)
{
    (void)state;
    struct fonts fs;
    struct hr_err e;
    assert_int_equal(fonts_load(&fs, &e), 0);
    struct canvas c;
    assert_int_equal(canvas_init(&c, 200, 120, rgba_make(255, 255, 255, 255), &e), 0);
    float w = font_text_width(&fs.regular, "Heart 142 bpm", 16);
    assert_true(w > 80 && w < 140);
    assert_int_equal(font_draw(&fs.regular, &c, "Heart 142 bpm", 10, 40, 16, ANCHOR_START, 0,
                               rgba_make(0, 0, 0, 255), &e), 0);
    int dark_in = 0, dark_out = 0;
    for (int y = 0; y < 120; y++)
        for (int x = 0; x < 200; x++) {
            int dark = canvas_at(&c, x, y)[0] < 128;
            int in = x >= 9 && x <= 10 + (int)w + 1 && y >= 40 - 16 && y <= 40 + 5;
            if (dark) {
                if (in) dark_in++;
                else dark_out++;
            }
        }
    assert_true(dark_in > 60);
    assert_int_equal(dark_out, 0);
    /* Turned text reads upwards: its ink is a tall, narrow box left of the baseline x. */
    canvas_clear(&c, rgba_make(255, 255, 255, 255));
    assert_int_equal(font_draw(&fs.regular, &c, "altitude", 100, 60, 14, ANCHOR_MIDDLE, 1,
                               rgba_make(0, 0, 0, 255), &e), 0);
    int minx = 999, maxx = -1, miny = 999, maxy = -1;
    for (int y = 0; y < 120; y++)
        for (int x = 0; x < 200; x++)
            if (canvas_at(&c, x, y)[0] < 128) {
                if (x < minx) minx = x;
                if (x > maxx) maxx = x;
                if (y < miny) miny = y;
                if (y > maxy) maxy = y;
            }
    assert_true(maxy - miny > 2 * (maxx - minx));
    assert_true(maxx <= 101 && minx >= 100 - 14);
    assert_true(abs((miny + maxy) / 2 - 60) <= 3);
    canvas_free(&c);
    fonts_free(&fs);
}

static void test_missing_font_is_a_clear_error(void **state)
{
    (void)state;
    struct font f;
    struct hr_err e;
    assert_int_equal(font_load(&f, "/nonexistent/font.ttf", 0, &e), -1);
    assert_non_null(strstr(e.msg, "/nonexistent/font.ttf"));
}

/* ---- files ---- */

static void test_png_roundtrip_pixels(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/line.png", dir);
    struct plot_fig *f = plot_fig_new(500, 320);
    plot_fig_title(f, "Test figure");
    plot_fig_xlabel(f, "x (s)");
    plot_fig_xlim(f, 0, 1);
    struct plot_panel *p = plot_fig_panel(f, 1);
    plot_panel_ylabel(p, "y (bpm)");
    plot_panel_ylim(p, 0, 1);
    float x[] = {0, 1}, y[] = {0.5f, 0.5f};
    plot_line(p, x, y, 2, plot_style_line(0x0000ff, 4), "blue");
    struct hr_err e;
    assert_int_equal(plot_fig_save(f, path, &e), 0);
    struct image im;
    png_load(path, &im);
    assert_int_equal(im.w, 500);
    assert_int_equal(im.h, 320);
    /* Find a row in the middle third that is pure blue somewhere in the middle of the figure. */
    int found = 0;
    for (int yy = im.h / 3; yy < 2 * im.h / 3 && !found; yy++)
        found = near_rgb(pix(&im, im.w / 2, yy), rgba_make(0, 0, 255, 255), 4);
    assert_true(found);
    assert_true(is_white(pix(&im, 2, 2)));
    assert_true(is_white(pix(&im, im.w - 3, im.h - 3)));
    /* Title text: dark pixels in the top band. */
    int dark = 0;
    for (int yy = 0; yy < 30; yy++)
        for (int xx = 0; xx < im.w; xx++)
            dark += pix(&im, xx, yy)[0] < 100;
    assert_true(dark > 30);
    free(im.px);
    plot_fig_free(f);
    remove_temp_dir(dir);
    free(dir);
}

struct svg_count {
    int svg, polyline, text, rect, depth, maxdepth;
    char chars[4096];
    size_t nchars;
};

static void XMLCALL svg_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct svg_count *c = ud;
    (void)atts;
    c->svg += !strcmp(name, "svg");
    c->polyline += !strcmp(name, "polyline");
    c->text += !strcmp(name, "text");
    c->rect += !strcmp(name, "rect");
    if (++c->depth > c->maxdepth) c->maxdepth = c->depth;
}

static void XMLCALL svg_end(void *ud, const XML_Char *name)
{
    (void)name;
    ((struct svg_count *)ud)->depth--;
}

static void XMLCALL svg_chars(void *ud, const XML_Char *s, int len)
{
    struct svg_count *c = ud;
    if (c->nchars + (size_t)len + 1 < sizeof c->chars) {
        memcpy(c->chars + c->nchars, s, (size_t)len);
        c->nchars += (size_t)len;
        c->chars[c->nchars] = 0;
    }
}

static void test_svg_well_formed(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/fig.svg", dir);
    struct run r;
    make_run(&r, 360, 10, 7);
    struct workout_plot w = {r.t, r.hr, r.pred, r.sigma, r.speed, r.alt, r.n, "A & B <title>", 1, 0, 0};
    struct hr_err e;
    assert_int_equal(plot_workout(&w, path, &e), 0);
    uint8_t *buf;
    size_t n;
    assert_int_equal(read_file_all(path, &buf, &n, 64u << 20, &e), 0);
    XML_Parser xp = XML_ParserCreate("UTF-8");
    static struct svg_count c;
    memset(&c, 0, sizeof c);
    XML_SetUserData(xp, &c);
    XML_SetElementHandler(xp, svg_start, svg_end);
    XML_SetCharacterDataHandler(xp, svg_chars);
    int ok = XML_Parse(xp, (const char *)buf, (int)n, 1);
    if (!ok)
        fprintf(stderr, "expat: %s at line %lu\n", XML_ErrorString(XML_GetErrorCode(xp)),
                (unsigned long)XML_GetCurrentLineNumber(xp));
    assert_true(ok);
    XML_ParserFree(xp);
    assert_int_equal(c.svg, 1);
    assert_true(c.polyline > 10);
    assert_true(c.text > 15);
    assert_non_null(strstr(c.chars, "A & B <title>"));
    /* The dropout splits the actual-HR curve: more polylines than series. */
    free(buf);
    free_run(&r);
    remove_temp_dir(dir);
    free(dir);
}

static void test_gif_decodes(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/a.gif", dir);
    struct run r;
    make_run(&r, 600, 6, 3);
    struct workout_plot w = {r.t, r.hr, r.pred, NULL, r.speed, NULL, r.n, "Anim", 0, 400, 240};
    struct anim_opts o = {12, 5, 50};
    struct hr_err e;
    assert_int_equal(animate_workout(&w, &o, path, &e), 0);
    int err;
    GifFileType *g = DGifOpenFileName(path, &err);
    assert_non_null(g);
    assert_int_equal(DGifSlurp(g), GIF_OK);
    assert_int_equal(g->ImageCount, 12);
    assert_int_equal(g->SWidth, 400);
    assert_int_equal(g->SHeight, 240);
    /* Later frames are deltas: smaller than the full first frame. */
    assert_int_equal(g->SavedImages[0].ImageDesc.Width, 400);
    assert_true(g->SavedImages[5].ImageDesc.Width * g->SavedImages[5].ImageDesc.Height < 400 * 240);
    DGifCloseFile(g, &err);
    free_run(&r);
    remove_temp_dir(dir);
    free(dir);
}

/* Dark pixels of the GIF's first frame in columns [x0, x1) of the title band (the top 34 rows). */
static int gif_title_ink(const GifFileType *g, int x0, int x1)
{
    const SavedImage *im = &g->SavedImages[0];
    const ColorMapObject *cm = im->ImageDesc.ColorMap ? im->ImageDesc.ColorMap : g->SColorMap;
    int ink = 0;
    for (int y = 0; y < 34; y++)
        for (int x = x0; x < x1; x++) {
            const GifColorType *c = &cm->Colors[im->RasterBits[y * im->ImageDesc.Width + x]];
            ink += c->Red + c->Green + c->Blue < 3 * 160;
        }
    return ink;
}

/* A long workout name: the frame title (name, clock, running MAE) stays inside the picture, and a
 * long plain chart title is drawn smaller rather than past the edges. */
static void test_long_titles_fit(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/long.gif", dir);
    struct run r;
    make_run(&r, 600, 6, 3);
    const char *name = "a-rather-long-workout-file-name-from-a-garmin-export-2019-05-04-morning-run.tcx.gz - lstm model";
    struct workout_plot w = {r.t, r.hr, r.pred, NULL, r.speed, NULL, r.n, name, 0, 800, 450};
    struct anim_opts o = {4, 5, 50};
    struct hr_err e;
    assert_int_equal(animate_workout(&w, &o, path, &e), 0);
    int err;
    GifFileType *g = DGifOpenFileName(path, &err);
    assert_non_null(g);
    assert_int_equal(DGifSlurp(g), GIF_OK);
    assert_int_equal(g->SavedImages[0].ImageDesc.Width, 800);
    assert_true(gif_title_ink(g, 100, 700) > 200); /* there is a title */
    assert_int_equal(gif_title_ink(g, 0, 6), 0);     /* and it ends inside the picture */
    assert_int_equal(gif_title_ink(g, 794, 800), 0);
    DGifCloseFile(g, &err);
    free_run(&r);

    snprintf(path, sizeof path, "%s/long.png", dir);
    float v[50];
    for (int i = 0; i < 50; i++)
        v[i] = (float)(i % 7);
    struct chart_opts co = {0};
    co.title = "a title much longer than the figure is wide, as a course file's whole path would make it, "
               "/home/runner/courses/2019/berlin-marathon.gpx";
    co.xlabel = "x";
    assert_int_equal(plot_histogram(v, 50, &co, path, &e), 0);
    struct image im;
    png_load(path, &im);
    int edge_ink = 0, mid_ink = 0;
    for (int y = 0; y < 34; y++) {
        for (int x = 0; x < 5; x++)
            edge_ink += !is_white(pix(&im, x, y)) + !is_white(pix(&im, im.w - 1 - x, y));
        for (int x = im.w / 4; x < 3 * im.w / 4; x++)
            mid_ink += !is_white(pix(&im, x, y));
    }
    assert_int_equal(edge_ink, 0);
    assert_true(mid_ink > 100);
    free(im.px);
    remove_temp_dir(dir);
    free(dir);
}

static void test_output_deterministic_and_bad_extension(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char a[512], b[512], bad[512];
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(bad, sizeof bad, "%s/c.bmp", dir);
    float v[200];
    unsigned long long s = 11;
    for (int i = 0; i < 200; i++)
        v[i] = (float)(5 + 3 * lcg(&s) + 3 * lcg(&s));
    struct chart_opts o = {0};
    o.title = "per-workout MAE";
    o.xlabel = "MAE (bpm)";
    struct hr_err e;
    assert_int_equal(plot_histogram(v, 200, &o, a, &e), 0);
    assert_int_equal(plot_histogram(v, 200, &o, b, &e), 0);
    uint8_t *x, *y;
    size_t nx, ny;
    assert_int_equal(read_file_all(a, &x, &nx, 1 << 26, &e), 0);
    assert_int_equal(read_file_all(b, &y, &ny, 1 << 26, &e), 0);
    assert_int_equal(nx, ny);
    assert_memory_equal(x, y, nx);
    free(x);
    free(y);
    assert_int_equal(plot_histogram(v, 200, &o, bad, &e), -1);
    assert_non_null(strstr(e.msg, "c.bmp"));
    assert_int_equal(access(bad, F_OK), -1);
    remove_temp_dir(dir);
    free(dir);
}

/* ---- samples for people to look at ---- */

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_size;
}

static void test_write_samples(void **state)
{
    (void)state;
    const char *dir = samples_dir();
    char p[600];
    struct hr_err e;
    struct run r;
    make_run(&r, 3600, 1, 42); /* one hour at 1 Hz */
    struct workout_plot w = {r.t, r.hr, r.pred, r.sigma, r.speed, r.alt, r.n,
                             "Synthetic run \xe2\x80\x94 seed 42 \xe2\x80\x94 LSTM", 0, 0, 0};
    snprintf(p, sizeof p, "%s/workout.png", dir);
    assert_int_equal(plot_workout(&w, p, &e), 0);
    snprintf(p, sizeof p, "%s/workout.svg", dir);
    assert_int_equal(plot_workout(&w, p, &e), 0);
    w.pace = 1;
    snprintf(p, sizeof p, "%s/workout_pace.png", dir);
    assert_int_equal(plot_workout(&w, p, &e), 0);
    snprintf(p, sizeof p, "%s/workout.gif", dir);
    assert_int_equal(animate_workout(&w, NULL, p, &e), 0);
    long gif = file_size(p);
    fprintf(stderr, "report samples: %s/workout.gif %ld bytes (3600 samples, 90 frames, 800x450)\n", dir, gif);
    assert_true(gif > 0 && gif < 3 * 1000 * 1000);

    /* density: many workouts' samples */
    size_t n = 200000;
    float *pred = malloc(n * sizeof *pred), *act = malloc(n * sizeof *act);
    unsigned long long s = 5;
    for (size_t i = 0; i < n; i++) {
        double a = 100 + 70 * lcg(&s) + 15 * (lcg(&s) - 0.5);
        act[i] = (float)a;
        pred[i] = (float)(a + 0.9 * (150 - a) * 0.15 + 14 * (lcg(&s) + lcg(&s) + lcg(&s) - 1.5));
    }
    struct chart_opts o = {0};
    o.title = "Predicted vs actual heart rate (test split)";
    o.note = "MAE 7.1 bpm\nRMSE 9.2 bpm\nn = 200,000";
    snprintf(p, sizeof p, "%s/density.png", dir);
    assert_int_equal(plot_scatter_density(pred, act, n, &o, p, &e), 0);
    snprintf(p, sizeof p, "%s/density.svg", dir);
    assert_int_equal(plot_scatter_density(pred, act, n, &o, p, &e), 0);

    float mae[400];
    for (int i = 0; i < 400; i++)
        mae[i] = (float)(3 + 8 * pow(lcg(&s), 2) + 2 * lcg(&s));
    memset(&o, 0, sizeof o);
    o.title = "Per-workout MAE (athlete-disjoint split)";
    o.xlabel = "MAE (bpm)";
    o.ylabel = "workouts";
    snprintf(p, sizeof p, "%s/histogram.png", dir);
    assert_int_equal(plot_histogram(mae, 400, &o, p, &e), 0);

    float minute[60], m1[60], m2[60], m3[60], lo[60], hi[60];
    for (int i = 0; i < 60; i++) {
        minute[i] = (float)i;
        m1[i] = (float)(12 * exp(-i / 4.0) + 6 + 0.02 * i);
        m2[i] = (float)(9 * exp(-i / 6.0) + 8.5);
        m3[i] = (float)(14 - 2 * exp(-i / 10.0));
        lo[i] = m1[i] - 1.5f;
        hi[i] = m1[i] + 2.0f;
    }
    m2[30] = NAN;
    struct xy_series xs[3] = {
        {minute, m1, 60, "LSTM (IQR shaded)", lo, hi, 0, 0, 0},
        {minute, m2, 60, "physiological model", NULL, NULL, 0, 0, 0},
        {minute, m3, 60, "constant baseline", NULL, NULL, PLOT_GRAY, 1, 0},
    };
    memset(&o, 0, sizeof o);
    o.title = "MAE by minute of workout";
    o.xlabel = "minute of workout";
    o.ylabel = "MAE (bpm)";
    snprintf(p, sizeof p, "%s/mae_by_minute.png", dir);
    assert_int_equal(plot_xy_lines(xs, 3, &o, p, &e), 0);
    snprintf(p, sizeof p, "%s/mae_by_minute.svg", dir);
    assert_int_equal(plot_xy_lines(xs, 3, &o, p, &e), 0);

    float nom[9], obs1[9], obs2[9];
    for (int i = 0; i < 9; i++) {
        nom[i] = (float)(0.1 * (i + 1));
        obs1[i] = (float)(nom[i] * 0.85 + 0.02);
        obs2[i] = (float)fmin(1, nom[i] * 1.1);
    }
    struct xy_series cs[2] = {
        {nom, obs1, 9, "LSTM \xcf\x83 head", NULL, NULL, 0, 0, 0},
        {nom, obs2, 9, "LSTM, recalibrated", NULL, NULL, 0, 0, 0},
    };
    memset(&o, 0, sizeof o);
    o.title = "Calibration of the predicted intervals";
    snprintf(p, sizeof p, "%s/calibration.png", dir);
    assert_int_equal(plot_calibration(cs, 2, &o, p, &e), 0);
    free(pred);
    free(act);
    free_run(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nice_ticks),
        cmocka_unit_test(test_integer_ticks),
        cmocka_unit_test(test_pace_axis_steady),
        cmocka_unit_test(test_histogram_counts),
        cmocka_unit_test(test_canvas_line_and_nan_gap),
        cmocka_unit_test(test_polygon_coverage_exact),
        cmocka_unit_test(test_text_renders),
        cmocka_unit_test(test_missing_font_is_a_clear_error),
        cmocka_unit_test(test_png_roundtrip_pixels),
        cmocka_unit_test(test_svg_well_formed),
        cmocka_unit_test(test_gif_decodes),
        cmocka_unit_test(test_long_titles_fit),
        cmocka_unit_test(test_output_deterministic_and_bad_extension),
        cmocka_unit_test(test_write_samples),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
