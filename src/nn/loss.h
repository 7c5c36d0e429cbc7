/* loss.h — masked losses over n prediction rows: sum over valid rows / number of valid rows.
 * pred: [n][out_dim] (out_dim 1, or 2 for GNLL: mean, log-variance); target: [n]; mask: [n]
 * (nonzero = valid; target may be NaN where mask is 0). dpred (may be NULL) receives d loss / d pred
 * (zero on invalid rows). With no valid row the loss is 0 and dpred is all zero. */
#ifndef HRCAST_NN_LOSS_H
#define HRCAST_NN_LOSS_H
#include <stddef.h>

enum nn_loss_kind { NN_LOSS_MSE = 0, NN_LOSS_MAE, NN_LOSS_HUBER, NN_LOSS_GNLL };

struct nn_loss {
    enum nn_loss_kind kind;
    float delta; /* Huber threshold (PyTorch HuberLoss delta), default 1 */
};

/* GNLL per row: 0.5 * (logvar + (y - mu)^2 * exp(-logvar)) (PyTorch GaussianNLLLoss, full=False,
 * var = exp(logvar), no clamp). Returns the loss (double accumulated); *n_valid gets the count. */
double nn_loss_eval(const struct nn_loss *l, const float *pred, int out_dim, const float *target,
                    const float *mask, size_t n, float *dpred, size_t *n_valid);
/* "mse", "mae", "huber", "gnll" -> kind; -1 when unknown. */
int nn_loss_parse(const char *name);
const char *nn_loss_name(enum nn_loss_kind k);

#endif
