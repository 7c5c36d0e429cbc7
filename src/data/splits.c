/* splits.c — see splits.h. */
#include "data/splits.h"
#include "data/dataset.h"
#include <math.h>
#include <stdio.h>
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

/* The athlete-disjoint parts, balanced by weight (valid HR steps): 70 % train, 15 % validation, 15 % test.
 * A candidate assignment takes the athletes in some order and puts each into the part furthest below its
 * target weight; with 3 or more athletes no part stays empty (the lightest athlete of the part with the
 * most athletes moves there); with fewer, all train. Candidates 1..SPLIT_TRIES take the athletes (sorted
 * by name) in orders shuffled by the seed (splitmix64); the last one takes the heaviest first. The split is
 * the first candidate whose worst part is within SPLIT_SLACK of the best candidate's worst part: balanced
 * whatever the seed (one prolific runner never becomes the whole validation or test part), and still
 * drawn by the seed among the near-balanced assignments. */
#define SPLIT_TRIES 32
#define SPLIT_SLACK 0.03
static const double g_target[3] = {0.70, 0.15, 0.15};

static const double *g_w; /* qsort context (single-threaded use only) */
static int cmp_heavy_first(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (g_w[x] != g_w[y])
        return g_w[x] > g_w[y] ? -1 : 1;
    return x - y;
}

/* One candidate: athletes in `order`; returns its worst |share - target| over the parts. */
static double assign(const double *w, double total, int na, const int *order, uint8_t *part)
{
    double cur[3] = {0, 0, 0};
    int count[3] = {0, 0, 0};
    for (int r = 0; r < na; r++) {
        int best = 0;
        for (int p = 1; p < 3; p++)
            if (g_target[p] * total - cur[p] > g_target[best] * total - cur[best])
                best = p;
        part[order[r]] = (uint8_t)best;
        cur[best] += w[order[r]];
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
        cur[from] -= w[pick];
        cur[p] += w[pick];
        count[from]--;
        count[p]++;
    }
    double worst = 0;
    for (int p = 0; p < 3; p++)
        worst = fmax(worst, fabs(cur[p] / total - g_target[p]));
    return worst;
}

static int athlete_parts(const double *w, int na, uint64_t seed, uint8_t *part)
{
    if (na < 3) {
        for (int a = 0; a < na; a++)
            part[a] = PART_TRAIN;
        return 0;
    }
    double total = 0;
    for (int a = 0; a < na; a++)
        total += w[a];
    int *order = malloc(sizeof(int) * (size_t)na);
    uint8_t *cand = malloc((size_t)na * (SPLIT_TRIES + 1));
    double dev[SPLIT_TRIES + 1];
    if (!order || !cand) {
        free(order);
        free(cand);
        return -1;
    }
    uint64_t st = seed;
    for (int c = 0; c <= SPLIT_TRIES; c++) {
        for (int a = 0; a < na; a++)
            order[a] = a;
        if (c < SPLIT_TRIES) {
            for (int a = na - 1; a > 0; a--) {
                int j = (int)(splitmix64(&st) % (uint64_t)(a + 1));
                int t = order[a];
                order[a] = order[j];
                order[j] = t;
            }
        } else {
            g_w = w;
            qsort(order, (size_t)na, sizeof(int), cmp_heavy_first);
            g_w = NULL;
        }
        dev[c] = assign(w, total > 0 ? total : 1, na, order, cand + (size_t)c * na);
    }
    double best = dev[0];
    for (int c = 1; c <= SPLIT_TRIES; c++)
        best = fmin(best, dev[c]);
    int pick = 0;
    while (dev[pick] > best + SPLIT_SLACK)
        pick++;
    memcpy(part, cand + (size_t)pick * na, (size_t)na);
    free(order);
    free(cand);
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
    uint8_t *part = malloc((size_t)na);
    double *aw = calloc((size_t)na, sizeof *aw);
    if (!part || !aw) {
        free(v); free(order); free(group_of); free(part); free(aw);
        return -1;
    }
    for (int k = 0; k < n; k++)
        aw[group_of[k]] += weight ? weight[v[k].index] : 1.0;
    int bad = athlete_parts(aw, na, seed, part);
    free(aw);
    if (bad) {
        free(v); free(order); free(group_of); free(part);
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
        /* undated runs sort last: an athlete with a dated run has them taken out of the split (where they
         * fall in time is unknown: neither trained on as earlier nor tested as later; until 2026-12-07 they
         * were tested as the latest runs); an athlete without one keeps the file-name order */
        int dated = !isnan(start[order[0]]);
        for (int j = 0; j < m; j++)
            split_chrono[order[j]] = dated && isnan(start[order[j]]) ? PART_NONE
                                     : j < c_train                    ? PART_TRAIN
                                     : j < c_train + c_val            ? PART_VAL
                                                                      : PART_TEST;
        k = k2;
    }
    g_start = NULL;
    free(v);
    free(order);
    free(group_of);
    free(part);
    return 0;
}

int chrono_undated_text(int left_out, int by_name, int n, char *buf, size_t cap)
{
    if (cap)
        buf[0] = '\0';
    if (!left_out && !by_name)
        return 0;
    int k = snprintf(buf, cap, "%d of %d workouts have no start time:", left_out + by_name, n);
    if (left_out && k >= 0 && (size_t)k < cap)
        k += snprintf(buf + k, cap - (size_t)k,
                      " %d left out of the chrono split (part none: where they fall in time is unknown)%s", left_out,
                      by_name ? ";" : "");
    if (by_name && k >= 0 && (size_t)k < cap)
        snprintf(buf + k, cap - (size_t)k,
                 " %d split in file-name order in the chrono split (their athletes have no dated workout)", by_name);
    return 1;
}
