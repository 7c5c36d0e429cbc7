/* baselines.c — see baselines.h. */
#include "eval/baselines.h"
#include "model/constant.h"
#include "model/physio.h"
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
    int rc = -1;
    if (!idx || !v || !sp) {
        hr_fail(e, "baselines: out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        dataset_series(ds, idx[i], &v[i]);
        sp[i] = &v[i];
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
    free(idx);
    free(v);
    free(sp);
    return rc;
}
