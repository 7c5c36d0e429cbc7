/* hr_quality.c — the rules of the heart-rate quality stage (see hr_quality.h; docs/data.md has the
 * thresholds and why). Every threshold is in seconds, bpm or m/s, turned into steps here. */
#include "prep/hr_quality.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MOVING_MPS 1.5f        /* running, not standing or walking slowly */
/* cadence lock */
#define CAD_MIN_SPM 120.0f     /* below this the cadence is walking or noise: no lock looked for */
#define CAD_PER_FOOT_SPM 110.0f /* a moving median below this is one foot's rate: doubled */
#define CAD_LOCK_BPM 5.0f      /* HR this close to the step rate ... */
#define CAD_LOCK_MIN_S 60.0f   /* ... for at least this long ... */
#define CAD_LOCK_MEAN_BPM 3.0f /* ... and this close on average is a lock (a sensor reading the step rate
                                * sits on it; a heart that happens to beat at that rate wanders around it) */
#define CAD_LOCK_EDGE_BPM 6.0f /* a lock's extent grows while HR stays this close (10 before 2026-12-05:
                                * a hard runner's heart sits 6-10 bpm off the step rate for minutes next
                                * to a lock, and those minutes were flagged with it) */
#define CAD_LOCK_LONG_S 300.0f /* ... unless it lasts this long and the sensor is not a chest strap: a
                                * wrist reading that holds the step rate for minutes is a lock (reviewed
                                * real locks often begin without a jump) */
#define CAD_LOCK_TIGHT_BPM 1.5f /* a stretch shorter than CAD_LOCK_LONG_S (or on a strap) must sit this close on
                                 * average: a sensor that reads the step rate follows it beat for beat, a heart
                                 * that happens to beat near the step rate (a hard runner: 170-185 of both)
                                 * wanders 2-3 bpm around it */
#define CAD_LOCK_JUMP_BPM 10.0f /* ... and it must begin or end with HR moving this much within JUMP_S:
                                 * a heart that reaches the step rate by effort gets there slowly */
/* stuck */
#define STUCK_MIN_S 120.0f     /* the same value (to 0.01 bpm) for this long */
/* jumps (lock-on, dropout, level shift) */
#define JUMP_S 20.0f           /* a jump happens within this time ... */
#define JUMP_BPM 20.0f         /* ... and is at least this large */
#define JUMP_BIG_BPM 35.0f      /* a jump this large while running counts whatever the pace did before */
#define RETURN_BPM 15.0f       /* an opposite jump of this size (and at least RETURN_FRAC of the first
                                * jump) ends a dropout or shift, unless the pace moved the same way by
                                * more than STEADY_MPS (a restart: the heart's own rise); a return to
                                * the level ends it too, unless the pace over the last STEADY_BEFORE_S
                                * moved the way that explains it (slower under a high shift) */
#define RETURN_FRAC 0.6f
#define STEADY_BEFORE_S 60.0f  /* speed averaged over this long before the jump ... */
#define STEADY_MPS 0.4f        /* ... differs by at most this from the speed during it */
#define STOP_MPS 1.0f          /* ... and no step in that time is slower than this (a stop); moving at
                                * this pace is enough (a jog or brisk walk: the bound was MOVING_MPS
                                * before 2026-12-05, which missed shifts that began at 1.3-1.5 m/s) */
#define ONSET_S 120.0f         /* HR may rise fast in the first minutes: jumps count after this */
#define LEVEL_S 30.0f          /* the level before a jump: median over this long */
#define DROPOUT_MAX_S 300.0f   /* a low segment up to this long is a dropout ... */
#define SHIFT_MAX_S 1800.0f    /* ... longer, up to this, a level shift; no return: not flagged */
#define LOCK_ON_MAX_S 300.0f   /* lock-on: a jump within this time of the first HR ... */
#define LOCK_ON_MIN_S 60.0f    /* ... after at least this long moving ... */
#define LOCK_ON_HOLD_S 60.0f   /* ... to a level that holds for this long */
/* spike */
#define SPIKE_WINDOW_S 30.0f   /* neighbours within this time on each side give the level */
#define SPIKE_BPM 20.0f        /* a step this far from the neighbours' median ... */
#define SPIKE_MAX_S 20.0f      /* ... in a run no longer than this is a spike */

struct hrq {
    const float *hr, *speed, *cad;
    float cad_scale;
    int strap;
    int n;
    float step;
    uint8_t *v;
};

static int steps_of(const struct hrq *q, float seconds)
{
    int k = (int)lroundf(seconds / q->step);
    return k < 1 ? 1 : k;
}

/* Steps a state must last to count as lasting `seconds`: at least two, so that on a coarse grid (a step
 * of 60 s or more) one step alone is never "the same value for 2 minutes" or "on the cadence for a
 * minute" (at 81 s every step was flagged stuck; at 60 s a single step near the cadence a lock). */
static int lasting_steps_of(const struct hrq *q, float seconds)
{
    int k = steps_of(q, seconds);
    return k < 2 ? 2 : k;
}

static int usable(const struct hrq *q, int k) { return k >= 0 && k < q->n && q->v[k] == HRQ_TRUSTED; }

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Median of the usable HR in [a, b) skipping [skip0, skip1); NaN when fewer than min_count. */
static float median_hr(const struct hrq *q, int a, int b, int skip0, int skip1, int min_count, float *buf)
{
    int m = 0;
    for (int k = a < 0 ? 0 : a; k < b && k < q->n; k++)
        if ((k < skip0 || k >= skip1) && usable(q, k))
            buf[m++] = q->hr[k];
    if (m < min_count || m == 0)
        return NAN;
    qsort(buf, (size_t)m, sizeof *buf, cmp_float);
    return m % 2 ? buf[m / 2] : 0.5f * (buf[m / 2 - 1] + buf[m / 2]);
}

static float mean_speed(const struct hrq *q, int a, int b)
{
    double s = 0;
    int m = 0;
    for (int k = a < 0 ? 0 : a; k < b && k < q->n; k++)
        if (isfinite(q->speed[k])) {
            s += q->speed[k];
            m++;
        }
    return m ? (float)(s / m) : NAN;
}

static void flag(struct hrq *q, int a, int b, enum hr_issue r)
{
    for (int k = a < 0 ? 0 : a; k < b && k < q->n; k++)
        if (q->v[k] == HRQ_TRUSTED)
            q->v[k] = (uint8_t)r;
}

/* Cadence as steps per minute: a file whose moving median is one foot's rate is doubled. */
static float cadence_scale(const float *cad, const float *speed, int n, float *buf)
{
    int m = 0;
    for (int k = 0; k < n; k++)
        if (isfinite(cad[k]) && cad[k] > 0 && isfinite(speed[k]) && speed[k] >= MOVING_MPS)
            buf[m++] = cad[k];
    if (m == 0)
        return 1.0f;
    qsort(buf, (size_t)m, sizeof *buf, cmp_float);
    return buf[m / 2] < CAD_PER_FOOT_SPM ? 2.0f : 1.0f;
}

static float cad_at(const struct hrq *q, int k)
{
    return q->cad && isfinite(q->cad[k]) ? q->cad[k] * q->cad_scale : NAN;
}

static int near_cadence(const struct hrq *q, int k, float tol)
{
    float c = cad_at(q, k);
    return usable(q, k) && c >= CAD_MIN_SPM && fabsf(q->hr[k] - c) <= tol;
}

static int steady_at(const struct hrq *q, int k);

/* The largest HR change within JUMP_S at a steady pace over the steps [a, b) (each compared with
 * JUMP_S earlier): a change that comes with a change of pace is the heart's own. */
static float largest_change(const struct hrq *q, int a, int b)
{
    int lag = steps_of(q, JUMP_S);
    float best = 0;
    for (int k = a < lag ? lag : a; k < b && k < q->n; k++)
        if (isfinite(q->hr[k]) && isfinite(q->hr[k - lag]) && fabsf(q->hr[k] - q->hr[k - lag]) > best &&
            steady_at(q, k))
            best = fabsf(q->hr[k] - q->hr[k - lag]);
    return best;
}

static void rule_cadence_lock(struct hrq *q)
{
    if (!q->cad)
        return;
    int need = lasting_steps_of(q, CAD_LOCK_MIN_S), lag = steps_of(q, JUMP_S),
        long_run = lasting_steps_of(q, CAD_LOCK_LONG_S);
    for (int k = 0; k < q->n;) {
        if (!near_cadence(q, k, CAD_LOCK_BPM)) {
            k++;
            continue;
        }
        int e = k;
        while (e < q->n && near_cadence(q, e, CAD_LOCK_BPM))
            e++;
        double dev = 0;
        for (int j = k; j < e; j++)
            dev += fabsf(q->hr[j] - cad_at(q, j));
        float mean_dev = (float)(dev / (e - k));
        int long_lock = e - k >= long_run && !q->strap && mean_dev <= CAD_LOCK_MEAN_BPM;
        if (e - k >= need && (long_lock || mean_dev <= CAD_LOCK_TIGHT_BPM)) {
            int a = k, b = e;
            while (a > 0 && near_cadence(q, a - 1, CAD_LOCK_EDGE_BPM))
                a--;
            while (b < q->n && near_cadence(q, b, CAD_LOCK_EDGE_BPM))
                b++;
            if (long_lock || largest_change(q, a, a + lag + 1) >= CAD_LOCK_JUMP_BPM ||
                largest_change(q, b, b + lag) >= CAD_LOCK_JUMP_BPM)
                flag(q, a, b, HRQ_CADENCE_LOCK);
            e = b;
        }
        k = e;
    }
}

static void rule_stuck(struct hrq *q)
{
    int need = lasting_steps_of(q, STUCK_MIN_S);
    for (int k = 0; k < q->n;) {
        int e = k + 1;
        if (usable(q, k))
            while (usable(q, e) && fabsf(q->hr[e] - q->hr[k]) < 0.01f)
                e++;
        if (e - k >= need)
            flag(q, k, e, HRQ_STUCK);
        k = e;
    }
}

/* The pace does not explain a change of HR in direction dir ending at step k: moving with no stop in
 * the STEADY_BEFORE_S before the change, and the mean speed during the change has not moved the same way
 * as HR by more than STEADY_MPS (HR that falls while the runner speeds up, or rises while the runner
 * slows down, is not the heart's answer to the pace). */
static int pace_unexplained(const struct hrq *q, int k, int dir)
{
    int lag = steps_of(q, JUMP_S), a = k - lag - steps_of(q, STEADY_BEFORE_S);
    if (a < 0 || k >= q->n)
        return 0;
    for (int j = a; j <= k; j++)
        if (!(q->speed[j] >= STOP_MPS))
            return 0;
    float before = mean_speed(q, a, k - lag + 1);
    float during = mean_speed(q, k - lag, k + 1);
    return (during - before) * (float)dir <= STEADY_MPS; /* moving (>= STOP_MPS) all along, see above */
}

/* The pace moved the same way as a change of HR in direction dir ending at step k, by more than
 * STEADY_MPS: the mean speed over the JUMP_S of the change against the STEADY_BEFORE_S before it (a
 * restart after a stop: the heart's own rise, not a sensor that comes back). */
static int pace_follows(const struct hrq *q, int k, int dir)
{
    int lag = steps_of(q, JUMP_S), a = k - lag - steps_of(q, STEADY_BEFORE_S);
    float before = mean_speed(q, a, k - lag + 1), during = mean_speed(q, k - lag, k + 1);
    return isfinite(before) && isfinite(during) && (during - before) * (float)dir > STEADY_MPS;
}

/* The pace around a change ending at step k is steady: it explains no change of HR either way. */
static int steady_at(const struct hrq *q, int k) { return pace_unexplained(q, k, 1) && pace_unexplained(q, k, -1); }

/* A jump of HR at step k (over the JUMP_S before it) that the pace does not explain: +1 up, -1 down,
 * 0 none. */
static int jump_at(const struct hrq *q, int k)
{
    int lag = steps_of(q, JUMP_S);
    if (k - lag < 0 || !usable(q, k) || !usable(q, k - lag))
        return 0;
    float d = q->hr[k] - q->hr[k - lag];
    int dir = d > 0 ? 1 : -1;
    if (fabsf(d) < JUMP_BPM)
        return 0;
    if (pace_unexplained(q, k, dir))
        return dir;
    if (fabsf(d) < JUMP_BIG_BPM)
        return 0;
    for (int j = k - lag; j <= k; j++)
        if (!(q->speed[j] >= MOVING_MPS))
            return 0;
    return dir;
}

/* Lock-on: the last jump in the first minutes after a while of running, to a level that holds.
 * Returns the first step after the lock-on (0 when none). */
static int rule_lock_on(struct hrq *q, float *buf)
{
    int first = 0;
    while (first < q->n && !usable(q, first))
        first++;
    int lag = steps_of(q, JUMP_S), end = 0;
    int last = first + steps_of(q, LOCK_ON_MAX_S);
    for (int k = first + steps_of(q, LOCK_ON_MIN_S) + lag; k <= last && k < q->n; k++) {
        float lead = mean_speed(q, first, k - lag + 1);
        if (!(lead >= MOVING_MPS))
            continue;
        int lag_ok = usable(q, k) && usable(q, k - lag);
        float d = lag_ok ? q->hr[k] - q->hr[k - lag] : 0;
        if (fabsf(d) < JUMP_BPM)
            continue;
        float level = median_hr(q, k - lag - steps_of(q, LEVEL_S), k - lag + 1, 0, 0, 2, buf);
        float after = median_hr(q, k, k + steps_of(q, LOCK_ON_HOLD_S), 0, 0, 2, buf);
        if (isfinite(level) && isfinite(after) && (after - level) * (d > 0 ? 1 : -1) >= 0.6f * JUMP_BPM)
            end = k - lag + 1;
    }
    if (end > first)
        flag(q, first, end, HRQ_LOCK_ON);
    return end;
}

/* Dropouts and level shifts: a jump at a steady pace away from the level, a segment that stays
 * away, and a return (to the level, or an abrupt opposite jump, neither of them the pace's doing)
 * within SHIFT_MAX_S. */
static void rule_jumps(struct hrq *q, int from, float *buf)
{
    int lag = steps_of(q, JUMP_S), max_len = steps_of(q, SHIFT_MAX_S);
    int first = 0;
    while (first < q->n && !isfinite(q->hr[first]))
        first++;
    if (from < first + steps_of(q, ONSET_S))
        from = first + steps_of(q, ONSET_S);
    for (int k = from + lag; k < q->n; k++) {
        int dir = jump_at(q, k);
        if (!dir)
            continue;
        float level = median_hr(q, k - lag - steps_of(q, LEVEL_S), k - lag + 1, 0, 0, 2, buf);
        if (!isfinite(level))
            continue;
        int a = k - lag + 1;
        while (a < k && (q->hr[a] - level) * (float)dir < 0.5f * JUMP_BPM)
            a++;
        float pace0 = mean_speed(q, k - lag - steps_of(q, LEVEL_S), k - lag + 1); /* with the level */
        float back = RETURN_FRAC * fabsf(q->hr[k] - q->hr[k - lag]);
        if (back < RETURN_BPM)
            back = RETURN_BPM;
        int e = k + 1, returned = 0;
        for (; e < q->n && e - a <= max_len; e++) {
            if (q->v[e] == HRQ_PAUSE)
                break;
            if (!usable(q, e))
                continue;
            /* an abrupt opposite jump ends it anywhere, unless the pace moved with it (a restart);
             * the level is judged only while moving (while standing the heart leaves the running level
             * by itself) at a pace that does not explain the way back (slowing under a high shift) */
            if ((q->speed[e] >= STOP_MPS && (q->hr[e] - level) * (float)dir < 0.5f * JUMP_BPM &&
                 !((mean_speed(q, e - steps_of(q, STEADY_BEFORE_S) + 1, e + 1) - pace0) * (float)-dir > STEADY_MPS)) ||
                (usable(q, e - lag) && (q->hr[e] - q->hr[e - lag]) * (float)dir <= -back &&
                 !pace_follows(q, e, -dir))) {
                returned = 1;
                break;
            }
        }
        if (!returned)
            continue;
        float dur = (float)(e - a) * q->step;
        enum hr_issue r = dur <= SPIKE_MAX_S                 ? HRQ_SPIKE
                          : dir < 0 && dur <= DROPOUT_MAX_S ? HRQ_DROPOUT
                                                            : HRQ_LEVEL_SHIFT;
        flag(q, a, e, r);
        k = e;
    }
}

static void rule_spike(struct hrq *q, float *buf)
{
    int hw = steps_of(q, SPIKE_WINDOW_S);
    int max_run = (int)floorf(SPIKE_MAX_S / q->step);
    if (max_run < 1)
        max_run = 1;
    signed char *side = calloc((size_t)q->n + 1, 1);
    if (!side)
        return; /* out of memory: no spike verdicts, the others stand */
    for (int k = 0; k < q->n; k++) {
        if (!usable(q, k))
            continue;
        float m = median_hr(q, k - hw, k + hw + 1, k, k + 1, 3, buf);
        float d = isfinite(m) ? q->hr[k] - m : 0;
        side[k] = d >= SPIKE_BPM ? 1 : d <= -SPIKE_BPM ? -1 : 0;
    }
    for (int k = 0; k < q->n;) {
        int e = k + 1;
        if (side[k])
            while (e < q->n && side[e] == side[k])
                e++;
        if (side[k] && e - k <= max_run)
            flag(q, k, e, HRQ_SPIKE);
        k = e;
    }
    free(side);
}

void hr_quality_assess(const float *hr, const float *speed, const float *cad, int n, float step, int strap,
                       uint8_t *verdict)
{
    for (int k = 0; k < n; k++)
        if (!isfinite(hr[k]))
            verdict[k] = verdict[k] == HRQ_PAUSE ? HRQ_PAUSE : HRQ_HR_GAP;
        else
            verdict[k] = HRQ_TRUSTED;
    if (n <= 0 || !(step > 0))
        return;
    float *buf = malloc(sizeof(float) * (size_t)n);
    if (!buf)
        return; /* out of memory: everything recorded stays trusted, as before this stage */
    struct hrq q = {hr, speed, cad, 1.0f, strap != 0, n, step, verdict};
    if (cad)
        q.cad_scale = cadence_scale(cad, speed, n, buf);
    rule_cadence_lock(&q);
    rule_stuck(&q);
    int after_lock_on = rule_lock_on(&q, buf);
    rule_jumps(&q, after_lock_on, buf);
    rule_spike(&q, buf);
    free(buf);
}
