/* plot.h — a small plotting layer over the display list: a figure of vertically stacked panels that
 * share one x axis; each panel has its own y axis (nice ticks, label with units, optional inversion
 * and m:ss labels), grid, legend (placed automatically in the emptiest corner) and an optional note.
 * Series: lines (NaN = gap), shaded bands, filled areas, scatter dots, histograms, 2-D density
 * heatmaps with a colour bar (linear or log counts) and infinite reference lines (e.g. y = x).
 * All data passed in is copied; the figure renders to PNG or SVG by the output's extension.
 *
 *   struct plot_fig *f = plot_fig_new(1000, 600);
 *   plot_fig_title(f, "Run 42");  plot_fig_xlabel(f, "time (min)");
 *   struct plot_panel *p = plot_fig_panel(f, 2.0);
 *   plot_panel_ylabel(p, "heart rate (bpm)");
 *   plot_line(p, t, hr, n, plot_style_line(PLOT_BLUE, 1.5f), "actual");
 *   if (plot_fig_save(f, "run42.png", &err)) ...;   plot_fig_free(f);
 */
#ifndef HRCAST_REPORT_PLOT_H
#define HRCAST_REPORT_PLOT_H
#include <stddef.h>
#include "report/canvas.h"
#include "report/draw.h"
#include "report/font.h"
#include "report/ticks.h"
#include "util/err.h"

#define PLOT_MAX_PANELS 6

/* The colour cycle (Tableau 10). */
#define PLOT_BLUE 0x1f77b4u
#define PLOT_ORANGE 0xff7f0eu
#define PLOT_GREEN 0x2ca02cu
#define PLOT_RED 0xd62728u
#define PLOT_PURPLE 0x9467bdu
#define PLOT_BROWN 0x8c564bu
#define PLOT_PINK 0xe377c2u
#define PLOT_GRAY 0x7f7f7fu
#define PLOT_OLIVE 0xbcbd22u
#define PLOT_CYAN 0x17becfu
/* i-th colour of the cycle (wraps). */
struct rgba plot_cycle(int i);
/* Viridis colour for t in [0, 1]. */
struct rgba plot_viridis(double t);

struct plot_style {
    struct rgba color;
    float width;    /* line width in px */
    float dash[2];  /* {on, off} px; zeros = solid */
    float marker;   /* radius of a dot drawn at every point; 0 = none */
};
struct plot_style plot_style_line(uint32_t hex, float width);
struct plot_style plot_style_dashed(uint32_t hex, float width, float on, float off);

enum legend_pos { LEGEND_AUTO = 0, LEGEND_NONE, LEGEND_UPPER_RIGHT, LEGEND_UPPER_LEFT, LEGEND_LOWER_RIGHT,
                  LEGEND_LOWER_LEFT };

struct plot_fig;
struct plot_panel;

struct plot_fig *plot_fig_new(int width, int height); /* NULL on bad size / out of memory */
void plot_fig_free(struct plot_fig *f);
void plot_fig_title(struct plot_fig *f, const char *title);
/* Width in px of a title at the title's font size, and the width a title may take in a figure fig_width px wide; a wider
 * title is drawn smaller (down to 10 px) to fit. */
float plot_title_width(const struct fonts *fs, const char *title);
float plot_title_room(int fig_width);
void plot_fig_xlabel(struct plot_fig *f, const char *label);
/* Shared x limits; lo == hi (the default) means automatic from the data. */
void plot_fig_xlim(struct plot_fig *f, double lo, double hi);
void plot_fig_xstyle(struct plot_fig *f, enum tick_style style);
/* Fraction of the data range added on both sides of an automatic x range (default 0). */
void plot_fig_xmargin(struct plot_fig *f, double frac);
/* Add a panel below the existing ones; weight sets its share of the height. NULL when full. */
struct plot_panel *plot_fig_panel(struct plot_fig *f, double weight);

void plot_panel_ylabel(struct plot_panel *p, const char *label);
void plot_panel_ylim(struct plot_panel *p, double lo, double hi); /* lo == hi: automatic */
void plot_panel_ymargin(struct plot_panel *p, double frac);       /* default 0.05 */
void plot_panel_yinvert(struct plot_panel *p, int on);           /* larger values lower */
void plot_panel_ystyle(struct plot_panel *p, enum tick_style style);
void plot_panel_legend(struct plot_panel *p, enum legend_pos pos);
/* A short text (lines split by '\n') in a box in the upper-left corner of the panel. */
void plot_panel_note(struct plot_panel *p, const char *text);

/* Series. Return 0, or -1 when out of memory (the figure then also fails to save). label may be
 * NULL (no legend entry). Non-finite values are gaps (lines, bands) or skipped (others). */
int plot_line(struct plot_panel *p, const float *x, const float *y, size_t n, struct plot_style st,
              const char *label);
/* Shaded band between lo and hi; lo NULL fills down to the bottom of the panel (an area). */
int plot_band(struct plot_panel *p, const float *x, const float *lo, const float *hi, size_t n,
              struct rgba fill, const char *label);
int plot_scatter(struct plot_panel *p, const float *x, const float *y, size_t n, struct rgba col,
                 float radius, const char *label);
/* Histogram of v in bins equal bins over [lo, hi] (lo == hi: data range); values outside are
 * dropped. The panel's automatic y range then starts at 0. */
int plot_hist(struct plot_panel *p, const float *v, size_t n, int bins, double lo, double hi,
              struct rgba fill, const char *label);
/* 2-D histogram of (x, y) on nx by ny cells over the given ranges (lo == hi: data range), shown with
 * viridis and a colour bar titled cbar_label; log_color maps log(count). Empty cells stay blank. */
int plot_hist2d(struct plot_panel *p, const float *x, const float *y, size_t n, int nx, int ny,
                double xlo, double xhi, double ylo, double yhi, int log_color, const char *cbar_label);
/* The infinite line through (x0, y0) and (x1, y1), clipped to the panel (x0 == x1: vertical). */
int plot_refline(struct plot_panel *p, double x0, double y0, double x1, double y1, struct plot_style st,
                 const char *label);

/* Record the figure into d (initialised here at the figure's size). */
int plot_fig_draw(const struct plot_fig *f, const struct fonts *fs, struct drawing *d, struct hr_err *e);
/* Load fonts, draw and write PNG or SVG by the extension of path (atomic). */
int plot_fig_save(const struct plot_fig *f, const char *path, struct hr_err *e);

#endif
