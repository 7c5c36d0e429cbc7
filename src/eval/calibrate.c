/* calibrate.c — the offset from the HR so far and its learned trust (see calibrate.h). */
#include "eval/calibrate.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int window_steps(float step, float window_s, int n)
{
    int w = (int)ceilf(window_s / step - 1e-4f); /* steps with t < window_s */
    return w < n ? w : n;
}

int calib_first_step(float step, float window_s, int n, const struct calib_trust *t)
{
    int a = window_steps(step, t->warm_s, n);
    if (t->tail_s > 0 && window_s > t->tail_s) {
        int b = window_steps(step, window_s - t->tail_s, n);
        a = b > a ? b : a;
    }
    return a;
}

float calib_offset(const struct calib_run *r, float step, float window_s, const struct calib_trust *t)
{
    int w = window_steps(step, window_s, r->n), a = calib_first_step(step, window_s, r->n, t);
    double sum = 0;
    int m = 0;
    for (int i = a; i < w; i++)
        if (isfinite(r->rec[i]) && isfinite(r->pred[i])) {
            sum += r->rec[i] - r->pred[i];
            m++;
        }
    return t->k >= CALIB_NEVER ? 0.0f : (float)(sum / (m + t->k > 0 ? m + t->k : 1));
}

int calib_offset_steps(const struct calib_run *r, float step, float window_s, const struct calib_trust *t)
{
    int w = window_steps(step, window_s, r->n), m = 0;
    if (t->k >= CALIB_NEVER)
        return 0;
    for (int i = calib_first_step(step, window_s, r->n, t); i < w; i++)
        m += isfinite(r->rec[i]) && isfinite(r->pred[i]);
    return m;
}

float calib_shift(const struct calib_trust *t, float offset, float after_s)
{
    if (!t || !(t->tau_s > 0))
        return offset;
    float h = after_s > 0 ? after_s : 0.0f;
    return offset * (t->persist + (1.0f - t->persist) * expf(-h / t->tau_s));
}

void calib_apply(float *hr, int n, float step, float window_s, float offset, const struct calib_trust *t)
{
    for (int i = window_steps(step, window_s, n); i < n; i++)
        hr[i] += calib_shift(t, offset, (float)i * step - window_s);
}

void calib_add(struct metric_acc *acc, const struct calib_run *r, float step, float window_s, float offset,
               const struct calib_trust *t)
{
    for (int i = window_steps(step, window_s, r->n); i < r->n; i++) {
        float p = r->pred[i] + calib_shift(t, offset, (float)i * step - window_s);
        metric_add(acc, &p, &r->rec[i], 1);
    }
}

float calib_window_mean(const struct calib_run *r, float step, float window_s)
{
    double sum = 0;
    int m = 0;
    for (int i = 0; i < window_steps(step, window_s, r->n); i++)
        if (isfinite(r->rec[i])) {
            sum += r->rec[i];
            m++;
        }
    return m ? (float)(sum / m) : NAN;
}

float calib_last(const struct calib_run *r, float step, float window_s)
{
    for (int i = window_steps(step, window_s, r->n) - 1; i >= 0; i--)
        if (isfinite(r->rec[i]))
            return r->rec[i];
    return NAN;
}

struct calib_trust calib_learn(const struct calib_run *runs, int n, float step, float window_s)
{
    /* warm-ups (tail 0), then tails (warm-up 0) */
    static const float warms[] = {0, 60, 120, 180, 300, 480, 0, 0, 0, 0};
    static const float tails[] = {0, 0, 0, 0, 0, 0, 30, 60, 120, 300};
    static const float ks[] = {0, 3, 10, 30, 100, 300, CALIB_NEVER};
    /* fades: held, then persist x tau */
    static const float persists[] = {1, 0.2f, 0.2f, 0.2f, 0.4f, 0.4f, 0.4f, 0.6f, 0.6f, 0.6f, 0.8f, 0.8f, 0.8f};
    static const float taus[] = {0, 150, 450, 900, 150, 450, 900, 150, 450, 900, 150, 450, 900};
    struct calib_trust best = {0, CALIB_NEVER, 0, 1, 0};
    double best_mae = INFINITY;
    float *off = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
    for (size_t wi = 0; off && wi < sizeof warms / sizeof warms[0]; wi++) {
        if (warms[wi] >= window_s || tails[wi] >= window_s)
            continue;
        for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++) {
            struct calib_trust t = {warms[wi], ks[ki], tails[wi], 1, 0};
            for (int j = 0; j < n; j++)
                off[j] = calib_offset(&runs[j], step, window_s, &t);
            for (size_t fi = 0; fi < (ks[ki] >= CALIB_NEVER ? 1 : sizeof taus / sizeof taus[0]); fi++) {
                t.persist = persists[fi];
                t.tau_s = taus[fi];
                struct metric_acc acc;
                metric_reset(&acc);
                for (int j = 0; j < n; j++)
                    calib_add(&acc, &runs[j], step, window_s, off[j], &t);
                double mae = metric_mae(&acc);
                if (acc.n > 0 && mae < best_mae - 1e-9) {
                    best_mae = mae;
                    best = t;
                }
            }
        }
    }
    free(off);
    return best;
}

int calib_parse_trust(const char *text, struct calib_trust *t)
{
    struct calib_trust r = {0, 0, 0, 1, 0};
    const char *p = text;
    char *end;
    r.warm_s = strtof(p, &end);
    if (end == p || *end != ',')
        return -1;
    p = end + 1;
    if (!strncmp(p, "never", 5)) {
        r.k = CALIB_NEVER;
        end = (char *)p + 5;
    } else {
        r.k = strtof(p, &end);
        if (end == p || !(r.k >= 0))
            return -1;
        r.k = r.k >= CALIB_NEVER ? CALIB_NEVER : r.k;
    }
    if (*end == ',') {
        p = end + 1;
        r.tail_s = strtof(p, &end);
        if (end == p)
            return -1;
        if (*end == ',') { /* the fade: PERSIST,TAU_S */
            p = end + 1;
            r.persist = strtof(p, &end);
            if (end == p || *end != ',')
                return -1;
            p = end + 1;
            r.tau_s = strtof(p, &end);
            if (end == p || !(r.persist >= 0 && r.persist <= 1) || !(r.tau_s >= 0) || !isfinite(r.tau_s))
                return -1;
        }
    }
    if (*end || !(r.warm_s >= 0) || !(r.tail_s >= 0) || !isfinite(r.warm_s) || !isfinite(r.tail_s))
        return -1;
    *t = r;
    return 0;
}

void calib_trust_text(const struct calib_trust *t, char *buf, size_t cap)
{
    int n;
    if (t->k >= CALIB_NEVER)
        n = snprintf(buf, cap, "window not trusted");
    else if (t->tail_s > 0 && t->warm_s > 0)
        n = snprintf(buf, cap, "last %g s of the window after a warm-up of %g s, prior %g steps", t->tail_s,
                     t->warm_s, t->k);
    else if (t->tail_s > 0)
        n = snprintf(buf, cap, "last %g s of the window, prior %g steps", t->tail_s, t->k);
    else
        n = snprintf(buf, cap, "warm-up %g s, prior %g steps", t->warm_s, t->k);
    if (t->k < CALIB_NEVER && t->tau_s > 0 && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, ", fading to %g %% (time constant %g s)", 100 * t->persist, t->tau_s);
}

int calib_parse_windows(const char *text, float *out, int cap)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        if (!((*p >= '0' && *p <= '9') || *p == '.') || (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')))
            return -1; /* no sign, hex, inf or nan */
        double v = strtod(p, &end);
        if (end == p || !(v > 0) || n == cap)
            return -1;
        if (*end == 'm') {
            v *= 60;
            end++;
        } else if (*end == 's') {
            end++;
        } else if (*end == 'h') {
            v *= 3600;
            end++;
        }
        if (v > CALIB_MAX_WINDOW_S) /* a window's steps must count in an int at any grid step */
            return -1;
        out[n++] = (float)v;
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        p = end;
    }
    return n;
}

struct calib_trust calib_default_trust(int personal)
{
    const struct calib_trust own = CALIB_PERSONAL_TRUST, general = CALIB_GENERAL_TRUST;
    return personal ? own : general;
}

const char *calib_default_source(int knows)
{
    return knows == 1   ? "the default of a model that knows the runner"
           : knows == 2 ? "each run's default (the model knows some of the runners)"
                        : "the default of a general model";
}
