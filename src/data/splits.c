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

int compute_splits(const char *const *athlete, const double *start, int n, uint64_t seed,
                   uint8_t *split_athlete, uint8_t *split_chrono)
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
    /* athlete-disjoint: shuffle athlete numbers */
    int *perm = malloc(sizeof(int) * (size_t)na);
    uint8_t *part = malloc((size_t)na);
    if (!perm || !part) {
        free(v); free(order); free(group_of); free(perm); free(part);
        return -1;
    }
    for (int a = 0; a < na; a++)
        perm[a] = a;
    uint64_t st = seed;
    for (int a = na - 1; a > 0; a--) {
        int j = (int)(splitmix64(&st) % (uint64_t)(a + 1));
        int t = perm[a];
        perm[a] = perm[j];
        perm[j] = t;
    }
    int n_train = (int)floor(0.70 * na + 1e-9), n_val = (int)floor(0.15 * na + 1e-9);
    if (na >= 3) {
        if (n_val < 1)
            n_val = 1;
        if (na - n_train - n_val < 1)
            n_train = na - n_val - 1;
    } else {
        n_train = na;
        n_val = 0;
    }
    for (int r = 0; r < na; r++)
        part[perm[r]] = r < n_train ? PART_TRAIN : r < n_train + n_val ? PART_VAL : PART_TEST;
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
