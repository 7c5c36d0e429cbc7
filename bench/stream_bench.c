/* stream_bench.c — time per pushed sample of the live stream (include/hrcast.h, hrcast_stream_*): a 2-hour
 * run at 1 Hz (7200 samples, speed and altitude varying, no HR) pushed into a stream, best of REPS passes;
 * once pushes alone, once a push followed by hrcast_stream_hr_now (a watch that asks every second).
 * Usage: stream_bench MODEL [REPS] */
#include "hrcast.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 7200

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: stream_bench MODEL [REPS]\n");
        return 2;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    char err[512];
    hrcast_model *m = hrcast_model_load(argv[1], err, sizeof err);
    if (!m) {
        fprintf(stderr, "stream_bench: %s\n", err);
        return 1;
    }
    hrcast_stream *s = hrcast_stream_open(m, 'u', NULL, 3, err, sizeof err);
    if (!s) {
        fprintf(stderr, "stream_bench: %s\n", err);
        return 1;
    }
    double best_push = 1e30, best_now = 1e30, sink = 0;
    for (int r = 0; r < reps; r++)
        for (int ask = 0; ask < 2; ask++) {
            hrcast_stream_reset(s);
            double a = now_s();
            for (int i = 0; i < N; i++) {
                float v = 2.8f + 0.6f * sinf(i / 400.0f), alt = 100 + 30 * sinf(i / 900.0f);
                if (hrcast_stream_push(s, i, v, alt, NAN, err, sizeof err)) {
                    fprintf(stderr, "stream_bench: %s\n", err);
                    return 1;
                }
                if (ask)
                    sink += hrcast_stream_hr_now(s);
            }
            double us = (now_s() - a) * 1e6 / N;
            if (ask)
                best_now = us < best_now ? us : best_now;
            else
                best_push = us < best_push ? us : best_push;
        }
    printf("push: %.3f us per sample; push + hr_now: %.3f us per sample (best of %d passes of %d samples)%s\n",
           best_push, best_now, reps, N, sink == 0 ? " " : "");
    hrcast_stream_free(s);
    hrcast_model_free(m);
    return 0;
}
