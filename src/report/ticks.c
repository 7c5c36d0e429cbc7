/* ticks.c — nice tick steps, tick positions and labels (see ticks.h). */
#include "report/ticks.h"
#include <math.h>
#include <stdio.h>

double nice_step(double span, int target)
{
    if (!(span > 0) || !isfinite(span) || target < 1)
        return 0;
    double raw = span / target;
    double mag = pow(10.0, floor(log10(raw)));
    static const double mult[] = {1, 2, 2.5, 5, 10};
    for (int i = 0; i < 5; i++)
        if (mult[i] * mag >= raw * (1 - 1e-9))
            return mult[i] * mag;
    return 10 * mag;
}

/* Degenerate ranges: no tick (bad input), or the one tick lo when lo == hi; returns 1 when handled (*n set). */
static int ticks_trivial(double lo, double hi, double *ticks, int max, double *step, int *n)
{
    if (step)
        *step = 0;
    *n = 0;
    if (max < 1 || !isfinite(lo) || !isfinite(hi) || lo > hi)
        return 1;
    if (lo == hi) {
        ticks[0] = lo;
        *n = 1;
        return 1;
    }
    return 0;
}

/* Step candidate c: kept in *s when its tick count inside [lo, hi] is closer to target+1 than *s's (*best:
 * that miss), ties to the larger step; never one with fewer than 2 ticks. */
static void consider_step(double lo, double hi, int target, double c, double *s, double *best)
{
    double cnt = floor(hi / c + 1e-9) - ceil(lo / c - 1e-9) + 1;
    double miss = fabs(cnt - (target + 1));
    if (cnt >= 2 && (*s == 0 || miss < *best || (miss == *best && c > *s))) {
        *s = c;
        *best = miss;
    }
}

/* The multiples of s inside [lo, hi] (at most max); *step = s. */
static int ticks_every(double lo, double hi, double s, double *ticks, int max, double *step)
{
    if (step)
        *step = s;
    double k0 = ceil(lo / s - 1e-9), k1 = floor(hi / s + 1e-9);
    int n = 0;
    for (double k = k0; k <= k1 && n < max; k += 1) {
        double v = k * s;
        ticks[n++] = fabs(v) < s * 1e-9 ? 0.0 : v;
    }
    return n;
}

static int ticks_of(double lo, double hi, int target, int integer, double *ticks, int max, double *step)
{
    int n;
    if (ticks_trivial(lo, hi, ticks, max, step, &n))
        return n;
    /* Among the nice steps near span/target, take the one whose tick count is closest to target+1
     * (ties: the larger step). */
    double raw = (hi - lo) / target, mag = pow(10.0, floor(log10(raw))), s = 0, best = 0;
    static const double mult[] = {1, 2, 2.5, 5};
    for (int p = -1; p <= 1; p++)
        for (int i = 0; i < 4; i++) {
            double c = mult[i] * mag * pow(10.0, p);
            if (integer && (c < 1 - 1e-9 || fabs(c - round(c)) > 1e-9 * c))
                continue;
            consider_step(lo, hi, target, c, &s, &best);
        }
    if (s == 0)
        s = nice_step(hi - lo, target);
    if (integer && (s < 1 || fabs(s - round(s)) > 1e-9 * s)) /* no whole-number candidate fitted */
        s = s < 1 ? 1 : 2 * s;
    if (integer)
        s = round(s);
    return ticks_every(lo, hi, s, ticks, max, step);
}

int nice_ticks(double lo, double hi, int target, double *ticks, int max, double *step)
{
    return ticks_of(lo, hi, target, 0, ticks, max, step);
}

/* m:ss axes: steps of whole seconds or minutes that a clock reads (1, 2, 5, 10, 15, 20, 30 s; 1, 2, 5,
 * 10, 15, 20, 30 min; 1, 2 h), so that labels rounded to the second never repeat. */
static int ticks_mmss(double lo, double hi, int target, double *ticks, int max, double *step)
{
    static const double secs[] = {1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200};
    int n;
    if (ticks_trivial(lo, hi, ticks, max, step, &n))
        return n;
    double s = 0, best = 0;
    for (size_t i = 0; i < sizeof secs / sizeof *secs; i++)
        consider_step(lo, hi, target, secs[i] / 60.0, &s, &best);
    if (s == 0) /* a span under 2 s: one tick a second, if any falls inside */
        s = 1 / 60.0;
    return ticks_every(lo, hi, s, ticks, max, step);
}

int nice_ticks_integer(double lo, double hi, int target, double *ticks, int max, double *step)
{
    return ticks_of(lo, hi, target, 1, ticks, max, step);
}

int axis_style_ticks(double lo, double hi, int target, enum tick_style style, double *ticks, int max, double *step)
{
    return style == TICK_INTEGER ? ticks_of(lo, hi, target, 1, ticks, max, step)
           : style == TICK_MMSS  ? ticks_mmss(lo, hi, target, ticks, max, step)
                                 : ticks_of(lo, hi, target, 0, ticks, max, step);
}

int tick_decimals(double step)
{
    if (!(step > 0) || !isfinite(step))
        return 0;
    for (int d = 0; d < 9; d++) {
        double v = step * pow(10.0, d);
        if (fabs(v - round(v)) < 1e-6 * v)
            return d;
    }
    return 9;
}

void tick_label(double v, double step, enum tick_style style, char *buf, size_t n)
{
    if (style == TICK_MMSS) {
        double secs = round(v * 60.0);
        int neg = secs < 0;
        long s = (long)fabs(secs);
        snprintf(buf, n, "%s%ld:%02ld", neg ? "-" : "", s / 60, s % 60);
        return;
    }
    int d = tick_decimals(step);
    snprintf(buf, n, "%.*f", d, v);
    /* "-0", "-0.0" -> without the sign */
    int allzero = 1;
    for (const char *p = buf; *p; p++)
        if (*p >= '1' && *p <= '9')
            allzero = 0;
    if (allzero && buf[0] == '-')
        for (char *p = buf; *p; p++)
            p[0] = p[1];
}
