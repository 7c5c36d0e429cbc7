/* batcher.h — turns dataset series into padded LSTM batches: normalised feature rows, HR targets
 * with masks, lengths; length-bucketed and shuffled per epoch with a seed. */
#ifndef HRCAST_TRAIN_BATCHER_H
#define HRCAST_TRAIN_BATCHER_H
#include <stdint.h>
#include "data/dataset.h"
#include "model/lstm_model.h"

struct batch {
    int B, T, F;
    float *x;      /* [B][T][F] */
    float *target; /* [B][T] (0 where masked); a physio-residual model's: HR - prior */
    float *mask;   /* [B][T] */
    int *len;      /* [B] */
    int *index;    /* [B] dataset index of each row */
    float *prior;  /* [T] scratch: one series' physiological prior (physio-residual) */
};

/* Capacity for B_cap x T_cap x F. */
int batch_alloc(struct batch *b, int B_cap, int T_cap, int F);
void batch_free(struct batch *b);
/* Fill b with series idx[0..n) (n <= B_cap), cropping each to T_cap steps; each row starts with the
 * model's m->preroll rest rows (no target), so b needs capacity T_cap + m->preroll. Steps whose HR the
 * quality stage flagged (prep/hr_quality.h) are masked out of the targets unless keep_flagged. A
 * physio-residual model (m->fs->residual) gets HR minus its prior as the target (model/blend.h). */
int batch_fill(struct batch *b, const struct dataset *ds, const int *idx, int n, int T_cap,
               const struct hr_lstm *m, int keep_flagged, struct hr_err *e);

/* An epoch plan: batches of indices, similar lengths together, order shuffled with seed. */
struct epoch_plan {
    int n_batches;
    int *start, *count; /* into order[] */
    int *order;
};
int epoch_plan_make(struct epoch_plan *p, const struct dataset *ds, const int *idx, int n, int B,
                    uint64_t seed, int shuffle);
void epoch_plan_free(struct epoch_plan *p);

#endif
