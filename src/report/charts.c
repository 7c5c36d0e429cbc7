/* charts.c — the evaluation's standard figures (see charts.h) built on plot.h. */
#include "report/charts.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/plot.h"
#include "report/wview.h"

#define C_ACTUAL PLOT_BLUE
#define C_PRED PLOT_RED
#define C_SPEED PLOT_GREEN
#define C_ALT PLOT_BROWN

static struct rgba with_alpha(uint32_t hex, uint8_t a)
{
    return rgba_hex(hex, a);
}

static int finish(struct plot_fig *f, const char *path, struct hr_err *e)
{
    int rc = plot_fig_save(f, path, e);
    plot_fig_free(f);
    return rc;
}

static struct plot_fig *new_fig(int w, int h, int dw, int dh, const char *path, struct hr_err *e)
{
    struct plot_fig *f = plot_fig_new(w > 0 ? w : dw, h > 0 ? h : dh);
    if (!f)
        hr_fail(e, "%s: cannot make a %dx%d figure", path, w > 0 ? w : dw, h > 0 ? h : dh);
    return f;
}

int plot_workout(const struct workout_plot *w, const char *path, struct hr_err *e)
{
    if (!w->t || w->n < 2)
        return hr_fail(e, "%s: workout plot needs a time array of at least 2 samples", path);
    struct plot_fig *f = new_fig(w->width, w->height, 1100, 760, path, e);
    if (!f)
        return -1;
    float *tm = wview_minutes(w), *sp = w->speed ? wview_speed(w) : NULL, *lo = NULL, *hi = NULL;
    int rc = -1;
    if (!tm || (w->speed && !sp)) {
        hr_fail(e, "%s: out of memory", path);
        goto done;
    }
    plot_fig_title(f, w->title);
    plot_fig_xlabel(f, "time (min)");
    struct plot_panel *p = plot_fig_panel(f, 2.2);
    plot_panel_ylabel(p, "heart rate (bpm)");
    if (w->hr_pred && w->hr_sigma) {
        lo = malloc(w->n * sizeof *lo);
        hi = malloc(w->n * sizeof *hi);
        if (!lo || !hi) {
            hr_fail(e, "%s: out of memory", path);
            goto done;
        }
        for (size_t i = 0; i < w->n; i++) {
            lo[i] = w->hr_pred[i] - w->hr_sigma[i];
            hi[i] = w->hr_pred[i] + w->hr_sigma[i];
        }
        plot_band(p, tm, lo, hi, w->n, with_alpha(C_PRED, 46), "predicted \xc2\xb1 1\xcf\x83");
    }
    if (w->hr_actual)
        plot_line(p, tm, w->hr_actual, w->n, plot_style_line(C_ACTUAL, 1.3f), "actual");
    if (w->hr_pred)
        plot_line(p, tm, w->hr_pred, w->n, plot_style_line(C_PRED, 1.8f), "predicted");
    if (w->hr_pred && w->hr_actual) {
        char note[96];
        double mae = wview_mae(w->hr_pred, w->hr_actual, w->n);
        if (isfinite(mae)) {
            snprintf(note, sizeof note, "MAE %.1f bpm", mae);
            plot_panel_note(p, note);
        }
    }
    if (sp) {
        struct plot_panel *q = plot_fig_panel(f, 1.0);
        plot_panel_ylabel(q, wview_speed_label(w));
        if (w->pace) {
            plot_panel_ystyle(q, TICK_MMSS);
            plot_panel_yinvert(q, 1);
        }
        double slo, shi;
        if (wview_speed_range(w, sp, w->n, &slo, &shi) == 0) /* a steady pace stays flat */
            plot_panel_ylim(q, slo, shi);
        plot_line(q, tm, sp, w->n, plot_style_line(C_SPEED, 1.2f), NULL);
    }
    if (w->altitude) {
        struct plot_panel *q = plot_fig_panel(f, 1.0);
        plot_panel_ylabel(q, "altitude (m)");
        double alo = INFINITY, ahi = -INFINITY;
        for (size_t i = 0; i < w->n; i++)
            if (isfinite(w->altitude[i])) {
                alo = fmin(alo, w->altitude[i]);
                ahi = fmax(ahi, w->altitude[i]);
            }
        if (alo <= ahi) { /* at least 10 m of range so flat runs do not look hilly */
            double mid = 0.5 * (alo + ahi), half = fmax(0.5 * (ahi - alo) * 1.08, 5.0);
            plot_panel_ylim(q, mid - half, mid + half);
        }
        plot_band(q, tm, NULL, w->altitude, w->n, with_alpha(C_ALT, 40), NULL);
        plot_line(q, tm, w->altitude, w->n, plot_style_line(C_ALT, 1.2f), NULL);
    }
    float t0 = NAN, t1 = NAN;
    for (size_t i = 0; i < w->n; i++)
        if (isfinite(tm[i])) {
            if (!(t0 <= tm[i])) t0 = tm[i];
            if (!(t1 >= tm[i])) t1 = tm[i];
        }
    if (t0 < t1)
        plot_fig_xlim(f, t0, t1);
    rc = finish(f, path, e);
    f = NULL;
done:
    plot_fig_free(f);
    free(tm);
    free(sp);
    free(lo);
    free(hi);
    return rc;
}

static const struct chart_opts *opts_or_default(const struct chart_opts *o)
{
    static const struct chart_opts zero;
    return o ? o : &zero;
}

int plot_scatter_density(const float *pred, const float *actual, size_t n, const struct chart_opts *o,
                         const char *path, struct hr_err *e)
{
    o = opts_or_default(o);
    struct plot_fig *f = new_fig(o->width, o->height, 720, 640, path, e);
    if (!f)
        return -1;
    double lo = o->xlo, hi = o->xhi;
    if (lo == hi) { /* the common range of both, rounded out to 10 bpm */
        lo = INFINITY;
        hi = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (isfinite(pred[i]) && isfinite(actual[i])) {
                lo = fmin(lo, fmin(pred[i], actual[i]));
                hi = fmax(hi, fmax(pred[i], actual[i]));
            }
        if (!(lo < hi)) {
            lo = 40;
            hi = 200;
        }
        lo = floor(lo / 10) * 10;
        hi = ceil(hi / 10) * 10;
    }
    int bins = o->bins > 0 ? o->bins : 60;
    plot_fig_title(f, o->title);
    plot_fig_xlabel(f, o->xlabel ? o->xlabel : "actual HR (bpm)");
    plot_fig_xlim(f, lo, hi);
    struct plot_panel *p = plot_fig_panel(f, 1);
    plot_panel_ylabel(p, o->ylabel ? o->ylabel : "predicted HR (bpm)");
    plot_panel_ylim(p, lo, hi);
    plot_panel_note(p, o->note);
    plot_hist2d(p, actual, pred, n, bins, bins, lo, hi, lo, hi, !o->linear_color, "samples");
    plot_refline(p, lo, lo, hi, hi, plot_style_dashed(0x333333, 1.2f, 6, 4), "y = x");
    plot_panel_legend(p, LEGEND_LOWER_RIGHT);
    return finish(f, path, e);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

int plot_histogram(const float *values, size_t n, const struct chart_opts *o, const char *path,
                   struct hr_err *e)
{
    o = opts_or_default(o);
    struct plot_fig *f = new_fig(o->width, o->height, 800, 500, path, e);
    if (!f)
        return -1;
    float *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        plot_fig_free(f);
        return hr_fail(e, "%s: out of memory", path);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(values[i]))
            v[k++] = values[i];
    qsort(v, k, sizeof *v, cmp_float);
    plot_fig_title(f, o->title);
    plot_fig_xlabel(f, o->xlabel);
    plot_fig_xmargin(f, 0.02);
    if (o->xlo != o->xhi)
        plot_fig_xlim(f, o->xlo, o->xhi);
    struct plot_panel *p = plot_fig_panel(f, 1);
    plot_panel_ylabel(p, o->ylabel ? o->ylabel : "count");
    plot_panel_ystyle(p, TICK_INTEGER); /* counts: no 0.5 or 1.5 */
    plot_panel_note(p, o->note);
    if (o->ylo != o->yhi)
        plot_panel_ylim(p, o->ylo, o->yhi);
    double med = k == 0 ? NAN : k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
    /* with a fixed x range, the values beyond it are counted in the end bins, and the legend says how many:
     * every value of n is in a bar */
    size_t out = 0;
    for (size_t i = 0; o->xlo < o->xhi && i < k; i++)
        if (v[i] < o->xlo || v[i] > o->xhi) {
            v[i] = v[i] < o->xlo ? (float)o->xlo : (float)o->xhi;
            out++;
        }
    char label[96];
    if (out)
        snprintf(label, sizeof label, "n = %zu (%zu beyond %g..%g: in the end bars)", k, out, o->xlo, o->xhi);
    else
        snprintf(label, sizeof label, "n = %zu", k);
    plot_hist(p, v, k, o->bins > 0 ? o->bins : 40, o->xlo, o->xhi, rgba_hex(o->color ? o->color : PLOT_BLUE, 200),
              label);
    if (k) {
        snprintf(label, sizeof label, "median %.3g", med);
        plot_refline(p, med, 0, med, 1, plot_style_dashed(0x333333, 1.5f, 6, 4), label);
    }
    free(v);
    return finish(f, path, e);
}

static int add_xy(struct plot_panel *p, const struct xy_series *s, int ns, float default_marker)
{
    for (int i = 0; i < ns; i++) {
        struct rgba c = s[i].color ? rgba_hex(s[i].color, 255) : plot_cycle(i);
        if (s[i].lo && s[i].hi)
            if (plot_band(p, s[i].x, s[i].lo, s[i].hi, s[i].n, rgba_make(c.r, c.g, c.b, 50), NULL))
                return -1;
    }
    for (int i = 0; i < ns; i++) {
        struct rgba c = s[i].color ? rgba_hex(s[i].color, 255) : plot_cycle(i);
        struct plot_style st = {c, 1.8f, {0, 0}, s[i].marker > 0 ? s[i].marker : default_marker};
        if (s[i].dashed) {
            st.dash[0] = 7;
            st.dash[1] = 4;
        }
        if (plot_line(p, s[i].x, s[i].y, s[i].n, st, s[i].label))
            return -1;
    }
    return 0;
}

int plot_xy_lines(const struct xy_series *s, int ns, const struct chart_opts *o, const char *path,
                  struct hr_err *e)
{
    o = opts_or_default(o);
    struct plot_fig *f = new_fig(o->width, o->height, 900, 520, path, e);
    if (!f)
        return -1;
    plot_fig_title(f, o->title);
    plot_fig_xlabel(f, o->xlabel);
    if (o->xlo != o->xhi)
        plot_fig_xlim(f, o->xlo, o->xhi);
    if (o->x_integer)
        plot_fig_xstyle(f, TICK_INTEGER);
    struct plot_panel *p = plot_fig_panel(f, 1);
    plot_panel_ylabel(p, o->ylabel);
    plot_panel_note(p, o->note);
    if (o->ylo != o->yhi)
        plot_panel_ylim(p, o->ylo, o->yhi);
    add_xy(p, s, ns, 0);
    return finish(f, path, e);
}

int plot_calibration(const struct xy_series *s, int ns, const struct chart_opts *o, const char *path,
                     struct hr_err *e)
{
    o = opts_or_default(o);
    struct plot_fig *f = new_fig(o->width, o->height, 620, 580, path, e);
    if (!f)
        return -1;
    plot_fig_title(f, o->title);
    plot_fig_xlabel(f, o->xlabel ? o->xlabel : "nominal coverage");
    plot_fig_xlim(f, o->xlo != o->xhi ? o->xlo : 0, o->xlo != o->xhi ? o->xhi : 1);
    struct plot_panel *p = plot_fig_panel(f, 1);
    plot_panel_ylabel(p, o->ylabel ? o->ylabel : "observed coverage");
    plot_panel_ylim(p, o->ylo != o->yhi ? o->ylo : 0, o->ylo != o->yhi ? o->yhi : 1);
    plot_panel_note(p, o->note);
    plot_refline(p, 0, 0, 1, 1, plot_style_dashed(0x555555, 1.2f, 6, 4), "ideal");
    add_xy(p, s, ns, 3.2f);
    return finish(f, path, e);
}
