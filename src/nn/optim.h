/* optim.h — Adam / AdamW over one flat parameter buffer, gradient clipping by global norm,
 * reduce-LR-on-plateau and early-stopping state machines. Equations follow PyTorch. */
#ifndef HRCAST_NN_OPTIM_H
#define HRCAST_NN_OPTIM_H
#include <stddef.h>
#include "util/err.h"

struct nn_adam {
    float lr, beta1, beta2, eps, weight_decay;
    int decoupled; /* 1 = AdamW (p -= lr*wd*p), 0 = Adam (g += wd*p) */
    long step;
    size_t n;
    float *m, *v;  /* one allocation, 2n floats */
};
/* Defaults: beta1 0.9, beta2 0.999, eps 1e-8. */
int nn_adam_init(struct nn_adam *a, size_t n, float lr, float weight_decay, int decoupled, struct hr_err *e);
void nn_adam_step(struct nn_adam *a, float *params, const float *grads);
void nn_adam_free(struct nn_adam *a);

/* Scale g so its global L2 norm is at most max_norm (PyTorch clip_grad_norm_: coef =
 * max_norm / (norm + 1e-6), applied when < 1). Returns the norm before clipping. */
float nn_clip_grad_norm(float *g, size_t n, float max_norm);

/* ReduceLROnPlateau (mode min, threshold_mode rel). */
struct nn_plateau {
    float factor;    /* 0.5 */
    int patience;    /* epochs without improvement before reducing */
    float threshold; /* relative, 1e-4 */
    float min_lr;
    int cooldown;
    float best;      /* +inf at start */
    int bad, cool;
};
void nn_plateau_init(struct nn_plateau *p, float factor, int patience, float min_lr);
/* Feed one validation metric; returns the (possibly reduced) learning rate. */
float nn_plateau_step(struct nn_plateau *p, float metric, float lr);

struct nn_early_stop {
    int patience;
    float min_delta;
    float best;
    int best_epoch, epoch, bad;
};
void nn_early_stop_init(struct nn_early_stop *s, int patience, float min_delta);
/* Feed one metric. Sets *improved (save a checkpoint then). Returns 1 when training should stop. */
int nn_early_stop_update(struct nn_early_stop *s, float metric, int *improved);

#endif
