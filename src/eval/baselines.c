/* baselines.c — see baselines.h. */
#include "eval/baselines.h"
#include "model/constant.h"
#include "model/physio.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int baselines_fit(const struct dataset *ds, int kind, struct predictor *constant, struct predictor *physio,
                  struct hr_err *e)
{
    memset(constant, 0, sizeof *constant);
    if (physio)
        memset(physio, 0, sizeof *physio);
    int n;
    int *idx = dataset_select(ds, kind < 0 ? SPLIT_ATHLETE : (enum split_kind)kind, PART_TRAIN, &n);
    struct series *v = calloc((size_t)(n ? n : 1), sizeof *v);
    const struct series **sp = calloc((size_t)(n ? n : 1), sizeof *sp);
    float **trusted = calloc((size_t)(n ? n : 1), sizeof *trusted);
    int rc = -1;
    if (!idx || !v || !sp || !trusted) {
        hr_fail(e, "baselines: out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        dataset_series(ds, idx[i], &v[i]);
        sp[i] = &v[i];
        if (!v[i].hr_issue)
            continue;
        /* fitted on the trusted steps, like the LSTM (flagged HR is no target) */
        trusted[i] = malloc(sizeof(float) * (size_t)(v[i].n ? v[i].n : 1));
        if (!trusted[i]) {
            hr_fail(e, "baselines: out of memory");
            goto out;
        }
        for (int t = 0; t < v[i].n; t++)
            trusted[i][t] = series_hr_trusted(&v[i], t) ? S_HR(&v[i])[t] : NAN;
        v[i].ch[CH_HR] = trusted[i];
    }
    struct constant_model cm;
    if (constant_model_fit(&cm, sp, n, 1, e) || constant_predictor_from_model(&cm, constant, e))
        goto out;
    if (!physio) {
        rc = 0;
        goto out;
    }
    struct physio_model pm;
    physio_model_init(&pm, ds->step);
    struct physio_fit_opts fo;
    physio_fit_opts_default(&fo);
    fo.personal = 1;
    if (physio_model_fit(&pm, sp, n, &fo, e) || physio_predictor_from_model(&pm, physio, e)) {
        physio_model_free(&pm);
        predictor_free(constant);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; trusted && i < n; i++)
        free(trusted[i]);
    free(trusted);
    free(idx);
    free(v);
    free(sp);
    return rc;
}
