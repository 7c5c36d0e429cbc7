/* blend_fit.c — see blend_fit.h. */
#include "train/blend_fit.h"
#include "util/log.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

float blend_grid_alpha(int k)
{
    return (float)k / (float)(BLEND_GRID - 1);
}

void blend_acc_reset(struct blend_acc *a)
{
    memset(a, 0, sizeof *a);
}

void blend_acc_add(struct blend_acc *a, const float *prior, const float *net, const float *target, int n)
{
    for (int t = 0; t < n; t++) {
        if (!isfinite(target[t]))
            continue;
        for (int k = 0; k < BLEND_GRID; k++)
            a->abs_sum[k] += fabs((double)(prior[t] + blend_grid_alpha(k) * net[t]) - target[t]);
        a->n++;
    }
}

int blend_acc_best(const struct blend_acc *a)
{
    if (a->n == 0)
        return -1;
    int best = 0;
    for (int k = 1; k < BLEND_GRID; k++)
        if (a->abs_sum[k] < a->abs_sum[best])
            best = k;
    return best;
}

double blend_acc_mae(const struct blend_acc *a, int k)
{
    return a->n && k >= 0 && k < BLEND_GRID ? a->abs_sum[k] / (double)a->n : NAN;
}

struct ath_acc {
    const char *id;
    struct blend_acc acc;
};

/* The accumulator of athlete id in list (added when new); NULL for no id. */
static struct blend_acc *acc_for(struct ath_acc *list, int *n, const char *id)
{
    if (!id[0])
        return NULL;
    for (int i = 0; i < *n; i++)
        if (!strcmp(list[i].id, id))
            return &list[i].acc;
    list[*n].id = id;
    blend_acc_reset(&list[*n].acc);
    return &list[(*n)++].acc;
}

int blend_fit(struct hr_lstm *m, const struct dataset *ds, const int *idx, int n, int keep_flagged,
              struct hr_err *e)
{
    blend_free(&m->blend); /* alpha 1: the predictions below are prior + network */
    struct ath_acc *ath = calloc((size_t)(n ? n : 1), sizeof *ath);
    struct blend_acc pop;
    blend_acc_reset(&pop);
    int n_ath = 0, rc = -1, cap = 0;
    float *hr = NULL, *prior = NULL, *net = NULL, *target = NULL;
    if (!ath)
        return hr_fail(e, "blend: out of memory");
    for (int i = 0; i < n; i++) {
        struct series s;
        dataset_series(ds, idx[i], &s);
        if (s.n > cap) {
            free(hr), free(prior), free(net), free(target);
            cap = s.n;
            hr = malloc(sizeof(float) * (size_t)cap);
            prior = malloc(sizeof(float) * (size_t)cap);
            net = malloc(sizeof(float) * (size_t)cap);
            target = malloc(sizeof(float) * (size_t)cap);
            if (!hr || !prior || !net || !target) {
                hr_fail(e, "blend: out of memory");
                goto out;
            }
        }
        if (s.n == 0)
            continue;
        for (int t = 0; t < s.n; t++)
            target[t] = keep_flagged || series_hr_trusted(&s, t) ? S_HR(&s)[t] : NAN;
        /* pass 0: as the athlete (their own prior, if the model knows them); pass 1: as an unknown runner
         * (the population's prior), for the population alpha that unknown runners get */
        for (int pass = 0; pass < 2; pass++) {
            struct series v = s; /* a view: only its metadata copy changes */
            if (pass)
                v.meta.athlete[0] = 0;
            if (hr_lstm_predict(m, &v, hr, NULL, e))
                goto out;
            hr_lstm_prior(m, &v, prior);
            for (int t = 0; t < s.n; t++)
                net[t] = hr[t] - prior[t];
            struct blend_acc *a = pass ? &pop : acc_for(ath, &n_ath, ds->meta[idx[i]].athlete);
            if (a)
                blend_acc_add(a, prior, net, target, s.n);
        }
    }
    int kp = blend_acc_best(&pop);
    m->blend.alpha = kp < 0 ? 1.0f : blend_grid_alpha(kp);
    m->blend.val_mae = blend_acc_mae(&pop, kp);
    m->blend.physio_val_mae = blend_acc_mae(&pop, 0);
    for (int i = 0; i < n_ath; i++) {
        int k = blend_acc_best(&ath[i].acc);
        if (k >= 0 && blend_set(&m->blend, ath[i].id, blend_grid_alpha(k))) {
            hr_fail(e, "blend: out of memory");
            goto out;
        }
        hr_debug("blend: %s alpha %.2f: validation MAE %.2f bpm (physio alone %.2f, alpha 1 %.2f)", ath[i].id,
                 blend_grid_alpha(k), blend_acc_mae(&ath[i].acc, k), blend_acc_mae(&ath[i].acc, 0),
                 blend_acc_mae(&ath[i].acc, BLEND_GRID - 1));
    }
    hr_info("blend physio + alpha x network: population alpha %.2f, validation MAE as unknown runners %.2f bpm "
            "(physio alone %.2f, alpha 1 %.2f); %d athlete(s) with their own alpha", m->blend.alpha, m->blend.val_mae,
            m->blend.physio_val_mae, blend_acc_mae(&pop, BLEND_GRID - 1), m->blend.n);
    rc = 0;
out:
    if (rc)
        blend_free(&m->blend);
    free(ath);
    free(hr), free(prior), free(net), free(target);
    return rc;
}
