/* blend_fit.h — choosing a physio-residual model's alphas (model/blend.h) on validation workouts: for
 * each athlete with validation steps, the alpha of the grid 0, 0.05, ..., 1 with the least MAE of
 * physio + alpha * network on that athlete's validation steps, and the population's alpha on all of them
 * pooled, each predicted as an unknown runner's (the population's prior: the case the population alpha
 * serves). Alpha 0 is physio alone, so on those steps the blend is never worse than physio. */
#ifndef HRCAST_TRAIN_BLEND_FIT_H
#define HRCAST_TRAIN_BLEND_FIT_H
#include "data/dataset.h"
#include "model/lstm_model.h"

#define BLEND_GRID 21 /* alpha = k / 20, k = 0 .. 20 */

/* Sums of absolute errors of every grid alpha over the steps added. */
struct blend_acc {
    double abs_sum[BLEND_GRID];
    long long n;
};
float blend_grid_alpha(int k);
void blend_acc_reset(struct blend_acc *a);
/* n steps: prior (physio), net (the network's output, a residual), target (HR; NaN steps are skipped). */
void blend_acc_add(struct blend_acc *a, const float *prior, const float *net, const float *target, int n);
/* The grid index with the least MAE (the smaller alpha on a tie); -1 when no step was added. */
int blend_acc_best(const struct blend_acc *a);
double blend_acc_mae(const struct blend_acc *a, int k);

/* Choose m->blend on the workouts idx[0..n) of ds (whole series; targets as in training: trusted steps
 * unless keep_flagged). The network's outputs are taken with alpha 1; blend.val_mae and physio_val_mae
 * are the population's (every validation workout predicted as an unknown runner's). */
int blend_fit(struct hr_lstm *m, const struct dataset *ds, const int *idx, int n, int keep_flagged,
              struct hr_err *e);

#endif
