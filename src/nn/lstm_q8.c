/* lstm_q8.c — the int8 inference forward (lstm_infer_q8): the same LSTM as lstm_infer with the
 * recurrent products h_{t-1} W_hh^T and the inter-layer products h W_ih^T of layers > 0 in 8-bit
 * integers (gemm_q8.c: 8-bit activations with AVX512_VNNI, else 7-bit; per-row-scaled 8-bit weights,
 * exact int32 sums; the activation width is fixed when the weights are prepared), and
 * everything else in FP32: layer 0's input product (features are not bounded), biases, the cell, the
 * (c, h) state and the head. Each layer's outputs are quantized once per step, right after the cell,
 * and serve both the next step and the layer above. Like lstm_infer: time in chunks, rows in blocks
 * over threads (nn_par_rows), a row's outputs independent of the other rows and of the thread count. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nn/kernels.h"
#include "nn/lstm.h"
#include "nn/lstm_shared.h"
#include "nn/par.h"

/* rows per step block: the q8 tile is 4 rows; 8 keep a block's gates (16 KB) in L1 from the product
 * to the cell */
#define Q8_STEP_ROWS 8

struct lstm_q8 { /* one allocation (buf): packed weights, scales, biases */
    void *buf;
    int8_t *qih[LSTM_MAX_LAYERS], *qhh[LSTM_MAX_LAYERS]; /* packed (layers > 0 for qih) */
    float *pih0;                                         /* layer 0's W_ih packed FP32 */
    float *alpha_ih[LSTM_MAX_LAYERS], *alpha_hh[LSTM_MAX_LAYERS];
    float *bias_first[LSTM_MAX_LAYERS]; /* b_ih + b_hh (+ beta_ih): a step with no h_{t-1} */
    float *bias_rest[LSTM_MAX_LAYERS];  /* the same + beta_hh: every other step */
    int bits;                           /* activation bits (nn_q8_bits() at prepare time) */
};

struct q8_job {
    const struct lstm_model *m;
    const struct lstm_q8 *w;
    const float *x; /* [B][T][F] */
    const int *lens;
    int T, Kp;
    float *y;
    unsigned char *scratch; /* [workers][per_worker] bytes */
    size_t per_worker;
};

/* bytes of scratch for a block of nb rows, each part rounded up to 64 bytes */
static size_t round64(size_t n) { return (n + 63) / 64 * 64; }
static size_t q8_scratch(const struct lstm_cfg *c, int nb, int Kp)
{
    size_t CB = (size_t)nn_lstm_infer_chunk(nb) * nb, H = (size_t)c->hidden, L = (size_t)c->layers;
    size_t BH = (size_t)nb * H;
    return round64(CB * (size_t)c->in * 4) + round64(CB * 4 * H * 4) + 2 * round64(CB * H * 4) +
           2 * round64(CB * (size_t)Kp) + round64(L * BH * 4) + L * round64((size_t)nb * Kp);
}

/* one layer over tn steps of a block: G [tn][nb][4H] holds bias + input product; adds the recurrent
 * product, runs the cell, writes h (FP32) and its quantized rows hq [tn][nb][Kp]; state in/out */
static void q8_layer_sweep(const struct q8_job *j, int l, int nb, int tn, int first_chunk, float *G, float *cc,
                           float *hf, uint8_t *hq, float *cstate, uint8_t *hqstate)
{
    int H = j->m->cfg.hidden, Kp = j->Kp;
    size_t G4 = 4 * (size_t)H, BH = (size_t)nb * H, BK = (size_t)nb * Kp;
    for (int t = 0; t < tn; t++) {
        const uint8_t *hp = t > 0 ? hq + (size_t)(t - 1) * BK : first_chunk ? NULL : hqstate;
        const float *cp = t > 0 ? cc + (size_t)(t - 1) * BH : first_chunk ? NULL : cstate;
        float *Gt = G + (size_t)t * nb * G4;
        for (int r = 0; r < nb; r += Q8_STEP_ROWS) {
            int rb = nb - r < Q8_STEP_ROWS ? nb - r : Q8_STEP_ROWS;
            float *g = Gt + (size_t)r * G4;
            if (hp)
                nn_q8_gemm(rb, 4 * H, H, hp + (size_t)r * Kp, Kp, j->w->qhh[l], j->w->alpha_hh[l], g, 4 * H, j->w->bits);
            float *c = cc + (size_t)t * BH + (size_t)r * H, *h = hf + (size_t)t * BH + (size_t)r * H;
            nn_lstm_cell_fwd(rb, H, g, cp ? cp + (size_t)r * H : NULL, c, h, NULL);
            nn_q8_quantize(hq + (size_t)t * BK + (size_t)r * Kp, Kp, h, H, rb, H, j->w->bits);
        }
    }
    memcpy(cstate, cc + (size_t)(tn - 1) * BH, BH * sizeof(float));
    memcpy(hqstate, hq + (size_t)(tn - 1) * BK, BK);
}

static void q8_rows(void *arg, int w, int r0, int r1)
{
    const struct q8_job *j = arg;
    const struct lstm_model *m = j->m;
    const struct lstm_cfg *c = &m->cfg;
    int F = c->in, H = c->hidden, L = c->layers, O = c->out, T = j->T, B = r1 - r0, Kp = j->Kp;
    const int *lp = j->lens + r0;
    int Teff = nn_lstm_longest(lp, B);
    const float *x = j->x + (size_t)r0 * T * F;
    float *y = j->y + (size_t)r0 * T * O;
    const int chunk = nn_lstm_infer_chunk(B);
    size_t CB = (size_t)chunk * B, BH = (size_t)B * H, G4 = 4 * (size_t)H;
    unsigned char *s = j->scratch + (size_t)w * j->per_worker;
    float *xin = (void *)s;
    s += round64(CB * (size_t)F * 4);
    float *G = (void *)s;
    s += round64(CB * G4 * 4);
    float *cc = (void *)s;
    s += round64(CB * (size_t)H * 4);
    float *hf = (void *)s;
    s += round64(CB * (size_t)H * 4);
    uint8_t *hq[2] = {s, s + round64(CB * (size_t)Kp)};
    s += 2 * round64(CB * (size_t)Kp);
    float *cstate = (void *)s;
    s += round64((size_t)L * BH * 4);
    uint8_t *hqstate = s;
    for (int t0 = 0; t0 < Teff; t0 += chunk) {
        int tn = Teff - t0 < chunk ? Teff - t0 : chunk;
        size_t rows = (size_t)tn * B;
        nn_lstm_gather_chunk(xin, x, lp, B, T, F, t0, tn);
        for (int l = 0; l < L; l++) {
            uint8_t *hin = hq[(l + 1) % 2], *hout = hq[l % 2];
            /* bias: steps without h_{t-1} (t0 = 0, t = 0) have no recurrent product, so no beta_hh */
            for (size_t r = 0; r < rows; r++)
                memcpy(G + r * G4, t0 == 0 && r < (size_t)B ? j->w->bias_first[l] : j->w->bias_rest[l],
                       G4 * sizeof(float));
            if (l == 0)
                nn_gemm_packed((int)rows, 4 * H, F, xin, F, j->w->pih0, G, 4 * H);
            else
                nn_q8_gemm((int)rows, 4 * H, H, hin, Kp, j->w->qih[l], j->w->alpha_ih[l], G, 4 * H, j->w->bits);
            q8_layer_sweep(j, l, B, tn, t0 == 0, G, cc, hf, hout, cstate + (size_t)l * BH,
                           hqstate + (size_t)l * round64((size_t)B * Kp));
        }
        nn_lstm_head_chunk(m, hf, y, lp, B, T, t0, tn); /* on the last layer's FP32 h */
    }
    nn_lstm_nan_tail(y, B, T, O, Teff);
}

struct lstm_q8 *lstm_q8_prepare(const struct lstm_model *m, struct hr_err *e)
{
    const struct lstm_cfg *c = &m->cfg;
    int H = c->hidden, L = c->layers;
    size_t G4 = 4 * (size_t)H, qb = round64(nn_q8_pack_bytes(H, 4 * H));
    size_t pf = round64(nn_pack_floats(c->in, 4 * H) * sizeof(float)), vb = round64(G4 * sizeof(float));
    struct lstm_q8 *w = calloc(1, sizeof *w);
    unsigned char *buf = aligned_alloc(64, pf + (size_t)L * (2 * qb + 4 * vb) + vb);
    if (!w || !buf) {
        free(w);
        free(buf);
        hr_fail(e, "lstm: out of memory for the int8 weights");
        return NULL;
    }
    w->buf = buf;
    w->bits = nn_q8_bits();
    unsigned char *s = buf;
    float *beta = (void *)(s + pf + (size_t)L * (2 * qb + 4 * vb)); /* scratch for one beta vector */
    w->pih0 = (void *)s;
    nn_pack_bt(w->pih0, m->p[0].w_ih, 4 * H, c->in);
    s += pf;
    for (int l = 0; l < L; l++) {
        w->qih[l] = (void *)s;
        w->qhh[l] = (void *)(s + qb);
        s += 2 * qb;
        w->alpha_ih[l] = (void *)s;
        w->alpha_hh[l] = (void *)(s + vb);
        w->bias_first[l] = (void *)(s + 2 * vb);
        w->bias_rest[l] = (void *)(s + 3 * vb);
        s += 4 * vb;
        for (size_t k = 0; k < G4; k++)
            w->bias_first[l][k] = m->p[l].b_ih[k] + m->p[l].b_hh[k];
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

void lstm_q8_free(struct lstm_q8 *q)
{
    if (q)
        free(q->buf);
    free(q);
}

int lstm_infer_q8(const struct lstm_model *m, const struct lstm_q8 *q, const float *x, const int *len, int B, int T,
                  float *y, struct hr_err *e)
{
    const struct lstm_cfg *c = &m->cfg;
    if (B < 1 || T < 0)
        return hr_fail(e, "lstm: bad inference batch %d x %d", B, T);
    if (T == 0)
        return 0;
    int Kp = nn_q8_kpad(c->hidden), workers = nn_par_threads(B), nbmax = nn_par_block(B);
    size_t per = 0;
    for (int nb = 1; nb <= nbmax; nb++)
        if (q8_scratch(c, nb, Kp) > per)
            per = q8_scratch(c, nb, Kp);
    struct lstm_q8 *own = q ? NULL : lstm_q8_prepare(m, e);
    if (!q && !own)
        return -1;
    unsigned char *scratch = aligned_alloc(64, (size_t)workers * per);
    int *lens = malloc((size_t)B * sizeof(int));
    if (!scratch || !lens) {
        lstm_q8_free(own);
        free(scratch);
        free(lens);
        return hr_fail(e, "lstm: out of memory for int8 inference scratch");
    }
    nn_lstm_set_lengths(lens, len, B, T);
    struct q8_job j = {m, q ? q : own, x, lens, T, Kp, y, scratch, per};
    nn_par_rows(B, q8_rows, &j);
    lstm_q8_free(own);
    free(scratch);
    free(lens);
    return 0;
}
