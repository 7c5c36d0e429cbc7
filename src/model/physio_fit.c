/* physio_fit.c — least-squares fitting of the physiological model (see physio.h, docs/physio.md).
 * For fixed tau and grade_k the predicted HR is linear in (hr0, offset, gain, drift): each is the
 * response of the same first-order filter to a known input (an impulse-free start, 1, v_eff, t/3600).
 * So an outer search over (tau, grade_k) — a coarse grid then golden sections — wraps a closed-form
 * ridge-regularized, Huber-reweighted linear solve over all valid (non-NaN) HR steps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model/physio.h"

#define NLIN 4           /* hr0, offset, gain, drift */
#define HUBER_DELTA 10.0 /* bpm */
#define NOISE_SD 6.0     /* bpm, residual scale assumed by the priors */
#define IRLS_ITERS 2     /* Huber reweightings per (tau, grade_k) */
#define GRADE_SLOPED 0.01f    /* a step on a slope of 1 % or more ... */
#define GRADE_MIN_SLOPED 30   /* ... of which grade_k needs this many, and 1 % of the steps with HR */

struct fit_ctx {
    const struct series *const *s;
    int n;
    double prior[NLIN], lambda[NLIN]; /* ridge centers and strengths */
    double ltau0, k0, lam_tau, lam_k;
};

struct fit_eval {
    double theta[NLIN];
    double loss, sse;
    long count;
};

/* One pass over all series. theta == NULL: unit weights. Else Huber weights from theta's residuals,
 * and the loss/SSE of theta are accumulated. Normal equations always accumulated. */
static void pass(const struct fit_ctx *c, double tau, double k, const double *theta, double A[NLIN][NLIN],
                 double b[NLIN], double *loss, double *sse, long *count)
{
    memset(A, 0, sizeof(double) * NLIN * NLIN);
    memset(b, 0, sizeof(double) * NLIN);
    *loss = *sse = 0;
    *count = 0;
    for (int j = 0; j < c->n; j++) {
        const struct series *s = c->s[j];
        double al = 1.0 - exp(-(double)s->step / tau);
        double x[NLIN] = {1, 0, 0, 0};
        const float *v = S_SPEED(s), *g = S_GRADE(s), *t = S_TIME(s), *y = S_HR(s);
        for (int i = 0; i < s->n; i++) {
            if (!isnan(y[i])) {
                double w = 1;
                if (theta) {
                    double r = y[i] - (x[0] * theta[0] + x[1] * theta[1] + x[2] * theta[2] + x[3] * theta[3]);
                    double ar = fabs(r);
                    *sse += r * r;
                    *loss += ar <= HUBER_DELTA ? 0.5 * r * r : HUBER_DELTA * (ar - 0.5 * HUBER_DELTA);
                    w = ar <= HUBER_DELTA ? 1.0 : HUBER_DELTA / ar;
                }
                for (int p = 0; p < NLIN; p++) {
                    b[p] += w * x[p] * y[i];
                    for (int q = p; q < NLIN; q++)
                        A[p][q] += w * x[p] * x[q];
                }
                (*count)++;
            }
            double ve = v[i] * (1.0 + k * (physio_cost_ratio(g[i]) - 1.0));
            x[0] -= x[0] * al;
            x[1] += (1.0 - x[1]) * al;
            x[2] += (ve - x[2]) * al;
            x[3] += (t[i] / 3600.0 - x[3]) * al;
        }
    }
    for (int p = 0; p < NLIN; p++)
        for (int q = 0; q < p; q++)
            A[p][q] = A[q][p];
}

/* Solve (A + diag(lambda)) theta = b + lambda * prior by Gaussian elimination with partial pivoting. */
static void solve(const struct fit_ctx *c, double A[NLIN][NLIN], const double b[NLIN], double theta[NLIN])
{
    double M[NLIN][NLIN + 1];
    double tr = 0;
    for (int p = 0; p < NLIN; p++)
        tr += A[p][p];
    for (int p = 0; p < NLIN; p++) {
        for (int q = 0; q < NLIN; q++)
            M[p][q] = A[p][q];
        M[p][p] += c->lambda[p] + 1e-9 * tr + 1e-9;
        M[p][NLIN] = b[p] + c->lambda[p] * c->prior[p];
    }
    for (int col = 0; col < NLIN; col++) {
        int piv = col;
        for (int r = col + 1; r < NLIN; r++)
            if (fabs(M[r][col]) > fabs(M[piv][col]))
                piv = r;
        for (int q = 0; q <= NLIN; q++) {
            double t = M[col][q];
            M[col][q] = M[piv][q];
            M[piv][q] = t;
        }
        for (int r = col + 1; r < NLIN; r++) {
            double f = M[r][col] / M[col][col];
            for (int q = col; q <= NLIN; q++)
                M[r][q] -= f * M[col][q];
        }
    }
    for (int r = NLIN - 1; r >= 0; r--) {
        double acc = M[r][NLIN];
        for (int q = r + 1; q < NLIN; q++)
            acc -= M[r][q] * theta[q];
        theta[r] = acc / M[r][r];
    }
}

/* Closed-form linear parameters with Huber reweighting (IRLS) for fixed (tau, k); the objective value. */
static double evaluate(const struct fit_ctx *c, double tau, double k, struct fit_eval *out)
{
    double A[NLIN][NLIN], b[NLIN], th1[NLIN], loss, sse;
    long cnt;
    pass(c, tau, k, NULL, A, b, &loss, &sse, &cnt);
    solve(c, A, b, th1);
    for (int it = 0; it < IRLS_ITERS; it++) {
        pass(c, tau, k, th1, A, b, &loss, &sse, &cnt);
        solve(c, A, b, out->theta);
        memcpy(th1, out->theta, sizeof th1);
    }
    pass(c, tau, k, out->theta, A, b, &loss, &sse, &cnt);
    for (int p = 0; p < NLIN; p++) {
        double d = out->theta[p] - c->prior[p];
        loss += 0.5 * c->lambda[p] * d * d;
    }
    double dt = log(tau) - c->ltau0, dk = k - c->k0;
    loss += 0.5 * c->lam_tau * dt * dt + 0.5 * c->lam_k * dk * dk;
    out->loss = loss;
    out->sse = sse;
    out->count = cnt;
    return loss;
}

/* Golden-section search of f over [lo, hi] along one coordinate (which: 0 = log tau, 1 = k). */
static void golden(const struct fit_ctx *c, int which, double lo, double hi, double *ltau, double *k,
                   struct fit_eval *best)
{
    const double gr = 0.6180339887498949;
    double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo);
    struct fit_eval e1, e2;
    double f1 = evaluate(c, which ? exp(*ltau) : exp(x1), which ? x1 : *k, &e1);
    double f2 = evaluate(c, which ? exp(*ltau) : exp(x2), which ? x2 : *k, &e2);
    for (int it = 0; it < 18; it++) {
        if (f1 < f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            e2 = e1;
            x1 = hi - gr * (hi - lo);
            f1 = evaluate(c, which ? exp(*ltau) : exp(x1), which ? x1 : *k, &e1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            e1 = e2;
            x2 = lo + gr * (hi - lo);
            f2 = evaluate(c, which ? exp(*ltau) : exp(x2), which ? x2 : *k, &e2);
        }
    }
    double x = f1 < f2 ? x1 : x2;
    struct fit_eval *e = f1 < f2 ? &e1 : &e2;
    if (e->loss < best->loss) {
        *best = *e;
        if (which)
            *k = x;
        else
            *ltau = x;
    }
}

/* Does the grade of the steps with HR say anything about grade_k? Not when (almost) none of them is on a slope:
 * runs without altitude (grade 0 throughout: a treadmill, a CSV without it), or too few sloped steps to tell a
 * climb's cost from noise. */
static int grade_informative(const struct series *const *s, int n)
{
    long sloped = 0, counted = 0;
    for (int j = 0; j < n; j++) {
        const float *g = S_GRADE(s[j]), *y = S_HR(s[j]);
        for (int i = 0; i < s[j]->n; i++)
            if (!isnan(y[i])) {
                counted++;
                sloped += fabsf(g[i]) >= GRADE_SLOPED;
            }
    }
    return sloped >= GRADE_MIN_SLOPED && sloped * 100 >= counted;
}

int physio_fit_params(const struct series *const *s, int n, const struct physio_params *prior,
                      float prior_weight, struct physio_params *out)
{
    struct physio_params def;
    physio_params_default(&def);
    if (!prior)
        prior = &def;
    struct fit_ctx c = {.s = s, .n = n};
    const double sd[NLIN] = {15, 15, 6, 6};
    const double center[NLIN] = {prior->hr0, prior->offset, prior->gain, prior->drift};
    double pw = prior_weight > 0 ? prior_weight : 0;
    for (int p = 0; p < NLIN; p++) {
        c.prior[p] = center[p];
        c.lambda[p] = pw * NOISE_SD * NOISE_SD / (sd[p] * sd[p]);
    }
    c.ltau0 = log(prior->tau > 1 ? prior->tau : 58);
    c.k0 = prior->grade_k;
    c.lam_tau = pw * NOISE_SD * NOISE_SD / (0.4 * 0.4);
    c.lam_k = pw * NOISE_SD * NOISE_SD / (0.5 * 0.5);

    /* coarse grid: tau 8..240 s (log), k 0..2; k alone, the prior's, when the grade tells nothing about it (every
     * k fits equally, and until 2026-12-07 the grid's first, 0, was kept: a model fitted on runs without altitude
     * took hills as flat) */
    const int NT = 12, NK = grade_informative(s, n) ? 9 : 1;
    const double lt_lo = log(8.0), lt_hi = log(240.0), k_lo = NK > 1 ? 0 : c.k0, k_hi = NK > 1 ? 2 : c.k0;
    struct fit_eval best = {.loss = INFINITY};
    double bl = 0, bk = 0;
    for (int it = 0; it < NT; it++)
        for (int ik = 0; ik < NK; ik++) {
            double lt = lt_lo + (lt_hi - lt_lo) * it / (NT - 1), k = NK > 1 ? k_lo + (k_hi - k_lo) * ik / (NK - 1) : k_lo;
            struct fit_eval e;
            evaluate(&c, exp(lt), k, &e);
            if (e.loss < best.loss) {
                best = e;
                bl = lt;
                bk = k;
            }
        }
    if (best.count == 0)
        return -1;
    double dl = (lt_hi - lt_lo) / (NT - 1), dk = NK > 1 ? (k_hi - k_lo) / (NK - 1) : 0;
    for (int round = 0; round < 2; round++) {
        golden(&c, 0, fmax(lt_lo, bl - dl), fmin(lt_hi, bl + dl), &bl, &bk, &best);
        if (NK > 1)
            golden(&c, 1, fmax(k_lo, bk - dk), fmin(k_hi, bk + dk), &bl, &bk, &best);
        dl *= 0.5;
        dk *= 0.5;
    }
    out->hr0 = (float)best.theta[0];
    out->offset = (float)best.theta[1];
    out->gain = (float)best.theta[2];
    out->drift = (float)best.theta[3];
    out->tau = (float)exp(bl);
    out->grade_k = (float)bk;
    out->rmse = (float)sqrt(best.sse / (double)best.count);
    out->n_valid = (float)best.count;
    return 0;
}

struct by_athlete {
    const char *id;
    int idx;
};

static int cmp_athlete(const void *a, const void *b)
{
    const struct by_athlete *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

int physio_model_fit_athlete(struct physio_model *m, const struct series *const *s, int n, const char *athlete,
                             const struct physio_fit_opts *o, struct hr_err *e)
{
    long valid = 0;
    for (int i = 0; i < n; i++)
        valid += series_valid_hr(s[i]);
    struct physio_params p;
    if (!athlete || !athlete[0] || valid < o->min_valid || physio_fit_params(s, n, &m->pop, o->prior_weight, &p))
        return 1;
    if (physio_model_set_athlete(m, athlete, &p))
        return hr_fail(e, "physio fit: out of memory");
    return 0;
}

int physio_model_fit(struct physio_model *m, const struct series *const *s, int n,
                     const struct physio_fit_opts *opts, struct hr_err *e)
{
    struct physio_fit_opts o;
    physio_fit_opts_default(&o);
    if (opts)
        o = *opts;
    physio_model_free(m);
    if (n > 0)
        m->step = s[0]->step;
    struct physio_params def;
    physio_params_default(&def);
    if (physio_fit_params(s, n, &def, o.prior_weight, &m->pop))
        return hr_fail(e, "physio fit: no valid heart-rate steps in %d training series", n);
    if (!o.personal || n == 0)
        return 0;
    struct by_athlete *ord = malloc((size_t)n * sizeof *ord);
    const struct series **grp = malloc((size_t)n * sizeof *grp);
    if (!ord || !grp) {
        free(ord);
        free(grp);
        return hr_fail(e, "physio fit: out of memory");
    }
    for (int i = 0; i < n; i++)
        ord[i] = (struct by_athlete){s[i]->meta.athlete, i};
    qsort(ord, (size_t)n, sizeof *ord, cmp_athlete);
    int rc = 0;
    for (int i = 0; i < n && rc == 0;) {
        int j = i, ng = 0;
        while (j < n && strcmp(ord[j].id, ord[i].id) == 0)
            grp[ng++] = s[ord[j++].idx];
        rc = physio_model_fit_athlete(m, grp, ng, ord[i].id, &o, e) < 0 ? -1 : 0;
        i = j;
    }
    free(ord);
    free(grp);
    return rc;
}
