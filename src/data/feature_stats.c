/* feature_stats.c — per-feature distribution over a dataset (see feature_stats.h). Percentiles are
 * exact: every value of one feature is gathered and sorted (4 bytes per step and feature). */
#include "data/feature_stats.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const float feature_stats_pct[FSTAT_NPCT] = {1, 5, 50, 95, 99};

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

int dataset_feature_stats(const struct dataset *ds, const int *idx, int n_idx, const struct feature_set *set,
                          struct feature_stat *st, struct hr_err *e)
{
    if (set->prior)
        return hr_fail(e, "feature set '%s' needs a fitted prior (a model); use its base set", set->name);
    int n = idx ? n_idx : ds->n, F = set->n;
    long long total = 0;
    int maxlen = 1;
    for (int k = 0; k < n; k++) {
        int i = idx ? idx[k] : k;
        total += ds->len[i];
        maxlen = ds->len[i] > maxlen ? ds->len[i] : maxlen;
    }
    float *row = malloc(sizeof(float) * (size_t)maxlen * F);
    float *col = malloc(sizeof(float) * (size_t)(total ? total : 1) * F); /* feature-major */
    if (!row || !col) {
        free(row);
        free(col);
        return hr_fail(e, "feature statistics: out of memory (%lld steps)", total);
    }
    long long at = 0;
    for (int k = 0; k < n; k++) {
        struct series s;
        dataset_series(ds, idx ? idx[k] : k, &s);
        if (features_compute(set, &s, NULL, row, e)) {
            free(row);
            free(col);
            return -1;
        }
        for (int t = 0; t < s.n; t++)
            for (int f = 0; f < F; f++)
                col[(size_t)f * total + at + t] = row[(size_t)t * F + f];
        at += s.n;
    }
    for (int f = 0; f < F; f++) {
        float *v = col + (size_t)f * total;
        struct feature_stat *o = &st[f];
        memset(o, 0, sizeof *o);
        o->count = total;
        if (!total)
            continue;
        double sum = 0, sq = 0;
        for (long long t = 0; t < total; t++) {
            sum += v[t];
            sq += (double)v[t] * v[t];
        }
        o->mean = sum / total;
        double var = sq / total - o->mean * o->mean;
        o->sd = var > 0 ? sqrt(var) : 0;
        qsort(v, (size_t)total, sizeof *v, cmp_float);
        o->min = v[0];
        o->max = v[total - 1];
        for (int p = 0; p < FSTAT_NPCT; p++) {
            long long r = (long long)floor(feature_stats_pct[p] / 100.0 * (double)(total - 1) + 0.5);
            o->pct[p] = v[r];
        }
    }
    free(row);
    free(col);
    return 0;
}
