/* splits.h — the stored splits: athlete-disjoint 70/15/15 of the steps and per-athlete chronological
 * 70/10/20 of the workouts, both seeded and deterministic (rules in docs/dataset-format.md). */
#ifndef HRCAST_DATA_SPLITS_H
#define HRCAST_DATA_SPLITS_H
#include <stdint.h>

/* athlete[i]: athlete name of series i; start[i]: start time (NaN unknown, ordered by index then);
 * weight[i]: its size for balancing the athlete split (valid heart-rate steps; NULL: 1 each).
 * Fills split_athlete[i] and split_chrono[i] with PART_TRAIN / PART_VAL / PART_TEST. */
int compute_splits(const char *const *athlete, const double *start, const double *weight, int n,
                   uint64_t seed, uint8_t *split_athlete, uint8_t *split_chrono);
uint64_t splitmix64(uint64_t *state);

#endif
