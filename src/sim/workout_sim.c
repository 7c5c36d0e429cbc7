/* workout_sim.c — one simulated workout: the true 1 s run (plan, course, pacing, jitter, pauses,
 * physiology) and the sensor stage that turns it into a RAW irregular struct workout (sampling
 * 1-8 s, wrist lag, dropouts, cadence lock, GPS and barometric noise). See docs/simulator.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prep/hr_quality.h"
#include "sim/plan.h"
#include "sim/sim.h"
#include "sim/sim_rng.h"

#define MAX_PAUSES 4
#define MAX_DROPS 32
#define M_PER_DEG 111320.0

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

void sim_truth_free(struct sim_truth *t)
{
    free(t->t);
    memset(t, 0, sizeof *t);
}

static int truth_alloc(struct sim_truth *t, int n)
{
    memset(t, 0, sizeof *t);
    float *buf = malloc((size_t)n * 6 * sizeof *buf);
    if (!buf)
        return -1;
    t->n = n;
    t->t = buf;
    t->speed = buf + n;
    t->grade = buf + 2 * (size_t)n;
    t->alt = buf + 3 * (size_t)n;
    t->dist = buf + 4 * (size_t)n;
    t->hr = buf + 5 * (size_t)n;
    return 0;
}

/* Run the plan at 1 s resolution over the course: fills tr (speed, grade, alt, dist, hr). */
static void run_true(const struct sim_athlete *a, const struct sim_plan *plan, const struct sim_course *course,
                     int noise_free, struct sim_rng *r, double pause_at[], double pause_len[], int n_pause,
                     struct sim_truth *tr)
{
    double v = 0.6 * plan->seg[0].frac0 * a->v_aer, dist = 0, run_t = 0, jitter = 0, hr_noise = 0;
    double hr0 = a->hr_rest + (noise_free ? 10.0 : sim_rng_range(r, 3, 25));
    double fast = hr0, slow = hr0;
    double af = 1.0 - exp(-1.0 / a->tau_fast), as = 1.0 - exp(-1.0 / a->tau_slow);
    double form = tr->form;
    int pi = 0;
    double pause_left = 0;
    for (int s = 0; s < tr->n; s++) {
        double g = sim_course_grade(course, dist);
        if (pi < n_pause && pause_left <= 0 && run_t >= pause_at[pi])
            pause_left = pause_len[pi++];
        double want;
        if (pause_left > 0) {
            want = 0;
            pause_left -= 1;
        } else {
            double f = sim_plan_frac(plan, run_t);
            want = f * a->v_aer * pow(sim_cost_ratio(g), -plan->pace_k);
            if (!noise_free) {
                jitter = 0.951 * jitter + 0.031 * sim_rng_normal(r); /* AR(1): sd 0.1 m/s, 20 s */
                want += jitter;
            }
            want = clampd(want, 0.5, 1.3 * a->v_aer);
            run_t += 1;
        }
        /* acceleration: speed follows the wish with a 3 s lag (stops are quick) */
        v = noise_free ? want : (want == 0 ? v * 0.3 : v + (want - v) * 0.28);
        if (v < 0.05)
            v = 0;
        double h = a->p_fast * fast + (1.0 - a->p_fast) * slow;
        if (!noise_free) {
            hr_noise += (-hr_noise) * (1.0 / 60.0) + 1.5 * sqrt(2.0 / 60.0) * sim_rng_normal(r);
            h += hr_noise;
        }
        tr->t[s] = (float)s;
        tr->speed[s] = (float)v;
        tr->grade[s] = (float)g;
        tr->alt[s] = (float)sim_course_alt(course, dist);
        tr->dist[s] = (float)dist;
        tr->hr[s] = (float)clampd(h, a->hr_rest, a->hr_max);
        double ss = sim_hr_steady(a, v, g, (double)s, form);
        fast += (ss - fast) * af;
        slow += (ss - slow) * as;
        dist += v;
    }
}

/* Sampling interval (s, 1..8) for one of three device styles. */
static int next_interval(int mode, struct sim_rng *r)
{
    switch (mode) {
    case 0:
        return sim_rng_uniform(r) < 0.9 ? 1 : sim_rng_int(r, 2, 3);
    case 1:
        return (int)clampd(floor(4.0 + 1.6 * sim_rng_normal(r) + 0.5), 1, 8);
    default:
        return sim_rng_uniform(r) < 0.7 ? sim_rng_int(r, 7, 8) : sim_rng_int(r, 5, 6);
    }
}

static int poisson(struct sim_rng *r, double mean)
{
    double l = exp(-mean), p = 1;
    int k = 0;
    do {
        k++;
        p *= sim_rng_uniform(r);
    } while (p > l && k < 1000);
    return k - 1;
}

/* The step rate (steps per minute) of the true run: 148 + 9 per m/s while running, 0 standing, with a
 * slow wander of about 2 spm; drawn from its own stream so that the rest of the recording is unchanged. */
static void cadence_trace(const struct sim_truth *tr, struct sim_rng *r, float *cad)
{
    double wander = 0;
    for (int s = 0; s < tr->n; s++) {
        wander += -wander / 30.0 + 2.0 * sqrt(2.0 / 30.0) * sim_rng_normal(r);
        cad[s] = tr->speed[s] > 1.0f ? (float)(148.0 + 9.0 * tr->speed[s] + wander) : 0.0f;
    }
}

/* Place [at, at + len) where no artifact is yet (up to 20 tries); -1 when no room. */
static int place(struct sim_rng *r, const uint8_t *truth, int n, int lo, int len)
{
    for (int tries = 0; tries < 20; tries++) {
        if (lo + len >= n)
            return -1;
        int at = sim_rng_int(r, lo, n - len - 1), clash = 0;
        for (int s = at; s < at + len && !clash; s++)
            clash = truth[s] != 0;
        if (!clash)
            return at;
    }
    return -1;
}

/* hrcast simulate --artifacts: each kind of HR-sensor artifact with probability 0.35 per workout, at a
 * random place, its true extent written to truth (docs/simulator.md has the shapes). */
static void inject_artifacts(const struct sim_truth *tr, const float *cad, struct sim_rng *r, float *rec,
                             uint8_t *truth)
{
    int n = tr->n;
    if (n < 900)
        return;
    if (sim_rng_uniform(r) < 0.35) { /* lock-on: a flat low reading from the start */
        int len = sim_rng_int(r, 90, 240);
        double base = sim_rng_range(r, 70, 95);
        for (int s = 0; s < len; s++) {
            rec[s] = (float)floor(base + 1.5 * sim_rng_normal(r) + 0.5);
            truth[s] = HRQ_LOCK_ON;
        }
    }
    for (int kind = HRQ_CADENCE_LOCK; kind < HRQ_COUNT; kind++) {
        if (kind == HRQ_LOCK_ON || sim_rng_uniform(r) >= 0.35)
            continue;
        int len = kind == HRQ_CADENCE_LOCK ? sim_rng_int(r, 60, 300)
                  : kind == HRQ_DROPOUT    ? sim_rng_int(r, 30, 180)
                  : kind == HRQ_STUCK      ? sim_rng_int(r, 150, 400)
                  : kind == HRQ_LEVEL_SHIFT ? sim_rng_int(r, 360, 900)
                                           : sim_rng_int(r, 6, 15);
        int at = place(r, truth, n, 300, len);
        if (at < 0)
            continue;
        double amp = sim_rng_range(r, 30, 50), sign = sim_rng_uniform(r) < 0.5 ? -1 : 1;
        float held = rec[at];
        for (int s = at; s < at + len; s++) {
            if (!isfinite(rec[s]))
                continue;
            switch (kind) {
            case HRQ_CADENCE_LOCK:
                if (cad[s] <= 0)
                    continue;
                rec[s] = (float)floor(cad[s] + sim_rng_normal(r) + 0.5);
                break;
            case HRQ_DROPOUT: rec[s] = (float)(rec[s] - amp); break;
            case HRQ_STUCK: rec[s] = held; break;
            case HRQ_LEVEL_SHIFT: rec[s] = (float)(rec[s] + sign * (amp - 5)); break;
            default: rec[s] = (float)(rec[s] + sign * (amp + 10)); break;
            }
            truth[s] = (uint8_t)kind;
        }
    }
}

/* Turn the truth into a raw recording in out. */
static int sense(const struct sim_athlete *a, const struct sim_truth *tr, int index, int noise_free,
                 int artifacts, struct sim_rng *r, struct sim_rng *r_cad, struct workout *out)
{
    int n = tr->n;
    float *rec = malloc((size_t)n * sizeof *rec), *cad = malloc((size_t)n * sizeof *cad);
    uint8_t *truth = calloc((size_t)n, 1);
    if (!rec || !cad || !truth) {
        free(rec);
        free(cad);
        free(truth);
        return -1;
    }
    cadence_trace(tr, r_cad, cad);
    /* recorded HR: delayed, optically smoothed, integer bpm */
    int lag = noise_free ? 0 : (int)floor(a->sensor_lag + 0.5);
    double sm = tr->hr[0];
    for (int s = 0; s < n; s++) {
        double h = tr->hr[s - lag < 0 ? 0 : s - lag];
        if (noise_free) {
            rec[s] = (float)h;
            continue;
        }
        sm += (h - sm) * (a->wrist ? 0.3 : 0.8);
        rec[s] = (float)floor(sm + (a->wrist ? 1.0 : 0.4) * sim_rng_normal(r) + 0.5);
    }
    int has_speed = 1, has_dist = 1, has_alt = 1, has_gps = 1, mode = 0, zero_drops = 0;
    double cal = 0, alt_off = 0;
    if (!noise_free) {
        has_speed = sim_rng_uniform(r) < 0.7;
        has_gps = sim_rng_uniform(r) < 0.95;
        has_dist = !has_gps || sim_rng_uniform(r) < 0.85;
        has_alt = sim_rng_uniform(r) < 0.95;
        double u = sim_rng_uniform(r);
        mode = u < 0.35 ? 0 : u < 0.75 ? 1 : 2;
        zero_drops = sim_rng_uniform(r) < 0.4;
        cal = 0.01 * sim_rng_normal(r);
        alt_off = sim_rng_range(r, -15, 15);
        /* cadence lock: the optical sensor reads the step rate for a while */
        if (sim_rng_uniform(r) < (a->wrist ? 0.2 : 0.03) && n > 600) {
            int len = sim_rng_int(r, 60, 300), at = sim_rng_int(r, 120, n - len - 1);
            for (int s = at; s < at + len; s++)
                if (tr->speed[s] > 1.5) {
                    rec[s] = (float)floor(cad[s] + sim_rng_normal(r) + 0.5);
                    truth[s] = HRQ_CADENCE_LOCK;
                }
        }
        if (artifacts)
            inject_artifacts(tr, cad, r_cad, rec, truth);
        /* dropouts: runs of NaN (or 0 on devices that write zeros) */
        int nd = poisson(r, (a->wrist ? 2.0 : 0.6) * n / 3600.0);
        if (nd > MAX_DROPS)
            nd = MAX_DROPS;
        for (int d = 0; d < nd; d++) {
            int len = sim_rng_int(r, 8, 120), at = sim_rng_int(r, 0, n - 1);
            for (int s = at; s < at + len && s < n; s++) {
                rec[s] = zero_drops ? 0.0f : NAN;
                truth[s] = 0; /* no reading: a gap, not an artifact */
            }
        }
    }
    /* positions along a slowly turning heading; GPS error as an AR(1) walk per axis */
    double lat = a->home_lat + (noise_free ? 0 : sim_rng_range(r, -0.05, 0.05));
    double lon = a->home_lon + (noise_free ? 0 : sim_rng_range(r, -0.05, 0.05));
    double heading = sim_rng_range(r, 0, 2 * M_PI), en = 0, ee = 0, baro = 0, vnoise = 0;
    double prev_dist = 0;
    int next = 0;
    for (int s = 0; s < n; s++) {
        double step = tr->dist[s] - prev_dist;
        prev_dist = tr->dist[s];
        if (step > 0) {
            heading += 0.03 * sim_rng_normal(r);
            lat += step * cos(heading) / M_PER_DEG;
            lon += step * sin(heading) / (M_PER_DEG * cos(lat * M_PI / 180));
        }
        if (!noise_free) {
            en += (-en) * 0.05 + 0.9 * sim_rng_normal(r);
            ee += (-ee) * 0.05 + 0.9 * sim_rng_normal(r);
            baro += 0.02 * sim_rng_normal(r);
            vnoise += (-vnoise) * 0.3 + 0.1 * sim_rng_normal(r);
        }
        if (s != next)
            continue;
        next = s + (noise_free ? 1 : next_interval(mode, r));
        long i = workout_push(out, out->start_time + s);
        if (i < 0) {
            free(rec);
            free(cad);
            free(truth);
            return -1;
        }
        out->hr[i] = rec[s];
        out->cad[i] = cad[s];
        out->hr_truth[i] = artifacts ? truth[s] : 0;
        if (has_speed) {
            double v = tr->speed[s] > 0 ? tr->speed[s] + vnoise : fabs(0.3 * vnoise);
            out->speed[i] = (float)(v < 0 ? 0 : v);
        }
        if (has_dist)
            out->dist[i] = (float)(tr->dist[s] * (1 + cal));
        if (has_gps) {
            out->lat[i] = lat + en / M_PER_DEG;
            out->lon[i] = lon + ee / (M_PER_DEG * cos(lat * M_PI / 180));
        }
        if (has_alt) {
            double al = tr->alt[s];
            if (!noise_free)
                al = 0.2 * floor((al + alt_off + baro + 0.3 * sim_rng_normal(r)) / 0.2 + 0.5);
            out->alt[i] = (float)al;
        }
    }
    (void)index;
    out->has_hr_truth = artifacts;
    free(rec);
    free(cad);
    free(truth);
    return 0;
}

int sim_workout_ex(const struct sim_athlete *a, int index, enum sim_kind kind, uint64_t seed,
                   const struct sim_options *opt, struct workout *out, struct sim_truth *truth)
{
    int noise_free = opt ? opt->noise_free : 0;
    double scale = opt && opt->duration_scale > 0 ? opt->duration_scale : 1.0;
    struct sim_rng r;
    sim_rng_init(&r, sim_seed_mix(sim_seed_mix(seed, a->seed), 0x57000000ull + (uint64_t)index));
    struct sim_plan plan;
    sim_plan_make(&plan, kind, &r, scale);
    double dur = sim_plan_duration(&plan);
    /* pauses (traffic lights, tying a shoe): standing with speed 0 */
    double pause_at[MAX_PAUSES], pause_len[MAX_PAUSES], paused = 0;
    int n_pause = 0;
    if (!noise_free && plan.allow_pauses && sim_rng_uniform(&r) < 0.4) {
        n_pause = sim_rng_int(&r, 1, MAX_PAUSES);
        for (int i = 0; i < n_pause; i++) {
            pause_at[i] = dur * (i + sim_rng_range(&r, 0.2, 0.8)) / n_pause;
            pause_len[i] = sim_rng_range(&r, 15, 120);
            paused += pause_len[i];
        }
    }
    struct sim_course course;
    if (sim_course_random(&course, dur * 1.3 * a->v_aer + 500, plan.hilliness, sim_rng_u64(&r)))
        return -1;
    struct sim_truth tr;
    if (truth_alloc(&tr, (int)ceil(dur + paused))) {
        sim_course_free(&course);
        return -1;
    }
    tr.form = noise_free ? 0 : a->form_sd * sim_rng_normal(&r);
    run_true(a, &plan, &course, noise_free, &r, pause_at, pause_len, n_pause, &tr);
    sim_course_free(&course);

    workout_reset(out);
    double day = floor(2.4 * index + sim_rng_range(&r, 0, 0.8));
    out->start_time = a->epoch + 86400.0 * (day + 1) + floor(3600.0 * sim_rng_range(&r, 6, 20));
    snprintf(out->athlete, sizeof out->athlete, "%s", a->id);
    workout_set_sport(out, "running");
    out->gender = a->gender;
    snprintf(out->device, sizeof out->device, "%s", a->wrist ? "sim wrist" : "sim chest strap");
    snprintf(out->hr_sensor, sizeof out->hr_sensor, "%s", a->wrist ? "wrist" : "strap");
    snprintf(out->source, sizeof out->source, "sim:%s#%d:%s", a->id, index, sim_kind_name(kind));
    out->id = (long long)(a->index + 1) * 100000 + index;
    out->leg = 0;
    struct sim_rng r_cad;
    sim_rng_init(&r_cad, sim_seed_mix(sim_seed_mix(seed, a->seed), 0xCADE0000ull + (uint64_t)index));
    int rc = sense(a, &tr, index, noise_free, opt && opt->artifacts && !noise_free, &r, &r_cad, out);
    if (truth && rc == 0)
        *truth = tr;
    else
        sim_truth_free(&tr);
    return rc;
}

int sim_workout(const struct sim_athlete *a, int index, enum sim_kind kind, uint64_t seed, struct workout *out)
{
    return sim_workout_ex(a, index, kind, seed, NULL, out, NULL);
}
