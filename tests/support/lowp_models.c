/* lowp_models.c — see lowp_models.h. */
#include "lowp_models.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void lowp_make_model(struct lstm_model *m, int F, int H, int O, uint64_t seed)
{
    struct lstm_cfg cfg = {F, H, 2, O, 0};
    struct hr_err e;
    if (lstm_model_init(m, &cfg, seed, &e)) {
        fprintf(stderr, "lowp_make_model: %s\n", e.msg);
        abort();
    }
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] *= 2.0f;
}

float *lowp_make_inputs(int B, int T, int F, uint64_t seed)
{
    struct nn_rng r;
    nn_rng_seed(&r, seed);
    size_t n = (size_t)B * T * F;
    float *x = malloc(sizeof(float) * (n ? n : 1));
    if (!x)
        abort();
    for (size_t i = 0; i < n; i++)
        x[i] = -2.0f + 4.0f * nn_rng_unif(&r);
    return x;
}

double lowp_diff(const float *a, const float *b, size_t n, double *mean)
{
    double worst = 0, s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) != isnan(b[i])) {
            worst = INFINITY;
        } else if (!isnan(a[i])) {
            double d = fabs((double)a[i] - b[i]);
            worst = fmax(worst, d);
            s += d;
            c++;
        }
    }
    if (mean)
        *mean = c ? s / (double)c : 0;
    return worst;
}
