/* splits.c — see splits.h. */
#include "data/splits.h"
#include "data/dataset.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

struct name_ix {
    const char *name;
    int index;
};

static int cmp_name_ix(const void *a, const void *b)
{
    const struct name_ix *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->index - y->index;
}

static const double *g_start; /* qsort context for chrono order (single-threaded use only) */
static int cmp_chrono(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    double si = g_start[i], sj = g_start[j];
    int ni = isnan(si), nj = isnan(sj);
    if (ni != nj)
        return ni - nj;
    if (!ni && si != sj)
        return si < sj ? -1 : 1;
    return i - j;
}

/* The athlete-disjoint parts. Athletes (sorted by name) are shuffled with the seed (splitmix64); the
 * large ones (more than half of a held-out part's target on their own) are placed first, largest first,
 * then the rest in shuffled order; each goes to the part furthest below its target share of the
 * weight (steps): 70 % train, 15 % validation, 15 % test. With 3 or more athletes no part is left
 * empty (the smallest athlete of the part with the most athletes moves there); with fewer, all train.
 * Balancing by steps keeps one prolific runner from becoming the whole validation or test part. */
static const double *g_w; /* qsort context (single-threaded use only) */
static const int *g_rank;
static int cmp_large_first(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (g_w[x] != g_w[y])
        return g_w[x] > g_w[y] ? -1 : 1;
    return g_rank[x] - g_rank[y];
}

static int athlete_parts(const double *w, int na, uint64_t seed, int *perm, uint8_t *part)
{
    static const double target[3] = {0.70, 0.15, 0.15};
    for (int a = 0; a < na; a++)
        perm[a] = a;
    uint64_t st = seed;
    for (int a = na - 1; a > 0; a--) {
        int j = (int)(splitmix64(&st) % (uint64_t)(a + 1));
        int t = perm[a];
        perm[a] = perm[j];
        perm[j] = t;
    }
    if (na < 3) {
        for (int a = 0; a < na; a++)
            part[a] = PART_TRAIN;
        return 0;
    }
    double total = 0;
    for (int a = 0; a < na; a++)
        total += w[a];
    int *rank = malloc(sizeof(int) * (size_t)na);
    if (!rank)
        return -1;
    { /* large athletes first (stable in shuffled order); perm keeps the rest shuffled */
        for (int r = 0; r < na; r++)
            rank[perm[r]] = r;
        int n_large = 0;
        for (int r = 0; r < na; r++)
            if (w[perm[r]] > 0.5 * target[2] * total) {
                int t = perm[r];
                memmove(perm + n_large + 1, perm + n_large, sizeof(int) * (size_t)(r - n_large));
                perm[n_large++] = t;
            }
        g_w = w;
        g_rank = rank;
        qsort(perm, (size_t)n_large, sizeof(int), cmp_large_first);
        g_w = NULL;
        g_rank = NULL;
        free(rank);
    }
    double cur[3] = {0, 0, 0};
    int count[3] = {0, 0, 0};
    for (int r = 0; r < na; r++) {
        int best = 0;
        for (int p = 1; p < 3; p++)
            if (target[p] * total - cur[p] > target[best] * total - cur[best])
                best = p;
        part[perm[r]] = (uint8_t)best;
        cur[best] += w[perm[r]];
        count[best]++;
    }
    for (int p = 0; p < 3; p++) {
        if (count[p])
            continue;
        int from = 0;
        for (int q = 1; q < 3; q++)
            if (count[q] > count[from])
                from = q;
        int pick = -1;
        for (int a = 0; a < na; a++)
            if (part[a] == from && (pick < 0 || w[a] < w[pick]))
                pick = a;
        part[pick] = (uint8_t)p;
        count[from]--;
        count[p]++;
    }
    return 0;
}

int compute_splits(const char *const *athlete, const double *start, const double *weight, int n,
                   uint64_t seed, uint8_t *split_athlete, uint8_t *split_chrono)
{
    if (n <= 0)
        return 0;
    struct name_ix *v = malloc(sizeof *v * (size_t)n);
    int *order = malloc(sizeof(int) * (size_t)n);
    int *group_of = malloc(sizeof(int) * (size_t)n);
    if (!v || !order || !group_of) {
        free(v);
        free(order);
        free(group_of);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        v[i].name = athlete[i];
        v[i].index = i;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_name_ix);
    /* athletes: unique names in sorted order; group_of[k] = athlete number of v[k] */
    int na = 0;
    for (int k = 0; k < n; k++) {
        if (k == 0 || strcmp(v[k].name, v[k - 1].name) != 0)
            na++;
        group_of[k] = na - 1;
    }
    /* athlete-disjoint, balanced by steps: see athlete_parts */
    int *perm = malloc(sizeof(int) * (size_t)na);
    uint8_t *part = malloc((size_t)na);
    double *aw = calloc((size_t)na, sizeof *aw);
    if (!perm || !part || !aw) {
        free(v); free(order); free(group_of); free(perm); free(part); free(aw);
        return -1;
    }
    for (int k = 0; k < n; k++)
        aw[group_of[k]] += weight ? weight[v[k].index] : 1.0;
    int bad = athlete_parts(aw, na, seed, perm, part);
    free(aw);
    if (bad) {
        free(v); free(order); free(group_of); free(perm); free(part);
        return -1;
    }
    for (int k = 0; k < n; k++)
        split_athlete[v[k].index] = part[group_of[k]];
    /* chronological within each athlete */
    g_start = start;
    for (int k = 0; k < n;) {
        int k2 = k;
        while (k2 < n && group_of[k2] == group_of[k])
            k2++;
        int m = k2 - k;
        for (int j = 0; j < m; j++)
            order[j] = v[k + j].index;
        qsort(order, (size_t)m, sizeof(int), cmp_chrono);
        int c_train = (int)floor(0.70 * m + 1e-9), c_val = (int)floor(0.10 * m + 1e-9);
        if (m == 1)
            c_train = 1;
        if (m >= 2 && m - c_train - c_val < 1) {
            if (c_val > 0)
                c_val--;
            else
                c_train--;
        }
        for (int j = 0; j < m; j++)
            split_chrono[order[j]] = j < c_train ? PART_TRAIN : j < c_train + c_val ? PART_VAL : PART_TEST;
        k = k2;
    }
    g_start = NULL;
    free(v);
    free(order);
    free(group_of);
    free(perm);
    free(part);
    return 0;
}
