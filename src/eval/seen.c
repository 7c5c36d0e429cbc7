/* seen.c — see seen.h. */
#include "eval/seen.h"
#include "data/dataset_id.h"
#include "util/json.h"
#include <stdlib.h>
#include <string.h>

enum { SEEN_VAL = 1, SEEN_TRAIN = 2 };

/* The provenance object inside a parsed card metadata ({"model_type":..., "model": {...}}). */
static const struct json *provenance_of(const struct json *root)
{
    const struct json *card = json_get(root, "model");
    const struct json *p = json_get(card, "training");
    return p ? p : json_get(card, "provenance");
}

void seen_model_split(const char *metadata_json, char *out, size_t cap)
{
    struct json *root = NULL;
    out[0] = 0;
    if (!metadata_json || json_parse(metadata_json, strlen(metadata_json), "model", &root, NULL))
        return;
    snprintf(out, cap, "%s", json_get_str(provenance_of(root), "split", ""));
    json_free(root);
}

static void mark_indices(const struct json *list, const struct dataset *ds, uint8_t *seen, uint8_t what)
{
    json_foreach(it, list) {
        double v = json_num(it, -1);
        if (v >= 0 && v < ds->n && seen[(int)v] < what)
            seen[(int)v] = what;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The dataset's workouts by fingerprint, sorted; built once per check, on first need (hashing every
 * workout's HR is the costly part on a large dataset, and a finetuned model's base record needs it too). */
struct fp_index {
    struct keyed { uint64_t h; int i; } *own;
};

static const struct keyed *fp_index_get(struct fp_index *fx, const struct dataset *ds)
{
    if (fx->own || !(fx->own = malloc(sizeof *fx->own * (size_t)(ds->n ? ds->n : 1))))
        return fx->own;
    for (int i = 0; i < ds->n; i++) {
        fx->own[i].h = workout_fingerprint(ds, i);
        fx->own[i].i = i;
    }
    qsort(fx->own, (size_t)ds->n, sizeof *fx->own, cmp_u64); /* h is the first member */
    return fx->own;
}

/* Another dataset than the record's (or the same with other splits): its workouts are found by their
 * fingerprints (dataset_id.h), when the record lists them. Returns 0 when it does, else -1. */
static int mark_by_fingerprint(const struct json *p, const struct dataset *ds, uint8_t *seen, struct fp_index *fx)
{
    const struct json *fp = json_get(p, "workout_fingerprints");
    if (!fp)
        return -1;
    const struct keyed *own = fp_index_get(fx, ds);
    if (!own)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        uint8_t what = pass ? SEEN_VAL : SEEN_TRAIN;
        json_foreach(it, json_get(fp, pass ? "val" : "train")) {
            const char *hex = json_str(it, "");
            char *end;
            uint64_t h = strtoull(hex, &end, 16);
            if (end == hex)
                continue;
            /* every workout of ds with that fingerprint (the same recording imported twice) */
            struct keyed key = {h, 0};
            const struct keyed *at = bsearch(&key, own, (size_t)ds->n, sizeof *own, cmp_u64);
            if (!at)
                continue;
            while (at > own && at[-1].h == h)
                at--;
            for (; at < own + ds->n && at->h == h; at++)
                if (seen[at->i] < what)
                    seen[at->i] = what;
        }
    }
    return 0;
}

/* Marks what one provenance record saw; recurses into a finetuned model's base. Returns 0 when the
 * record could be matched to ds, else fills r->why (and r->resplit) and returns -1. */
static int mark(const struct json *p, const struct dataset *ds, const struct dataset_identity *id, uint8_t *seen,
                struct fp_index *fx, struct seen_report *r, int depth, int recurse)
{
    if (!p || depth > 8) {
        snprintf(r->why, sizeof r->why, "its card records no training data");
        return -1;
    }
    const char *was = json_get_str(p, "dataset_id", NULL);
    if (!was) {
        snprintf(r->why, sizeof r->why, "its card does not identify the dataset it was trained on (%s; written by "
                 "an older hrcast)", json_get_str(p, "dataset", "?"));
        return -1;
    }
    if (strcmp(was, id->content)) {
        const struct json *base = json_get(p, "base_training");
        if (!mark_by_fingerprint(p, ds, seen, fx)) /* its workouts found here by their fingerprints */
            return base && recurse ? mark(base, ds, id, seen, fx, r, depth + 1, 1) : 0;
        /* its base (train --init, finetune) may still have seen this dataset: mark that, keep this reason */
        if (base && recurse)
            mark(base, ds, id, seen, fx, r, depth + 1, 1);
        snprintf(r->why, sizeof r->why, "it was trained on another dataset (%s, %.0f workouts) and its card, "
                 "written by an older hrcast, lists no workout fingerprints",
                 json_get_str(p, "dataset", "?"), json_get_num(p, "dataset_workouts", 0));
        return -1;
    }
    const char *split = json_get_str(p, "split", "");
    if (!strcmp(split, "all")) {
        memset(seen, SEEN_TRAIN, (size_t)ds->n);
    } else if (json_get(p, "train_indices")) { /* an explicit selection (finetune, benchmarks) */
        mark_indices(json_get(p, "train_indices"), ds, seen, SEEN_TRAIN);
        mark_indices(json_get(p, "val_indices"), ds, seen, SEEN_VAL);
    } else if (!strcmp(split, "athlete") || !strcmp(split, "chrono")) {
        if (strcmp(json_get_str(p, "splits_id", ""), id->splits)) {
            if (!mark_by_fingerprint(p, ds, seen, fx)) { /* the same workouts, split otherwise: found by fingerprint */
                const struct json *base = json_get(p, "base_training");
                return base && recurse ? mark(base, ds, id, seen, fx, r, depth + 1, 1) : 0;
            }
            r->resplit = 1;
            snprintf(r->why, sizeof r->why, "it was trained on these workouts with other stored splits (split seed "
                     "%.0f; this file's is %llu), so its training workouts cannot be told apart here",
                     json_get_num(p, "split_seed", 0), (unsigned long long)ds->split_seed);
            return -1;
        }
        int k = !strcmp(split, "chrono") ? SPLIT_CHRONO : SPLIT_ATHLETE;
        for (int i = 0; i < ds->n; i++) {
            uint8_t what = ds->split[k][i] == PART_TRAIN ? SEEN_TRAIN : ds->split[k][i] == PART_VAL ? SEEN_VAL : 0;
            if (seen[i] < what)
                seen[i] = what;
        }
    } else {
        snprintf(r->why, sizeof r->why, "its card records no split ('%s')", split);
        return -1;
    }
    const struct json *base = json_get(p, "base_training");
    return base && recurse ? mark(base, ds, id, seen, fx, r, depth + 1, 1) : 0;
}

int seen_check(const char *metadata_json, const struct dataset *ds, const int *idx, int n, struct seen_report *r,
               struct hr_err *e)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    struct json *root = NULL;
    if (!metadata_json || json_parse(metadata_json, strlen(metadata_json), "model metadata", &root, e))
        return metadata_json ? -1 : hr_fail(e, "eval: the model has no metadata");
    const struct json *p = provenance_of(root);
    snprintf(r->split, sizeof r->split, "%s", json_get_str(p, "split", ""));
    uint8_t *seen = calloc((size_t)(ds->n ? ds->n : 1), 1);
    if (!seen) {
        json_free(root);
        return hr_fail(e, "eval: out of memory");
    }
    struct dataset_identity id;
    dataset_identity(ds, &id);
    struct fp_index fx = {NULL};
    r->checked = mark(p, ds, &id, seen, &fx, r, 0, 1) == 0;
    for (int i = 0; i < n; i++) { /* what could be marked counts even when a base record could not be */
        r->n_train += seen[idx[i]] == SEEN_TRAIN;
        r->n_val += seen[idx[i]] == SEEN_VAL;
    }
    if (r->n_train > 0 && json_get(p, "base_training")) { /* which of them only its base trained on */
        struct seen_report own = *r;
        memset(seen, 0, (size_t)(ds->n ? ds->n : 1));
        mark(p, ds, &id, seen, &fx, &own, 0, 0);
        for (int i = 0; i < n; i++)
            r->n_train_base += seen[idx[i]] != SEEN_TRAIN;
        r->n_train_base -= n - r->n_train; /* those not trained on by anyone */
    }
    free(fx.own);
    free(seen);
    json_free(root);
    return 0;
}
