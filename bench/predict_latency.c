/* predict_latency.c — the in-process path of `hrcast predict` on one file, timed by stage:
 *   gen FILE             write a 2-hour 1 Hz running workout as a FIT file (seeded, hilly, HR present)
 *   time MODEL FILE N [THREADS]  (BLAS threads, default 1 like `hrcast predict`) model load once, then N times: decode+clean+resample (load_runs) and
 *                        features+LSTM (predictor_predict); prints the medians in ms.
 * bench/predict_latency.sh drives it next to `hrcast predict` (process start included). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "data/runs.h"
#include "io/fit_write.h"
#include "model/predictor.h"
#include "nn/kernels.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int gen(const char *path)
{
    struct workout w;
    workout_init(&w);
    const int n = 7200;
    if (workout_reserve(&w, n))
        return 1;
    double t0 = 1700000000.0, d = 0;
    for (int i = 0; i < n; i++) {
        double v = 3.0 + 0.5 * sin(i / 300.0) + ((i / 600) % 2 ? 0.4 : 0.0);
        d += v;
        w.time[i] = t0 + i;
        w.speed[i] = (float)v;
        w.dist[i] = (float)d;
        w.lat[i] = 47.0 + d * 1e-5 * cos(i / 900.0);
        w.lon[i] = 8.0 + d * 1e-5 * sin(i / 900.0);
        w.alt[i] = (float)(400 + 30 * sin(d / 800.0));
        w.hr[i] = (float)(120 + 12 * v + 8 * sin(d / 800.0) + i / 600.0);
    }
    w.n = n;
    w.start_time = t0;
    snprintf(w.sport, sizeof w.sport, "running");
    struct hr_err e = {{0}};
    int rc = fit_write_workout(path, &w, &e);
    if (rc)
        fprintf(stderr, "%s\n", e.msg);
    workout_free(&w);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "gen"))
        return gen(argv[2]);
    if (argc < 5 || argc > 6 || strcmp(argv[1], "time")) {
        fprintf(stderr, "usage: predict_latency gen FILE | time MODEL FILE N [THREADS]\n");
        return 2;
    }
    int N = atoi(argv[4]), threads = argc > 5 ? atoi(argv[5]) : 1;
    nn_set_threads(threads);
    if (N < 1)
        N = 1;
    struct hr_err e = {{0}};
    struct predictor p;
    double t = now_ms();
    if (predictor_load(argv[2], &p, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    double load_ms = now_ms() - t;
    struct read_opts ro;
    read_opts_default(&ro);
    double *prep = malloc(sizeof(double) * N), *pred = malloc(sizeof(double) * N), *tot = malloc(sizeof(double) * N);
    int steps = 0;
    for (int it = 0; it < N; it++) {
        struct run_list runs;
        double a = now_ms();
        if (load_runs(argv[3], p.step, &ro, &runs, &e) || runs.n != 1) {
            fprintf(stderr, "%s\n", runs.n != 1 ? "expected one workout" : e.msg);
            return 1;
        }
        double b = now_ms();
        const struct series *s = &runs.s[0];
        float *hr = malloc(sizeof(float) * (size_t)s->n), *sg = malloc(sizeof(float) * (size_t)s->n);
        if (predictor_predict(&p, s, hr, p.has_sigma ? sg : NULL, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
        double c = now_ms();
        steps = s->n;
        free(hr);
        free(sg);
        run_list_free(&runs);
        prep[it] = b - a;
        pred[it] = c - b;
        tot[it] = c - a;
    }
    printf("inproc threads=%d steps=%d model_load_ms=%.2f read_prep_ms=%.2f features_lstm_ms=%.2f total_ms=%.2f\n", threads, steps,
           load_ms, median(prep, N), median(pred, N), median(tot, N));
    predictor_free(&p);
    free(prep);
    free(pred);
    free(tot);
    return 0;
}
