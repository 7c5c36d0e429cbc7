/* optimiser.c — pacing strategies and their scoring with a predictor (see optimiser.h, docs/plan.md).
 * A plan's shape is a log-speed per segment:
 *     l_i = -beta * ln f(grade_i) + sum_j a_j * hat_j(x_i)
 * f = Minetti cost ratio Cr(g)/Cr(0), clamped so that a segment is at most 2.5x slower or 1.5x faster
 * than the flat pace (also after multiplying by beta); hat_j are K piecewise-linear "tent" functions
 * over distance. beta = 0, a = 0 is even pace; beta = 1, a = 0 is even effort. Speeds are
 * v_i = min(k exp(l_i), vmax), vmax = min(9 m/s, 1.5 x mean speed), with k chosen so that the finish
 * time is the target exactly. */
#include "plan/optimiser.h"
#include "plan/so_far.h"
#include "model/physio.h"
#include "prep/prep.h"
#include "util/log.h"
#include "io/limits.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FACTOR_MIN 0.4  /* slowest segment relative to flat pace (steep uphill) */
#define FACTOR_MAX 1.5  /* fastest (downhill) */
#define A_LIMIT 0.35    /* |a_j|: at most ~40 % faster/slower from the distance basis */
#define BETA_MAX 1.5
#define SOFTMAX_T 0.5   /* bpm: temperature of the smooth peak used while searching */
/* with a cap, objective = time above (s) + CAP_AREA_W * area above (bpm s) + CAP_PEAK_W * peak (bpm)
 *                         + CAP_DEV_W * mean squared log-speed change from the search's start plan */
#define CAP_AREA_W 0.05
#define CAP_PEAK_W 0.01
#define CAP_DEV_W 2000.0
#define MAX_BASIS 10
#define CAP_SCAN_STEP 0.02 /* plan_fastest_under_cap: scan in steps of 2 % of the target ... */
#define CAP_SCAN_STEPS 50  /* ... up to twice the target */

static const char *const names[PLAN_STRATEGY_COUNT] = {"even-pace", "even-effort", "min-peak-hr"};

const char *plan_strategy_name(enum plan_strategy s)
{
    return s >= 0 && s < PLAN_STRATEGY_COUNT ? names[s] : "?";
}

int plan_strategy_parse(const char *name)
{
    for (int i = 0; i < PLAN_STRATEGY_COUNT; i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

void plan_opts_default(struct plan_opts *o)
{
    memset(o, 0, sizeof *o);
    o->strategy = PLAN_MIN_PEAK_HR;
    o->hr_cap = NAN;
    o->seg_len = 100;
    o->max_evals = 240;
    o->max_change = 2;
    o->max_start = 3;
    o->max_spread = 6;
    o->gender = 'u';
}

/* ---- the working state of one planning run ---- */

struct ctx {
    const struct predictor *p;
    const struct plan_course *c;
    const struct plan_opts *o;
    int nseg, nbasis;
    double seg_len;
    float *grade;   /* nseg */
    double *lnf;    /* nseg: ln f(grade) (clamped) */
    double *shape;  /* nseg: scratch log-speeds */
    float *speed;   /* nseg: scratch speeds */
    double *ref;    /* nseg: ln speed of the search's start plan (NULL before the search) */
    double *kmsum;  /* per-km scratch of limits_ok */
    int *kmcnt;
    int evals;
};

static void hat_weights(const struct ctx *x, double pos, int *j0, double *w1)
{
    /* pos in [0, 1] along the course; nodes at j / (nbasis - 1) */
    double u = pos * (x->nbasis - 1);
    int j = (int)u;
    if (j >= x->nbasis - 1)
        j = x->nbasis - 2;
    *j0 = j;
    *w1 = u - j;
}

/* Speeds from (beta, a[]) with the finish time equal to target; segments above vmax are held there
 * and the others sped up to keep the total (a few passes at most). */
static void speeds_from_params(struct ctx *x, double beta, const double *a, float *v)
{
    double target = x->o->target_s, L = x->seg_len;
    double vmax = fmin(PLAN_MAX_SEG_SPEED, PLAN_MAX_SEG_RATIO * x->c->length / target);
    for (int i = 0; i < x->nseg; i++) {
        double l = -beta * x->lnf[i];
        l = l < log(FACTOR_MIN) ? log(FACTOR_MIN) : l > log(FACTOR_MAX) ? log(FACTOR_MAX) : l;
        if (a && x->nbasis >= 2) {
            int j;
            double w;
            hat_weights(x, (i + 0.5) / x->nseg, &j, &w);
            l += (1 - w) * a[j] + w * a[j + 1];
        }
        x->shape[i] = exp(l);
        v[i] = 0; /* 0 = not held at vmax */
    }
    for (int pass = 0; pass < x->nseg + 1; pass++) {
        double free_time = target, inv = 0;
        for (int i = 0; i < x->nseg; i++) {
            if (v[i] > 0)
                free_time -= L / v[i];
            else
                inv += L / x->shape[i];
        }
        double k = inv / free_time;
        int held = 0;
        for (int i = 0; i < x->nseg; i++)
            if (v[i] == 0 && k * x->shape[i] > vmax) {
                v[i] = (float)vmax;
                held++;
            }
        if (!held) {
            for (int i = 0; i < x->nseg; i++)
                if (v[i] == 0)
                    v[i] = (float)(k * x->shape[i]);
            return;
        }
    }
}

static double finish_time(const float *v, int nseg, double L)
{
    double t = 0;
    for (int i = 0; i < nseg; i++)
        t += L / v[i];
    return t;
}

/* The planned run on the model's grid: distance D(t) piecewise linear (extended past the finish at
 * the last segment's speed), speed per step = distance covered in it / step, altitude at D(step start).
 * Steps: up to and including the first grid time at or after the finish. */
static int build_series(struct ctx *x, const float *v, struct series *s, struct hr_err *e)
{
    double step = x->p->step, L = x->seg_len;
    double T = finish_time(v, x->nseg, L);
    if (!(T <= HR_LIMIT_DURATION_S))
        return hr_fail(e, "plan: the run would take %.1f h: exceeds the %.0f h grid limit", T / 3600,
                       HR_LIMIT_DURATION_S / 3600);
    int n = (int)ceil(T / step - 1e-9) + 1;
    if (n < 2)
        n = 2;
    float *spd = malloc(sizeof(float) * (size_t)n), *alt = malloc(sizeof(float) * (size_t)n);
    if (!spd || !alt) {
        free(spd);
        free(alt);
        return hr_fail(e, "plan: out of memory");
    }
    /* D at grid times, walking the segments */
    int seg = 0;
    double seg_t0 = 0; /* start time of segment seg */
    double dprev = 0;
    for (int k = 0; k <= n; k++) {
        double t = k * step;
        while (seg < x->nseg - 1 && seg_t0 + L / v[seg] <= t) {
            seg_t0 += L / v[seg];
            seg++;
        }
        double d = seg * L + (t - seg_t0) * v[seg];
        if (k > 0)
            spd[k - 1] = (float)((d - dprev) / step);
        if (k < n)
            alt[k] = (float)plan_course_alt(x->c, d);
        dprev = d;
    }
    int rc = series_from_profile(spd, x->c->has_alt ? alt : NULL, n, (float)step, x->o->gender, s);
    free(spd);
    free(alt);
    if (rc)
        return hr_fail(e, "plan: out of memory");
    snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", x->o->athlete);
    snprintf(s->meta.source, sizeof s->meta.source, "plan:%s", x->c->name);
    s->meta.has_gps = 1;
    return 0;
}

static void score(const struct series *s, const float *hr, double T, double cap, struct plan_score *sc,
                  double *area, double *softpeak)
{
    double peak = -INFINITY, above = 0, ar = 0;
    int last = 0;
    for (int k = 0; k < s->n && k * (double)s->step <= T + 1e-9; k++) {
        last = k;
        if (hr[k] > peak)
            peak = hr[k];
        double dt = fmin(s->step, T - k * (double)s->step);
        if (dt > 0 && isfinite(cap) && hr[k] > cap) {
            above += dt;
            ar += (hr[k] - cap) * dt;
        }
    }
    double sum = 0;
    for (int k = 0; k <= last; k++)
        sum += exp((hr[k] - peak) / SOFTMAX_T);
    /* the HR at the finish, between two grid steps, as plan_hr_at gives it to the last km row */
    double u = T / s->step - last;
    if (last + 1 < s->n && u > 0) {
        double at_finish = hr[last] + u * (hr[last + 1] - hr[last]);
        if (at_finish > peak)
            peak = at_finish; /* the soft peak, a log-sum-exp, does not depend on this offset */
        /* the last stretch, from the last grid step to the finish, was counted at hr[last]: when the HR rises
         * over the cap only within it, the part above counts too (the plan's peak, its last km row's HR at the
         * finish and its time above the cap must agree: until 2026-12-07 a plan could finish above the cap
         * with 0 s above it and cap_met true) */
        double dt = T - last * (double)s->step;
        if (isfinite(cap) && at_finish > cap && hr[last] <= cap && dt > 0) {
            double part = dt * (at_finish - cap) / (at_finish - hr[last]);
            above += part;
            ar += 0.5 * (at_finish - cap) * part;
        }
    }
    sc->peak_hr = peak;
    sc->above_cap_s = above;
    if (area)
        *area = ar;
    if (softpeak)
        *softpeak = peak + SOFTMAX_T * log(sum);
}

/* Predict and score speeds v; fills s/hr when asked (else frees them). */
static int evaluate(struct ctx *x, const float *v, struct plan_score *sc, double *obj_search,
                    double *obj_true, struct series *keep_s, float **keep_hr, struct hr_err *e)
{
    struct series s;
    if (build_series(x, v, &s, e))
        return -1;
    float *hr = malloc(sizeof(float) * (size_t)s.n);
    if (!hr) {
        series_free(&s);
        return hr_fail(e, "plan: out of memory");
    }
    x->evals++;
    if (x->o->so_far ? plan_so_far_forecast(x->o->so_far, S_SPEED(&s), x->c->has_alt ? S_ALT(&s) : NULL, s.n, hr, e)
                     : predictor_predict(x->p, &s, hr, NULL, e)) {
        free(hr);
        series_free(&s);
        return -1;
    }
    for (int k = 0; k < s.n; k++)
        if (!isfinite(hr[k])) {
            free(hr);
            series_free(&s);
            return hr_fail(e, "plan: the model predicted a non-finite heart rate at step %d", k);
        }
    double area, soft, cap = x->o->hr_cap, dev = 0;
    score(&s, hr, finish_time(v, x->nseg, x->seg_len), cap, sc, &area, &soft);
    if (isfinite(cap) && x->ref) {
        for (int i = 0; i < x->nseg; i++) {
            double d = log(v[i]) - x->ref[i];
            dev += d * d;
        }
        dev = CAP_DEV_W * dev / x->nseg;
    }
    double capped = sc->above_cap_s + CAP_AREA_W * area + dev;
    if (obj_search)
        *obj_search = isfinite(cap) ? capped + CAP_PEAK_W * soft : soft;
    if (obj_true)
        *obj_true = isfinite(cap) ? capped + CAP_PEAK_W * sc->peak_hr : sc->peak_hr;
    if (keep_s) {
        *keep_s = s;
        *keep_hr = hr;
    } else {
        series_free(&s);
        free(hr);
    }
    return 0;
}

/* The stretch the pacing limits compare: a kilometre, or a fifth of a course shorter than 5 km (a 1 km
 * course has one kilometre, which compares with nothing: until 2026-12-07 an 800 m plan could start 35 %
 * faster than its average under the 3 % limit). */
static double limit_block_m(double length)
{
    return length >= 5000 ? 1000 : length / 5;
}

/* The limits a coach sets on the distance profile a(x) (the grade-adjusted pace): kilometre means A_k
 * of a over the segments; consecutive ones within ln(1 + max_change %), the first at most max_start %
 * faster than the average (harmonic mean of exp(a) over the course, as the finish time weighs it),
 * every one within ln(1 + max_spread %) of it. Even pace and even effort (a = 0) always pass. */
static int limits_ok(struct ctx *x, const double *a)
{
    double block = limit_block_m(x->c->length);
    int nkm = (int)ceil(x->c->length / block - 1e-9);
    if (nkm < 1)
        nkm = 1;
    double *sum = x->kmsum, inv = 0;
    int *cnt = x->kmcnt;
    memset(sum, 0, sizeof(double) * (size_t)nkm);
    memset(cnt, 0, sizeof(int) * (size_t)nkm);
    for (int i = 0; i < x->nseg; i++) {
        int j;
        double w;
        hat_weights(x, (i + 0.5) / x->nseg, &j, &w);
        double l = (1 - w) * a[j] + w * a[j + 1];
        int k = (int)((i + 0.5) * x->seg_len / block);
        k = k >= nkm ? nkm - 1 : k;
        sum[k] += l;
        cnt[k]++;
        inv += exp(-l);
    }
    double mean = -log(inv / x->nseg), prev = NAN;
    double step_lim = log(1 + x->o->max_change / 100) + 1e-12;
    double start_lim = x->o->max_start >= 100 ? INFINITY : -log(1 - x->o->max_start / 100) + 1e-12;
    double spread_lim = log(1 + x->o->max_spread / 100) + 1e-12;
    for (int k = 0; k < nkm; k++) {
        if (!cnt[k])
            continue;
        double m = sum[k] / cnt[k];
        if (isnan(prev) && m - mean > start_lim)
            return 0;
        if (fabs(m - mean) > spread_lim)
            return 0;
        if (!isnan(prev) && fabs(m - prev) > step_lim)
            return 0;
        prev = m;
    }
    return 1;
}

/* A plan may replace the better simple strategy (simple_better) only when it is no worse on either measure:
 * peak HR, and with a cap the time above it. */
static int no_worse_than(const struct plan_score *s, const struct plan_score *even, double cap)
{
    if (s->peak_hr > even->peak_hr + 1e-9)
        return 0;
    return !isfinite(cap) || s->above_cap_s <= even->above_cap_s + 1e-9;
}

/* Whether even effort beats even pace by the documented objective: with a cap the time above it first, then
 * the peak; without, the peak. Until 2026-12-07 even effort had to be no worse on both, so that with a cap
 * even pace was kept for a peak 0.5 bpm lower though it spent 1,491 s above the cap against 930 s, and the
 * search, held to even pace, returned more time above the cap than even effort. */
static int simple_better(const struct plan_score *ee, const struct plan_score *ep, double cap)
{
    if (isfinite(cap) && fabs(ee->above_cap_s - ep->above_cap_s) > 1e-9)
        return ee->above_cap_s < ep->above_cap_s;
    return ee->peak_hr < ep->peak_hr - 1e-9;
}

/* Compass search over (beta, a_0..a_K-1) from the better of even pace and even effort (by the search's
 * smooth objective); a plan it finds replaces best_v only when no worse than `even`, the better of the two
 * by the documented one (simple_better). */
static int search(struct ctx *x, double start_beta, double start_obj, const struct plan_score *even,
                  float *best_v, double *best_true, struct hr_err *e)
{
    int dim = 1 + x->nbasis;
    double par[1 + MAX_BASIS] = {0}, stepsz[1 + MAX_BASIS];
    par[0] = start_beta;
    stepsz[0] = 0.25;
    for (int j = 1; j < dim; j++)
        stepsz[j] = 0.04;
    double cur = start_obj;
    int max_evals = x->o->max_evals > 0 ? x->o->max_evals : 240;
    while (x->evals < max_evals) {
        int improved = 0;
        for (int d = 0; d < dim && x->evals < max_evals; d++) {
            for (int sgn = 1; sgn >= -1 && x->evals < max_evals; sgn -= 2) {
                double old = par[d], nv = old + sgn * stepsz[d];
                double lo = d == 0 ? 0 : -A_LIMIT, hi = d == 0 ? BETA_MAX : A_LIMIT;
                if (nv < lo || nv > hi)
                    continue;
                par[d] = nv;
                if (d > 0 && !limits_ok(x, par + 1)) { /* outside the coach's limits: not even scored */
                    par[d] = old;
                    continue;
                }
                speeds_from_params(x, par[0], par + 1, x->speed);
                struct plan_score sc;
                double os, ot;
                if (evaluate(x, x->speed, &sc, &os, &ot, NULL, NULL, e))
                    return -1;
                if (ot < *best_true && no_worse_than(&sc, even, x->o->hr_cap)) {
                    *best_true = ot;
                    memcpy(best_v, x->speed, sizeof(float) * (size_t)x->nseg);
                }
                if (os < cur - 1e-6) {
                    cur = os;
                    improved = 1;
                    break; /* keep the move, go to the next coordinate */
                }
                par[d] = old;
            }
        }
        if (!improved) {
            double biggest = 0;
            for (int d = 0; d < dim; d++) {
                stepsz[d] *= 0.5;
                biggest = fmax(biggest, d == 0 ? stepsz[d] / 6 : stepsz[d]);
            }
            if (biggest < 0.004)
                break;
        }
    }
    hr_debug("plan: search stopped after %d evaluations, beta %.3f", x->evals, par[0]);
    return 0;
}

static void ctx_free(struct ctx *x)
{
    free(x->grade);
    free(x->lnf);
    free(x->shape);
    free(x->speed);
    free(x->ref);
    free(x->kmsum);
    free(x->kmcnt);
}

int plan_check_target(const struct plan_course *c, double target_s, struct hr_err *e)
{
    if (!(target_s > 0) || !isfinite(target_s))
        return hr_fail(e, "plan: the target time must be positive");
    double mean = c->length / target_s;
    if (mean > PLAN_MAX_MEAN_SPEED || mean < PLAN_MIN_MEAN_SPEED) {
        int t = (int)lround(target_s);
        return hr_fail(e, "plan: a finish in %d:%02d:%02d over %.2f km needs %.2f m/s (%d:%02d min/km); "
                          "hrcast plans between %.0f and %.0f m/s",
                       t / 3600, t / 60 % 60, t % 60, c->length / 1000, mean, (int)(1000 / mean) / 60,
                       (int)(1000 / mean) % 60, PLAN_MIN_MEAN_SPEED, PLAN_MAX_MEAN_SPEED);
    }
    return 0;
}

int plan_make(const struct predictor *p, const struct plan_course *c, const struct plan_opts *o,
              struct plan_result *r, struct hr_err *e)
{
    memset(r, 0, sizeof *r);
    if (plan_check_target(c, o->target_s, e))
        return -1;
    if (!(p->step > 0))
        return hr_fail(e, "plan: the model has no grid step");
    struct ctx x = {.p = p, .c = c, .o = o};
    double want = o->seg_len > 0 ? o->seg_len : 100;
    x.nseg = (int)lround(c->length / want);
    if (x.nseg < 1)
        x.nseg = 1;
    x.seg_len = c->length / x.nseg;
    int km = (int)lround(c->length / 5000.0) + 2;
    x.nbasis = km < 3 ? 3 : km > MAX_BASIS ? MAX_BASIS : km;
    x.grade = malloc(sizeof(float) * (size_t)x.nseg);
    x.lnf = malloc(sizeof(double) * (size_t)x.nseg);
    x.shape = malloc(sizeof(double) * (size_t)x.nseg);
    x.speed = malloc(sizeof(float) * (size_t)x.nseg);
    x.kmsum = malloc(sizeof(double) * ((size_t)(c->length / limit_block_m(c->length)) + 2));
    x.kmcnt = malloc(sizeof(int) * ((size_t)(c->length / limit_block_m(c->length)) + 2));
    float *best = malloc(sizeof(float) * (size_t)x.nseg), *ee = malloc(sizeof(float) * (size_t)x.nseg);
    int rc = -1;
    if (!(o->max_change > 0) || !(o->max_start >= 0) || !(o->max_spread > 0)) {
        hr_fail(e, "plan: the pace limits must be positive (change per km, spread) and not negative (start)");
        goto done;
    }
    if (!x.grade || !x.lnf || !x.shape || !x.speed || !best || !ee || !x.kmsum || !x.kmcnt) {
        hr_fail(e, "plan: out of memory");
        goto done;
    }
    for (int i = 0; i < x.nseg; i++) {
        double g = (plan_course_alt(c, (i + 1) * x.seg_len) - plan_course_alt(c, i * x.seg_len)) / x.seg_len;
        x.grade[i] = (float)g;
        double f = physio_cost_ratio(g);
        f = f < 1 / FACTOR_MAX ? 1 / FACTOR_MAX : f > 1 / FACTOR_MIN ? 1 / FACTOR_MIN : f;
        x.lnf[i] = log(f);
    }
    /* the two simple strategies, always scored (they are the baselines and the search's start) */
    double os_ep, ot_ep, os_ee, ot_ee;
    speeds_from_params(&x, 0, NULL, best);
    if (evaluate(&x, best, &r->even_pace, &os_ep, &ot_ep, NULL, NULL, e))
        goto done;
    speeds_from_params(&x, 1, NULL, ee);
    if (evaluate(&x, ee, &r->even_effort, &os_ee, &ot_ee, NULL, NULL, e))
        goto done;
    if (o->strategy == PLAN_EVEN_EFFORT)
        memcpy(best, ee, sizeof(float) * (size_t)x.nseg);
    else if (o->strategy == PLAN_MIN_PEAK_HR) {
        /* the better simple strategy is the plan to beat: a searched plan replaces it only when no worse on
         * either measure, so the result is never worse than either */
        double best_true = ot_ep, start_beta = 0, start_obj = os_ep;
        const struct plan_score *guard = &r->even_pace;
        if (simple_better(&r->even_effort, &r->even_pace, o->hr_cap)) {
            best_true = ot_ee;
            guard = &r->even_effort;
            memcpy(best, ee, sizeof(float) * (size_t)x.nseg);
        }
        if (os_ee < os_ep) {
            start_beta = 1;
            start_obj = os_ee;
        }
        x.ref = malloc(sizeof(double) * (size_t)x.nseg);
        if (!x.ref) {
            hr_fail(e, "plan: out of memory");
            goto done;
        }
        speeds_from_params(&x, start_beta, NULL, x.speed);
        for (int i = 0; i < x.nseg; i++)
            x.ref[i] = log(x.speed[i]);
        if (search(&x, start_beta, start_obj, guard, best, &best_true, e))
            goto done;
    }
    /* the chosen plan, kept with its series and HR */
    r->strategy = o->strategy;
    r->cap_fastest_s = NAN;
    r->cap_fastest_by = PLAN_EVEN_PACE;
    r->nseg = x.nseg;
    r->seg_len = x.seg_len;
    r->hr_cap = o->hr_cap;
    r->evals = x.evals; /* the re-evaluation of the chosen plan below is not counted */
    if (evaluate(&x, best, &r->score, NULL, NULL, &r->s, &r->hr, e))
        goto done;
    r->seg_speed = best;
    r->seg_grade = x.grade;
    best = NULL;
    x.grade = NULL;
    r->finish_s = finish_time(r->seg_speed, r->nseg, r->seg_len);
    rc = 0;
done:
    free(best);
    free(ee);
    ctx_free(&x);
    return rc;
}

/* Does even pace or even effort stay under the cap at target t? (*by: which; -1 on error) */
static int simple_meets_cap(const struct predictor *p, const struct plan_course *c, const struct plan_opts *o,
                            double t, enum plan_strategy *by, struct hr_err *e)
{
    struct plan_opts q = *o;
    q.strategy = PLAN_EVEN_PACE;
    q.target_s = t;
    struct plan_result r;
    if (plan_make(p, c, &q, &r, e))
        return -1;
    int ok = r.even_pace.above_cap_s <= 0 || r.even_effort.above_cap_s <= 0;
    *by = r.even_pace.above_cap_s <= 0 ? PLAN_EVEN_PACE : PLAN_EVEN_EFFORT;
    plan_result_free(&r);
    return ok;
}

static double cap_slowest(const struct plan_course *c)
{
    return fmin(floor(c->length / PLAN_MIN_MEAN_SPEED), floor(HR_LIMIT_DURATION_S) - 60);
}

double plan_cap_search_limit(const struct plan_course *c, const struct plan_opts *o)
{
    return fmax(o->target_s, fmin(cap_slowest(c), round(o->target_s * (1 + CAP_SCAN_STEP * CAP_SCAN_STEPS))));
}

/* Scans from `from` in steps of CAP_SCAN_STEP x the target (dir +1: slower, -1: faster; at most CAP_SCAN_STEPS of
 * them, never past `bound`) for the first time at which simple_meets_cap says `want`: 1 with *found that time
 * and *prev the time tried before it (`from` first); 0 when none does (*prev the last time tried); -1 on error. */
static int cap_scan(const struct predictor *p, const struct plan_course *c, const struct plan_opts *o, double from,
                    int dir, double bound, int want, double *prev, double *found, struct hr_err *e)
{
    *prev = from;
    for (int k = 1; k <= CAP_SCAN_STEPS; k++) {
        double next = round(o->target_s * (1 + dir * CAP_SCAN_STEP * k));
        next = dir > 0 ? fmin(bound, next) : fmax(bound, next);
        if (dir > 0 ? next <= *prev : next >= *prev)
            return 0;
        enum plan_strategy by;
        int m = simple_meets_cap(p, c, o, next, &by, e);
        if (m < 0)
            return -1;
        if (m == want) {
            *found = next;
            return 1;
        }
        *prev = next;
    }
    return 0;
}

int plan_fastest_under_cap(const struct predictor *p, const struct plan_course *c, const struct plan_opts *o,
                           double *t, enum plan_strategy *by, struct hr_err *e)
{
    *t = NAN;
    *by = PLAN_EVEN_PACE;
    if (!isfinite(o->hr_cap))
        return 0;
    /* HR need not fall with the pace (a model with drift by time: slower is longer), so scan in steps of 2 % of
     * the target for the first time that meets the cap (or, when the target meets it, for the first faster one
     * that does not), then halve the interval between the two. The plan asked for missed the cap at the target,
     * but its strategy may be one of the two simple ones, fixed by --pace or --strategy, and the other may meet
     * it there (until 2026-12-07 the scan assumed the target failed and answered the target + 1 s). */
    double lo = o->target_s, hi = o->target_s; /* lo does not meet the cap, hi does */
    enum plan_strategy b;
    int at_target = simple_meets_cap(p, c, o, o->target_s, &b, e);
    if (at_target < 0)
        return -1;
    if (at_target) {
        int r = cap_scan(p, c, o, o->target_s, -1, ceil(c->length / PLAN_MAX_MEAN_SPEED), 0, &hi, &lo, e);
        if (r < 0)
            return -1;
        if (!r)
            lo = hi; /* every faster time tried meets it: the fastest plannable one is the answer */
    } else {
        int r = cap_scan(p, c, o, o->target_s, +1, cap_slowest(c), 1, &lo, &hi, e);
        if (r <= 0)
            return r;
    }
    while (hi - lo > 1) {
        double mid = round((lo + hi) / 2);
        enum plan_strategy bm;
        int m = simple_meets_cap(p, c, o, mid, &bm, e);
        if (m < 0)
            return -1;
        if (m)
            hi = mid;
        else
            lo = mid;
    }
    if (hi != o->target_s && simple_meets_cap(p, c, o, hi, &b, e) < 0) /* which of the two meets it there */
        return -1;
    *t = hi;
    *by = b;
    return 0;
}

void plan_result_free(struct plan_result *r)
{
    free(r->seg_speed);
    free(r->seg_grade);
    free(r->hr);
    if (r->s.owns)
        series_free(&r->s);
    memset(r, 0, sizeof *r);
}

double plan_time_at(const struct plan_result *r, double d)
{
    if (!(d > 0))
        return 0;
    double t = 0;
    for (int i = 0; i < r->nseg; i++) {
        if (d <= (i + 1) * r->seg_len)
            return t + (d - i * r->seg_len) / r->seg_speed[i];
        t += r->seg_len / r->seg_speed[i];
    }
    return t;
}

double plan_dist_at(const struct plan_result *r, double t)
{
    if (!(t > 0))
        return 0;
    double t0 = 0;
    for (int i = 0; i < r->nseg; i++) {
        double dt = r->seg_len / r->seg_speed[i];
        if (t <= t0 + dt)
            return i * r->seg_len + (t - t0) * r->seg_speed[i];
        t0 += dt;
    }
    return r->nseg * r->seg_len;
}

double plan_hr_at(const struct plan_result *r, double t)
{
    int n = r->s.n;
    double u = t / r->s.step;
    if (!(u > 0))
        return r->hr[0];
    int k = (int)u;
    if (k >= n - 1)
        return r->hr[n - 1];
    double f = u - k;
    return r->hr[k] + f * (r->hr[k + 1] - r->hr[k]);
}
