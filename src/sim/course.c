/* course.c — random smooth terrain and profile lookup (see course.h). */
#include "sim/course.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sim/sim_rng.h"

#define COURSE_SPACING 5.0f
#define N_WAVES 6

int sim_course_random(struct sim_course *c, double length_m, double hilliness, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    if (length_m < 10)
        length_m = 10;
    int n = (int)ceil(length_m / COURSE_SPACING) + 1;
    c->alt = malloc((size_t)n * sizeof *c->alt);
    if (!c->alt)
        return -1;
    c->n = n;
    c->spacing = COURSE_SPACING;
    c->length = (n - 1) * (double)COURSE_SPACING;
    struct sim_rng r;
    sim_rng_init(&r, seed);
    double base = sim_rng_range(&r, 0, 800);
    double lambda[N_WAVES], amp[N_WAVES], phase[N_WAVES];
    for (int k = 0; k < N_WAVES; k++) {
        lambda[k] = exp(sim_rng_range(&r, log(300.0), log(4000.0)));
        /* grade amplitude of one sinusoid = 2 pi A / lambda */
        double ga = hilliness * 0.035 * sim_rng_range(&r, 0.3, 1.0);
        amp[k] = ga * lambda[k] / (2 * M_PI);
        phase[k] = sim_rng_range(&r, 0, 2 * M_PI);
    }
    for (int i = 0; i < n; i++) {
        double d = i * (double)COURSE_SPACING, a = base;
        for (int k = 0; k < N_WAVES; k++)
            a += amp[k] * sin(2 * M_PI * d / lambda[k] + phase[k]);
        c->alt[i] = (float)a;
    }
    return 0;
}

int sim_course_from_profile(struct sim_course *c, const float *alt, int n, float spacing)
{
    memset(c, 0, sizeof *c);
    if (n < 2 || !(spacing > 0))
        return -1;
    c->alt = malloc((size_t)n * sizeof *c->alt);
    if (!c->alt)
        return -1;
    memcpy(c->alt, alt, (size_t)n * sizeof *alt);
    c->n = n;
    c->spacing = spacing;
    c->length = (n - 1) * (double)spacing;
    return 0;
}

void sim_course_free(struct sim_course *c)
{
    free(c->alt);
    memset(c, 0, sizeof *c);
}

double sim_course_alt(const struct sim_course *c, double d)
{
    if (c->n <= 0)
        return 0;
    if (d <= 0)
        return c->alt[0];
    if (d >= c->length)
        return c->alt[c->n - 1];
    double x = d / c->spacing;
    int i = (int)x;
    if (i >= c->n - 1)
        return c->alt[c->n - 1];
    double f = x - i;
    return c->alt[i] * (1 - f) + c->alt[i + 1] * f;
}

double sim_course_grade(const struct sim_course *c, double d)
{
    const double h = 10.0;
    double lo = d - h, hi = d + h;
    if (lo < 0)
        lo = 0;
    if (hi > c->length)
        hi = c->length;
    if (hi - lo < 1e-6)
        return 0;
    double g = (sim_course_alt(c, hi) - sim_course_alt(c, lo)) / (hi - lo);
    return g > 0.45 ? 0.45 : g < -0.45 ? -0.45 : g;
}

double sim_course_ascent(const struct sim_course *c)
{
    double up = 0;
    for (int i = 1; i < c->n; i++)
        if (c->alt[i] > c->alt[i - 1])
            up += c->alt[i] - c->alt[i - 1];
    return up;
}
