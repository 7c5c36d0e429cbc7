/* real_kinds.c — per-kind MAE for bench/real.sh: the workouts of one athlete in one split part, sorted into
 * kinds decided from the recording alone (never from heart rate), each model's absolute and squared errors
 * summed per kind over the valid HR steps, one JSON line per (model, kind) on stdout, so that
 * bench/real_tables.py can pool them over athletes (by steps) and average them over seeds.
 * Kinds (a workout may be in several; "other" = none of the three):
 *   treadmill  speed without positions (a footpod or the belt), or a sport named treadmill / indoor
 *   steep      climb >= 25 m per km (sum of the cleaned altitude's rises over the distance run)
 *   long       longer than 2 h
 * usage: real_kinds DATASET SPLIT ATHLETE LABEL=MODEL [LABEL=MODEL ...]     (SPLIT as in hrcast eval) */
#include "data/dataset.h"
#include "model/predictor.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_TREADMILL = 0, K_STEEP, K_LONG, K_OTHER, K_COUNT };
static const char *kind_name[K_COUNT] = {"treadmill", "steep", "long", "other"};
#define MAX_MODELS 8

struct acc {
    long long workouts, steps;
    double abs, sq;
};

static void kinds_of(const struct series *s, int *in)
{
    const char *sp = s->meta.sport;
    in[K_TREADMILL] = !s->meta.has_gps || strstr(sp, "treadmill") || strstr(sp, "indoor");
    double rise = 0;
    for (int t = 1; s->meta.has_alt && t < s->n; t++) {
        float d = S_ALT(s)[t] - S_ALT(s)[t - 1];
        if (d > 0)
            rise += d;
    }
    double km = s->n ? S_DIST(s)[s->n - 1] / 1000.0 : 0;
    in[K_STEEP] = s->meta.has_alt && km > 0.5 && rise / km >= 25.0;
    in[K_LONG] = s->n * s->step > 7200.0f;
    in[K_OTHER] = !in[K_TREADMILL] && !in[K_STEEP] && !in[K_LONG];
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: real_kinds DATASET SPLIT ATHLETE LABEL=MODEL [LABEL=MODEL ...]\n");
        return 2;
    }
    struct hr_err e = {{0}};
    struct dataset ds;
    int kind, part, nm = argc - 4;
    if (parse_split_spec(argv[2], &kind, &part)) {
        fprintf(stderr, "real_kinds: '%s' is not a split like chrono:test\n", argv[2]);
        return 2;
    }
    if (nm > MAX_MODELS) {
        fprintf(stderr, "real_kinds: at most %d models\n", MAX_MODELS);
        return 2;
    }
    if (dataset_open(argv[1], &ds, &e)) {
        fprintf(stderr, "real_kinds: %s\n", e.msg);
        return 1;
    }
    struct predictor pr[MAX_MODELS];
    const char *label[MAX_MODELS];
    memset(pr, 0, sizeof pr);
    for (int m = 0; m < nm; m++) {
        char *eq = strchr(argv[4 + m], '=');
        if (!eq) {
            fprintf(stderr, "real_kinds: '%s' is not LABEL=MODEL\n", argv[4 + m]);
            return 2;
        }
        *eq = 0;
        label[m] = argv[4 + m];
        if (predictor_load(eq + 1, &pr[m], &e)) {
            fprintf(stderr, "real_kinds: %s\n", e.msg);
            return 1;
        }
    }
    static struct acc acc[MAX_MODELS][K_COUNT];
    int n = 0;
    int *idx = dataset_select(&ds, (enum split_kind)kind, (enum split_part)part, &n);
    for (int i = 0; i < n; i++) {
        struct series s;
        dataset_series(&ds, idx[i], &s);
        if (strcmp(s.meta.athlete, argv[3]))
            continue;
        int in[K_COUNT];
        kinds_of(&s, in);
        float *y = malloc(sizeof(float) * (size_t)(s.n ? s.n : 1));
        if (!y) {
            fprintf(stderr, "real_kinds: out of memory\n");
            return 1;
        }
        for (int m = 0; m < nm; m++) {
            if (predictor_predict(&pr[m], &s, y, NULL, &e)) {
                fprintf(stderr, "real_kinds: %s: %s\n", label[m], e.msg);
                return 1;
            }
            double ab = 0, sq = 0;
            long long st = 0;
            for (int t = 0; t < s.n; t++) {
                float h = S_HR(&s)[t];
                if (isnan(h))
                    continue;
                ab += fabs(y[t] - h);
                sq += (double)(y[t] - h) * (y[t] - h);
                st++;
            }
            for (int k = 0; k < K_COUNT; k++) {
                if (!in[k])
                    continue;
                acc[m][k].workouts++;
                acc[m][k].steps += st;
                acc[m][k].abs += ab;
                acc[m][k].sq += sq;
            }
        }
        free(y);
    }
    for (int m = 0; m < nm; m++)
        for (int k = 0; k < K_COUNT; k++)
            printf("{\"athlete\": \"%s\", \"model\": \"%s\", \"kind\": \"%s\", \"workouts\": %lld, \"steps\": %lld, "
                   "\"abs\": %.6f, \"sq\": %.6f}\n",
                   argv[3], label[m], kind_name[k], acc[m][k].workouts, acc[m][k].steps, acc[m][k].abs, acc[m][k].sq);
    free(idx);
    for (int m = 0; m < nm; m++)
        predictor_free(&pr[m]);
    dataset_close(&ds);
    return 0;
}
