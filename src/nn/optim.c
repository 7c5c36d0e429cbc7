/* optim.c — Adam/AdamW, global-norm clipping, plateau LR schedule, early stopping (see optim.h).
 * The Adam update has AVX-512 and AVX2 bodies (nn_isa_active) doing the same IEEE operations per
 * element as the portable loop, with no FMA contraction, so every path gives the same bytes. */
#include "nn/optim.h"
#include "nn/isa.h"
#include <math.h>
#include <stdlib.h>

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

struct adam_consts {
    float b1, b2, c1, c2, sbc2, eps, step_size, decay, wd;
    int mode; /* 0 no weight decay, 1 AdamW (p *= decay), 2 Adam with L2 (g += wd p) */
};

static void adam_portable(const struct adam_consts *k, float *p, const float *g, float *m, float *v, size_t n0,
                          size_t n)
{
    for (size_t i = n0; i < n; i++) {
        float gk = g[i];
        if (k->mode == 1)
            p[i] *= k->decay;
        else if (k->mode == 2)
            gk += k->wd * p[i];
        m[i] = k->b1 * m[i] + k->c1 * gk;
        v[i] = k->b2 * v[i] + k->c2 * gk * gk;
        float denom = sqrtf(v[i]) / k->sbc2 + k->eps;
        p[i] -= k->step_size * (m[i] / denom);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* one body per width: W lanes of type T with the ops named by the macros */
#define ADAM_VEC(NAME, TARGET, T, W, LD, ST, SET1, ADD, SUB, MUL, DIV, SQRT)                                    \
    __attribute__((target(TARGET))) static void NAME(const struct adam_consts *k, float *p, const float *g,     \
                                                     float *m, float *v, size_t n)                              \
    {                                                                                                           \
        const T b1 = SET1(k->b1), b2 = SET1(k->b2), c1 = SET1(k->c1), c2 = SET1(k->c2), sbc2 = SET1(k->sbc2), \
                eps = SET1(k->eps), ss = SET1(k->step_size), decay = SET1(k->decay), wd = SET1(k->wd);        \
        size_t i = 0;                                                                                           \
        for (; i + W <= n; i += W) {                                                                            \
            T pk = LD(p + i), gk = LD(g + i);                                                                   \
            if (k->mode == 1)                                                                                   \
                pk = MUL(pk, decay);                                                                            \
            else if (k->mode == 2)                                                                              \
                gk = ADD(gk, MUL(wd, pk));                                                                      \
            T mk = ADD(MUL(b1, LD(m + i)), MUL(c1, gk));                                                        \
            T vk = ADD(MUL(b2, LD(v + i)), MUL(MUL(c2, gk), gk));                                               \
            T denom = ADD(DIV(SQRT(vk), sbc2), eps);                                                            \
            ST(m + i, mk);                                                                                      \
            ST(v + i, vk);                                                                                      \
            ST(p + i, SUB(pk, MUL(ss, DIV(mk, denom))));                                                        \
        }                                                                                                       \
        adam_portable(k, p, g, m, v, i, n);                                                                     \
    }
ADAM_VEC(adam_avx2, "avx2,fma", __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_add_ps,
         _mm256_sub_ps, _mm256_mul_ps, _mm256_div_ps, _mm256_sqrt_ps)
ADAM_VEC(adam_avx512, "avx512f,avx512bw,avx512vl,avx512dq,avx2,fma", __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps,
         _mm512_set1_ps, _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps, _mm512_div_ps, _mm512_sqrt_ps)
#undef ADAM_VEC
#define HAVE_ADAM_SIMD 1
#else
#define HAVE_ADAM_SIMD 0
#endif

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
    double bc1 = 1.0 - pow((double)a->beta1, (double)a->step), bc2 = 1.0 - pow((double)a->beta2, (double)a->step);
    struct adam_consts k = {a->beta1, a->beta2, 1.0f - a->beta1, 1.0f - a->beta2, (float)sqrt(bc2), a->eps,
                            (float)((double)a->lr / bc1), 1.0f - a->lr * a->weight_decay, a->weight_decay,
                            a->weight_decay == 0 ? 0 : a->decoupled ? 1 : 2};
#if HAVE_ADAM_SIMD
    switch (nn_isa_active()) {
    case NN_ISA_AVX512: adam_avx512(&k, p, g, a->m, a->v, a->n); return;
    case NN_ISA_AVX2: adam_avx2(&k, p, g, a->m, a->v, a->n); return;
    default: break;
    }
#endif
    adam_portable(&k, p, g, a->m, a->v, 0, a->n);
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
