/* metrics.c — see metrics.h. */
#include "eval/metrics.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void metric_reset(struct metric_acc *a) { memset(a, 0, sizeof *a); }

long long metric_add(struct metric_acc *a, const float *pred, const float *actual, int n)
{
    long long k = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(actual[i]) || !isfinite(pred[i]))
            continue;
        double d = (double)pred[i] - (double)actual[i];
        a->abs_sum += fabs(d);
        a->sq_sum += d * d;
        a->err_sum += d;
        k++;
    }
    a->n += k;
    return k;
}

void metric_merge(struct metric_acc *a, const struct metric_acc *b)
{
    a->abs_sum += b->abs_sum;
    a->sq_sum += b->sq_sum;
    a->err_sum += b->err_sum;
    a->n += b->n;
}

double metric_mae(const struct metric_acc *a) { return a->n ? a->abs_sum / a->n : NAN; }
double metric_rmse(const struct metric_acc *a) { return a->n ? sqrt(a->sq_sum / a->n) : NAN; }
double metric_bias(const struct metric_acc *a) { return a->n ? a->err_sum / a->n : NAN; }

const char *fmt_metric(char *buf, double v)
{
    if (isnan(v))
        return "-";
    snprintf(buf, 24, "%.2f", v);
    return buf;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

double quantile(const double *v, int n, double q)
{
    double *s = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    if (!s)
        return NAN;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i]))
            s[m++] = v[i];
    if (!m) {
        free(s);
        return NAN;
    }
    qsort(s, (size_t)m, sizeof(double), cmp_double);
    double pos = q * (m - 1);
    int lo = (int)floor(pos);
    int hi = lo + 1 < m ? lo + 1 : lo;
    double r = s[lo] + (pos - lo) * (s[hi] - s[lo]);
    free(s);
    return r;
}
