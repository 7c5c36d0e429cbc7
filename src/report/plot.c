/* plot.c — figure/panel/series bookkeeping, automatic ranges, layout and drawing (see plot.h). */
#include "report/plot.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Look: sizes in px and colours. */
#define FS_TICK 12.0f
#define FS_LABEL 13.0f
#define FS_TITLE 16.0f
#define FS_TITLE_MIN 10.0f
#define TITLE_EDGE 8.0f /* px kept free left and right of the title */
#define FS_LEGEND 12.0f
#define TICK_LEN 4.0f
#define PANEL_GAP 14
#define MAX_TICKS 64
static const uint32_t C_TEXT = 0x222222, C_TICKTEXT = 0x444444, C_GRID = 0xe6e6e6, C_FRAME = 0x9a9a9a;

enum series_kind { S_LINE, S_BAND, S_SCATTER, S_BARS, S_HEAT, S_REF };

struct series {
    enum series_kind kind;
    char label[128];
    struct plot_style st;
    size_t n;
    float *x, *y, *y2;  /* line/scatter: x,y; band: x, y=lo (NULL: area), y2=hi; bars: x=edges(n+1), y=counts */
    int nx, ny, logc;   /* heat */
    double hx0, hx1, hy0, hy1, rx0, ry0, rx1, ry1;
    char cbar[96];
};

struct plot_panel {
    char ylabel[128], note[256];
    double ylo, yhi, ymargin, weight;
    int yinv, legend;
    enum tick_style ystyle;
    struct series *s;
    int ns, cap;
    struct plot_fig *fig;
};

struct plot_fig {
    int w, h;
    char title[256], xlabel[128];
    double xlo, xhi, xmargin;
    enum tick_style xstyle;
    struct plot_panel panels[PLOT_MAX_PANELS];
    int np;
    int oom;
};

float plot_title_width(const struct fonts *fs, const char *title)
{
    return font_text_width(&fs->bold, title, FS_TITLE);
}

float plot_title_room(int fig_width) { return (float)fig_width - 2 * TITLE_EDGE; }

struct rgba plot_cycle(int i)
{
    static const uint32_t cyc[] = {PLOT_BLUE, PLOT_ORANGE, PLOT_GREEN, PLOT_RED, PLOT_PURPLE,
                                   PLOT_BROWN, PLOT_PINK, PLOT_GRAY, PLOT_OLIVE, PLOT_CYAN};
    return rgba_hex(cyc[(unsigned)i % 10u], 255);
}

struct rgba plot_viridis(double t)
{
    static const uint32_t v[] = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};
    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    double f = t * 10;
    int i = (int)f;
    if (i >= 10)
        i = 9;
    double u = f - i;
    struct rgba a = rgba_hex(v[i], 255), b = rgba_hex(v[i + 1], 255);
    return rgba_make((uint8_t)lround(a.r + (b.r - a.r) * u), (uint8_t)lround(a.g + (b.g - a.g) * u),
                     (uint8_t)lround(a.b + (b.b - a.b) * u), 255);
}

struct plot_style plot_style_line(uint32_t hex, float width)
{
    struct plot_style s = {rgba_hex(hex, 255), width, {0, 0}, 0};
    return s;
}

struct plot_style plot_style_dashed(uint32_t hex, float width, float on, float off)
{
    struct plot_style s = {rgba_hex(hex, 255), width, {on, off}, 0};
    return s;
}

struct plot_fig *plot_fig_new(int width, int height)
{
    if (width < 100 || height < 80 || width > 16384 || height > 16384)
        return NULL;
    struct plot_fig *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->w = width;
    f->h = height;
    return f;
}

void plot_fig_free(struct plot_fig *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->np; i++) {
        struct plot_panel *p = &f->panels[i];
        for (int j = 0; j < p->ns; j++) {
            free(p->s[j].x);
            free(p->s[j].y);
            free(p->s[j].y2);
        }
        free(p->s);
    }
    free(f);
}

static void copy_str(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

void plot_fig_title(struct plot_fig *f, const char *t) { copy_str(f->title, sizeof f->title, t); }
void plot_fig_xlabel(struct plot_fig *f, const char *l) { copy_str(f->xlabel, sizeof f->xlabel, l); }
void plot_fig_xlim(struct plot_fig *f, double lo, double hi) { f->xlo = lo; f->xhi = hi; }
void plot_fig_xstyle(struct plot_fig *f, enum tick_style s) { f->xstyle = s; }
void plot_fig_xmargin(struct plot_fig *f, double frac) { f->xmargin = frac; }

struct plot_panel *plot_fig_panel(struct plot_fig *f, double weight)
{
    if (f->np >= PLOT_MAX_PANELS)
        return NULL;
    struct plot_panel *p = &f->panels[f->np++];
    memset(p, 0, sizeof *p);
    p->weight = weight > 0 ? weight : 1;
    p->ymargin = 0.05;
    p->fig = f;
    return p;
}

void plot_panel_ylabel(struct plot_panel *p, const char *l) { copy_str(p->ylabel, sizeof p->ylabel, l); }
void plot_panel_ylim(struct plot_panel *p, double lo, double hi) { p->ylo = lo; p->yhi = hi; }
void plot_panel_ymargin(struct plot_panel *p, double frac) { p->ymargin = frac; }
void plot_panel_yinvert(struct plot_panel *p, int on) { p->yinv = on; }
void plot_panel_ystyle(struct plot_panel *p, enum tick_style s) { p->ystyle = s; }
void plot_panel_legend(struct plot_panel *p, enum legend_pos pos) { p->legend = (int)pos; }
void plot_panel_note(struct plot_panel *p, const char *t) { copy_str(p->note, sizeof p->note, t); }

static struct series *add_series(struct plot_panel *p, enum series_kind kind, const char *label)
{
    if (p->ns == p->cap) {
        int nc = p->cap ? p->cap * 2 : 8;
        struct series *s = realloc(p->s, (size_t)nc * sizeof *s);
        if (!s) {
            p->fig->oom = 1;
            return NULL;
        }
        p->s = s;
        p->cap = nc;
    }
    struct series *s = &p->s[p->ns++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    copy_str(s->label, sizeof s->label, label);
    return s;
}

static float *dup_floats(const float *v, size_t n)
{
    float *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n)
        memcpy(d, v, n * sizeof *d);
    return d;
}

static int series_fail(struct plot_panel *p)
{
    struct series *s = &p->s[--p->ns];
    free(s->x);
    free(s->y);
    free(s->y2);
    p->fig->oom = 1;
    return -1;
}

int plot_line(struct plot_panel *p, const float *x, const float *y, size_t n, struct plot_style st,
              const char *label)
{
    struct series *s = add_series(p, S_LINE, label);
    if (!s)
        return -1;
    s->st = st;
    s->n = n;
    s->x = dup_floats(x, n);
    s->y = dup_floats(y, n);
    return s->x && s->y ? 0 : series_fail(p);
}

int plot_band(struct plot_panel *p, const float *x, const float *lo, const float *hi, size_t n,
              struct rgba fill, const char *label)
{
    struct series *s = add_series(p, S_BAND, label);
    if (!s)
        return -1;
    s->st.color = fill;
    s->n = n;
    s->x = dup_floats(x, n);
    s->y = lo ? dup_floats(lo, n) : NULL;
    s->y2 = dup_floats(hi, n);
    return s->x && s->y2 && (!lo || s->y) ? 0 : series_fail(p);
}

int plot_scatter(struct plot_panel *p, const float *x, const float *y, size_t n, struct rgba col,
                 float radius, const char *label)
{
    struct series *s = add_series(p, S_SCATTER, label);
    if (!s)
        return -1;
    s->st.color = col;
    s->st.marker = radius;
    s->n = n;
    s->x = dup_floats(x, n);
    s->y = dup_floats(y, n);
    return s->x && s->y ? 0 : series_fail(p);
}

static void data_range(const float *v, size_t n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            if (v[i] < *lo) *lo = v[i];
            if (v[i] > *hi) *hi = v[i];
        }
    if (!(*lo <= *hi)) {
        *lo = 0;
        *hi = 1;
    } else if (*lo == *hi) {
        *lo -= 0.5;
        *hi += 0.5;
    }
}

int plot_hist(struct plot_panel *p, const float *v, size_t n, int bins, double lo, double hi,
              struct rgba fill, const char *label)
{
    if (bins < 1)
        bins = 1;
    if (lo == hi || !isfinite(lo) || !isfinite(hi))
        data_range(v, n, &lo, &hi);
    struct series *s = add_series(p, S_BARS, label);
    if (!s)
        return -1;
    s->st.color = fill;
    s->n = (size_t)bins;
    s->x = malloc(((size_t)bins + 1) * sizeof(float));
    s->y = calloc((size_t)bins, sizeof(float));
    if (!s->x || !s->y)
        return series_fail(p);
    for (int i = 0; i <= bins; i++)
        s->x[i] = (float)(lo + (hi - lo) * i / bins);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || v[i] < lo || v[i] > hi)
            continue;
        int b = (int)((v[i] - lo) / (hi - lo) * bins);
        s->y[b >= bins ? bins - 1 : b] += 1;
    }
    return 0;
}

int plot_hist2d(struct plot_panel *p, const float *x, const float *y, size_t n, int nx, int ny,
                double xlo, double xhi, double ylo, double yhi, int log_color, const char *cbar_label)
{
    if (nx < 1) nx = 1;
    if (ny < 1) ny = 1;
    if (xlo == xhi || !isfinite(xlo) || !isfinite(xhi))
        data_range(x, n, &xlo, &xhi);
    if (ylo == yhi || !isfinite(ylo) || !isfinite(yhi))
        data_range(y, n, &ylo, &yhi);
    struct series *s = add_series(p, S_HEAT, NULL);
    if (!s)
        return -1;
    s->nx = nx;
    s->ny = ny;
    s->logc = log_color;
    s->hx0 = xlo; s->hx1 = xhi; s->hy0 = ylo; s->hy1 = yhi;
    copy_str(s->cbar, sizeof s->cbar, cbar_label);
    s->y = calloc((size_t)nx * ny, sizeof(float));
    if (!s->y)
        return series_fail(p);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || x[i] < xlo || x[i] > xhi || y[i] < ylo || y[i] > yhi)
            continue;
        int bx = (int)((x[i] - xlo) / (xhi - xlo) * nx), by = (int)((y[i] - ylo) / (yhi - ylo) * ny);
        s->y[(size_t)(by >= ny ? ny - 1 : by) * nx + (bx >= nx ? nx - 1 : bx)] += 1;
    }
    return 0;
}

int plot_refline(struct plot_panel *p, double x0, double y0, double x1, double y1, struct plot_style st,
                 const char *label)
{
    struct series *s = add_series(p, S_REF, label);
    if (!s)
        return -1;
    s->st = st;
    s->rx0 = x0; s->ry0 = y0; s->rx1 = x1; s->ry1 = y1;
    return 0;
}

/* ---- ranges ---- */

static void grow_range(double *lo, double *hi, double v)
{
    if (isfinite(v)) {
        if (v < *lo) *lo = v;
        if (v > *hi) *hi = v;
    }
}

static void finish_range(double *lo, double *hi, double margin)
{
    if (!(*lo <= *hi)) {
        *lo = 0;
        *hi = 1;
        return;
    }
    if (*lo == *hi) {
        double d = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1;
        *lo -= d;
        *hi += d;
        return;
    }
    double pad = (*hi - *lo) * margin;
    *lo -= pad;
    *hi += pad;
}

static void x_range(const struct plot_fig *f, double *lo, double *hi)
{
    if (f->xlo != f->xhi) {
        *lo = f->xlo;
        *hi = f->xhi;
        return;
    }
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < f->np; i++)
        for (int j = 0; j < f->panels[i].ns; j++) {
            const struct series *s = &f->panels[i].s[j];
            if (s->kind == S_HEAT) {
                grow_range(lo, hi, s->hx0);
                grow_range(lo, hi, s->hx1);
            } else if (s->kind == S_BARS) {
                grow_range(lo, hi, s->x[0]);
                grow_range(lo, hi, s->x[s->n]);
            } else if (s->kind != S_REF) {
                for (size_t k = 0; k < s->n; k++)
                    grow_range(lo, hi, s->x[k]);
            }
        }
    finish_range(lo, hi, f->xmargin);
}

static void y_range(const struct plot_panel *p, double *lo, double *hi)
{
    if (p->ylo != p->yhi) {
        *lo = p->ylo;
        *hi = p->yhi;
        return;
    }
    *lo = INFINITY;
    *hi = -INFINITY;
    int bars = 0;
    for (int j = 0; j < p->ns; j++) {
        const struct series *s = &p->s[j];
        switch (s->kind) {
        case S_HEAT:
            grow_range(lo, hi, s->hy0);
            grow_range(lo, hi, s->hy1);
            break;
        case S_BARS:
            bars = 1;
            grow_range(lo, hi, 0);
            for (size_t k = 0; k < s->n; k++)
                grow_range(lo, hi, s->y[k]);
            break;
        case S_BAND:
            for (size_t k = 0; k < s->n; k++) {
                if (s->y)
                    grow_range(lo, hi, s->y[k]);
                grow_range(lo, hi, s->y2[k]);
            }
            break;
        case S_LINE:
        case S_SCATTER:
            for (size_t k = 0; k < s->n; k++)
                grow_range(lo, hi, s->y[k]);
            break;
        case S_REF:
            break;
        }
    }
    int heat_only = p->ns > 0;
    for (int j = 0; j < p->ns; j++)
        heat_only &= p->s[j].kind == S_HEAT || p->s[j].kind == S_REF;
    finish_range(lo, hi, heat_only ? 0 : p->ymargin);
    if (bars && *lo < 0)
        *lo = 0;
}

/* ---- layout ---- */

struct axis_map {
    float x0, x1, y0, y1; /* plot box in px: left, right, top, bottom */
    double xlo, xhi, ylo, yhi;
    int yinv;
};

static float map_x(const struct axis_map *m, double v)
{
    double px = m->x0 + (v - m->xlo) / (m->xhi - m->xlo) * (m->x1 - m->x0);
    return (float)fmax(-1e5, fmin(1e5, px));
}

static float map_y(const struct axis_map *m, double v)
{
    double t = (v - m->ylo) / (m->yhi - m->ylo);
    double py = m->yinv ? m->y0 + t * (m->y1 - m->y0) : m->y1 - t * (m->y1 - m->y0);
    return (float)fmax(-1e5, fmin(1e5, py));
}

static float text_h(const struct font *f, float px)
{
    return font_ascent(f, px) + font_descent(f, px);
}

/* Ticks for [lo, hi] over len px, spaced so labels of the given orientation do not collide. */
static int axis_ticks(const struct font *f, double lo, double hi, float len, int horizontal,
                      enum tick_style style, double *t, double *step)
{
    int target = (int)(len / (horizontal ? 100.0f : 42.0f));
    if (target < 2) target = 2;
    if (target > 10) target = 10;
    for (;; target--) {
        int n = axis_style_ticks(lo, hi, target, style, t, MAX_TICKS, step);
        if (target <= 2 || n < 2)
            return n;
        float need = 0;
        char buf[64];
        for (int i = 0; i < n; i++) {
            tick_label(t[i], *step, style, buf, sizeof buf);
            float w = horizontal ? font_text_width(f, buf, FS_TICK) + 14.0f : text_h(f, FS_TICK) + 6.0f;
            if (w > need) need = w;
        }
        float spacing = (float)(*step / (hi - lo)) * len;
        if (spacing >= need)
            return n;
    }
}

static int has_heat(const struct plot_panel *p, const struct series **out)
{
    for (int j = 0; j < p->ns; j++)
        if (p->s[j].kind == S_HEAT) {
            if (out) *out = &p->s[j];
            return 1;
        }
    return 0;
}

static float heat_max(const struct series *s)
{
    float m = 0;
    for (int i = 0; i < s->nx * s->ny; i++)
        if (s->y[i] > m) m = s->y[i];
    return m;
}

static double heat_t(const struct series *s, double c, double cmax)
{
    if (cmax <= 0)
        return 0;
    if (s->logc)
        return cmax > 1 ? log(c > 1 ? c : 1) / log(cmax) : 1;
    return c / cmax;
}

/* ---- drawing of series ---- */

static int finite2(float a, float b)
{
    return isfinite(a) && isfinite(b);
}

static void draw_runs(struct drawing *d, const struct axis_map *m, const struct series *s, float *buf)
{
    size_t k = 0;
    while (k < s->n) {
        while (k < s->n && !finite2(s->x[k], s->y[k]))
            k++;
        size_t cnt = 0;
        float lx = 0, ly = 0;
        while (k < s->n && finite2(s->x[k], s->y[k])) {
            float px = map_x(m, s->x[k]), py = map_y(m, s->y[k]);
            int last = k + 1 >= s->n || !finite2(s->x[k + 1], s->y[k + 1]);
            /* Drop points closer than 0.3 px to the previous kept one (keeps SVGs small). */
            if (cnt == 0 || last || fabsf(px - lx) >= 0.3f || fabsf(py - ly) >= 0.3f) {
                buf[2 * cnt] = px;
                buf[2 * cnt + 1] = py;
                cnt++;
                lx = px;
                ly = py;
            }
            k++;
        }
        if (cnt)
            dl_polyline(d, buf, cnt, s->st.width, s->st.dash[0] > 0 ? s->st.dash : NULL, s->st.color);
    }
    if (s->st.marker > 0)
        for (size_t i = 0; i < s->n; i++)
            if (finite2(s->x[i], s->y[i]))
                dl_circle(d, map_x(m, s->x[i]), map_y(m, s->y[i]), s->st.marker, s->st.color);
}

static void draw_band(struct drawing *d, const struct axis_map *m, const struct series *s, float *buf)
{
    size_t k = 0;
    float base = m->yinv ? m->y0 : m->y1;
    while (k < s->n) {
#define BAND_OK(i) (isfinite(s->x[i]) && isfinite(s->y2[i]) && (!s->y || isfinite(s->y[i])))
        while (k < s->n && !BAND_OK(k))
            k++;
        size_t start = k;
        while (k < s->n && BAND_OK(k))
            k++;
#undef BAND_OK
        size_t cnt = k - start;
        if (cnt < 2)
            continue;
        for (size_t i = 0; i < cnt; i++) {
            buf[2 * i] = map_x(m, s->x[start + i]);
            buf[2 * i + 1] = map_y(m, s->y2[start + i]);
            size_t r = start + cnt - 1 - i, o = cnt + i;
            buf[2 * o] = map_x(m, s->x[r]);
            buf[2 * o + 1] = s->y ? map_y(m, s->y[r]) : base;
        }
        dl_polygon(d, buf, cnt * 2, s->st.color);
    }
}

static void draw_bars(struct drawing *d, const struct axis_map *m, const struct series *s)
{
    float base = map_y(m, m->yinv ? m->yhi : fmax(m->ylo, 0));
    if (m->yinv) base = map_y(m, fmax(m->ylo, 0));
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->y[i] > 0))
            continue;
        float xa = map_x(m, s->x[i]), xb = map_x(m, s->x[i + 1]), top = map_y(m, s->y[i]);
        float inset = xb - xa > 4 ? 0.5f : 0;
        float y0 = fminf(top, base), y1 = fmaxf(top, base);
        dl_rect(d, xa + inset, y0, xb - xa - 2 * inset, y1 - y0, s->st.color);
    }
}

static void draw_heat(struct drawing *d, const struct axis_map *m, const struct series *s)
{
    double cmax = heat_max(s);
    for (int by = 0; by < s->ny; by++) {
        float ya = roundf(map_y(m, s->hy0 + (s->hy1 - s->hy0) * by / s->ny));
        float yb = roundf(map_y(m, s->hy0 + (s->hy1 - s->hy0) * (by + 1) / s->ny));
        for (int bx = 0; bx < s->nx; bx++) {
            double c = s->y[(size_t)by * s->nx + bx];
            if (!(c > 0))
                continue;
            float xa = roundf(map_x(m, s->hx0 + (s->hx1 - s->hx0) * bx / s->nx));
            float xb = roundf(map_x(m, s->hx0 + (s->hx1 - s->hx0) * (bx + 1) / s->nx));
            dl_rect(d, xa, fminf(ya, yb), xb - xa, fabsf(yb - ya), plot_viridis(heat_t(s, c, cmax)));
        }
    }
}

static void draw_ref(struct drawing *d, const struct axis_map *m, const struct series *s)
{
    float xy[4];
    if (s->rx0 == s->rx1) {
        xy[0] = xy[2] = map_x(m, s->rx0);
        xy[1] = m->y0;
        xy[3] = m->y1;
    } else {
        double slope = (s->ry1 - s->ry0) / (s->rx1 - s->rx0);
        xy[0] = map_x(m, m->xlo);
        xy[1] = map_y(m, s->ry0 + slope * (m->xlo - s->rx0));
        xy[2] = map_x(m, m->xhi);
        xy[3] = map_y(m, s->ry0 + slope * (m->xhi - s->rx0));
    }
    dl_polyline(d, xy, 2, s->st.width, s->st.dash[0] > 0 ? s->st.dash : NULL, s->st.color);
}

/* ---- legend and note ---- */

static int count_in(const struct axis_map *m, const struct plot_panel *p, float bx0, float by0, float bx1,
                    float by1)
{
    int hits = 0;
    for (int j = 0; j < p->ns; j++) {
        const struct series *s = &p->s[j];
        size_t step = s->n > 4000 ? s->n / 4000 : 1;
        for (size_t k = 0; k < s->n; k += step) {
            float px, py;
            if (s->kind == S_LINE || s->kind == S_SCATTER || s->kind == S_BAND) {
                float yv = s->kind == S_BAND ? s->y2[k] : s->y[k];
                if (!finite2(s->x[k], yv)) continue;
                px = map_x(m, s->x[k]);
                py = map_y(m, yv);
            } else if (s->kind == S_BARS) {
                if (!(s->y[k] > 0)) continue;
                px = map_x(m, 0.5 * (s->x[k] + s->x[k + 1]));
                py = map_y(m, s->y[k]);
                if (py < by1 && px >= bx0 && px <= bx1) hits += 3; /* a bar reaching into the box */
            } else {
                continue;
            }
            if (px >= bx0 && px <= bx1 && py >= by0 && py <= by1)
                hits++;
        }
    }
    return hits;
}

static void draw_box(struct drawing *d, float x, float y, float w, float h)
{
    dl_rect(d, x, y, w, h, rgba_make(255, 255, 255, 225));
    float r[10] = {x + 0.5f, y + 0.5f, x + w - 0.5f, y + 0.5f, x + w - 0.5f, y + h - 0.5f, x + 0.5f, y + h - 0.5f,
                   x + 0.5f, y + 0.5f};
    dl_polyline(d, r, 5, 1.0f, NULL, rgba_hex(0xcccccc, 255));
}

static void draw_legend(struct drawing *d, const struct fonts *fs, const struct axis_map *m,
                        const struct plot_panel *p, int note_used)
{
    int n = 0;
    float tw = 0;
    for (int j = 0; j < p->ns; j++)
        if (p->s[j].label[0] && p->s[j].kind != S_HEAT) {
            n++;
            float w = font_text_width(&fs->regular, p->s[j].label, FS_LEGEND);
            if (w > tw) tw = w;
        }
    if (!n || p->legend == LEGEND_NONE)
        return;
    float row = FS_LEGEND * 1.45f, pad = 7, sample = 26;
    float bw = roundf(pad + sample + 7 + tw + pad), bh = roundf(pad * 2 + row * n - (row - FS_LEGEND) + 2);
    float inset = 8;
    float cx[4] = {m->x1 - inset - bw, m->x0 + inset, m->x1 - inset - bw, m->x0 + inset};
    float cy[4] = {m->y0 + inset, m->y0 + inset, m->y1 - inset - bh, m->y1 - inset - bh};
    int pick = 0;
    if (p->legend >= LEGEND_UPPER_RIGHT) {
        pick = p->legend - LEGEND_UPPER_RIGHT;
    } else {
        int best = -1;
        for (int c = 0; c < 4; c++) {
            if (c == 1 && note_used)
                continue;
            int hits = count_in(m, p, cx[c], cy[c], cx[c] + bw, cy[c] + bh);
            if (best < 0 || hits < best) {
                best = hits;
                pick = c;
            }
        }
    }
    float x = roundf(cx[pick]), y = roundf(cy[pick]);
    draw_box(d, x, y, bw, bh);
    int i = 0;
    float asc = font_ascent(&fs->regular, FS_LEGEND);
    for (int j = 0; j < p->ns; j++) {
        const struct series *s = &p->s[j];
        if (!s->label[0] || s->kind == S_HEAT)
            continue;
        float base = y + pad + 1 + asc + row * i;
        float mid = base - FS_LEGEND * 0.35f, sx = x + pad;
        if (s->kind == S_LINE || s->kind == S_REF) {
            float xy[4] = {sx, mid, sx + sample, mid};
            dl_polyline(d, xy, 2, s->st.width, s->st.dash[0] > 0 ? s->st.dash : NULL, s->st.color);
            if (s->st.marker > 0)
                dl_circle(d, sx + sample / 2, mid, s->st.marker, s->st.color);
        } else if (s->kind == S_SCATTER) {
            dl_circle(d, sx + sample / 2, mid, fmaxf(s->st.marker, 3.0f), s->st.color);
        } else {
            dl_rect(d, sx, mid - 5, sample, 10, s->st.color);
        }
        dl_text(d, s->label, sx + sample + 7, base, FS_LEGEND, ANCHOR_START, 0, 0, rgba_hex(C_TEXT, 255));
        i++;
    }
}

static int draw_note(struct drawing *d, const struct fonts *fs, const struct axis_map *m,
                     const struct plot_panel *p)
{
    if (!p->note[0])
        return 0;
    char lines[8][128];
    int n = 0;
    float tw = 0;
    const char *s = p->note;
    while (*s && n < 8) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (len >= sizeof lines[0]) len = sizeof lines[0] - 1;
        memcpy(lines[n], s, len);
        lines[n][len] = 0;
        float w = font_text_width(&fs->regular, lines[n], FS_LEGEND);
        if (w > tw) tw = w;
        n++;
        s = nl ? nl + 1 : s + strlen(s);
    }
    float row = FS_LEGEND * 1.45f, pad = 7;
    float x = roundf(m->x0 + 8), y = roundf(m->y0 + 8);
    draw_box(d, x, y, roundf(tw + 2 * pad), roundf(2 * pad + row * n - (row - FS_LEGEND) + 2));
    float asc = font_ascent(&fs->regular, FS_LEGEND);
    for (int i = 0; i < n; i++)
        dl_text(d, lines[i], x + pad, y + pad + 1 + asc + row * i, FS_LEGEND, ANCHOR_START, 0, 0,
                rgba_hex(C_TEXT, 255));
    return 1;
}

/* ---- the figure ---- */

static void colorbar(struct drawing *d, const struct fonts *fs, const struct series *s, float x, float y0,
                     float y1)
{
    const int steps = 64;
    double cmax = heat_max(s);
    float bw = 14;
    for (int i = 0; i < steps; i++) {
        float ya = roundf(y1 - (y1 - y0) * (float)(i + 1) / steps), yb = roundf(y1 - (y1 - y0) * (float)i / steps);
        dl_rect(d, x, ya, bw, yb - ya, plot_viridis((i + 0.5) / steps));
    }
    float fr[10] = {x + 0.5f, y0 + 0.5f, x + bw - 0.5f, y0 + 0.5f, x + bw - 0.5f, y1 - 0.5f, x + 0.5f,
                    y1 - 0.5f, x + 0.5f, y0 + 0.5f};
    dl_polyline(d, fr, 5, 1.0f, NULL, rgba_hex(C_FRAME, 255));
    double ticks[MAX_TICKS], step = 1;
    int n = 0;
    if (s->logc) {
        for (double v = 1; v <= cmax * 1.0001 && n < MAX_TICKS; v *= 10)
            ticks[n++] = v;
    } else if (cmax > 0) {
        n = nice_ticks(0, cmax, 5, ticks, MAX_TICKS, &step);
    }
    float asc = font_ascent(&fs->regular, FS_TICK), maxw = 0;
    for (int i = 0; i < n; i++) {
        float py = roundf(y1 - (float)heat_t(s, ticks[i], cmax) * (y1 - y0)) + 0.5f;
        float tk[4] = {x + bw, py, x + bw + TICK_LEN, py};
        dl_polyline(d, tk, 2, 1.0f, NULL, rgba_hex(C_FRAME, 255));
        char buf[64];
        tick_label(ticks[i], s->logc ? 1 : step, TICK_NUMBER, buf, sizeof buf);
        dl_text(d, buf, x + bw + TICK_LEN + 3, py + asc * 0.38f, FS_TICK, ANCHOR_START, 0, 0,
                rgba_hex(C_TICKTEXT, 255));
        float w = font_text_width(&fs->regular, buf, FS_TICK);
        if (w > maxw) maxw = w;
    }
    if (s->cbar[0])
        dl_text(d, s->cbar, x + bw + TICK_LEN + 3 + maxw + 6 + font_ascent(&fs->regular, FS_LABEL),
                0.5f * (y0 + y1), FS_LABEL, ANCHOR_MIDDLE, 1, 0, rgba_hex(C_TEXT, 255));
}

static float colorbar_width(const struct fonts *fs, const struct series *s)
{
    /* The widest tick label is that of the largest tick: a power of ten (log) or near the maximum. */
    double cmax = heat_max(s);
    char buf[64];
    tick_label(s->logc ? pow(10, floor(log10(cmax > 1 ? cmax : 1))) : (cmax > 0 ? cmax : 1), 1, TICK_NUMBER,
               buf, sizeof buf);
    float w = font_text_width(&fs->regular, buf, FS_TICK) + 8;
    return 16 + 14 + TICK_LEN + 3 + w + (s->cbar[0] ? text_h(&fs->regular, FS_LABEL) + 6 : 0);
}

int plot_fig_draw(const struct plot_fig *f, const struct fonts *fs, struct drawing *d, struct hr_err *e)
{
    dl_init(d, f->w, f->h, rgba_make(255, 255, 255, 255));
    if (f->oom)
        return hr_fail(e, "plot: out of memory while adding series");
    if (f->np == 0)
        return hr_fail(e, "plot: figure has no panels");
    const struct font *reg = &fs->regular;
    double xlo, xhi;
    x_range(f, &xlo, &xhi);
    double ylo[PLOT_MAX_PANELS], yhi[PLOT_MAX_PANELS];
    for (int i = 0; i < f->np; i++)
        y_range(&f->panels[i], &ylo[i], &yhi[i]);

    /* Vertical layout. */
    float top = 12, title_h = text_h(&fs->bold, FS_TITLE);
    if (f->title[0])
        top += title_h + 10;
    float tick_h = text_h(reg, FS_TICK), label_h = text_h(reg, FS_LABEL);
    float bottom = 10 + TICK_LEN + 4 + tick_h + (f->xlabel[0] ? label_h + 8 : 0);
    float avail = f->h - top - bottom - PANEL_GAP * (f->np - 1), wsum = 0;
    for (int i = 0; i < f->np; i++)
        wsum += (float)f->panels[i].weight;
    float py0[PLOT_MAX_PANELS], py1[PLOT_MAX_PANELS], acc = top;
    for (int i = 0; i < f->np; i++) {
        py0[i] = roundf(acc);
        acc += avail * (float)f->panels[i].weight / wsum;
        py1[i] = roundf(acc);
        acc += PANEL_GAP;
    }
    /* y ticks of every panel, to size the left margin. */
    double yt[PLOT_MAX_PANELS][MAX_TICKS], ystep[PLOT_MAX_PANELS];
    int nyt[PLOT_MAX_PANELS];
    float tickw = 0, right = 22;
    int any_ylabel = 0;
    for (int i = 0; i < f->np; i++) {
        const struct plot_panel *p = &f->panels[i];
        nyt[i] = axis_ticks(reg, fmin(ylo[i], yhi[i]), fmax(ylo[i], yhi[i]), py1[i] - py0[i], 0, p->ystyle,
                            yt[i], &ystep[i]);
        for (int k = 0; k < nyt[i]; k++) {
            char buf[64];
            tick_label(yt[i][k], ystep[i], p->ystyle, buf, sizeof buf);
            float w = font_text_width(reg, buf, FS_TICK);
            if (w > tickw) tickw = w;
        }
        any_ylabel |= p->ylabel[0] != 0;
        const struct series *h;
        if (has_heat(p, &h)) {
            float cw = colorbar_width(fs, h);
            if (cw + 8 > right) right = cw + 8;
        }
    }
    float left = roundf(10 + (any_ylabel ? label_h + 8 : 0) + tickw + TICK_LEN + 5);
    float x0 = left, x1 = roundf((float)f->w - right);
    if (x1 - x0 < 20 || avail < 20)
        return hr_fail(e, "plot: figure %dx%d too small for its labels", f->w, f->h);
    double xt[MAX_TICKS], xstep;
    int nxt = axis_ticks(reg, xlo, xhi, x1 - x0, 1, f->xstyle, xt, &xstep);

    struct rgba grid = rgba_hex(C_GRID, 255), frame = rgba_hex(C_FRAME, 255);
    struct rgba text = rgba_hex(C_TEXT, 255), ticktext = rgba_hex(C_TICKTEXT, 255);
    size_t maxn = 16;
    for (int i = 0; i < f->np; i++)
        for (int j = 0; j < f->panels[i].ns; j++)
            if (f->panels[i].s[j].n * 2 + 4 > maxn)
                maxn = f->panels[i].s[j].n * 2 + 4;
    float *buf = malloc(maxn * 2 * sizeof(float));
    if (!buf)
        return hr_fail(e, "plot: out of memory");

    if (f->title[0]) {
        /* centred on the plot area, but never past the figure's edges: a title wider than the
         * figure is drawn smaller until it fits */
        float px = FS_TITLE, tw = plot_title_width(fs, f->title), room = plot_title_room(f->w);
        if (tw > room) {
            px = fmaxf(FS_TITLE_MIN, FS_TITLE * room / tw);
            tw *= px / FS_TITLE;
        }
        float cx = 0.5f * (x0 + x1);
        cx = fminf(cx, (float)f->w - TITLE_EDGE - 0.5f * tw);
        cx = fmaxf(cx, TITLE_EDGE + 0.5f * tw);
        dl_text(d, f->title, cx, 12 + font_ascent(&fs->bold, FS_TITLE), px, ANCHOR_MIDDLE, 0, 1, text);
    }
    for (int i = 0; i < f->np; i++) {
        const struct plot_panel *p = &f->panels[i];
        struct axis_map m = {x0, x1, py0[i], py1[i], xlo, xhi, ylo[i], yhi[i], p->yinv};
        /* grid */
        for (int k = 0; k < nxt; k++) {
            float gx = floorf(map_x(&m, xt[k])) + 0.5f, g[4] = {gx, m.y0, gx, m.y1};
            dl_polyline(d, g, 2, 1.0f, NULL, grid);
        }
        for (int k = 0; k < nyt[i]; k++) {
            float gy = floorf(map_y(&m, yt[i][k])) + 0.5f, g[4] = {m.x0, gy, m.x1, gy};
            dl_polyline(d, g, 2, 1.0f, NULL, grid);
        }
        /* series, clipped to the box */
        dl_clip(d, m.x0, m.y0, m.x1 - m.x0, m.y1 - m.y0);
        for (int j = 0; j < p->ns; j++) {
            const struct series *s = &p->s[j];
            switch (s->kind) {
            case S_LINE: draw_runs(d, &m, s, buf); break;
            case S_BAND: draw_band(d, &m, s, buf); break;
            case S_BARS: draw_bars(d, &m, s); break;
            case S_HEAT: draw_heat(d, &m, s); break;
            case S_REF: draw_ref(d, &m, s); break;
            case S_SCATTER:
                for (size_t k = 0; k < s->n; k++)
                    if (finite2(s->x[k], s->y[k]))
                        dl_circle(d, map_x(&m, s->x[k]), map_y(&m, s->y[k]), s->st.marker, s->st.color);
                break;
            }
        }
        dl_noclip(d);
        /* frame and ticks */
        float fr[10] = {m.x0 + 0.5f, m.y0 + 0.5f, m.x1 - 0.5f, m.y0 + 0.5f, m.x1 - 0.5f, m.y1 - 0.5f,
                        m.x0 + 0.5f, m.y1 - 0.5f, m.x0 + 0.5f, m.y0 + 0.5f};
        dl_polyline(d, fr, 5, 1.0f, NULL, frame);
        float tasc = font_ascent(reg, FS_TICK);
        for (int k = 0; k < nyt[i]; k++) {
            float gy = floorf(map_y(&m, yt[i][k])) + 0.5f, t[4] = {m.x0 - TICK_LEN, gy, m.x0, gy};
            dl_polyline(d, t, 2, 1.0f, NULL, frame);
            char lb[64];
            tick_label(yt[i][k], ystep[i], p->ystyle, lb, sizeof lb);
            dl_text(d, lb, m.x0 - TICK_LEN - 4, roundf(gy + tasc * 0.36f), FS_TICK, ANCHOR_END, 0, 0, ticktext);
        }
        for (int k = 0; k < nxt; k++) {
            float gx = floorf(map_x(&m, xt[k])) + 0.5f, t[4] = {gx, m.y1, gx, m.y1 + TICK_LEN};
            dl_polyline(d, t, 2, 1.0f, NULL, frame);
            if (i == f->np - 1) {
                char lb[64];
                tick_label(xt[k], xstep, f->xstyle, lb, sizeof lb);
                dl_text(d, lb, gx, m.y1 + TICK_LEN + 3 + tasc, FS_TICK, ANCHOR_MIDDLE, 0, 0, ticktext);
            }
        }
        if (p->ylabel[0])
            dl_text(d, p->ylabel, 10 + font_ascent(reg, FS_LABEL), roundf(0.5f * (m.y0 + m.y1)), FS_LABEL,
                    ANCHOR_MIDDLE, 1, 0, text);
        const struct series *h;
        if (has_heat(p, &h))
            colorbar(d, fs, h, m.x1 + 16, m.y0, m.y1);
        int note = draw_note(d, fs, &m, p);
        draw_legend(d, fs, &m, p, note);
    }
    if (f->xlabel[0])
        dl_text(d, f->xlabel, 0.5f * (x0 + x1), py1[f->np - 1] + TICK_LEN + 3 + tick_h + 6 + font_ascent(reg, FS_LABEL),
                FS_LABEL, ANCHOR_MIDDLE, 0, 0, text);
    free(buf);
    if (d->oom)
        return hr_fail(e, "plot: out of memory while drawing");
    return 0;
}

int plot_fig_save(const struct plot_fig *f, const char *path, struct hr_err *e)
{
    struct fonts fs;
    if (fonts_load(&fs, e))
        return -1;
    struct drawing d;
    int rc = plot_fig_draw(f, &fs, &d, e);
    if (!rc)
        rc = dl_save(&d, &fs, path, e);
    dl_free(&d);
    fonts_free(&fs);
    return rc;
}
