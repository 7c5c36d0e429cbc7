/* resume.c — see resume.h. */
#include "train/resume.h"
#include "data/dataset_id.h"
#include "model/lstm_model.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/log.h"
#include "util/safetensors.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int run_ident_make(const struct train_opts *o, struct run_ident *id, struct hr_err *e)
{
    memset(id, 0, sizeof *id);
    id->kind = o->train_idx ? "finetune" : "train";
    if (o->init_model) {
        uint64_t h;
        if (fnv1a64_file(o->init_model, &h, e))
            return -1;
        fnv1a64_format(h, id->init_id, sizeof id->init_id);
    }
    if (o->train_idx) {
        uint64_t h = fnv1a64(FNV1A64_INIT, &o->n_train, sizeof o->n_train);
        h = fnv1a64(h, o->train_idx, sizeof(int) * (size_t)o->n_train);
        h = fnv1a64(h, &o->n_val, sizeof o->n_val);
        if (o->n_val)
            h = fnv1a64(h, o->val_idx, sizeof(int) * (size_t)o->n_val);
        fnv1a64_format(h, id->select_id, sizeof id->select_id);
    }
    return 0;
}

/* resume file: parameters + Adam moments + the run state, the dataset's identity and the options the
 * run keeps, as metadata */
int save_resume(const char *path, const struct hr_lstm *m, const struct nn_adam *adam,
                       const struct run_state *rs, const struct train_opts *o, const struct run_ident *id,
                       const struct dataset *ds, struct hr_err *e)
{
    struct st_out extra[2] = {
        {"optim.adam_m", ST_F32, adam->m, 1, {(int64_t)adam->n}},
        {"optim.adam_v", ST_F32, adam->v, 1, {(int64_t)adam->n}},
    };
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    jw_kv_int(&w, "epoch", rs->epoch);
    jw_kv_num(&w, "lr", rs->lr);
    jw_kv_int(&w, "adam_step", adam->step);
    jw_kv_num(&w, "plateau_best", rs->plateau.best);
    jw_kv_int(&w, "plateau_bad", rs->plateau.bad);
    jw_kv_int(&w, "plateau_cool", rs->plateau.cool);
    jw_kv_num(&w, "es_best", rs->es.best);
    jw_kv_int(&w, "es_best_epoch", rs->es.best_epoch);
    jw_kv_int(&w, "es_epoch", rs->es.epoch);
    jw_kv_int(&w, "es_bad", rs->es.bad);
    jw_kv_num(&w, "best_mae", rs->best_mae);
    jw_kv_num(&w, "best_rmse", rs->best_rmse);
    jw_kv_int(&w, "best_epoch", rs->best_epoch);
    dataset_identity_write(&w, ds);
    jw_key(&w, "options");
    jw_obj_begin(&w);
    jw_kv_str(&w, "kind", id->kind);
    jw_kv_str(&w, "init_model", o->init_model ? o->init_model : "");
    jw_kv_str(&w, "init_model_id", id->init_id);
    jw_kv_str(&w, "athlete", o->train_idx && o->prior_athlete ? o->prior_athlete : "");
    jw_kv_int(&w, "freeze_lower", o->freeze_lower);
    jw_kv_str(&w, "selection_id", id->select_id);
    jw_kv_str(&w, "split", train_split_name(o->split));
    jw_kv_str(&w, "features", m->fs->name);
    jw_kv_str(&w, "loss", m->loss);
    jw_kv_int(&w, "hidden", m->net.cfg.hidden); /* the model's (a base's size with --init), not the option's */
    jw_kv_int(&w, "layers", m->net.cfg.layers);
    jw_kv_num(&w, "dropout", o->dropout);
    jw_kv_num(&w, "lr", o->lr);
    jw_kv_num(&w, "weight_decay", o->weight_decay);
    jw_kv_int(&w, "batch", o->batch);
    jw_kv_int(&w, "patience", o->patience);
    jw_kv_int(&w, "max_len", o->max_len);
    jw_kv_int(&w, "keep_flagged", o->keep_flagged);
    jw_kv_int(&w, "hr_scale", m->scale.on);
    jw_obj_end(&w);
    jw_obj_end(&w);
    char *state = jw_take(&w, NULL);
    if (!state)
        return hr_fail(e, "train: out of memory");
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    struct st_meta meta[2] = {{"resume_state", state}, {"resume_seed", seed}}; /* a u64 as text */
    int rc = hr_lstm_save_with(m, path, NULL, extra, 2, meta, 2, e);
    free(state);
    return rc;
}

/* --resume: the run being resumed is this one: the same command, base model (by content), athlete, frozen
 * layers and selected workouts. Resume files from before 2026-12-07 record none of it and are not checked. */
static int resume_same_run(const char *path, const struct json *opt, const struct run_ident *id,
                           const struct train_opts *o, struct hr_err *e)
{
    const char *kind = json_get_str(opt, "kind", NULL);
    if (!kind)
        return 0;
    const char *base = json_get_str(opt, "init_model", ""), *base_id = json_get_str(opt, "init_model_id", "");
    const char *athlete = json_get_str(opt, "athlete", "");
    if (strcmp(kind, id->kind)) {
        char out[1100]; /* the model the resume file belongs to: PATH.resume -> PATH */
        snprintf(out, sizeof out, "%.*s", (int)(strlen(path) > 7 ? strlen(path) - 7 : 0), path);
        const char *data = o->dataset_path ? o->dataset_path : "DATASET", *prog = o->program ? o->program : "hrcast";
        if (!strcmp(kind, "finetune"))
            return hr_fail(e, "train: --resume: %s belongs to a run of hrcast finetune (base %s, athlete %s): continue "
                           "it with: %s finetune %s %s --athlete %s -o %s --resume", path, base, athlete, prog, base,
                           data, athlete, out);
        return hr_fail(e, "finetune: --resume: %s belongs to a run of hrcast train, not of finetune: continue it "
                       "with: %s train %s -o %s --resume; or finetune afresh without --resume", path, prog, data, out);
    }
    if (strcmp(base_id, id->init_id)) {
        if (!*base_id)
            return hr_fail(e, "train: --resume: the run being resumed (%s) did not start from a base model: drop "
                           "--init %s", path, o->init_model);
        if (!*id->init_id)
            return hr_fail(e, "train: --resume: the run being resumed (%s) started from %s: give --init %s", path,
                           base, base);
        return hr_fail(e, "%s: --resume: %s is not the base model the run being resumed (%s) started from (%s, %s): "
                       "resume with that file, or start afresh without --resume", id->kind, o->init_model, path, base,
                       base_id);
    }
    if (!strcmp(kind, "finetune")) {
        if (strcmp(athlete, o->prior_athlete ? o->prior_athlete : ""))
            return hr_fail(e, "finetune: --resume: %s finetunes athlete %s, not %s: resume with --athlete %s, or "
                           "finetune afresh without --resume", path, athlete, o->prior_athlete ? o->prior_athlete : "",
                           athlete);
        if ((int)json_get_num(opt, "freeze_lower", 0) != o->freeze_lower)
            return hr_fail(e, "finetune: --resume: --freeze differs from the run being resumed (%s): a resumed run "
                           "keeps its options; give the same --freeze, or finetune afresh without --resume", path);
        if (strcmp(json_get_str(opt, "selection_id", ""), id->select_id))
            return hr_fail(e, "finetune: --resume: the workouts selected for %s differ from those of the run being "
                           "resumed (%s; another --split?): give the same options, or finetune afresh without --resume",
                           athlete, path);
    }
    return 0;
}

/* --resume, first half: read the resume file's state and adopt the options the run keeps. An option the
 * user gave (o->given) that differs, another dataset, or other stored splits are refused with one line. */
int resume_adopt(const char *path, const struct dataset *ds, const struct run_ident *id, struct train_opts *o,
                        struct safetensors *st, struct json **state, struct hr_err *e)
{
    if (st_read_file(path, 0, st, e))
        return -1;
    const char *text = st_meta_get(st, "resume_state");
    if (!text) {
        st_free(st);
        return hr_fail(e, "%s: not a resume file (no resume_state)", path);
    }
    if (json_parse(text, strlen(text), path, state, e)) {
        st_free(st);
        return -1;
    }
    const struct json *j = *state, *opt = json_get(j, "options");
    if (!opt) {
        hr_warn("%s was written by an older hrcast: its dataset and options cannot be checked", path);
        return 0;
    }
    if (resume_same_run(path, opt, id, o, e))
        return -1;
    struct dataset_identity did;
    dataset_identity(ds, &did);
    const char *was = json_get_str(j, "dataset_id", "");
    if (strcmp(was, did.content))
        return hr_fail(e, "train: --resume: %s belongs to a run on another dataset (%.0f workouts, %s) than %s "
                       "(%d workouts, %s): its validation MAE is not comparable; resume with that dataset, or "
                       "train afresh without --resume", path, json_get_num(j, "dataset_workouts", 0), was,
                       o->dataset_path ? o->dataset_path : "this one", ds->n, did.content);
    if (strcmp(json_get_str(j, "splits_id", ""), did.splits))
        return hr_fail(e, "train: --resume: %s was trained on the same workouts with other stored splits (split "
                       "seed %.0f, this file's %llu): resume with the dataset file it was trained on, or train afresh",
                       path, json_get_num(j, "split_seed", 0), (unsigned long long)ds->split_seed);
    char have[64], want[64], flag[24];
    int differs = 0;
#define KEEP_STR(bit, field, key, cap)                                                                   \
    do {                                                                                               \
        const char *v = json_get_str(opt, key, NULL);                                                  \
        if (!v || differs)                                                                             \
            break;                                                                                     \
        if ((o->given & (bit)) && strcmp(v, field)) {                                                  \
            snprintf(flag, sizeof flag, "%s", key), snprintf(have, sizeof have, "%s", field);          \
            snprintf(want, sizeof want, "%s", v), differs = 1;                                         \
        }                                                                                              \
        snprintf(field, cap, "%s", v);                                                                 \
    } while (0)
#define KEEP_NUM(bit, field, key, type)                                                                  \
    do {                                                                                               \
        double v = json_get_num(opt, key, NAN);                                                        \
        if (!isfinite(v) || differs)                                                                   \
            break;                                                                                     \
        if ((o->given & (bit)) && (type)v != field) {                                                  \
            snprintf(flag, sizeof flag, "%s", key), snprintf(have, sizeof have, "%.6g", (double)field); \
            snprintf(want, sizeof want, "%.6g", v), differs = 1;                                       \
        }                                                                                              \
        field = (type)v;                                                                               \
    } while (0)
    char split[16];
    snprintf(split, sizeof split, "%s", o->split == TRAIN_SPLIT_AUTO ? json_get_str(opt, "split", "") : train_split_name(o->split));
    KEEP_STR(TO_SPLIT, split, "split", sizeof split);
    KEEP_STR(TO_FEATURES, o->features, "features", sizeof o->features);
    if (!strcmp(o->loss, "nll"))
        snprintf(o->loss, sizeof o->loss, "gnll");
    KEEP_STR(TO_LOSS, o->loss, "loss", sizeof o->loss);
    KEEP_NUM(TO_HIDDEN, o->hidden, "hidden", int);
    KEEP_NUM(TO_LAYERS, o->layers, "layers", int);
    KEEP_NUM(TO_DROPOUT, o->dropout, "dropout", float);
    KEEP_NUM(TO_LR, o->lr, "lr", float);
    KEEP_NUM(TO_WEIGHT_DECAY, o->weight_decay, "weight_decay", float);
    KEEP_NUM(TO_BATCH, o->batch, "batch", int);
    KEEP_NUM(TO_PATIENCE, o->patience, "patience", int);
    KEEP_NUM(TO_MAX_LEN, o->max_len, "max_len", int);
    KEEP_NUM(TO_KEEP_FLAGGED, o->keep_flagged, "keep_flagged", int);
    if (!json_get(opt, "hr_scale") && !differs) /* a run from before the HR scale had none */
        o->hr_scale = 0;
    KEEP_NUM(TO_HR_SCALE, o->hr_scale, "hr_scale", int);
#undef KEEP_STR
#undef KEEP_NUM
    const char *seed = st_meta_get(st, "resume_seed");
    if (seed && !differs) {
        unsigned long long sv = strtoull(seed, NULL, 10);
        if ((o->given & TO_SEED) && sv != o->seed) {
            snprintf(flag, sizeof flag, "seed");
            snprintf(have, sizeof have, "%llu", (unsigned long long)o->seed);
            snprintf(want, sizeof want, "%llu", sv);
            differs = 1;
        }
        o->seed = sv;
    }
    if (differs) {
        for (char *c = flag; *c; c++)
            if (*c == '_')
                *c = '-';
        return hr_fail(e, "train: --resume: --%s %s differs from the run being resumed (%s): a resumed run keeps "
                       "its options; drop --%s, or train afresh without --resume", flag, have, want, flag);
    }
    o->split = !strcmp(split, "chrono") ? SPLIT_CHRONO : SPLIT_ATHLETE;
    return 0;
}

/* --resume, second half: the parameters, Adam moments and the loop state */
int resume_restore(const struct safetensors *st, const struct json *j, const char *path, struct hr_lstm *m,
                          struct nn_adam *adam, struct run_state *rs, struct hr_err *e)
{
    struct nn_param ps[LSTM_MAX_PARAMS];
    int np = lstm_params(&m->net, ps);
    for (int i = 0; i < np; i++)
        if (st_copy_f32(st, ps[i].name, ps[i].ndim, ps[i].shape, ps[i].data, ps[i].numel, e)) {
            char why[HR_ERR_MSG];
            snprintf(why, sizeof why, "%s", e->msg);
            return hr_fail(e, "train: --resume: %s does not fit this run (%s)", path, why);
        }
    int64_t shp[1] = {(int64_t)adam->n};
    if (st_copy_f32(st, "optim.adam_m", 1, shp, adam->m, adam->n, e) ||
        st_copy_f32(st, "optim.adam_v", 1, shp, adam->v, adam->n, e))
        return -1;
    /* the pre-roll of the run it continues (its card; none in resume files from before the pre-roll) */
    const char *card = st_meta_get(st, "model");
    struct json *cj = NULL;
    if (card && !json_parse(card, strlen(card), path, &cj, e)) {
        int pre = (int)json_get_num(cj, "preroll_steps", 0);
        if (pre != m->preroll)
            hr_info("resume: keeping the run's pre-roll of %d steps", pre);
        m->preroll = pre >= 0 && pre <= 100000 ? pre : 0;
        json_free(cj);
    }
    adam->step = (long)json_get_num(j, "adam_step", 0);
    rs->epoch = (int)json_get_num(j, "epoch", 0);
    rs->lr = (float)json_get_num(j, "lr", rs->lr);
    rs->plateau.best = (float)json_get_num(j, "plateau_best", INFINITY);
    rs->plateau.bad = (int)json_get_num(j, "plateau_bad", 0);
    rs->plateau.cool = (int)json_get_num(j, "plateau_cool", 0);
    rs->es.best = (float)json_get_num(j, "es_best", INFINITY);
    rs->es.best_epoch = (int)json_get_num(j, "es_best_epoch", -1);
    rs->es.epoch = (int)json_get_num(j, "es_epoch", 0);
    rs->es.bad = (int)json_get_num(j, "es_bad", 0);
    rs->best_mae = json_get_num(j, "best_mae", NAN);
    rs->best_rmse = json_get_num(j, "best_rmse", NAN);
    rs->best_epoch = (int)json_get_num(j, "best_epoch", -1);
    return 0;
}

