/* kernels.h — the engine's fused elementwise kernels (LSTM cell forward/backward, activations) with
 * runtime dispatch to AVX2+FMA code when the CPU has it, and the BLAS thread-count setting. */
#ifndef HRCAST_NN_KERNELS_H
#define HRCAST_NN_KERNELS_H
#include <stddef.h>

/* Number of threads for OpenBLAS (>= 1). Same seed + same thread count => identical bytes. */
void nn_set_threads(int n);
int nn_get_threads(void);

/* LSTM cell forward for nb rows. g: [nb][4H] pre-activations (gate order i,f,g,o), overwritten by
 * the activations; c_prev: [nb][H] or NULL (zeros); c, h, tc (= tanh c) written [nb][H]. tc may be
 * NULL (inference). */
void nn_lstm_cell_fwd(int nb, int H, float *g, const float *c_prev, float *c, float *h, float *tc);

/* LSTM cell backward for nb rows. g: [nb][4H] activations in, pre-activation gradients out.
 * dh: [nb][H] total gradient into h_t; dc: [nb][H] in: gradient from c_{t+1} (dc_next), out: the
 * gradient into c_{t-1} (dc * f); c_prev may be NULL (zeros). */
void nn_lstm_cell_bwd(int nb, int H, float *g, const float *c_prev, const float *tc, const float *dh,
                      float *dc);

/* Vectorised helpers (reference accuracy: a few ulp). */
void nn_sigmoid(float *x, size_t n);
void nn_tanh(float *x, size_t n);

#endif
