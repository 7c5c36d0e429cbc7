/* finetune.c — see finetune.h. */
#include "train/finetune.h"
#include "util/json.h"
#include "util/safetensors.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *finetune_freeze_name(int freeze)
{
    return freeze == FT_FREEZE_LOWER ? "lower"
           : freeze == FT_FREEZE_LSTM ? "lstm"
           : freeze == FT_FREEZE_EMBED ? "embedding"
                                       : "none";
}

int finetune_freeze_parse(const char *name)
{
    if (!strcmp(name, "none"))
        return FT_FREEZE_NONE;
    if (!strcmp(name, "lower"))
        return FT_FREEZE_LOWER;
    if (!strcmp(name, "lstm") || !strcmp(name, "head"))
        return FT_FREEZE_LSTM;
    if (!strcmp(name, "embedding"))
        return FT_FREEZE_EMBED;
    return -1;
}

void finetune_opts_default(struct finetune_opts *o)
{
    memset(o, 0, sizeof *o);
    o->split = SPLIT_CHRONO;
    o->freeze = FT_FREEZE_NONE;
    o->lr = 0.0f; /* train_default_lr of the base's feature set */
    o->dropout = 0.4f;
    o->epochs = 20;
    o->patience = 4;
    o->batch = 8;
    o->max_len = 1440;
    o->threads = 1;
    o->val_frac = 0.15f;
    o->seed = 42;
}

struct dated { /* a dataset index with its start time, for sorting by date */
    double t;
    int i;
};

static int cmp_date(const void *a, const void *b)
{
    const struct dated *x = a, *y = b;
    int kx = isfinite(x->t), ky = isfinite(y->t);
    if (kx && ky && x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (kx != ky)
        return kx ? -1 : 1; /* unknown dates last, in index order */
    return (x->i > y->i) - (x->i < y->i);
}

static int sort_by_date(const struct dataset *ds, int *idx, int n)
{
    struct dated *d = malloc(sizeof *d * (size_t)(n ? n : 1));
    if (!d)
        return -1;
    for (int k = 0; k < n; k++)
        d[k] = (struct dated){ds->meta[idx[k]].start_time, idx[k]};
    qsort(d, (size_t)n, sizeof *d, cmp_date);
    for (int k = 0; k < n; k++)
        idx[k] = d[k].i;
    free(d);
    return 0;
}

int finetune_select(const struct dataset *ds, const char *athlete, enum split_kind split, float val_frac,
                    int **train, int *n_train, int **val, int *n_val, int *val_fallback, struct hr_err *e)
{
    *train = *val = NULL;
    *n_train = *n_val = 0;
    *val_fallback = 0;
    int *tr = malloc(sizeof(int) * (size_t)(ds->n ? ds->n : 1));
    int *va = malloc(sizeof(int) * (size_t)(ds->n ? ds->n : 1));
    if (!tr || !va) {
        free(tr);
        free(va);
        return hr_fail(e, "finetune: out of memory");
    }
    int nt = 0, nv = 0, total = 0;
    for (int i = 0; i < ds->n; i++) {
        if (strcmp(ds->meta[i].athlete, athlete))
            continue;
        total++;
        if (ds->split[split][i] == PART_TRAIN)
            tr[nt++] = i;
        else if (ds->split[split][i] == PART_VAL)
            va[nv++] = i;
    }
    if (total == 0) {
        free(tr);
        free(va);
        return hr_fail(e, "finetune: athlete '%s' has no workouts in the dataset", athlete);
    }
    if (nt == 0) {
        free(tr);
        free(va);
        return hr_fail(e, "finetune: athlete '%s' has no workouts in the %s training part (%d in all)", athlete,
                       split == SPLIT_CHRONO ? "chrono" : "athlete", total);
    }
    if (sort_by_date(ds, tr, nt) || sort_by_date(ds, va, nv)) {
        free(tr);
        free(va);
        return hr_fail(e, "finetune: out of memory");
    }
    if (nv == 0 && nt >= 2) {
        int k = (int)ceil(val_frac * nt);
        if (k < 1)
            k = 1;
        if (k > nt - 1)
            k = nt - 1;
        memcpy(va, tr + nt - k, sizeof(int) * (size_t)k);
        nv = k;
        nt -= k;
        *val_fallback = 1;
    }
    *train = tr;
    *val = va;
    *n_train = nt;
    *n_val = nv;
    return 0;
}

static void write_workouts(struct jw *w, const char *key, const struct dataset *ds, const int *idx, int n)
{
    jw_key(w, key);
    jw_obj_begin(w);
    jw_kv_int(w, "count", n);
    jw_key(w, "indices");
    jw_arr_begin(w);
    for (int i = 0; i < n; i++)
        jw_int(w, idx[i]);
    jw_arr_end(w);
    double first = NAN, last = NAN;
    for (int i = 0; i < n; i++) {
        double t = ds->meta[idx[i]].start_time;
        if (isfinite(t) && !(t >= first))
            first = t;
        if (isfinite(t) && !(t <= last))
            last = t;
    }
    jw_kv_num(w, "first_start", first);
    jw_kv_num(w, "last_start", last);
    jw_obj_end(w);
}

/* The feature set named in a model file's card ("" when it cannot be read: finetune_lstm reports that), and
 * whether it has an HR scale (model/hr_scale.h). */
static void base_feature_set(const char *base_model, char *out, size_t cap, int *scaled)
{
    struct safetensors st;
    out[0] = 0;
    *scaled = 0;
    if (st_read_file(base_model, 0, &st, NULL))
        return;
    const char *card = st_meta_get(&st, "model");
    struct json *j = NULL;
    if (card && json_parse(card, strlen(card), base_model, &j, NULL) == 0) {
        snprintf(out, cap, "%s", json_get_str(json_get(j, "features"), "set", ""));
        *scaled = json_get(j, "hr_scale") != NULL;
    }
    json_free(j);
    st_free(&st);
}

int finetune_lstm(const struct dataset *ds, const struct finetune_opts *o, const char *out_path,
                  struct train_result *res, struct hr_err *e)
{
    if (!o->base_model || !o->athlete)
        return hr_fail(e, "finetune: a base model and an athlete are required");
    char set[32];
    int scaled;
    base_feature_set(o->base_model, set, sizeof set, &scaled);
    if (o->epochs == 0 && set[0] && !scaled)
        return hr_fail(e, "--scale-only: %s has no HR scale to personalise (a model trained with --hr-scale athlete "
                       "has one); finetune it with epochs instead", o->base_model);
    int *tr, *va, nt, nv, fb;
    if (finetune_select(ds, o->athlete, o->split, o->val_frac, &tr, &nt, &va, &nv, &fb, e))
        return -1;
    if (nv == 0) { /* one earlier workout: nothing held out to choose the epoch on */
        free(tr);
        free(va);
        return hr_fail(e, "finetune: athlete '%s' has %d earlier workout and no validation part: the best epoch "
                       "cannot be chosen without held-out data (2 or more earlier workouts are needed)", o->athlete, nt);
    }
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    jw_kv_str(&w, "kind", "finetune");
    jw_kv_str(&w, "base_model", o->base_model);
    jw_kv_str(&w, "athlete", o->athlete);
    jw_kv_str(&w, "freeze", o->epochs == 0 ? "all (scale only)" : finetune_freeze_name(o->freeze));
    jw_kv_str(&w, "val_source", fb ? "train_tail_by_date" : o->split == SPLIT_CHRONO ? "chrono:val" : "athlete:val");
    write_workouts(&w, "train", ds, tr, nt);
    write_workouts(&w, "val", ds, va, nv);
    jw_obj_end(&w);
    char *extra = jw_take(&w, NULL);
    if (!extra) {
        free(tr);
        free(va);
        return hr_fail(e, "finetune: out of memory");
    }
    struct train_opts t;
    train_opts_default(&t);
    t.lr = o->lr > 0 ? o->lr : train_default_lr(set);
    t.dropout = o->dropout;
    t.weight_decay = o->weight_decay;
    t.epochs = o->epochs;
    t.patience = o->patience;
    t.batch = o->batch;
    t.max_len = o->max_len;
    t.threads = o->threads;
    t.seed = o->seed;
    t.time_budget = o->time_budget;
    t.resume = o->resume;
    t.given = o->given;
    t.program = o->program;
    t.split = o->split;
    t.init_model = o->base_model;
    t.prior_athlete = o->athlete; /* a new runner's physiological prior: fitted on the training part */
    t.train_idx = tr;
    t.n_train = nt;
    t.val_idx = va;
    t.n_val = nv;
    t.freeze_lower = o->freeze;
    t.dataset_path = o->dataset_path;
    t.log_path = o->log_path;
    t.extra_provenance = extra;
    if (o->epochs == 0)
        hr_info("personalising %s for %s without training: the HR scale of %d earlier workouts, validated on %d (%s)",
                o->base_model, o->athlete, nt, nv, fb ? "last part of training by date" : "own validation part");
    else
        hr_info("finetuning %s for %s on %d earlier workouts, validating on %d (%s), freeze %s, lr %g", o->base_model,
                o->athlete, nt, nv, fb ? "last part of training by date" : "own validation part",
                finetune_freeze_name(o->freeze), t.lr);
    int rc = train_lstm(ds, &t, out_path, res, e);
    free(extra);
    free(tr);
    free(va);
    return rc;
}
