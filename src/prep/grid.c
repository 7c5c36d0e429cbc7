/* grid.c — derived channels of a grid series: distance as the integral of speed, grade from
 * smoothed altitude over distance; and planned runs (speed/altitude profiles) as series. */
#include "prep/prep.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRADE_WINDOW_S 30.0f  /* half-width of the altitude smoothing and grade baseline */
#define GRADE_MIN_RUN_M 10.0f /* below this horizontal run the grade is taken as 0 */
#define GRADE_LIMIT 0.35f

int grade_half_steps(float step)
{
    int half = (int)ceilf(GRADE_WINDOW_S / step);
    return half < 1 ? 1 : half;
}

float grade_at(const double *pre, const float *dist, int n, int i, int half)
{
    int a = i - half, b = i + half;
    if (a < 0)
        a = 0;
    if (b > n - 1)
        b = n - 1;
    /* smoothed altitude at a and b */
    int a0 = a - half < 0 ? 0 : a - half, a1 = a + half > n - 1 ? n - 1 : a + half;
    int b0 = b - half < 0 ? 0 : b - half, b1 = b + half > n - 1 ? n - 1 : b + half;
    double alt_a = (pre[a1 + 1] - pre[a0]) / (a1 - a0 + 1);
    double alt_b = (pre[b1 + 1] - pre[b0]) / (b1 - b0 + 1);
    double run = (double)dist[b] - dist[a];
    double g = run >= GRADE_MIN_RUN_M ? (alt_b - alt_a) / run : 0.0;
    if (g > GRADE_LIMIT)
        g = GRADE_LIMIT;
    if (g < -GRADE_LIMIT)
        g = -GRADE_LIMIT;
    return (float)g;
}

void series_finish_grid(struct series *s)
{
    int n = s->n;
    float *spd = S_SPEED(s), *alt = S_ALT(s), *dist = S_DIST(s), *grade = S_GRADE(s);
    double d = 0;
    for (int i = 0; i < n; i++) {
        S_TIME(s)[i] = (float)i * s->step;
        dist[i] = (float)d;
        d += (double)spd[i] * s->step;
    }
    int half = grade_half_steps(s->step);
    /* moving average of altitude over +-half steps (prefix sums in double) */
    double *pre = malloc(sizeof(double) * (size_t)(n + 1));
    if (!pre) {
        memset(grade, 0, sizeof(float) * (size_t)n);
        return;
    }
    pre[0] = 0;
    for (int i = 0; i < n; i++)
        pre[i + 1] = pre[i] + alt[i];
    for (int i = 0; i < n; i++)
        grade[i] = grade_at(pre, dist, n, i, half);
    free(pre);
}

int series_from_profile(const float *speed, const float *alt, int n, float step, char gender,
                        struct series *out)
{
    if (n <= 0 || !(step > 0))
        return -1;
    if (series_alloc(out, n, step))
        return -1;
    for (int i = 0; i < n; i++) {
        float v = speed[i];
        S_SPEED(out)[i] = isfinite(v) && v > 0 ? v : 0.0f;
        S_ALT(out)[i] = alt && isfinite(alt[i]) ? alt[i] : 0.0f;
    }
    out->meta.has_alt = alt != NULL;
    out->meta.gender = gender;
    snprintf(out->meta.sport, sizeof out->meta.sport, "running");
    snprintf(out->meta.source, sizeof out->meta.source, "profile");
    series_finish_grid(out);
    return 0;
}
