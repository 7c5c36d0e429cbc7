/* charts.h — the figures the evaluation asks for, as one call each. Inputs are plain float arrays
 * (NaN = missing; units: s, bpm, m/s, m); the output type follows the path's extension (.png or .svg;
 * .gif for animate_workout). All return 0, or -1 with e filled; files appear whole or not at all.
 * Output is deterministic: the same inputs give the same bytes. */
#ifndef HRCAST_REPORT_CHARTS_H
#define HRCAST_REPORT_CHARTS_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* One workout, predicted against actual. Only t and n are required; a NULL array drops its
 * curve (hr_sigma: the band) or its panel (speed, altitude). */
struct workout_plot {
    const float *t;          /* seconds since start */
    const float *hr_actual;  /* bpm, recorded (NaN = dropout) */
    const float *hr_pred;    /* bpm, predicted */
    const float *hr_sigma;   /* bpm, predicted 1-sigma: drawn as a band pred +- sigma */
    const float *speed;      /* m/s */
    const float *altitude;   /* m */
    size_t n;
    const char *title;       /* e.g. "athlete 12 - 2019-05-04 - LSTM" */
    int pace;                /* 1: show speed as pace in min/km (m:ss, faster up) */
    int width, height;       /* px; 0 = 1100 x 760 (plot_workout) or 800 x 450 (animate_workout) */
};

/* Three panels sharing a time axis in minutes: heart rate (actual, predicted, optional +-1 sigma
 * band, MAE in a note), speed or pace, altitude (filled). */
int plot_workout(const struct workout_plot *w, const char *path, struct hr_err *e);

struct anim_opts {
    int frames;   /* frames of the reveal; 0 = 90 */
    int frame_cs; /* display time of each frame in 1/100 s; 0 = 8 */
    int hold_cs;  /* display time of the last frame; 0 = 300 */
};
/* GIF of the gradual reveal of actual and predicted HR (top) and speed/pace (bottom), with the elapsed
 * time and the running MAE in the title. o may be NULL for defaults. */
int animate_workout(const struct workout_plot *w, const struct anim_opts *o, const char *path,
                    struct hr_err *e);

/* Options shared by the generic charts; zero-initialise and set what you need. */
struct chart_opts {
    const char *title, *xlabel, *ylabel;
    const char *note;      /* text in a box at the upper left ('\n' separates lines), e.g. metrics */
    int width, height;     /* px; 0 = chart default */
    int bins;              /* histogram / density bins per axis; 0 = 40 / 60 */
    double xlo, xhi;       /* x limits; xlo == xhi = automatic */
    double ylo, yhi;       /* y limits; ylo == yhi = automatic */
    int linear_color;      /* density: 1 = linear colour scale (default logarithmic) */
    uint32_t color;        /* 0xRRGGBB for the histogram; 0 = blue */
    int x_integer;         /* x is a count (epochs): ticks at whole numbers only */
};

/* 2-D density of predicted (y) against actual (x) with a y = x line, equal ranges on both axes.
 * Defaults: labels "actual HR (bpm)" / "predicted HR (bpm)", 60 x 60 bins, log colour. */
int plot_scatter_density(const float *pred, const float *actual, size_t n, const struct chart_opts *o,
                         const char *path, struct hr_err *e);
/* Histogram of values (e.g. per-workout MAE) with the median marked and given in the legend; the y axis counts
 * (whole-number ticks). With a fixed x range (o->xlo < o->xhi) the values beyond it are counted in the first
 * or last bar and the legend says how many ("n = 9847 (12 beyond -50..50: in the end bars)"). */
int plot_histogram(const float *values, size_t n, const struct chart_opts *o, const char *path,
                   struct hr_err *e);

/* One curve of plot_xy_lines / plot_calibration. */
struct xy_series {
    const float *x, *y;    /* n points; NaN = gap */
    size_t n;
    const char *label;     /* legend text, NULL = none */
    const float *lo, *hi;  /* optional band (e.g. IQR or +-sd), both or neither */
    uint32_t color;        /* 0xRRGGBB; 0 = next colour of the cycle */
    int dashed;
    float marker;          /* dot radius at every point, 0 = none */
};
/* Several curves on one axis: MAE by minute of workout, training/validation loss per epoch, ... */
int plot_xy_lines(const struct xy_series *s, int ns, const struct chart_opts *o, const char *path,
                  struct hr_err *e);
/* Calibration: observed against nominal coverage (or probability) on [0,1]^2 by default, with the
 * ideal diagonal; each series drawn with dots. Defaults: "nominal coverage" / "observed coverage". */
int plot_calibration(const struct xy_series *s, int ns, const struct chart_opts *o, const char *path,
                     struct hr_err *e);

#endif
