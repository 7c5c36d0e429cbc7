/* trusted_views.c — see trusted_views.h. */
#include "data/trusted_views.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void trusted_views_close(struct trusted_views *tv)
{
    for (int i = 0; tv->hr && i < tv->n; i++)
        free(tv->hr[i]);
    free(tv->hr);
    free(tv->v);
    free(tv->sp);
    memset(tv, 0, sizeof *tv);
}

int trusted_views_open(struct trusted_views *tv, const struct dataset *ds, const int *idx, int n, struct hr_err *e)
{
    memset(tv, 0, sizeof *tv);
    tv->n = n;
    tv->v = calloc((size_t)(n ? n : 1), sizeof *tv->v);
    tv->sp = calloc((size_t)(n ? n : 1), sizeof *tv->sp);
    tv->hr = calloc((size_t)(n ? n : 1), sizeof *tv->hr);
    if (!tv->v || !tv->sp || !tv->hr) {
        trusted_views_close(tv);
        return hr_fail(e, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        struct series *v = &tv->v[i];
        dataset_series(ds, idx[i], v);
        tv->sp[i] = v;
        if (!v->hr_issue)
            continue;
        tv->hr[i] = malloc(sizeof(float) * (size_t)(v->n ? v->n : 1));
        if (!tv->hr[i]) {
            trusted_views_close(tv);
            return hr_fail(e, "out of memory");
        }
        for (int t = 0; t < v->n; t++)
            tv->hr[i][t] = series_hr_trusted(v, t) ? S_HR(v)[t] : NAN;
        v->ch[CH_HR] = tv->hr[i];
    }
    return 0;
}
