/* resample.c — see resample.h. */
#include "prep/resample.h"
#include <math.h>
#include <stdlib.h>

void resample_channel(const double *t, const float *v, int n, double t0, float step, int nsteps,
                      float max_interp, float *out)
{
    int lo = 0;       /* first sample with t >= bin start */
    int prev = -1;    /* last valid sample before the current bin */
    int scan = 0;     /* samples < scan have been considered for prev */
    int next = 0;     /* first valid sample at or after the current bin's end (hi never decreases, so
                       * neither does next: one pass over a channel with long gaps, not one per bin) */
    for (int k = 0; k < nsteps; k++) {
        double tk = t0 + (double)k * step;
        double b0 = tk - 0.5 * step, b1 = tk + 0.5 * step;
        while (lo < n && t[lo] < b0)
            lo++;
        while (scan < lo) {
            if (isfinite(v[scan]))
                prev = scan;
            scan++;
        }
        double sum = 0;
        int cnt = 0, hi = lo;
        for (; hi < n && t[hi] < b1; hi++)
            if (isfinite(v[hi])) {
                sum += v[hi];
                cnt++;
            }
        if (cnt) {
            out[k] = (float)(sum / cnt);
            continue;
        }
        if (next < hi)
            next = hi;
        while (next < n && !isfinite(v[next]))
            next++;
        if (prev >= 0 && next < n && t[next] - t[prev] <= max_interp) {
            double w = (tk - t[prev]) / (t[next] - t[prev]);
            out[k] = (float)(v[prev] + w * (v[next] - v[prev]));
        } else {
            out[k] = NAN;
        }
    }
}

double interp_at(const double *t, const double *d, int n, double x, int *hint)
{
    if (n <= 0)
        return 0;
    if (x <= t[0])
        return d[0];
    if (x >= t[n - 1])
        return d[n - 1];
    int i = hint && *hint > 0 && *hint < n && t[*hint - 1] <= x ? *hint : 1;
    while (i < n - 1 && t[i] < x)
        i++;
    if (hint)
        *hint = i;
    double w = (x - t[i - 1]) / (t[i] - t[i - 1]);
    return d[i - 1] + w * (d[i] - d[i - 1]);
}

double haversine_m(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371008.8, k = M_PI / 180.0;
    double dlat = (lat2 - lat1) * k, dlon = (lon2 - lon1) * k;
    double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * k) * cos(lat2 * k) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1 ? a : 1));
}
