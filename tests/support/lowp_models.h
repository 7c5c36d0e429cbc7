/* lowp_models.h — random LSTMs and inputs for the tests of the low-precision (int8, bf16) inference paths
 * (test_nn_q8.c, test_nn_bf16.c), and the distance between two output arrays. */
#ifndef HRCAST_TESTS_LOWP_MODELS_H
#define HRCAST_TESTS_LOWP_MODELS_H
#include <stddef.h>
#include <stdint.h>
#include "nn/lstm.h"

/* A 2-layer model (F inputs, H hidden, O outputs, no dropout) with PyTorch's initialisation doubled, so
 * that gates saturate sometimes, as trained ones do. Aborts when it cannot allocate. */
void lowp_make_model(struct lstm_model *m, int F, int H, int O, uint64_t seed);
/* B x T x F inputs uniform in [-2, 2] (malloc'ed; aborts when it cannot allocate). */
float *lowp_make_inputs(int B, int T, int F, uint64_t seed);
/* max |a - b| over the n positions (INFINITY where one is NaN and the other not); *mean (may be NULL)
 * gets the mean over the positions where both are numbers. */
double lowp_diff(const float *a, const float *b, size_t n, double *mean);

#endif
