/* batcher.c — see batcher.h. */
#include "train/batcher.h"
#include "data/splits.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int batch_alloc(struct batch *b, int B_cap, int T_cap, int F)
{
    memset(b, 0, sizeof *b);
    size_t bt = (size_t)B_cap * T_cap;
    b->x = malloc(sizeof(float) * bt * F);
    b->target = malloc(sizeof(float) * bt);
    b->mask = malloc(sizeof(float) * bt);
    b->len = malloc(sizeof(int) * B_cap);
    b->index = malloc(sizeof(int) * B_cap);
    b->prior = malloc(sizeof(float) * (size_t)(T_cap > 0 ? T_cap : 1));
    b->F = F;
    return b->x && b->target && b->mask && b->len && b->index && b->prior ? 0 : -1;
}

void batch_free(struct batch *b)
{
    free(b->x);
    free(b->target);
    free(b->mask);
    free(b->len);
    free(b->index);
    free(b->prior);
    memset(b, 0, sizeof *b);
}

int batch_fill(struct batch *b, const struct dataset *ds, const int *idx, int n, int T_cap,
               const struct hr_lstm *m, int keep_flagged, struct hr_err *e)
{
    const struct feature_set *fs = m->fs;
    int T = 0, P = m->preroll;
    for (int i = 0; i < n; i++) {
        int l = ds->len[idx[i]] < T_cap ? ds->len[idx[i]] : T_cap;
        if (l + P > T)
            T = l + P;
    }
    b->B = n;
    b->T = T;
    int F = fs->n;
    for (int i = 0; i < n; i++) {
        struct series s;
        dataset_series(ds, idx[i], &s);
        int l = s.n < T_cap ? s.n : T_cap;
        struct series crop = s;
        crop.n = l;
        float *x = b->x + (size_t)i * T * F;
        int lp = l ? l + P : 0; /* the model's pre-roll rows (no target), then the crop */
        if (hr_lstm_sequence_first(m, &s, l, x, e))
            return -1;
        memset(x + (size_t)lp * F, 0, sizeof(float) * (size_t)(T - lp) * F);
        float *tg = b->target + (size_t)i * T, *mk = b->mask + (size_t)i * T;
        if (fs->residual)
            hr_lstm_prior(m, &crop, b->prior);
        float sm, ss; /* the athlete's HR scale (model/hr_scale.h; identity when off) */
        hr_scale_lookup(&m->scale, s.meta.athlete, &sm, &ss);
        for (int t = 0; t < T; t++) {
            float h = t >= P && t - P < l && (keep_flagged || series_hr_trusted(&s, t - P)) ? S_HR(&s)[t - P] : NAN;
            if (fs->residual && isfinite(h))
                h -= b->prior[t - P];
            else if (isfinite(h))
                h = hr_scale_to_net(&m->scale, sm, ss, h);
            mk[t] = isfinite(h) ? 1.0f : 0.0f;
            tg[t] = isfinite(h) ? h : 0.0f;
        }
        b->len[i] = lp;
        b->index[i] = idx[i];
    }
    return 0;
}

static const struct dataset *g_ds; /* qsort context (single-threaded) */
static int cmp_len(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    int d = g_ds->len[i] - g_ds->len[j];
    return d ? d : i - j;
}

int epoch_plan_make(struct epoch_plan *p, const struct dataset *ds, const int *idx, int n, int B,
                    uint64_t seed, int shuffle)
{
    memset(p, 0, sizeof *p);
    int nb = (n + B - 1) / B;
    p->order = malloc(sizeof(int) * (size_t)(n ? n : 1));
    p->start = malloc(sizeof(int) * (size_t)(nb ? nb : 1));
    p->count = malloc(sizeof(int) * (size_t)(nb ? nb : 1));
    if (!p->order || !p->start || !p->count) {
        epoch_plan_free(p);
        return -1;
    }
    memcpy(p->order, idx, sizeof(int) * (size_t)n);
    uint64_t st = seed;
    if (shuffle)
        for (int i = n - 1; i > 0; i--) {
            int j = (int)(splitmix64(&st) % (uint64_t)(i + 1));
            int t = p->order[i];
            p->order[i] = p->order[j];
            p->order[j] = t;
        }
    /* sort by length inside chunks of 8 batches (all at once when not shuffling) */
    int chunk = shuffle ? 8 * B : n;
    g_ds = ds;
    for (int a = 0; a < n; a += chunk)
        qsort(p->order + a, (size_t)(a + chunk <= n ? chunk : n - a), sizeof(int), cmp_len);
    g_ds = NULL;
    for (int k = 0; k < nb; k++) {
        p->start[k] = k * B;
        p->count[k] = (k + 1) * B <= n ? B : n - k * B;
    }
    if (shuffle)
        for (int k = nb - 1; k > 0; k--) {
            int j = (int)(splitmix64(&st) % (uint64_t)(k + 1));
            int t = p->start[k];
            p->start[k] = p->start[j];
            p->start[j] = t;
            t = p->count[k];
            p->count[k] = p->count[j];
            p->count[j] = t;
        }
    p->n_batches = nb;
    return 0;
}

void epoch_plan_free(struct epoch_plan *p)
{
    free(p->order);
    free(p->start);
    free(p->count);
    memset(p, 0, sizeof *p);
}
