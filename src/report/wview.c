/* wview.c — see wview.h. */
#include "report/wview.h"
#include <math.h>
#include <stdlib.h>

float *wview_minutes(const struct workout_plot *w)
{
    float *m = malloc((w->n ? w->n : 1) * sizeof *m);
    if (m)
        for (size_t i = 0; i < w->n; i++)
            m[i] = w->t[i] / 60.0f;
    return m;
}

float *wview_speed(const struct workout_plot *w)
{
    float *s = malloc((w->n ? w->n : 1) * sizeof *s);
    if (!s)
        return NULL;
    for (size_t i = 0; i < w->n; i++) {
        float v = w->speed[i];
        if (!w->pace)
            s[i] = v;
        else
            s[i] = isfinite(v) && v >= PACE_MIN_SPEED ? 1000.0f / (60.0f * v) : NAN;
    }
    return s;
}

double wview_mae(const float *pred, const float *actual, size_t n)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(pred[i]) && isfinite(actual[i])) {
            sum += fabs((double)pred[i] - actual[i]);
            k++;
        }
    return k ? sum / (double)k : NAN;
}

int wview_speed_range(const struct workout_plot *w, const float *sp, size_t n, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(sp[i])) {
            a = fmin(a, sp[i]);
            b = fmax(b, sp[i]);
        }
    if (!(a <= b))
        return -1;
    double mid = 0.5 * (a + b), half = fmax(0.5 * (b - a) * 1.08, 0.5 * (w->pace ? PACE_MIN_SPAN : SPEED_MIN_SPAN));
    *lo = mid - half;
    *hi = mid + half;
    return 0;
}

const char *wview_speed_label(const struct workout_plot *w)
{
    return w->pace ? "pace (min/km)" : "speed (m/s)";
}
