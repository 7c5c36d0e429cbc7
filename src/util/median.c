/* median.c — see median.h. */
#include "util/median.h"
#include <stdlib.h>

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

float median_above(const float *v, size_t n, float floor, float none)
{
    float *a = malloc(sizeof(float) * (n ? n : 1));
    if (!a)
        return none;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > floor)
            a[m++] = v[i];
    qsort(a, m, sizeof(float), cmp_float);
    float med = m ? (m % 2 ? a[m / 2] : 0.5f * (a[m / 2 - 1] + a[m / 2])) : none;
    free(a);
    return med;
}
