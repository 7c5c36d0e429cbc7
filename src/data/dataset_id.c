/* dataset_id.c — see dataset_id.h. */
#include "data/dataset_id.h"
#include "prep/series.h"
#include "util/hash.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static uint64_t hash_str(uint64_t h, const char *s)
{
    uint32_t n = (uint32_t)strlen(s);
    h = fnv1a64(h, &n, sizeof n);
    return fnv1a64(h, s, n);
}

void dataset_identity(const struct dataset *ds, struct dataset_identity *id)
{
    uint64_t c = FNV1A64_INIT, s = FNV1A64_INIT;
    c = fnv1a64(c, &ds->step, sizeof ds->step);
    c = fnv1a64(c, &ds->n, sizeof ds->n);
    for (int i = 0; i < ds->n; i++) {
        const struct series_meta *m = &ds->meta[i];
        c = hash_str(c, m->athlete);
        c = hash_str(c, m->sport);
        c = hash_str(c, m->source);
        c = fnv1a64(c, &m->id, sizeof m->id);
        double t = m->start_time == m->start_time ? m->start_time : -1.0; /* every NaN alike */
        c = fnv1a64(c, &t, sizeof t);
        c = fnv1a64(c, &ds->len[i], sizeof ds->len[i]);
        for (int k = 0; k < SPLIT_KINDS; k++)
            s = fnv1a64(s, &ds->split[k][i], 1);
    }
    fnv1a64_format(c, id->content, sizeof id->content);
    fnv1a64_format(s, id->splits, sizeof id->splits);
}

void dataset_identity_write(struct jw *w, const struct dataset *ds)
{
    struct dataset_identity id;
    dataset_identity(ds, &id);
    jw_kv_str(w, "dataset_id", id.content);
    jw_kv_str(w, "splits_id", id.splits);
    jw_kv_int(w, "split_seed", (long long)ds->split_seed);
    jw_kv_int(w, "dataset_workouts", ds->n);
}

uint64_t workout_fingerprint(const struct dataset *ds, int i)
{
    struct series v;
    dataset_series(ds, i, &v);
    uint64_t h = FNV1A64_INIT;
    double t = ds->meta[i].start_time;
    long long sec = isfinite(t) ? llround(t) : -1;
    h = fnv1a64(h, &sec, sizeof sec);
    const float *hr = S_HR(&v);
    for (int k = 0; k < v.n; k++) {
        int32_t d = isfinite(hr[k]) ? (int32_t)lroundf(hr[k] * 10.0f) : -1;
        h = fnv1a64(h, &d, sizeof d);
    }
    return h;
}

void workout_fingerprints_write(struct jw *w, const struct dataset *ds, const int *train, int n_train,
                                const int *val, int n_val)
{
    jw_key(w, "workout_fingerprints");
    jw_obj_begin(w);
    for (int pass = 0; pass < 2; pass++) {
        const int *idx = pass ? val : train;
        int n = pass ? n_val : n_train;
        jw_key(w, pass ? "val" : "train");
        jw_arr_begin(w);
        for (int k = 0; k < n; k++) {
            char hex[24];
            snprintf(hex, sizeof hex, "%016llx", (unsigned long long)workout_fingerprint(ds, idx[k]));
            jw_str(w, hex);
        }
        jw_arr_end(w);
    }
    jw_obj_end(w);
}
