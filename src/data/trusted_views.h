/* trusted_views.h — views of a dataset's workouts whose heart rate holds only the trusted steps (the HR the
 * quality stage flagged, a cadence lock or a spike, made NaN): what every model and baseline is fitted on,
 * so that `fit-physio` and `eval --baselines` fit the same targets as the LSTM. */
#ifndef HRCAST_DATA_TRUSTED_VIEWS_H
#define HRCAST_DATA_TRUSTED_VIEWS_H
#include "data/dataset.h"

struct trusted_views {
    int n;
    struct series *v;         /* the views (their other channels are the dataset's own memory) */
    const struct series **sp; /* &v[i], for the fitters */
    float **hr;               /* the trusted HR of each view that has verdicts (NULL: the dataset's, all trusted) */
};

/* Views of the workouts idx[0..n). -1 with a message on out of memory (nothing to close then). */
int trusted_views_open(struct trusted_views *tv, const struct dataset *ds, const int *idx, int n, struct hr_err *e);
void trusted_views_close(struct trusted_views *tv);

#endif
