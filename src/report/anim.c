/* anim.c — animate_workout (see charts.h): each frame is a two-panel figure (HR, speed/pace) with the
 * data revealed up to that frame's time, rendered with fixed axes and written as a GIF delta frame. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/anim_frame.h"
#include "report/charts.h"
#include "report/gif.h"
#include "report/plot.h"
#include "report/wview.h"
#include "util/utf8.h"

static void range_of(const float *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
}

static void pad(double *lo, double *hi)
{
    if (!(*lo < *hi)) {
        *lo = isfinite(*lo) ? *lo - 1 : 0;
        *hi = isfinite(*hi) ? *hi + 1 : 1;
    }
    double p = (*hi - *lo) * 0.05;
    *lo -= p;
    *hi += p;
}

/* The last finite point among the first k, as a dot marking the head of a curve. */
static void head_dot(struct plot_panel *p, const float *x, const float *y, size_t k, uint32_t hex)
{
    while (k > 0 && !(isfinite(x[k - 1]) && isfinite(y[k - 1])))
        k--;
    if (k > 0)
        plot_scatter(p, &x[k - 1], &y[k - 1], 1, rgba_hex(hex, 255), 3.5f, NULL);
}

struct anim_ctx {
    const struct workout_plot *w;
    float *tm, *sp;
    double tmin, tmax, hlo, hhi, slo, shi;
    char base[256]; /* the workout's title, shortened so that the clock and running MAE always fit */
};

/* The widest clock and running-MAE part a frame's title can have. */
#define WIDEST_TITLE_TAIL "   000:00 min   running MAE 000.0 bpm"

/* a->base = w->title, cut with "..." until the title with its widest tail fits the figure
 * (the same cut in every frame, so the title does not jump between frames). */
static void fit_base_title(struct anim_ctx *a, const struct fonts *fs, float room)
{
    const char *t = a->w->title ? a->w->title : "";
    snprintf(a->base, sizeof a->base, "%s", t);
    char probe[320];
    size_t keep = strlen(a->base);
    for (;;) {
        snprintf(probe, sizeof probe, "%s" WIDEST_TITLE_TAIL, a->base);
        if (plot_title_width(fs, probe) <= room || keep == 0)
            break;
        keep = utf8_cut_back(t, keep - 1, t[keep - 1]); /* whole UTF-8 characters */
        snprintf(a->base, sizeof a->base, "%.*s...", (int)keep, t);
    }
    if (keep == 0)
        a->base[0] = 0;
}

static int frame_fig(const struct anim_ctx *a, size_t k, struct plot_fig **out)
{
    const struct workout_plot *w = a->w;
    struct plot_fig *f = plot_fig_new(w->width > 0 ? w->width : 800, w->height > 0 ? w->height : 450);
    if (!f)
        return -1;
    char title[256], clock[32];
    double t = k ? a->tm[k - 1] : a->tmin;
    if (!isfinite(t)) t = 0;
    long secs = lround(t * 60);
    snprintf(clock, sizeof clock, "%ld:%02ld", secs / 60, secs % 60);
    double mae = w->hr_pred && w->hr_actual ? wview_mae(w->hr_pred, w->hr_actual, k) : NAN;
    const char *sep = a->base[0] ? "   " : "";
    if (isfinite(mae))
        snprintf(title, sizeof title, "%s%s%s min   running MAE %.1f bpm", a->base, sep, clock, mae);
    else
        snprintf(title, sizeof title, "%s%s%s min", a->base, sep, clock);
    plot_fig_title(f, title);
    plot_fig_xlabel(f, "time (min)");
    plot_fig_xlim(f, a->tmin, a->tmax);
    struct plot_panel *p = plot_fig_panel(f, 2.0);
    plot_panel_ylabel(p, "heart rate (bpm)");
    plot_panel_ylim(p, a->hlo, a->hhi);
    plot_panel_legend(p, LEGEND_LOWER_RIGHT);
    if (w->hr_actual) {
        plot_line(p, a->tm, w->hr_actual, k, plot_style_line(PLOT_BLUE, 1.3f), "actual");
        head_dot(p, a->tm, w->hr_actual, k, PLOT_BLUE);
    }
    if (w->hr_pred) {
        plot_line(p, a->tm, w->hr_pred, k, plot_style_line(PLOT_RED, 1.8f), "predicted");
        head_dot(p, a->tm, w->hr_pred, k, PLOT_RED);
    }
    if (a->sp) {
        struct plot_panel *q = plot_fig_panel(f, 1.0);
        plot_panel_ylabel(q, w->pace ? "pace (min/km)" : "speed (m/s)");
        plot_panel_ylim(q, a->slo, a->shi);
        if (w->pace) {
            plot_panel_ystyle(q, TICK_MMSS);
            plot_panel_yinvert(q, 1);
        }
        plot_line(q, a->tm, a->sp, k, plot_style_line(PLOT_GREEN, 1.2f), NULL);
    }
    *out = f;
    return 0;
}

int anim_begin(struct anim_session *s, const char *path, int w, int h, const struct rgba *keys, int nkeys,
               struct hr_err *e)
{
    memset(s, 0, sizeof *s);
    if (fonts_load(&s->fs, e))
        return -1;
    s->have_fonts = 1;
    if (canvas_init(&s->c, w, h, rgba_make(255, 255, 255, 255), e) == 0) {
        s->have_canvas = 1;
        if (gif_open(&s->g, path, w, h, keys, nkeys, 1, e) == 0)
            return 0;
    }
    anim_end(s, 0, e);
    return -1;
}

int anim_frame(struct anim_session *s, struct plot_fig *f, int delay_cs, struct hr_err *e)
{
    dl_free(&s->d);
    int r = plot_fig_draw(f, &s->fs, &s->d, e);
    plot_fig_free(f);
    return r || dl_render(&s->d, &s->fs, &s->c, e) || gif_add_frame(s->g, &s->c, delay_cs, e) ? -1 : 0;
}

int anim_end(struct anim_session *s, int ok, struct hr_err *e)
{
    int rc = -1;
    if (s->g && ok)
        rc = gif_close(s->g, e);
    else if (s->g)
        gif_abort(s->g);
    s->g = NULL;
    dl_free(&s->d);
    if (s->have_canvas)
        canvas_free(&s->c);
    if (s->have_fonts)
        fonts_free(&s->fs);
    s->have_canvas = s->have_fonts = 0;
    return rc;
}

int animate_workout(const struct workout_plot *w, const struct anim_opts *o, const char *path,
                    struct hr_err *e)
{
    static const struct anim_opts defaults;
    if (!o) o = &defaults;
    if (!w->t || w->n < 2)
        return hr_fail(e, "%s: animation needs a time array of at least 2 samples", path);
    int frames = o->frames > 0 ? o->frames : 90, delay = o->frame_cs > 0 ? o->frame_cs : 8;
    int hold = o->hold_cs > 0 ? o->hold_cs : 300;
    struct anim_ctx a = {w, wview_minutes(w), w->speed ? wview_speed(w) : NULL, INFINITY, -INFINITY,
                         INFINITY, -INFINITY, INFINITY, -INFINITY, ""};
    struct anim_session as;
    int rc = -1, began = 0;
    if (!a.tm || (w->speed && !a.sp)) {
        hr_fail(e, "%s: out of memory", path);
        goto done;
    }
    range_of(a.tm, w->n, &a.tmin, &a.tmax);
    if (!(a.tmin < a.tmax)) {
        hr_fail(e, "%s: time does not advance", path);
        goto done;
    }
    range_of(w->hr_actual, w->n, &a.hlo, &a.hhi);
    range_of(w->hr_pred, w->n, &a.hlo, &a.hhi);
    pad(&a.hlo, &a.hhi);
    if (!a.sp || wview_speed_range(w, a.sp, w->n, &a.slo, &a.shi)) { /* a steady pace stays flat */
        range_of(a.sp, w->n, &a.slo, &a.shi);
        pad(&a.slo, &a.shi);
    }
    int W = w->width > 0 ? w->width : 800, H = w->height > 0 ? w->height : 450;
    const struct rgba keys[] = {rgba_hex(PLOT_BLUE, 255), rgba_hex(PLOT_RED, 255), rgba_hex(PLOT_GREEN, 255)};
    if (anim_begin(&as, path, W, H, keys, 3, e))
        goto done;
    began = 1;
    fit_base_title(&a, &as.fs, plot_title_room(W));
    for (int i = 0; i < frames; i++) {
        size_t k = (size_t)ceil((double)w->n * (i + 1) / frames);
        struct plot_fig *f;
        if (frame_fig(&a, k, &f)) {
            hr_fail(e, "%s: out of memory", path);
            goto done;
        }
        if (anim_frame(&as, f, i == frames - 1 ? hold : delay, e))
            goto done;
    }
    rc = 0;
done:
    if (began)
        rc = anim_end(&as, rc == 0, e);
    free(a.tm);
    free(a.sp);
    return rc;
}
