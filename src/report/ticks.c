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

static int ticks_of(double lo, double hi, int target, int integer, double *ticks, int max, double *step)
{
    if (step)
        *step = 0;
    if (max < 1 || !isfinite(lo) || !isfinite(hi) || lo > hi)
        return 0;
    if (lo == hi) {
        ticks[0] = lo;
        return 1;
    }
    /* Among the nice steps near span/target, take the one whose tick count is closest to target+1
     * (ties: the larger step). */
    double raw = (hi - lo) / target, mag = pow(10.0, floor(log10(raw))), s = 0, best = 0;
    static const double mult[] = {1, 2, 2.5, 5};
    for (int p = -1; p <= 1; p++)
        for (int i = 0; i < 4; i++) {
            double c = mult[i] * mag * pow(10.0, p);
            if (integer && (c < 1 - 1e-9 || fabs(c - round(c)) > 1e-9 * c))
                continue;
            double cnt = floor(hi / c + 1e-9) - ceil(lo / c - 1e-9) + 1;
            double miss = fabs(cnt - (target + 1));
            if (cnt >= 2 && (s == 0 || miss < best || (miss == best && c > s))) {
                s = c;
                best = miss;
            }
        }
    if (s == 0)
        s = nice_step(hi - lo, target);
    if (integer && (s < 1 || fabs(s - round(s)) > 1e-9 * s)) /* no whole-number candidate fitted */
        s = s < 1 ? 1 : 2 * s;
    if (integer)
        s = round(s);
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

int nice_ticks(double lo, double hi, int target, double *ticks, int max, double *step)
{
    return ticks_of(lo, hi, target, 0, ticks, max, step);
}

int nice_ticks_integer(double lo, double hi, int target, double *ticks, int max, double *step)
{
    return ticks_of(lo, hi, target, 1, ticks, max, step);
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
