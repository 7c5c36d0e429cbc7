/* anim_forecast.c — animate_forecast (see anim_forecast.h): one figure per replay moment, drawn with the
 * plot layer at fixed axes and appended as a GIF delta frame. */
#include "report/anim_forecast.h"
#include "report/anim_frame.h"
#include "report/gif.h"
#include "report/plot.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORECAST_MAX_FRAMES 120 /* frames when o->frames is 0 */

/* Mean |forecast - recorded| over the steps after now where both exist; NaN when none. */
static double rest_mae(const float *fc, const float *rec, int from, int n)
{
    double sum = 0;
    int m = 0;
    for (int i = from; i < n; i++)
        if (isfinite(fc[i]) && isfinite(rec[i])) {
            sum += fabs(fc[i] - rec[i]);
            m++;
        }
    return m ? sum / m : NAN;
}

static struct plot_fig *moment_fig(const struct forecast_anim *a, int m, const float *tm, const float *known,
                                   const float *to_come, double ylo, double yhi)
{
    int W = a->width > 0 ? a->width : 800, H = a->height > 0 ? a->height : 450;
    struct plot_fig *f = plot_fig_new(W, H);
    if (!f)
        return NULL;
    int k = a->now[m];
    const float *fc = a->forecast + (size_t)m * (size_t)a->n;
    double now_min = tm[k > 0 ? k - 1 : 0];
    long secs = lround(now_min * 60);
    double mae = rest_mae(fc, a->hr_actual, k, a->n);
    char title[320], err[64] = "";
    if (isfinite(mae))
        snprintf(err, sizeof err, "   forecast MAE %.1f bpm", mae);
    snprintf(title, sizeof title, "%s%s%ld:%02ld min%s", a->title ? a->title : "", a->title && *a->title ? "   " : "",
             secs / 60, secs % 60, err);
    plot_fig_title(f, title);
    plot_fig_xlabel(f, "time (min)");
    plot_fig_xlim(f, tm[0], tm[a->n - 1]);
    struct plot_panel *p = plot_fig_panel(f, 1.0);
    plot_panel_ylabel(p, "heart rate (bpm)");
    plot_panel_ylim(p, ylo, yhi);
    plot_panel_legend(p, LEGEND_LOWER_RIGHT);
    if (a->window_s > 0 && a->window_s / 60 < tm[a->n - 1]) {
        float bx[2] = {tm[0], a->window_s / 60.0f}, blo[2] = {(float)ylo, (float)ylo}, bhi[2] = {(float)yhi, (float)yhi};
        char lab[64];
        snprintf(lab, sizeof lab, "calibration window (%g min)", a->window_s / 60);
        plot_band(p, bx, blo, bhi, 2, rgba_hex(PLOT_ORANGE, 48), lab);
    }
    plot_line(p, tm, to_come, (size_t)a->n, plot_style_line(PLOT_GRAY, 1.0f), "recorded (to come)");
    plot_line(p, tm, known, (size_t)a->n, plot_style_line(PLOT_BLUE, 1.4f), "recorded so far");
    plot_line(p, tm, fc, (size_t)a->n, plot_style_line(PLOT_RED, 1.8f), "forecast");
    plot_refline(p, now_min, ylo, now_min, yhi, plot_style_dashed(PLOT_GRAY, 1.0f, 4, 3), NULL);
    return f;
}

int animate_forecast(const struct forecast_anim *a, const struct anim_opts *o, const char *path,
                     struct hr_err *e)
{
    if (a->n < 2 || a->moments < 1)
        return hr_fail(e, "%s: a forecast animation needs at least 2 steps and one moment", path);
    int frames = o && o->frames > 0 ? o->frames : FORECAST_MAX_FRAMES;
    if (frames > a->moments)
        frames = a->moments;
    int delay = o && o->frame_cs > 0 ? o->frame_cs : 12, hold = o && o->hold_cs > 0 ? o->hold_cs : 300;
    size_t n = (size_t)a->n;
    float *tm = malloc(sizeof(float) * n * 3);
    if (!tm)
        return hr_fail(e, "%s: out of memory", path);
    float *known = tm + n, *to_come = tm + 2 * n;
    double ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        tm[i] = a->t[i] / 60.0f;
        if (isfinite(a->hr_actual[i]))
            ylo = fmin(ylo, a->hr_actual[i]), yhi = fmax(yhi, a->hr_actual[i]);
    }
    for (size_t i = 0; i < n * (size_t)a->moments; i++)
        if (isfinite(a->forecast[i]))
            ylo = fmin(ylo, a->forecast[i]), yhi = fmax(yhi, a->forecast[i]);
    if (!(ylo < yhi))
        ylo = 60, yhi = 200;
    double margin = (yhi - ylo) * 0.06 + 1;
    ylo -= margin;
    yhi += margin;
    struct anim_session as;
    int W = a->width > 0 ? a->width : 800, H = a->height > 0 ? a->height : 450, ok = 1;
    const struct rgba keys[] = {rgba_hex(PLOT_BLUE, 255), rgba_hex(PLOT_RED, 255), rgba_hex(PLOT_GRAY, 255),
                                rgba_hex(PLOT_ORANGE, 255)};
    if (anim_begin(&as, path, W, H, keys, 4, e)) {
        free(tm);
        return -1;
    }
    for (int fi = 0; fi < frames && ok; fi++) {
        int m = frames == 1 ? a->moments - 1 : (int)((long long)fi * (a->moments - 1) / (frames - 1));
        int k = a->now[m] < 0 ? 0 : a->now[m] > a->n ? a->n : a->now[m];
        for (int i = 0; i < a->n; i++) {
            known[i] = i < k ? a->hr_actual[i] : NAN;
            to_come[i] = i >= k - 1 ? a->hr_actual[i] : NAN;
        }
        struct plot_fig *f = moment_fig(a, m, tm, known, to_come, ylo, yhi);
        if (!f) {
            hr_fail(e, "%s: out of memory", path);
            ok = 0;
        } else
            ok = anim_frame(&as, f, fi == frames - 1 ? hold : delay, e) == 0;
    }
    free(tm);
    return anim_end(&as, ok, e) ? -1 : frames;
}
