/* lstm.h — multi-layer LSTM (PyTorch equations, gate order i,f,g,o) with a per-step linear head,
 * training forward/backward and a lean streaming inference forward. Pure math on float arrays.
 *
 * Data layout (public API): batch-major, like torch.nn.LSTM(batch_first=True):
 *   x      [B][T][F]   inputs (must be finite for t < len[b]; ignored beyond)
 *   len    [B]         valid steps per sequence (NULL = all T); steps t >= len[b] affect nothing
 *   target [B][T], mask [B][T] (nonzero = valid target; only t < len[b] count)
 *   y      [B][T][O]   outputs (O = 1: HR; O = 2: HR, log-variance); NaN for t >= len[b]
 * Inside, activations are time-major [T][B][.] so each step's rows are contiguous.
 *
 * Memory: one parameter buffer and one gradient buffer with named views (state_dict order), one
 * activation workspace allocated for a (B, T) capacity. */
#ifndef HRCAST_NN_LSTM_H
#define HRCAST_NN_LSTM_H
#include <stddef.h>
#include <stdint.h>
#include "nn/loss.h"
#include "nn/rng.h"
#include "util/err.h"

#define LSTM_MAX_LAYERS 8

struct lstm_cfg {
    int in;        /* F */
    int hidden;    /* H */
    int layers;    /* L */
    int out;       /* O: 1 or 2 */
    float dropout; /* between layers, training only (PyTorch semantics) */
};

struct lstm_layer_view {
    float *w_ih; /* [4H][In] */
    float *w_hh; /* [4H][H] */
    float *b_ih; /* [4H] */
    float *b_hh; /* [4H] */
};

struct lstm_model {
    struct lstm_cfg cfg;
    size_t n_params;
    float *params; /* one buffer */
    float *grads;  /* same layout */
    struct lstm_layer_view p[LSTM_MAX_LAYERS], g[LSTM_MAX_LAYERS];
    float *fc_w, *fc_b;   /* [O][H], [O] */
    float *gfc_w, *gfc_b;
};

/* One named parameter tensor (PyTorch state_dict names). */
struct nn_param {
    char name[48];
    int ndim;
    int64_t shape[2];
    size_t numel;
    float *data;
    float *grad;
};
#define LSTM_MAX_PARAMS (4 * LSTM_MAX_LAYERS + 2)

/* Allocate and initialise like PyTorch: every LSTM tensor U(-1/sqrt(H), 1/sqrt(H)), fc weight and
 * bias U(-1/sqrt(H), 1/sqrt(H)); seeded. */
int lstm_model_init(struct lstm_model *m, const struct lstm_cfg *cfg, uint64_t seed, struct hr_err *e);
void lstm_model_free(struct lstm_model *m);
/* Fill out[] (capacity LSTM_MAX_PARAMS) in state_dict order: lstm.weight_ih_l0, lstm.weight_hh_l0,
 * lstm.bias_ih_l0, lstm.bias_hh_l0, ..., fc.weight, fc.bias. Returns the count. */
int lstm_params(const struct lstm_model *m, struct nn_param *out);
/* Set fc.bias[0] = hr_mean (and fc.bias[1] = logvar0 when O = 2). */
void lstm_init_output_bias(struct lstm_model *m, float hr_mean, float logvar0);
void lstm_zero_grad(struct lstm_model *m);

/* Training workspace for up to (B_cap, T_cap). */
struct lstm_ws {
    int B_cap, T_cap, B, T; /* T: internal steps (longest length) */
    int T_pub;               /* T of the public arrays of the last forward */
    float *buf;              /* the one activation allocation */
    float *x;                /* [T][B][F] */
    float *gates[LSTM_MAX_LAYERS]; /* [T][B][4H]: activations after forward, dpre after backward */
    float *c[LSTM_MAX_LAYERS], *h[LSTM_MAX_LAYERS], *tc[LSTM_MAX_LAYERS]; /* [T][B][H] */
    float *drop[LSTM_MAX_LAYERS];  /* [T][B][H] dropout scale (0 or 1/(1-p)) for layers < L-1 */
    float *hd[LSTM_MAX_LAYERS];    /* [T][B][H] dropped outputs (input of layer l+1) */
    float *y;                /* [T][B][O] head outputs */
    float *dy;               /* [T][B][O] */
    float *dh;               /* [T][B][H] gradient into the outputs of the current layer */
    float *dc;               /* [B][H] recurrent cell gradient */
    float *bsum;             /* [B][4H] bias-gradient accumulators, one per row */
    float *gfw;              /* [B][O][H] the head's weight-gradient accumulators, one per row */
    float *bias;             /* [4H] b_ih + b_hh of the layer being run forward */
    float *wpack;            /* one layer's W_hh packed for the per-step products (nn_pack_*) */
    float *tgt, *msk;        /* [T][B] */
    int *len;                /* [B] */
    int train;
};
int lstm_ws_init(struct lstm_ws *ws, const struct lstm_model *m, int B_cap, int T_cap, struct hr_err *e);
void lstm_ws_free(struct lstm_ws *ws);

/* Forward keeping activations. train = 1 applies dropout using rng (may be NULL when dropout is 0
 * or train is 0). y (may be NULL) receives the outputs in the public layout. */
int lstm_forward(const struct lstm_model *m, struct lstm_ws *ws, const float *x, const int *len, int B,
                 int T, int train, struct nn_rng *rng, float *y, struct hr_err *e);
/* Masked loss of the last forward; then backward through time, ADDING into m->grads (call
 * lstm_zero_grad first). Returns the loss; *n_valid gets the number of valid steps. */
double lstm_backward(struct lstm_model *m, struct lstm_ws *ws, const struct nn_loss *loss,
                     const float *target, const float *mask, size_t *n_valid);
/* Loss only (no backward), for validation after lstm_forward. */
double lstm_loss(const struct lstm_model *m, struct lstm_ws *ws, const struct nn_loss *loss,
                 const float *target, const float *mask, size_t *n_valid);

/* Lean inference: no activation storage; processes time in chunks, keeping (h, c) per layer.
 * Allocates its own small scratch. y as in the public layout. */
int lstm_infer(const struct lstm_model *m, const float *x, const int *len, int B, int T, float *y,
               struct hr_err *e);

/* One step at a time (a live stream): the same packed products, cell and per-row head as lstm_infer, with
 * the state (h, c per layer) carried between calls, so stepping a sequence row by row gives lstm_infer's
 * outputs bit for bit (tests/test_stream.c). lstm_stepper_init allocates everything once; step, reset and
 * copy allocate nothing. A stepper is tied to the model it was packed from (weights must not change). */
struct lstm_stepper {
    const struct lstm_model *m;
    float *pih, *phh;     /* [L] packed W_ih^T, W_hh^T */
    size_t pk_ih, pk_hh;
    float *h, *c;         /* [L][H] state after the last step */
    float *bias;          /* [L][4H] b_ih + b_hh */
    float *g, *hn, *cn;   /* scratch: [4H], [H], [H] */
    int started;          /* 0: zero state (first step skips the recurrent product, as lstm_infer does) */
};
int lstm_stepper_init(struct lstm_stepper *s, const struct lstm_model *m, struct hr_err *e);
void lstm_stepper_free(struct lstm_stepper *s);
void lstm_stepper_reset(struct lstm_stepper *s);
/* x: [in] one input row; y: [out] outputs of this step. */
void lstm_stepper_step(struct lstm_stepper *s, const float *x, float *y);
/* The state of src into dst (both initialised from the same model). */
void lstm_stepper_copy_state(struct lstm_stepper *dst, const struct lstm_stepper *src);

/* Low-precision inference (lstm_lowp.c), int8 or bf16: as lstm_infer, with the recurrent products and
 * the products between layers in 8-bit integers (8-bit activations with AVX512_VNNI, else 7-bit; 8-bit
 * weights scaled per gate row) or in bfloat16 (bf16 weights and activations, FP32 sums: vdpbf16ps with
 * AVX512_BF16, else emulated in FP32 with the same numbers); layer 0's input product, the cell, the
 * state and the head stay FP32. Outputs differ from lstm_infer by the rounding of the operands
 * (tests/test_nn_q8.c, tests/test_nn_bf16.c bound it on random models, docs/performance.md reports it on
 * real data). Same layouts, lengths and NaN padding. The weights are packed once by lstm_lowp_prepare
 * (valid while they do not change; 0.9-1.2 ms at 2x128 for int8, against 0.1 ms for the FP32 packing). */
enum lstm_precision { LSTM_PREC_FP32 = 0, LSTM_PREC_BF16 = 1, LSTM_PREC_INT8 = 2 };
/* "fp32", "bf16", "int8" */
const char *lstm_precision_name(enum lstm_precision p);
struct lstm_lowp;
/* prec: LSTM_PREC_INT8 or LSTM_PREC_BF16 (int8's activation width is fixed here, from nn_q8_bits()) */
struct lstm_lowp *lstm_lowp_prepare(const struct lstm_model *m, enum lstm_precision prec, struct hr_err *e);
enum lstm_precision lstm_lowp_precision(const struct lstm_lowp *q); /* FP32 for NULL */
void lstm_lowp_free(struct lstm_lowp *q);
int lstm_infer_lowp(const struct lstm_model *m, const struct lstm_lowp *q, const float *x, const int *len, int B,
                    int T, float *y, struct hr_err *e);
/* The int8 names: lstm_lowp_prepare(m, LSTM_PREC_INT8, e); q NULL packs the weights for this call only. */
struct lstm_lowp *lstm_q8_prepare(const struct lstm_model *m, struct hr_err *e);
void lstm_q8_free(struct lstm_lowp *q);
int lstm_infer_q8(const struct lstm_model *m, const struct lstm_lowp *q, const float *x, const int *len, int B, int T,
                  float *y, struct hr_err *e);

#endif
