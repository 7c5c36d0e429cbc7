/* lstm_shared.h — the pieces lstm.c shares with the low-precision inference forward (lstm_lowp.c): length
 * clamping, the inference chunk length, the input gather, the head and the NaN padding of a chunk.
 * Internal to src/nn. */
#ifndef HRCAST_NN_LSTM_SHARED_H
#define HRCAST_NN_LSTM_SHARED_H

/* dst[b] = len[b] (or T when len is NULL) clamped to [0, T]; returns the largest */
int nn_lstm_set_lengths(int *dst, const int *len, int B, int T);

/* steps per inference chunk for a block of B rows */
int nn_lstm_infer_chunk(int B);

/* the largest of lens[0 .. B) (0 for none) */
int nn_lstm_longest(const int *lens, int B);

struct lstm_model;
/* xin [tn][B][F] = steps t0 .. t0+tn-1 of x [B][T][F], zeros at and beyond each row's length */
void nn_lstm_gather_chunk(float *xin, const float *x, const int *lens, int B, int T, int F, int t0, int tn);
/* y [B][T][O] at steps t0 .. t0+tn-1 = the head on h [tn][B][H] (one dot product per row, so a row's
 * outputs do not depend on the others), NaN beyond each row's length */
void nn_lstm_head_chunk(const struct lstm_model *m, const float *h, float *y, const int *lens, int B, int T, int t0,
                        int tn);
/* y [B][T][O] = NaN at steps >= Teff */
void nn_lstm_nan_tail(float *y, int B, int T, int O, int Teff);

#endif
