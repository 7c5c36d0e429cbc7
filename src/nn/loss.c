/* loss.c — masked MSE, MAE, Huber and Gaussian NLL with their gradients (see loss.h). */
#include "nn/loss.h"
#include <math.h>
#include <string.h>

double nn_loss_eval(const struct nn_loss *l, const float *pred, int out_dim, const float *target,
                    const float *mask, size_t n, float *dpred, size_t *n_valid)
{
    size_t cnt = 0;
    for (size_t k = 0; k < n; k++)
        cnt += mask[k] != 0;
    if (n_valid)
        *n_valid = cnt;
    if (dpred)
        memset(dpred, 0, n * (size_t)out_dim * sizeof *dpred);
    if (!cnt)
        return 0.0;
    double sum = 0;
    float inv = 1.0f / (float)cnt;
    float delta = l->delta > 0 ? l->delta : 1.0f;
    for (size_t k = 0; k < n; k++) {
        if (mask[k] == 0)
            continue;
        const float *p = pred + k * (size_t)out_dim;
        float r = p[0] - target[k], g = 0;
        switch (l->kind) {
        case NN_LOSS_MSE:
            sum += (double)r * r;
            g = 2.0f * r;
            break;
        case NN_LOSS_MAE:
            sum += fabs((double)r);
            g = r > 0 ? 1.0f : r < 0 ? -1.0f : 0.0f;
            break;
        case NN_LOSS_HUBER: {
            float a = fabsf(r);
            if (a < delta) {
                sum += 0.5 * (double)r * r;
                g = r;
            } else {
                sum += (double)delta * (a - 0.5 * delta);
                g = r > 0 ? delta : -delta;
            }
            break;
        }
        case NN_LOSS_GNLL: {
            float lv = out_dim > 1 ? p[1] : 0.0f;
            float iv = expf(-lv);
            sum += 0.5 * ((double)lv + (double)r * r * iv);
            g = r * iv;
            if (dpred && out_dim > 1)
                dpred[k * (size_t)out_dim + 1] = 0.5f * (1.0f - r * r * iv) * inv;
            break;
        }
        }
        if (dpred)
            dpred[k * (size_t)out_dim] = g * inv;
    }
    return sum / (double)cnt;
}

int nn_loss_parse(const char *name)
{
    static const char *const names[] = {"mse", "mae", "huber", "gnll"};
    for (int k = 0; k < 4; k++)
        if (strcmp(name, names[k]) == 0)
            return k;
    return -1;
}

const char *nn_loss_name(enum nn_loss_kind k)
{
    static const char *const names[] = {"mse", "mae", "huber", "gnll"};
    return (unsigned)k < 4 ? names[k] : "?";
}
