/* altitude.c — altitude cleaning (see altitude.h; docs/data.md, "Altitude"). Four passes over the finite
 * samples in time order:
 *   1. out of range: below ALT_MIN_M or above ALT_MAX_M -> NaN;
 *   2. jumps: from the last accepted sample, a change larger than ALT_TOL_M + ALT_VJUMP_M_S * dt starts a
 *      departure. When a later sample within ALT_RETURN_S is back near the level left (ALT_TOL_M +
 *      ALT_VBACK_M_S * elapsed), the departure was a spike -> NaN. Otherwise the level shifted (a device
 *      switching between barometric and GPS altitude): the jump is removed from everything after it;
 *   3. the levels are re-anchored on the longest one (the others are the shifted ones, and counted);
 *   4. sustained climb rate: altitudes within one ALT_RATE_WINDOW_S window spanning more than
 *      ALT_TOL_M + ALT_RATE_MAX_M_S * window (ramps and swings of small steps, e.g. GPS altitude while the
 *      signal is poor) -> the window's samples NaN. */
#include "prep/altitude.h"
#include <math.h>
#include <stdlib.h>

static void mask_out_of_range(float *alt, int n, struct alt_counts *c)
{
    for (int i = 0; i < n; i++)
        if (isfinite(alt[i]) && (alt[i] < ALT_MIN_M || alt[i] > ALT_MAX_M)) {
            alt[i] = NAN;
            c->out_of_range++;
        }
}

/* Index of the first sample after i (within ALT_RETURN_S) back near the level a_ref left at t_ref, and
 * nearer to it than to the level a_jump it jumped to (both as recorded); -1 when none. */
static int find_return(const double *t, const float *alt, int n, int i, double t_ref, float a_ref, float a_jump)
{
    for (int j = i + 1; j < n && t[j] - t[i] <= ALT_RETURN_S; j++)
        if (isfinite(alt[j]) && fabsf(alt[j] - a_ref) <= ALT_TOL_M + ALT_VBACK_M_S * (float)(t[j] - t_ref) &&
            fabsf(alt[j] - a_ref) < fabsf(alt[j] - a_jump))
            return j;
    return -1;
}

/* Passes 2 and 3. level[i]: the cumulative jump removed from sample i; the result is continuous, then
 * moved back to the raw values of the longest level. */
static void fix_jumps(const double *t, float *alt, int n, double *level, struct alt_counts *c)
{
    double shift = 0;
    int g = -1; /* last accepted sample */
    for (int i = 0; i < n; i++) {
        level[i] = shift;
        if (!isfinite(alt[i]))
            continue;
        alt[i] -= (float)shift;
        if (g >= 0 && fabsf(alt[i] - alt[g]) > ALT_TOL_M + ALT_VJUMP_M_S * (float)(t[i] - t[g])) {
            int j = find_return(t, alt, n, i, t[g], alt[g] + (float)shift, alt[i] + (float)shift);
            if (j >= 0) {
                for (int k = i; k < j; k++)
                    if (isfinite(alt[k])) {
                        alt[k] = NAN;
                        c->spike++;
                    }
                for (int k = i + 1; k < j; k++)
                    level[k] = shift;
                i = j - 1;
                continue;
            }
            double jump = alt[i] - alt[g];
            shift += jump;
            alt[i] -= (float)jump;
            level[i] = shift;
        }
        g = i;
    }
    /* re-anchor: the level that lasts longest keeps its values */
    double best_len = -1, best = 0;
    for (int a = 0; a < n;) {
        int b = a;
        while (b + 1 < n && level[b + 1] == level[a])
            b++;
        double len = t[b] - t[a] + (b + 1 < n ? t[b + 1] - t[b] : 0);
        if (len > best_len) {
            best_len = len;
            best = level[a];
        }
        a = b + 1;
    }
    for (int i = 0; i < n; i++)
        if (isfinite(alt[i])) {
            alt[i] += (float)best;
            c->level_shift += level[i] != best;
        }
}

/* Pass 4: any window of ALT_RATE_WINDOW_S whose altitudes span more than a runner can climb or descend in
 * it (ALT_TOL_M + ALT_RATE_MAX_M_S * window): every sample of the window is masked. */
static void mask_climb_rate(const double *t, float *alt, int n, unsigned char *bad, struct alt_counts *c)
{
    for (int i = 0; i < n; i++)
        bad[i] = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(alt[i]))
            continue;
        float lo = alt[i], hi = alt[i];
        int j = i;
        for (int k = i + 1; k < n && t[k] - t[i] <= ALT_RATE_WINDOW_S; k++)
            if (isfinite(alt[k])) {
                lo = alt[k] < lo ? alt[k] : lo;
                hi = alt[k] > hi ? alt[k] : hi;
                j = k;
            }
        if (hi - lo > ALT_TOL_M + ALT_RATE_MAX_M_S * (float)ALT_RATE_WINDOW_S)
            for (int k = i; k <= j; k++)
                bad[k] = 1;
    }
    for (int i = 0; i < n; i++)
        if (bad[i] && isfinite(alt[i])) {
            alt[i] = NAN;
            c->climb_rate++;
        }
}

int altitude_clean(const double *t, float *alt, int n, struct alt_counts *c)
{
    double *level = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    unsigned char *bad = malloc((size_t)(n > 0 ? n : 1));
    if (!level || !bad) {
        free(level);
        free(bad);
        return -1;
    }
    mask_out_of_range(alt, n, c);
    fix_jumps(t, alt, n, level, c);
    mask_climb_rate(t, alt, n, bad, c);
    free(level);
    free(bad);
    return 0;
}
