/* splits.h — the stored splits: athlete-disjoint 70/15/15 of the steps and per-athlete chronological
 * 70/10/rest of the workouts (rounded down; undated ones in no part), both seeded and deterministic
 * (rules in docs/dataset-format.md). */
#ifndef HRCAST_DATA_SPLITS_H
#define HRCAST_DATA_SPLITS_H
#include <stddef.h>
#include <stdint.h>

/* athlete[i]: athlete name of series i; start[i]: start time (NaN unknown: ordered last, by index; then in
 * no chrono part, PART_NONE, unless the athlete has no dated series);
 * weight[i]: its size for balancing the athlete split (valid heart-rate steps; NULL: 1 each).
 * Fills split_athlete[i] and split_chrono[i] with PART_TRAIN / PART_VAL / PART_TEST. */
int compute_splits(const char *const *athlete, const double *start, const double *weight, int n,
                   uint64_t seed, uint8_t *split_athlete, uint8_t *split_chrono);
uint64_t splitmix64(uint64_t *state);
/* The one-line note (no "warning: ") on the chrono split's workouts without a start time, of n: left_out
 * are in no part (PART_NONE: their athlete has dated ones), by_name are split in file-name order (their
 * athlete has no dated one). Returns 0 with buf "" when there are none. */
int chrono_undated_text(int left_out, int by_name, int n, char *buf, size_t cap);

#endif
