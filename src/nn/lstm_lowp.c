/* lstm_lowp.c — the low-precision inference forward (lstm_infer_lowp), int8 or bf16: the same LSTM as
 * lstm_infer with the recurrent products h_{t-1} W_hh^T and the inter-layer products h W_ih^T of layers > 0
 * in low precision, either 8-bit integers (gemm_q8.c: 8-bit activations with AVX512_VNNI, else 7-bit;
 * per-row-scaled 8-bit weights, exact int32 sums; the activation width is fixed when the weights are
 * prepared) or bfloat16 (gemm_bf16.c: bf16 weights and activations, FP32 sums; vdpbf16ps where the CPU has
 * AVX512_BF16, else the same numbers emulated in FP32), and everything else in FP32: layer 0's input
 * product (features are not bounded; 14 columns cost little), biases, the cell, the (c, h) state and
 * the head. Each layer's outputs are converted once per step, right after the cell, and serve both the
 * next step and the layer above. Like lstm_infer: time in chunks, rows in blocks
 * over threads (nn_par_rows), a row's outputs independent of the other rows and of the thread count. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nn/kernels.h"
#include "nn/lstm.h"
#include "nn/lstm_shared.h"
#include "nn/par.h"

/* rows per step block: the product tiles are 8 rows; 8 keep a block's gates (16 KB) in L1 from the
 * product to the cell */
#define LOWP_STEP_ROWS 8

struct lstm_lowp { /* one allocation (buf): packed weights, scales, biases */
    void *buf;
    enum lstm_precision prec;                          /* LSTM_PREC_INT8 or LSTM_PREC_BF16 */
    void *qih[LSTM_MAX_LAYERS], *qhh[LSTM_MAX_LAYERS]; /* packed (layers > 0 for qih): int8_t or bf16 */
    float *pih0;                                       /* layer 0's W_ih packed FP32 */
    float *alpha_ih[LSTM_MAX_LAYERS], *alpha_hh[LSTM_MAX_LAYERS]; /* int8 only */
    float *bias_first[LSTM_MAX_LAYERS]; /* b_ih + b_hh (+ beta_ih): a step with no h_{t-1} */
    float *bias_rest[LSTM_MAX_LAYERS];  /* the same + beta_hh: every other step */
    int bits;                           /* int8: activation bits (nn_q8_bits() at prepare time) */
    int Kp;                             /* activation row length (elements) */
    size_t esz;                         /* bytes per activation element: 1 (int8) or 2 (bf16) */
};

/* the two precisions' activation conversion and product */
static void lowp_quantize(const struct lstm_lowp *w, void *q, const float *h, int ldh, int M, int K)
{
    if (w->prec == LSTM_PREC_BF16)
        nn_bf16_convert(q, w->Kp, h, ldh, M, K);
    else
        nn_q8_quantize(q, w->Kp, h, ldh, M, K, w->bits);
}

static void lowp_gemm(const struct lstm_lowp *w, int M, int N, int K, const void *A, const void *P, const float *alpha,
                      float *C, int ldc)
{
    if (w->prec == LSTM_PREC_BF16)
        nn_bf16_gemm(M, N, K, A, w->Kp, P, C, ldc);
    else
        nn_q8_gemm(M, N, K, A, w->Kp, P, alpha, C, ldc, w->bits);
}

struct lowp_job {
    const struct lstm_model *m;
    const struct lstm_lowp *w;
    const float *x; /* [B][T][F] */
    const int *lens;
    int T;
    float *y;
    unsigned char *scratch; /* [workers][per_worker] bytes */
    size_t per_worker;
};

/* bytes of scratch for a block of nb rows, each part rounded up to 64 bytes; Kb: bytes per activation row */
static size_t round64(size_t n) { return (n + 63) / 64 * 64; }
static size_t lowp_scratch(const struct lstm_cfg *c, int nb, size_t Kb)
{
    size_t CB = (size_t)nn_lstm_infer_chunk(nb) * nb, H = (size_t)c->hidden, L = (size_t)c->layers;
    size_t BH = (size_t)nb * H;
    return round64(CB * (size_t)c->in * 4) + round64(CB * 4 * H * 4) + 2 * round64(CB * H * 4) +
           2 * round64(CB * Kb) + round64(L * BH * 4) + L * round64((size_t)nb * Kb);
}

/* one layer over tn steps of a block: G [tn][nb][4H] holds bias + input product; adds the recurrent
 * product, runs the cell, writes h (FP32) and its low-precision rows hq [tn][nb][Kp]; state in/out */
static void lowp_layer_sweep(const struct lowp_job *j, int l, int nb, int tn, int first_chunk, float *G, float *cc,
                             float *hf, unsigned char *hq, float *cstate, unsigned char *hqstate)
{
    const struct lstm_lowp *w = j->w;
    int H = j->m->cfg.hidden;
    size_t G4 = 4 * (size_t)H, BH = (size_t)nb * H, Kb = (size_t)w->Kp * w->esz, BK = (size_t)nb * Kb;
    for (int t = 0; t < tn; t++) {
        const unsigned char *hp = t > 0 ? hq + (size_t)(t - 1) * BK : first_chunk ? NULL : hqstate;
        const float *cp = t > 0 ? cc + (size_t)(t - 1) * BH : first_chunk ? NULL : cstate;
        float *Gt = G + (size_t)t * nb * G4;
        for (int r = 0; r < nb; r += LOWP_STEP_ROWS) {
            int rb = nb - r < LOWP_STEP_ROWS ? nb - r : LOWP_STEP_ROWS;
            float *g = Gt + (size_t)r * G4;
            if (hp)
                lowp_gemm(w, rb, 4 * H, H, hp + (size_t)r * Kb, w->qhh[l], w->alpha_hh[l], g, 4 * H);
            float *c = cc + (size_t)t * BH + (size_t)r * H, *h = hf + (size_t)t * BH + (size_t)r * H;
            nn_lstm_cell_fwd(rb, H, g, cp ? cp + (size_t)r * H : NULL, c, h, NULL);
            lowp_quantize(w, hq + (size_t)t * BK + (size_t)r * Kb, h, H, rb, H);
        }
    }
    memcpy(cstate, cc + (size_t)(tn - 1) * BH, BH * sizeof(float));
    memcpy(hqstate, hq + (size_t)(tn - 1) * BK, BK);
}

static void lowp_rows(void *arg, int wk, int r0, int r1)
{
    const struct lowp_job *j = arg;
    const struct lstm_model *m = j->m;
    const struct lstm_lowp *w = j->w;
    const struct lstm_cfg *c = &m->cfg;
    int F = c->in, H = c->hidden, L = c->layers, O = c->out, T = j->T, B = r1 - r0;
    const int *lp = j->lens + r0;
    int Teff = nn_lstm_longest(lp, B);
    const float *x = j->x + (size_t)r0 * T * F;
    float *y = j->y + (size_t)r0 * T * O;
    const int chunk = nn_lstm_infer_chunk(B);
    size_t CB = (size_t)chunk * B, BH = (size_t)B * H, G4 = 4 * (size_t)H, Kb = (size_t)w->Kp * w->esz;
    unsigned char *s = j->scratch + (size_t)wk * j->per_worker;
    float *xin = (void *)s;
    s += round64(CB * (size_t)F * 4);
    float *G = (void *)s;
    s += round64(CB * G4 * 4);
    float *cc = (void *)s;
    s += round64(CB * (size_t)H * 4);
    float *hf = (void *)s;
    s += round64(CB * (size_t)H * 4);
    unsigned char *hq[2] = {s, s + round64(CB * Kb)};
    s += 2 * round64(CB * Kb);
    float *cstate = (void *)s;
    s += round64((size_t)L * BH * 4);
    unsigned char *hqstate = s;
    for (int t0 = 0; t0 < Teff; t0 += chunk) {
        int tn = Teff - t0 < chunk ? Teff - t0 : chunk;
        size_t rows = (size_t)tn * B;
        nn_lstm_gather_chunk(xin, x, lp, B, T, F, t0, tn);
        for (int l = 0; l < L; l++) {
            unsigned char *hin = hq[(l + 1) % 2], *hout = hq[l % 2];
            /* bias: steps without h_{t-1} (t0 = 0, t = 0) have no recurrent product, so no beta_hh */
            for (size_t r = 0; r < rows; r++)
                memcpy(G + r * G4, t0 == 0 && r < (size_t)B ? w->bias_first[l] : w->bias_rest[l], G4 * sizeof(float));
            if (l == 0)
                nn_gemm_packed((int)rows, 4 * H, F, xin, F, w->pih0, G, 4 * H);
            else
                lowp_gemm(w, (int)rows, 4 * H, H, hin, w->qih[l], w->alpha_ih[l], G, 4 * H);
            lowp_layer_sweep(j, l, B, tn, t0 == 0, G, cc, hf, hout, cstate + (size_t)l * BH,
                             hqstate + (size_t)l * round64((size_t)B * Kb));
        }
        nn_lstm_head_chunk(m, hf, y, lp, B, T, t0, tn); /* on the last layer's FP32 h */
    }
    nn_lstm_nan_tail(y, B, T, O, Teff);
}

const char *lstm_precision_name(enum lstm_precision p)
{
    return p == LSTM_PREC_BF16 ? "bf16" : p == LSTM_PREC_INT8 ? "int8" : "fp32";
}

struct lstm_lowp *lstm_lowp_prepare(const struct lstm_model *m, enum lstm_precision prec, struct hr_err *e)
{
    const struct lstm_cfg *c = &m->cfg;
    int H = c->hidden, L = c->layers, bf = prec == LSTM_PREC_BF16;
    if (prec != LSTM_PREC_BF16 && prec != LSTM_PREC_INT8) {
        hr_fail(e, "lstm: no low-precision forward for %s", lstm_precision_name(prec));
        return NULL;
    }
    size_t G4 = 4 * (size_t)H;
    size_t qb = round64(bf ? nn_bf16_pack_elems(H, 4 * H) * sizeof(uint16_t) : nn_q8_pack_bytes(H, 4 * H));
    size_t pf = round64(nn_pack_floats(c->in, 4 * H) * sizeof(float)), vb = round64(G4 * sizeof(float));
    struct lstm_lowp *w = calloc(1, sizeof *w);
    unsigned char *buf = aligned_alloc(64, pf + (size_t)L * (2 * qb + 4 * vb) + vb);
    if (!w || !buf) {
        free(w);
        free(buf);
        hr_fail(e, "lstm: out of memory for the %s weights", lstm_precision_name(prec));
        return NULL;
    }
    w->buf = buf;
    w->prec = prec;
    w->bits = bf ? 0 : nn_q8_bits();
    w->Kp = bf ? nn_bf16_kpad(H) : nn_q8_kpad(H);
    w->esz = bf ? sizeof(uint16_t) : 1;
    unsigned char *s = buf;
    float *beta = (void *)(s + pf + (size_t)L * (2 * qb + 4 * vb)); /* scratch for one beta vector */
    w->pih0 = (void *)s;
    nn_pack_bt(w->pih0, m->p[0].w_ih, 4 * H, c->in);
    s += pf;
    for (int l = 0; l < L; l++) {
        w->qih[l] = s;
        w->qhh[l] = s + qb;
        s += 2 * qb;
        w->alpha_ih[l] = bf ? NULL : (void *)s;
        w->alpha_hh[l] = bf ? NULL : (void *)(s + vb);
        w->bias_first[l] = (void *)(s + 2 * vb);
        w->bias_rest[l] = (void *)(s + 3 * vb);
        s += 4 * vb;
        for (size_t k = 0; k < G4; k++)
            w->bias_first[l][k] = m->p[l].b_ih[k] + m->p[l].b_hh[k];
        if (bf) { /* bf16 needs no offset: the products are of the values themselves */
            if (l > 0)
                nn_bf16_pack_bt(w->qih[l], m->p[l].w_ih, 4 * H, H);
            nn_bf16_pack_bt(w->qhh[l], m->p[l].w_hh, 4 * H, H);
            memcpy(w->bias_rest[l], w->bias_first[l], G4 * sizeof(float));
            continue;
        }
        if (l > 0) {
            nn_q8_pack_bt(w->qih[l], w->alpha_ih[l], beta, m->p[l].w_ih, 4 * H, H, w->bits);
            for (size_t k = 0; k < G4; k++)
                w->bias_first[l][k] += beta[k];
        }
        nn_q8_pack_bt(w->qhh[l], w->alpha_hh[l], beta, m->p[l].w_hh, 4 * H, H, w->bits);
        for (size_t k = 0; k < G4; k++)
            w->bias_rest[l][k] = w->bias_first[l][k] + beta[k];
    }
    return w;
}

enum lstm_precision lstm_lowp_precision(const struct lstm_lowp *q) { return q ? q->prec : LSTM_PREC_FP32; }

void lstm_lowp_free(struct lstm_lowp *q)
{
    if (q)
        free(q->buf);
    free(q);
}

int lstm_infer_lowp(const struct lstm_model *m, const struct lstm_lowp *q, const float *x, const int *len, int B, int T,
                    float *y, struct hr_err *e)
{
    if (!q)
        return hr_fail(e, "lstm: no low-precision weights prepared");
    if (B < 1 || T < 0)
        return hr_fail(e, "lstm: bad inference batch %d x %d", B, T);
    if (T == 0)
        return 0;
    const struct lstm_cfg *c = &m->cfg;
    size_t Kb = (size_t)q->Kp * q->esz, per = 0;
    int workers = nn_par_threads(B), nbmax = nn_par_block(B);
    for (int nb = 1; nb <= nbmax; nb++)
        if (lowp_scratch(c, nb, Kb) > per)
            per = lowp_scratch(c, nb, Kb);
    unsigned char *scratch = aligned_alloc(64, (size_t)workers * per);
    int *lens = malloc((size_t)B * sizeof(int));
    if (!scratch || !lens) {
        free(scratch);
        free(lens);
        return hr_fail(e, "lstm: out of memory for %s inference scratch", lstm_precision_name(q->prec));
    }
    nn_lstm_set_lengths(lens, len, B, T);
    struct lowp_job j = {m, q, x, lens, T, y, scratch, per};
    nn_par_rows(B, lowp_rows, &j);
    free(scratch);
    free(lens);
    return 0;
}

/* the int8 names of before */
struct lstm_lowp *lstm_q8_prepare(const struct lstm_model *m, struct hr_err *e)
{
    return lstm_lowp_prepare(m, LSTM_PREC_INT8, e);
}

void lstm_q8_free(struct lstm_lowp *q) { lstm_lowp_free(q); }

int lstm_infer_q8(const struct lstm_model *m, const struct lstm_lowp *q, const float *x, const int *len, int B, int T,
                  float *y, struct hr_err *e)
{
    struct lstm_lowp *own = q ? NULL : lstm_q8_prepare(m, e);
    if (!q && !own)
        return -1;
    int rc = lstm_infer_lowp(m, q ? q : own, x, len, B, T, y, e);
    lstm_lowp_free(own);
    return rc;
}
