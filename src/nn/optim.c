/* optim.c — Adam/AdamW, global-norm clipping, plateau LR schedule, early stopping (see optim.h). */
#include "nn/optim.h"
#include <math.h>
#include <stdlib.h>

int nn_adam_init(struct nn_adam *a, size_t n, float lr, float weight_decay, int decoupled, struct hr_err *e)
{
    a->lr = lr;
    a->beta1 = 0.9f;
    a->beta2 = 0.999f;
    a->eps = 1e-8f;
    a->weight_decay = weight_decay;
    a->decoupled = decoupled;
    a->step = 0;
    a->n = n;
    a->m = calloc(2 * n + 1, sizeof(float));
    a->v = a->m ? a->m + n : NULL;
    return a->m ? 0 : hr_fail(e, "adam: out of memory for %zu parameters", n);
}

void nn_adam_step(struct nn_adam *a, float *p, const float *g)
{
    a->step++;
    float b1 = a->beta1, b2 = a->beta2;
    double bc1 = 1.0 - pow((double)b1, (double)a->step), bc2 = 1.0 - pow((double)b2, (double)a->step);
    float step_size = (float)((double)a->lr / bc1), sbc2 = (float)sqrt(bc2);
    float wd = a->weight_decay, lr = a->lr;
    int dec = a->decoupled;
    float *m = a->m, *v = a->v;
    for (size_t k = 0; k < a->n; k++) {
        float gk = g[k];
        if (wd != 0) {
            if (dec)
                p[k] *= 1.0f - lr * wd;
            else
                gk += wd * p[k];
        }
        m[k] = b1 * m[k] + (1.0f - b1) * gk;
        v[k] = b2 * v[k] + (1.0f - b2) * gk * gk;
        float denom = sqrtf(v[k]) / sbc2 + a->eps;
        p[k] -= step_size * (m[k] / denom);
    }
}

void nn_adam_free(struct nn_adam *a)
{
    free(a->m);
    a->m = a->v = NULL;
}

float nn_clip_grad_norm(float *g, size_t n, float max_norm)
{
    double s = 0;
    for (size_t k = 0; k < n; k++)
        s += (double)g[k] * g[k];
    float norm = (float)sqrt(s);
    float coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f)
        for (size_t k = 0; k < n; k++)
            g[k] *= coef;
    return norm;
}

void nn_plateau_init(struct nn_plateau *p, float factor, int patience, float min_lr)
{
    p->factor = factor;
    p->patience = patience;
    p->threshold = 1e-4f;
    p->min_lr = min_lr;
    p->cooldown = 0;
    p->best = INFINITY;
    p->bad = p->cool = 0;
}

float nn_plateau_step(struct nn_plateau *p, float metric, float lr)
{
    if (metric < p->best * (1.0f - p->threshold)) {
        p->best = metric;
        p->bad = 0;
    } else {
        p->bad++;
    }
    if (p->cool > 0) {
        p->cool--;
        p->bad = 0;
    }
    if (p->bad > p->patience) {
        float nl = lr * p->factor;
        lr = nl < p->min_lr ? p->min_lr : nl;
        p->cool = p->cooldown;
        p->bad = 0;
    }
    return lr;
}

void nn_early_stop_init(struct nn_early_stop *s, int patience, float min_delta)
{
    s->patience = patience;
    s->min_delta = min_delta;
    s->best = INFINITY;
    s->best_epoch = -1;
    s->epoch = 0;
    s->bad = 0;
}

int nn_early_stop_update(struct nn_early_stop *s, float metric, int *improved)
{
    int imp = metric < s->best - s->min_delta;
    if (imp) {
        s->best = metric;
        s->best_epoch = s->epoch;
        s->bad = 0;
    } else {
        s->bad++;
    }
    s->epoch++;
    if (improved)
        *improved = imp;
    return s->bad >= s->patience;
}
