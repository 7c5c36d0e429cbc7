/* baselines.c — see baselines.h. */
#include "eval/baselines.h"
#include "data/trusted_views.h"
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
    struct trusted_views tv;
    if (!idx)
        return hr_fail(e, "baselines: out of memory");
    if (trusted_views_open(&tv, ds, idx, n, e)) { /* fitted on the trusted steps, like the LSTM */
        free(idx);
        return -1;
    }
    int rc = -1;
    struct constant_model cm;
    if (constant_model_fit(&cm, tv.sp, n, 1, e) || constant_predictor_from_model(&cm, constant, e))
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
    if (physio_model_fit(&pm, tv.sp, n, &fo, e) || physio_predictor_from_model(&pm, physio, e)) {
        physio_model_free(&pm);
        predictor_free(constant);
        goto out;
    }
    rc = 0;
out:
    trusted_views_close(&tv);
    free(idx);
    return rc;
}
