/* lstm.c — LSTM forward/backward/inference over one parameter buffer and one activation buffer.
 * Per layer: the input projection of ALL steps is one product (nn_par_input_proj), or, on the AVX-512
 * path and in inference, one packed product per block of rows and step inside the sweep (the same
 * bytes: the same kernel, rows independent); each step adds h_{t-1} W_hh^T with one fused (B x 4H)
 * product against W_hh packed once per call (nn_gemm_packed) and runs the fused cell kernel; the top
 * layer's sweep also runs the head (forward outputs, and backward its gradient into h and per-row sums
 * of its weight gradient). The backward sweep accumulates dh_{t-1} with one packed product per step and
 * the weight gradients as large products afterwards. The per-step sweeps run on up to nn_get_threads()
 * threads, each over its own contiguous block of batch rows for all steps (nn_par_rows); every row's
 * arithmetic is the same whatever block it is in, and the bias and head gradients are kept per row and
 * summed in row order afterwards, so results do not depend on the thread count. Shapes in comments. */
#include "nn/lstm.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/lstm_shared.h"
#include "nn/par.h"

static size_t layer_in(const struct lstm_cfg *c, int l) { return l == 0 ? (size_t)c->in : (size_t)c->hidden; }

static size_t count_params(const struct lstm_cfg *c)
{
    size_t H = (size_t)c->hidden, n = 0;
    for (int l = 0; l < c->layers; l++)
        n += 4 * H * layer_in(c, l) + 4 * H * H + 8 * H;
    return n + (size_t)c->out * H + (size_t)c->out;
}

static void make_views(struct lstm_model *m, float *base, struct lstm_layer_view *v, float **fw, float **fb)
{
    const struct lstm_cfg *c = &m->cfg;
    size_t H = (size_t)c->hidden;
    float *p = base;
    for (int l = 0; l < c->layers; l++) {
        v[l].w_ih = p;
        p += 4 * H * layer_in(c, l);
        v[l].w_hh = p;
        p += 4 * H * H;
        v[l].b_ih = p;
        p += 4 * H;
        v[l].b_hh = p;
        p += 4 * H;
    }
    *fw = p;
    p += (size_t)c->out * H;
    *fb = p;
}

int lstm_model_init(struct lstm_model *m, const struct lstm_cfg *cfg, uint64_t seed, struct hr_err *e)
{
    memset(m, 0, sizeof *m);
    if (cfg->in < 1 || cfg->hidden < 1 || cfg->layers < 1 || cfg->layers > LSTM_MAX_LAYERS ||
        cfg->out < 1 || cfg->out > 2 || !(cfg->dropout >= 0 && cfg->dropout < 1))
        return hr_fail(e, "lstm: bad config (in %d, hidden %d, layers %d, out %d, dropout %g)", cfg->in,
                       cfg->hidden, cfg->layers, cfg->out, cfg->dropout);
    m->cfg = *cfg;
    m->n_params = count_params(cfg);
    m->params = calloc(2 * m->n_params, sizeof(float));
    if (!m->params)
        return hr_fail(e, "lstm: out of memory for %zu parameters", m->n_params);
    m->grads = m->params + m->n_params;
    make_views(m, m->params, m->p, &m->fc_w, &m->fc_b);
    make_views(m, m->grads, m->g, &m->gfc_w, &m->gfc_b);
    struct nn_rng r;
    nn_rng_seed(&r, seed);
    float k = 1.0f / sqrtf((float)cfg->hidden);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = (2.0f * nn_rng_unif(&r) - 1.0f) * k;
    return 0;
}

void lstm_model_free(struct lstm_model *m)
{
    free(m->params);
    memset(m, 0, sizeof *m);
}

static void add_param(struct nn_param *o, const char *name, int ndim, int64_t d0, int64_t d1, float *data, float *grad)
{
    snprintf(o->name, sizeof o->name, "%s", name);
    o->ndim = ndim;
    o->shape[0] = d0;
    o->shape[1] = d1;
    o->numel = (size_t)d0 * (size_t)(ndim == 2 ? d1 : 1);
    o->data = data;
    o->grad = grad;
}

int lstm_params(const struct lstm_model *m, struct nn_param *out)
{
    const struct lstm_cfg *c = &m->cfg;
    int n = 0, H = c->hidden;
    char name[48];
    for (int l = 0; l < c->layers; l++) {
        snprintf(name, sizeof name, "lstm.weight_ih_l%d", l);
        add_param(&out[n++], name, 2, 4 * H, (int64_t)layer_in(c, l), m->p[l].w_ih, m->g[l].w_ih);
        snprintf(name, sizeof name, "lstm.weight_hh_l%d", l);
        add_param(&out[n++], name, 2, 4 * H, H, m->p[l].w_hh, m->g[l].w_hh);
        snprintf(name, sizeof name, "lstm.bias_ih_l%d", l);
        add_param(&out[n++], name, 1, 4 * H, 0, m->p[l].b_ih, m->g[l].b_ih);
        snprintf(name, sizeof name, "lstm.bias_hh_l%d", l);
        add_param(&out[n++], name, 1, 4 * H, 0, m->p[l].b_hh, m->g[l].b_hh);
    }
    add_param(&out[n++], "fc.weight", 2, c->out, H, m->fc_w, m->gfc_w);
    add_param(&out[n++], "fc.bias", 1, c->out, 0, m->fc_b, m->gfc_b);
    return n;
}

void lstm_init_output_bias(struct lstm_model *m, float hr_mean, float logvar0)
{
    m->fc_b[0] = hr_mean;
    if (m->cfg.out > 1)
        m->fc_b[1] = logvar0;
}

void lstm_zero_grad(struct lstm_model *m) { memset(m->grads, 0, m->n_params * sizeof(float)); }

/* ---- workspace ---- */

/* room for W_hh packed either way: B = W_hh^T (K = H, N = 4H) or B = W_hh (K = 4H, N = H) */
static size_t pack_floats(int H)
{
    size_t a = nn_pack_floats(H, 4 * H), b = nn_pack_floats(4 * H, H);
    return a > b ? a : b;
}

int lstm_ws_init(struct lstm_ws *ws, const struct lstm_model *m, int B_cap, int T_cap, struct hr_err *e)
{
    memset(ws, 0, sizeof *ws);
    const struct lstm_cfg *c = &m->cfg;
    if (B_cap < 1 || T_cap < 1)
        return hr_fail(e, "lstm: bad workspace size %d x %d", B_cap, T_cap);
    size_t TB = (size_t)B_cap * (size_t)T_cap, H = (size_t)c->hidden, L = (size_t)c->layers;
    size_t O = (size_t)c->out, F = (size_t)c->in;
    size_t pack2 = pack_floats(c->hidden), pin0 = nn_pack_floats(c->in, 4 * c->hidden); /* W_ih: backward, forward */
    pack2 = pin0 > pack2 ? pin0 : pack2;
    int drop = c->dropout > 0 && c->layers > 1;
    size_t n = TB * F + L * TB * (4 * H + 3 * H) + (drop ? (L - 1) * TB * 2 * H : 0) + 2 * TB * O + TB * H +
               (size_t)B_cap * H + (size_t)B_cap * 4 * H + (size_t)B_cap * O * H + 4 * H + 2 * TB +
               pack_floats(c->hidden) + pack2;
    ws->buf = malloc(n * sizeof(float));
    ws->len = malloc((size_t)B_cap * sizeof(int));
    if (!ws->buf || !ws->len) {
        lstm_ws_free(ws);
        return hr_fail(e, "lstm: out of memory for a %d x %d workspace (%zu MB)", B_cap, T_cap,
                       n * sizeof(float) >> 20);
    }
    float *p = ws->buf;
#define TAKE(ptr, count) (ptr = p, p += (count))
    TAKE(ws->x, TB * F);
    for (size_t l = 0; l < L; l++) {
        TAKE(ws->gates[l], TB * 4 * H);
        TAKE(ws->c[l], TB * H);
        TAKE(ws->h[l], TB * H);
        TAKE(ws->tc[l], TB * H);
        if (drop && l + 1 < L) {
            TAKE(ws->drop[l], TB * H);
            TAKE(ws->hd[l], TB * H);
        }
    }
    TAKE(ws->y, TB * O);
    TAKE(ws->dy, TB * O);
    TAKE(ws->dh, TB * H);
    TAKE(ws->dc, (size_t)B_cap * H);
    TAKE(ws->bsum, (size_t)B_cap * 4 * H);
    TAKE(ws->gfw, (size_t)B_cap * O * H);
    TAKE(ws->bias, 4 * H);
    TAKE(ws->tgt, TB);
    TAKE(ws->msk, TB);
    TAKE(ws->wpack, pack_floats(c->hidden) + pack2); /* W_hh, then W_ih (forward; backward above layer 0) */
#undef TAKE
    ws->B_cap = B_cap;
    ws->T_cap = T_cap;
    return 0;
}

void lstm_ws_free(struct lstm_ws *ws)
{
    free(ws->buf);
    free(ws->len);
    memset(ws, 0, sizeof *ws);
}

/* ---- shared pieces ---- */

/* bias[4H] = b_ih + b_hh: the gates' bias, added by the input projection (nn_par_input_proj,
 * nn_gemm_packed_bias) */
static void bias_sum(float *bias, int H, const float *b_ih, const float *b_hh)
{
    for (size_t j = 0; j < 4 * (size_t)H; j++)
        bias[j] = b_ih[j] + b_hh[j];
}

/* one row of the head: sum_k h[k] w[k] as 16 partial sums (k mod 16, each k-ordered; the tail k >= 16
 * floor(H/16) in a 17th) added in lane order, so the compiler vectorises it without reassociating;
 * nn_lstm_head_chunk and the stepper share it, so batch and stream give the same bytes */
static float head_dot(const float *restrict h, const float *restrict w, int H)
{
    float acc[16] = {0}, tail = 0;
    int k = 0;
    for (; k + 16 <= H; k += 16)
        for (int j = 0; j < 16; j++)
            acc[j] += h[k + j] * w[k + j];
    for (; k < H; k++)
        tail += h[k] * w[k];
    float s = 0;
    for (int j = 0; j < 16; j++)
        s += acc[j];
    return s + tail;
}

int nn_lstm_set_lengths(int *dst, const int *len, int B, int T)
{
    int tmax = 0;
    for (int b = 0; b < B; b++) {
        int l = len ? len[b] : T;
        l = l < 0 ? 0 : l > T ? T : l;
        dst[b] = l;
        tmax = l > tmax ? l : tmax;
    }
    return tmax;
}

/* ---- one time step, in blocks of rows so each block's gates stay in L1 between the product and
 * the cell (row results do not depend on the blocking) ---- */

/* rows per block: the packed product's register tile, nn_par_tile_rows (8 rows on the AVX-512 path, 6 on
 * AVX2; measured 2-4 % faster than 6-row blocks on AVX-512 for training and inference alike); a block's
 * gates (16 KB at H = 128) stay in L1 between the product and the cell */
static int step_rows(void) { return nn_par_tile_rows(); }

/* with Pin (the fused input projection): G_t = bias + x_t W_ih^T first, x_t [B][In] (the same bytes as the
 * whole-sequence nn_gemm_packed_bias: rows are independent); then G_t += h_{t-1} W_hh^T (hp NULL at t = 0:
 * no product), then the cell. Each block's gates are written and used while they sit in L1. */
static void step_fwd(int B, int H, const float *xt, int In, const float *Pin, const float *bias, const float *hp,
                     const float *P, float *Gt, const float *cp, float *c, float *h, float *tc)
{
    size_t G4 = 4 * (size_t)H;
    const int rows = step_rows();
    for (int r = 0; r < B; r += rows) {
        int nb = B - r < rows ? B - r : rows;
        size_t o1 = (size_t)r * H;
        if (Pin)
            nn_gemm_packed_bias(nb, 4 * H, In, xt + (size_t)r * In, In, Pin, bias, Gt + (size_t)r * G4, 4 * H);
        if (hp)
            nn_gemm_packed(nb, 4 * H, H, hp + o1, H, P, Gt + (size_t)r * G4, 4 * H);
        nn_lstm_cell_fwd(nb, H, Gt + (size_t)r * G4, cp ? cp + o1 : NULL, c + o1, h + o1, tc ? tc + o1 : NULL);
    }
}

/* the cell backward, bsum[B][4H] += dG_t (per row), dh_{t-1} += dG_t W_hh (dhp NULL at t = 0), and,
 * when Pi is given (layers > 0), dh_t is overwritten (it has been used) by dG_t W_ih: the gradient into
 * the layer below's output at t */
static void step_bwd(int B, int H, float *Gt, const float *cp, const float *tc, float *dht, float *dc,
                     const float *P, float *dhp, float *restrict bsum, const float *Pi)
{
    size_t G4 = 4 * (size_t)H;
    const int rows = step_rows();
    for (int r = 0; r < B; r += rows) {
        int nb = B - r < rows ? B - r : rows;
        size_t o1 = (size_t)r * H;
        nn_lstm_cell_bwd(nb, H, Gt + (size_t)r * G4, cp ? cp + o1 : NULL, tc + o1, dht + o1, dc + o1);
        for (int b = 0; b < nb; b++) {
            const float *restrict row = Gt + (size_t)(r + b) * G4;
            float *restrict acc = bsum + (size_t)(r + b) * G4;
            for (size_t j = 0; j < G4; j++)
                acc[j] += row[j];
        }
        if (dhp)
            nn_gemm_packed(nb, H, 4 * H, Gt + (size_t)r * G4, 4 * H, P, dhp + o1, H);
        if (Pi) {
            memset(dht + o1, 0, (size_t)nb * H * sizeof(float));
            nn_gemm_packed(nb, H, 4 * H, Gt + (size_t)r * G4, 4 * H, Pi, dht + o1, H);
        }
    }
}

/* ---- the sweeps over all steps for one block of rows [r0, r1) (run by nn_par_rows) ---- */

struct sweep {
    int B, H, T;      /* full batch, hidden, steps */
    float *G;         /* [T][B][4H]; [B][4H] reused by every step when gs is 0 (inference) */
    size_t gs;        /* floats from one step's gates to the next: B 4H, or 0 */
    const float *X, *Pin, *bias; /* forward, fused input projection: X [T][B][In], packed W_ih^T, [4H]; */
    int In;                      /* Pin NULL: G holds the projection already */
    float *Cs, *Hs, *TCs; /* [T][B][H] (TCs NULL: inference) */
    const float *h0, *c0; /* [B][H] state before step 0, or NULL (zeros, no product) */
    const float *P, *Pi;  /* packed W_hh (W_hh^T forward), packed W_ih for layers > 0 (backward) */
    float *dh, *dc, *bsum; /* backward: [T][B][H], [B][H], [B][4H] */
    /* the top layer of training (else NULL): forward Y [T][B][O] = h fc_w^T + fc_b; backward the head's
     * gradient dh = dY fc_w written before the recurrent part is added, and gfw [B][O][H] += dY^T h per row */
    const struct lstm_model *head;
    float *Y, *gfw;
    const float *dY;
};

/* the head's outputs for rows [r0, r1) of step t: head_dot per row, as inference does */
static void sweep_head_fwd(const struct sweep *s, int t, int r0, int r1)
{
    const struct lstm_model *m = s->head;
    int H = s->H, O = m->cfg.out;
    for (int b = r0; b < r1; b++) {
        size_t row = (size_t)t * s->B + (size_t)b;
        for (int o = 0; o < O; o++)
            s->Y[row * O + o] = head_dot(s->Hs + row * H, m->fc_w + (size_t)o * H, H) + m->fc_b[o];
    }
}

/* rows [r0, r1) of step t: dh = dY fc_w (sums over the outputs in order; overwrites dh), and the per-row
 * fc_w gradient gfw[b][o] += dY[b][o] h[b] */
static void sweep_head_bwd(const struct sweep *s, int t, int r0, int r1)
{
    const struct lstm_model *m = s->head;
    int H = s->H, O = m->cfg.out;
    for (int b = r0; b < r1; b++) {
        size_t row = (size_t)t * s->B + (size_t)b;
        const float *dy = s->dY + row * O, *restrict h = s->Hs + row * H;
        float *restrict dh = s->dh + row * H;
        for (int k = 0; k < H; k++)
            dh[k] = dy[0] * m->fc_w[k];
        for (int o = 1; o < O; o++)
            for (int k = 0; k < H; k++)
                dh[k] += dy[o] * m->fc_w[(size_t)o * H + k];
        for (int o = 0; o < O; o++) {
            float *restrict g = s->gfw + ((size_t)b * O + (size_t)o) * H;
            for (int k = 0; k < H; k++)
                g[k] += dy[o] * h[k];
        }
    }
}

/* asks for bytes at p in L2 ahead of use (lines of 64 bytes) */
static void prefetch_l2(const void *p, size_t bytes, int write)
{
    const char *c = p;
    for (size_t o = 0; o < bytes; o += 64) {
        if (write)
            __builtin_prefetch(c + o, 1, 2);
        else
            __builtin_prefetch(c + o, 0, 2);
    }
}

static void sweep_fwd(void *arg, int w, int r0, int r1)
{
    (void)w;
    const struct sweep *s = arg;
    int B = s->B, H = s->H, nb = r1 - r0;
    size_t BH = (size_t)B * H, G4 = 4 * (size_t)H, o1 = (size_t)r0 * H;
    for (int t = 0; t < s->T; t++) {
        const float *hp = t > 0 ? s->Hs + (size_t)(t - 1) * BH + o1 : s->h0 ? s->h0 + o1 : NULL;
        const float *cp = t > 0 ? s->Cs + (size_t)(t - 1) * BH + o1 : s->c0 ? s->c0 + o1 : NULL;
        size_t ot = (size_t)t * BH + o1;
        if (s->TCs && t + 1 < s->T) { /* training: the next step's block is far out of cache */
            prefetch_l2(s->G + (size_t)(t + 1) * s->gs + (size_t)r0 * G4, (size_t)nb * G4 * sizeof(float), 1);
            prefetch_l2(s->Cs + ot + BH, (size_t)nb * H * sizeof(float), 1);
            prefetch_l2(s->Hs + ot + BH, (size_t)nb * H * sizeof(float), 1);
            prefetch_l2(s->TCs + ot + BH, (size_t)nb * H * sizeof(float), 1);
        }
        const float *xt = s->Pin ? s->X + ((size_t)t * B + (size_t)r0) * (size_t)s->In : NULL;
        step_fwd(nb, H, xt, s->In, s->Pin, s->bias, hp, s->P, s->G + (size_t)t * s->gs + (size_t)r0 * G4, cp,
                 s->Cs + ot, s->Hs + ot, s->TCs ? s->TCs + ot : NULL);
        if (s->head)
            sweep_head_fwd(s, t, r0, r1);
    }
}

static void sweep_bwd(void *arg, int w, int r0, int r1)
{
    (void)w;
    const struct sweep *s = arg;
    int B = s->B, H = s->H, nb = r1 - r0;
    size_t BH = (size_t)B * H, G4 = 4 * (size_t)H, o1 = (size_t)r0 * H;
    if (s->head)
        sweep_head_bwd(s, s->T - 1, r0, r1);
    for (int t = s->T - 1; t >= 0; t--) {
        size_t ot = (size_t)t * BH + o1;
        if (s->head && t > 0) /* dh_{t-1} starts as the head's gradient; the step adds the recurrent part */
            sweep_head_bwd(s, t - 1, r0, r1);
        if (t > 0) { /* the previous step's block, read next */
            prefetch_l2(s->G + ((size_t)(t - 1) * B + (size_t)r0) * G4, (size_t)nb * G4 * sizeof(float), 1);
            prefetch_l2(s->TCs + ot - BH, (size_t)nb * H * sizeof(float), 0);
            prefetch_l2(s->dh + ot - BH, (size_t)nb * H * sizeof(float), 1);
            if (t > 1)
                prefetch_l2(s->Cs + ot - 2 * BH, (size_t)nb * H * sizeof(float), 0);
        }
        /* cell backward; dh_{t-1}[B][H] += dG_t[B][4H] W_hh[4H][H] */
        step_bwd(nb, H, s->G + ((size_t)t * B + (size_t)r0) * G4, t > 0 ? s->Cs + ot - BH : NULL, s->TCs + ot,
                 s->dh + ot, s->dc + o1, s->P, t > 0 ? s->dh + ot - BH : NULL, s->bsum + (size_t)r0 * G4, s->Pi);
    }
}

/* ---- training forward ---- */

int lstm_forward(const struct lstm_model *m, struct lstm_ws *ws, const float *x, const int *len, int B,
                 int T, int train, struct nn_rng *rng, float *y, struct hr_err *e)
{
    const struct lstm_cfg *c = &m->cfg;
    if (B < 1 || T < 1 || B > ws->B_cap || T > ws->T_cap)
        return hr_fail(e, "lstm: batch %d x %d outside the workspace %d x %d", B, T, ws->B_cap, ws->T_cap);
    int drop = train && c->dropout > 0 && c->layers > 1;
    if (drop && !rng)
        return hr_fail(e, "lstm: dropout needs a random generator");
    int Tfull = T;
    T = nn_lstm_set_lengths(ws->len, len, B, T);
    if (T == 0)
        T = 1; /* keep one (ignored) step so the buffers stay defined */
    ws->B = B;
    ws->T = T;
    ws->train = drop;
    int F = c->in, H = c->hidden, L = c->layers, O = c->out;
    size_t TB = (size_t)T * (size_t)B;
    /* x [B][Tfull][F] -> ws->x [T][B][F], zero beyond each length */
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            float *dst = ws->x + ((size_t)t * B + (size_t)b) * (size_t)F;
            if (t < ws->len[b])
                memcpy(dst, x + ((size_t)b * Tfull + (size_t)t) * (size_t)F, (size_t)F * sizeof(float));
            else
                memset(dst, 0, (size_t)F * sizeof(float));
        }
    const float *in = ws->x;
    const int fused = nn_isa_active() == NN_ISA_AVX512;
    for (int l = 0; l < L; l++) {
        int In = (int)layer_in(c, l);
        float *G = ws->gates[l], *Cs = ws->c[l], *Hs = ws->h[l], *TCs = ws->tc[l];
        bias_sum(ws->bias, H, m->p[l].b_ih, m->p[l].b_hh);
        /* G[TB][4H] = in[TB][In] W_ih^T + b_ih + b_hh: on the AVX-512 path inside the sweep, block by block
         * and step by step (nn_par_input_proj's packed kernel there, so the same bytes; the gates are written
         * once and used while in L1: measured 2 % faster at 1 thread, 4-6 % at 2); elsewhere all of G first
         * (nn_par_input_proj: OpenBLAS) */
        float *pin = fused ? ws->wpack + pack_floats(H) : NULL;
        if (fused)
            nn_pack_bt(pin, m->p[l].w_ih, 4 * H, In);
        else
            nn_par_input_proj((int)TB, 4 * H, In, in, m->p[l].w_ih, ws->bias, G);
        nn_pack_bt(ws->wpack, m->p[l].w_hh, 4 * H, H);
        /* per step: G_t[B][4H] += h_{t-1}[B][H] W_hh^T; cell */
        struct sweep sw = {.B = B, .H = H, .T = T, .G = G, .gs = (size_t)B * 4 * H, .Cs = Cs, .Hs = Hs, .TCs = TCs,
                           .P = ws->wpack, .X = in, .In = In, .Pin = pin, .bias = ws->bias,
                           .head = l == L - 1 ? m : NULL, .Y = ws->y}; /* the top layer computes the head */
        nn_par_rows(B, sweep_fwd, &sw);
        if (drop && l + 1 < L) {
            float p = c->dropout, keep = 1.0f / (1.0f - p);
            float *D = ws->drop[l], *HD = ws->hd[l];
            for (size_t k = 0; k < TB * (size_t)H; k++) {
                D[k] = nn_rng_unif(rng) < p ? 0.0f : keep;
                HD[k] = Hs[k] * D[k];
            }
            in = HD;
        } else {
            in = Hs;
        }
    }
    if (y)
        for (int b = 0; b < B; b++)
            for (int t = 0; t < Tfull; t++)
                for (int o = 0; o < O; o++)
                    y[((size_t)b * Tfull + (size_t)t) * (size_t)O + (size_t)o] =
                        t < ws->len[b] ? ws->y[((size_t)t * B + (size_t)b) * (size_t)O + (size_t)o] : NAN;
    ws->T_pub = Tfull;
    return 0;
}

static void gather_targets(struct lstm_ws *ws, const float *target, const float *mask)
{
    int B = ws->B, T = ws->T, Tfull = ws->T_pub;
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            size_t src = (size_t)b * Tfull + (size_t)t, dst = (size_t)t * B + (size_t)b;
            int ok = t < ws->len[b] && mask[src] != 0 && isfinite(target[src]);
            ws->msk[dst] = ok ? 1.0f : 0.0f;
            ws->tgt[dst] = ok ? target[src] : 0.0f;
        }
}

double lstm_loss(const struct lstm_model *m, struct lstm_ws *ws, const struct nn_loss *loss,
                 const float *target, const float *mask, size_t *n_valid)
{
    gather_targets(ws, target, mask);
    return nn_loss_eval(loss, ws->y, m->cfg.out, ws->tgt, ws->msk, (size_t)ws->T * ws->B, NULL, n_valid);
}

/* ---- backward ---- */

double lstm_backward(struct lstm_model *m, struct lstm_ws *ws, const struct nn_loss *loss,
                     const float *target, const float *mask, size_t *n_valid)
{
    const struct lstm_cfg *c = &m->cfg;
    int B = ws->B, T = ws->T, H = c->hidden, L = c->layers, O = c->out;
    size_t TB = (size_t)T * B, BH = (size_t)B * H, G4 = 4 * (size_t)H;
    gather_targets(ws, target, mask);
    double lv = nn_loss_eval(loss, ws->y, O, ws->tgt, ws->msk, TB, ws->dy, n_valid);
    /* head: gfc_b += sum dy here; dh[TB][H] = dy fc_w and gfc_w[O][H] += dy^T h_top in the top layer's sweep
     * (per row, then the rows in order below) */
    for (int o = 0; o < O; o++) {
        double s = 0;
        for (size_t r = 0; r < TB; r++)
            s += ws->dy[r * (size_t)O + (size_t)o];
        m->gfc_b[o] += (float)s;
    }
    for (int l = L - 1; l >= 0; l--) {
        int In = (int)layer_in(c, l);
        float *G = ws->gates[l], *Cs = ws->c[l], *Hs = ws->h[l], *TCs = ws->tc[l], *dh = ws->dh;
        memset(ws->dc, 0, BH * sizeof(float));
        memset(ws->bsum, 0, (size_t)B * G4 * sizeof(float));
        float *pi = l > 0 ? ws->wpack + pack_floats(H) : NULL;
        nn_pack_b(ws->wpack, m->p[l].w_hh, 4 * H, H);
        if (pi) /* In == H above layer 0 */
            nn_pack_b(pi, m->p[l].w_ih, 4 * H, H);
        if (l == L - 1)
            memset(ws->gfw, 0, (size_t)B * O * H * sizeof(float));
        struct sweep sw = {.B = B, .H = H, .T = T, .G = G, .gs = (size_t)B * G4, .Cs = Cs, .Hs = Hs, .TCs = TCs,
                           .P = ws->wpack, .Pi = pi, .dh = dh, .dc = ws->dc, .bsum = ws->bsum,
                           .head = l == L - 1 ? m : NULL, .dY = ws->dy, .gfw = ws->gfw};
        nn_par_rows(B, sweep_bwd, &sw);
        if (l == L - 1) /* the head's weight gradient: the per-row sums in row order */
            for (int b = 0; b < B; b++)
                for (size_t k = 0; k < (size_t)O * H; k++)
                    m->gfc_w[k] += ws->gfw[(size_t)b * O * H + k];
        const float *in = l == 0 ? ws->x : (ws->train ? ws->hd[l - 1] : ws->h[l - 1]);
        /* gW_hh[4H][H] += dG[1..T)^T h[0..T-1);  gW_ih[4H][In] += dG^T in */
        if (T > 1)
            nn_par_sgemm(1, 0, 4 * H, H, (int)(TB - (size_t)B), 1.0f, G + (size_t)B * G4, 4 * H, Hs, H, 1.0f,
                         m->g[l].w_hh, H);
        nn_par_sgemm(1, 0, 4 * H, In, (int)TB, 1.0f, G, 4 * H, in, In, 1.0f, m->g[l].w_ih, In);
        for (int b = 1; b < B; b++) /* biases: column sums of dG, per row in the sweep, rows in order here */
            for (size_t j = 0; j < G4; j++)
                ws->bsum[j] += ws->bsum[(size_t)b * G4 + j];
        for (size_t j = 0; j < G4; j++) {
            m->g[l].b_ih[j] += ws->bsum[j];
            m->g[l].b_hh[j] += ws->bsum[j];
        }
        if (l > 0) { /* dh of the layer below [TB][H] = dG[TB][4H] W_ih[4H][H] (done in the sweep), through dropout */
            if (ws->train) {
                const float *D = ws->drop[l - 1];
                for (size_t k = 0; k < TB * (size_t)H; k++)
                    dh[k] *= D[k];
            }
        }
    }
    return lv;
}

/* ---- lean inference ---- */

/* steps per chunk: about 256 rows (block rows x steps), so a chunk's gates (512 KB at H = 128, in the
 * low-precision paths; the FP32 path projects inside the sweep and keeps one step's gates) stay in the
 * 1 MB L2 next to the packed weights (1024 rows measured ~4 % slower at 1 and 2 threads) */
int nn_lstm_infer_chunk(int B)
{
    int c = 256 / B;
    return c < 4 ? 4 : c > 256 ? 256 : c;
}

int nn_lstm_longest(const int *lens, int B)
{
    int t = 0;
    for (int b = 0; b < B; b++)
        t = lens[b] > t ? lens[b] : t;
    return t;
}

void nn_lstm_gather_chunk(float *xin, const float *x, const int *lens, int B, int T, int F, int t0, int tn)
{
    for (int t = 0; t < tn; t++)
        for (int b = 0; b < B; b++) {
            float *dst = xin + ((size_t)t * B + (size_t)b) * (size_t)F;
            if (t0 + t < lens[b])
                memcpy(dst, x + ((size_t)b * T + (size_t)(t0 + t)) * (size_t)F, (size_t)F * sizeof(float));
            else
                memset(dst, 0, (size_t)F * sizeof(float));
        }
}

void nn_lstm_head_chunk(const struct lstm_model *m, const float *h, float *y, const int *lens, int B, int T, int t0,
                        int tn)
{
    int H = m->cfg.hidden, O = m->cfg.out;
    for (int t = 0; t < tn; t++) /* y = h fc_w^T + fc_b, row by row */
        for (int b = 0; b < B; b++) {
            const float *hr = h + ((size_t)t * B + (size_t)b) * H;
            for (int o = 0; o < O; o++) {
                float s = head_dot(hr, m->fc_w + (size_t)o * H, H);
                y[((size_t)b * T + (size_t)(t0 + t)) * (size_t)O + (size_t)o] = t0 + t < lens[b] ? s + m->fc_b[o] : NAN;
            }
        }
}

void nn_lstm_nan_tail(float *y, int B, int T, int O, int Teff)
{
    for (int b = 0; b < B; b++)
        for (int t = Teff; t < T; t++)
            for (int o = 0; o < O; o++)
                y[((size_t)b * T + (size_t)t) * (size_t)O + (size_t)o] = NAN;
}

/* scratch floats for a block of nb rows */
static size_t infer_scratch(const struct lstm_cfg *c, int nb)
{
    size_t CB = (size_t)nn_lstm_infer_chunk(nb) * nb, H = (size_t)c->hidden, BH = (size_t)nb * H;
    return CB * (size_t)c->in + BH * 4 + 3 * CB * H + 2 * (size_t)c->layers * BH;
}

/* largest block nn_par_rows hands out: the whole batch on one thread */
static int infer_max_block(int B) { return nn_par_block(B); }

struct infer_job {
    const struct lstm_model *m;
    const float *x; /* [B][T][F] */
    const int *lens; /* [B] clamped lengths */
    int T;
    float *y;         /* [B][T][O] */
    const float *pih; /* [L] packed W_ih^T (nn_pack_bt), stride pk_ih */
    const float *phh; /* [L] packed W_hh^T, stride pk_hh */
    size_t pk_ih, pk_hh;
    float *scratch; /* [workers][per_worker] */
    size_t per_worker;
    const float *bias; /* [L][4H] b_ih + b_hh */
};

/* rows [r0, r1) as a batch of their own: every product is the packed kernel (one k-ordered sum per
 * element) and the head a per-row dot product, so a row's outputs do not depend on the other rows,
 * the block or the chunking; no BLAS call, so blocks can run on several threads */
static void infer_rows(void *arg, int w, int r0, int r1)
{
    const struct infer_job *j = arg;
    const struct lstm_model *m = j->m;
    const struct lstm_cfg *c = &m->cfg;
    int F = c->in, H = c->hidden, L = c->layers, O = c->out, T = j->T, B = r1 - r0;
    const int *lp = j->lens + r0;
    int Teff = nn_lstm_longest(lp, B);
    const float *x = j->x + (size_t)r0 * T * F;
    float *y = j->y + (size_t)r0 * T * O;
    const int chunk = nn_lstm_infer_chunk(B);
    size_t CB = (size_t)chunk * B, BH = (size_t)B * H, G4 = 4 * (size_t)H;
    float *xin = j->scratch + (size_t)w * j->per_worker, *G = xin + CB * F, *ha = G + BH * 4, *hb = ha + CB * H;
    float *cc = hb + CB * H, *hstate = cc + CB * H, *cstate = hstate + (size_t)L * BH;
    for (int t0 = 0; t0 < Teff; t0 += chunk) {
        int tn = Teff - t0 < chunk ? Teff - t0 : chunk;
        nn_lstm_gather_chunk(xin, x, lp, B, T, F, t0, tn);
        const float *in = xin;
        float *hout = ha;
        for (int l = 0; l < L; l++) {
            int In = (int)layer_in(c, l);
            float *hs = hstate + (size_t)l * BH, *cs = cstate + (size_t)l * BH;
            struct sweep sw = {.B = B, .H = H, .T = tn, .G = G, .gs = 0, .X = in, .In = In,
                               .Pin = j->pih + (size_t)l * j->pk_ih, .bias = j->bias + (size_t)l * G4, .Cs = cc,
                               .Hs = hout, .P = j->phh + (size_t)l * j->pk_hh, .h0 = t0 > 0 ? hs : NULL,
                               .c0 = t0 > 0 ? cs : NULL};
            sweep_fwd(&sw, 0, 0, B);
            memcpy(hs, hout + (size_t)(tn - 1) * BH, BH * sizeof(float));
            memcpy(cs, cc + (size_t)(tn - 1) * BH, BH * sizeof(float));
            in = hout;
            hout = hout == ha ? hb : ha;
        }
        nn_lstm_head_chunk(m, in, y, lp, B, T, t0, tn);
    }
    nn_lstm_nan_tail(y, B, T, O, Teff);
}

int lstm_infer(const struct lstm_model *m, const float *x, const int *len, int B, int T, float *y,
               struct hr_err *e)
{
    const struct lstm_cfg *c = &m->cfg;
    int H = c->hidden, L = c->layers;
    if (B < 1 || T < 0)
        return hr_fail(e, "lstm: bad inference batch %d x %d", B, T);
    if (T == 0)
        return 0;
    int workers = nn_par_threads(B), nbmax = infer_max_block(B);
    size_t pk_hh = nn_pack_floats(H, 4 * H), pk_ih = nn_pack_floats(H > c->in ? H : c->in, 4 * H);
    size_t per = 0; /* the chunk length depends on the block's rows: the most any block size needs */
    for (int nb = 1; nb <= nbmax; nb++)
        if (infer_scratch(c, nb) > per)
            per = infer_scratch(c, nb);
    size_t G4 = 4 * (size_t)H;
    float *buf = malloc(((size_t)L * (pk_hh + pk_ih + G4) + (size_t)workers * per) * sizeof(float));
    int *lens = malloc((size_t)B * sizeof(int));
    if (!buf || !lens) {
        free(buf);
        free(lens);
        return hr_fail(e, "lstm: out of memory for inference scratch");
    }
    nn_lstm_set_lengths(lens, len, B, T);
    float *bias = buf + (size_t)L * (pk_ih + pk_hh) + (size_t)workers * per;
    struct infer_job j = {m, x, lens, T, y, buf, buf + (size_t)L * pk_ih, pk_ih, pk_hh,
                          buf + (size_t)L * (pk_ih + pk_hh), per, bias};
    for (int l = 0; l < L; l++) {
        bias_sum(bias + (size_t)l * G4, H, m->p[l].b_ih, m->p[l].b_hh);
        nn_pack_bt(buf + (size_t)l * pk_ih, m->p[l].w_ih, 4 * H, (int)layer_in(c, l));
        nn_pack_bt(buf + (size_t)L * pk_ih + (size_t)l * pk_hh, m->p[l].w_hh, 4 * H, H);
    }
    nn_par_rows(B, infer_rows, &j);
    free(buf);
    free(lens);
    return 0;
}

/* ---- one step at a time (lstm.h: struct lstm_stepper) ---- */

int lstm_stepper_init(struct lstm_stepper *s, const struct lstm_model *m, struct hr_err *e)
{
    const struct lstm_cfg *c = &m->cfg;
    int H = c->hidden, L = c->layers;
    memset(s, 0, sizeof *s);
    s->m = m;
    s->pk_hh = nn_pack_floats(H, 4 * H);
    s->pk_ih = nn_pack_floats(H > c->in ? H : c->in, 4 * H);
    size_t nf = (size_t)L * (s->pk_ih + s->pk_hh) + 6 * (size_t)L * H + 6 * (size_t)H; /* packs, h, c, bias, g, hn, cn */
    s->pih = malloc(nf * sizeof(float));
    if (!s->pih)
        return hr_fail(e, "lstm: out of memory for the stepper");
    s->phh = s->pih + (size_t)L * s->pk_ih;
    s->h = s->phh + (size_t)L * s->pk_hh;
    s->c = s->h + (size_t)L * H;
    s->bias = s->c + (size_t)L * H;
    s->g = s->bias + 4 * (size_t)L * H;
    s->hn = s->g + 4 * (size_t)H;
    s->cn = s->hn + H;
    for (int l = 0; l < L; l++) {
        nn_pack_bt(s->pih + (size_t)l * s->pk_ih, m->p[l].w_ih, 4 * H, (int)layer_in(c, l));
        nn_pack_bt(s->phh + (size_t)l * s->pk_hh, m->p[l].w_hh, 4 * H, H);
        bias_sum(s->bias + 4 * (size_t)l * H, H, m->p[l].b_ih, m->p[l].b_hh);
    }
    lstm_stepper_reset(s);
    return 0;
}

void lstm_stepper_free(struct lstm_stepper *s)
{
    free(s->pih);
    memset(s, 0, sizeof *s);
}

void lstm_stepper_reset(struct lstm_stepper *s)
{
    size_t LH = (size_t)s->m->cfg.layers * s->m->cfg.hidden;
    memset(s->h, 0, LH * sizeof(float));
    memset(s->c, 0, LH * sizeof(float));
    s->started = 0;
}

void lstm_stepper_step(struct lstm_stepper *s, const float *x, float *y)
{
    const struct lstm_model *m = s->m;
    const struct lstm_cfg *c = &m->cfg;
    int H = c->hidden, L = c->layers, O = c->out;
    const float *in = x;
    for (int l = 0; l < L; l++) {
        float *h = s->h + (size_t)l * H, *cs = s->c + (size_t)l * H;
        /* the same step as infer_rows' sweep: input projection with the bias, recurrent product, cell */
        step_fwd(1, H, in, (int)layer_in(c, l), s->pih + (size_t)l * s->pk_ih, s->bias + 4 * (size_t)l * H,
                 s->started ? h : NULL, s->phh + (size_t)l * s->pk_hh, s->g, s->started ? cs : NULL, s->cn, s->hn,
                 NULL);
        memcpy(h, s->hn, (size_t)H * sizeof(float));
        memcpy(cs, s->cn, (size_t)H * sizeof(float));
        in = h;
    }
    for (int o = 0; o < O; o++) /* the head as nn_lstm_head_chunk */
        y[o] = head_dot(in, m->fc_w + (size_t)o * H, H) + m->fc_b[o];
    s->started = 1;
}

void lstm_stepper_copy_state(struct lstm_stepper *dst, const struct lstm_stepper *src)
{
    size_t LH = (size_t)src->m->cfg.layers * src->m->cfg.hidden;
    memcpy(dst->h, src->h, LH * sizeof(float));
    memcpy(dst->c, src->c, LH * sizeof(float));
    dst->started = src->started;
}
