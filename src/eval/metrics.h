/* metrics.h — global masked error metrics: MAE, RMSE and bias summed over every valid step (never
 * averages of per-batch values), and per-workout MAE with its distribution. */
#ifndef HRCAST_EVAL_METRICS_H
#define HRCAST_EVAL_METRICS_H
#include <stddef.h>

struct metric_acc {
    double abs_sum, sq_sum, err_sum; /* err = pred - actual */
    long long n;
};

void metric_reset(struct metric_acc *a);
/* Add the steps where actual is finite (and pred finite). Returns the number added. */
long long metric_add(struct metric_acc *a, const float *pred, const float *actual, int n);
void metric_merge(struct metric_acc *a, const struct metric_acc *b);
double metric_mae(const struct metric_acc *a);  /* NaN when empty */
double metric_rmse(const struct metric_acc *a);
double metric_bias(const struct metric_acc *a);

/* "12.34", or "-" when v is NaN (empty groups in tables). buf needs 24 bytes. */
const char *fmt_metric(char *buf, double v);

/* Quantile q in [0,1] of v (n values, NaN skipped), linear interpolation; v is not modified. */
double quantile(const double *v, int n, double q);

#endif
