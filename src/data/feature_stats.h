/* feature_stats.h — per-feature distribution of a dataset (count, mean, sd, min, percentiles, max)
 * over every step of every series: what a normaliser fitted on it would see. Used by
 * `hrcast info --features SET` to find outliers (docs/data.md, "Feature statistics"). */
#ifndef HRCAST_DATA_FEATURE_STATS_H
#define HRCAST_DATA_FEATURE_STATS_H
#include "data/dataset.h"
#include "prep/features.h"

#define FSTAT_NPCT 5
extern const float feature_stats_pct[FSTAT_NPCT]; /* 1, 5, 50, 95, 99 */

struct feature_stat {
    long long count;
    double mean, sd, min, max;
    double pct[FSTAT_NPCT];
};

/* Fill st[0..set->n-1] over the series of ds (all of them when idx is NULL, else idx[0..n_idx-1]).
 * Sets whose last column is a fitted prior (set->prior) are refused. */
int dataset_feature_stats(const struct dataset *ds, const int *idx, int n_idx, const struct feature_set *set,
                          struct feature_stat *st, struct hr_err *e);

#endif
