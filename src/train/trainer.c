/* trainer.c — see trainer.h. */
#include "train/trainer.h"
#include "eval/metrics.h"
#include "model/lstm_model.h"
#include "nn/kernels.h"
#include "nn/optim.h"
#include "train/batcher.h"
#include "train/dist.h"
#include "util/json.h"
#include "util/log.h"
#include "util/progress.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void train_opts_default(struct train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->hidden = 128;
    o->layers = 2;
    o->dropout = 0.4f;
    o->lr = 5e-4f;
    o->clip = 1.0f;
    o->huber_delta = 5.0f;
    o->batch = 64;
    o->epochs = 30;
    o->patience = 5;
    o->max_len = 1440;
    o->preroll_s = LSTM_PREROLL_S;
    o->threads = 1;
    snprintf(o->loss, sizeof o->loss, "mse");
    snprintf(o->features, sizeof o->features, "default");
    o->split = SPLIT_ATHLETE;
    o->seed = 42;
}

struct run_state { /* what --resume restores */
    int epoch;     /* next epoch to run */
    float lr;
    struct nn_plateau plateau;
    struct nn_early_stop es;
    double best_mae, best_rmse;
    int best_epoch;
};

static int fit_normalizer(const struct dataset *ds, const int *idx, int n, const struct hr_lstm *m,
                          int max_len, struct normalizer *nz, double *hr_mean, double *hr_var,
                          struct hr_err *e)
{
    const struct feature_set *fs = m->fs;
    struct norm_acc acc;
    norm_acc_init(&acc, fs->n);
    double s = 0, s2 = 0;
    long long c = 0;
    float *rows = NULL;
    int cap = 0;
    for (int i = 0; i < n; i++) {
        struct series sr;
        dataset_series(ds, idx[i], &sr);
        if (sr.n > max_len)
            sr.n = max_len;
        if (sr.n > cap) {
            free(rows);
            cap = sr.n;
            rows = malloc(sizeof(float) * (size_t)cap * fs->n);
            if (!rows)
                return hr_fail(e, "train: out of memory");
        }
        if (hr_lstm_features(m, &sr, rows, 0, e)) {
            free(rows);
            return -1;
        }
        norm_acc_add(&acc, rows, sr.n);
        for (int t = 0; t < sr.n; t++)
            if (isfinite(S_HR(&sr)[t])) {
                s += S_HR(&sr)[t];
                s2 += (double)S_HR(&sr)[t] * S_HR(&sr)[t];
                c++;
            }
    }
    free(rows);
    norm_acc_finish(&acc, nz);
    *hr_mean = c ? s / c : 140.0;
    *hr_var = c ? s2 / c - (*hr_mean) * (*hr_mean) : 100.0;
    return 0;
}

/* The physiological prior of the "+physio" feature sets: population parameters and each training
 * athlete's own, fitted by least squares on the training series only (earlier workouts: a runner's HR
 * from other workouts may inform the prediction, never the HR of the workout being predicted). */
static int fit_prior(const struct dataset *ds, const int *idx, int n, float step, struct physio_model *out,
                     struct hr_err *e)
{
    struct series *v = calloc((size_t)(n ? n : 1), sizeof *v);
    const struct series **sp = calloc((size_t)(n ? n : 1), sizeof *sp);
    if (!v || !sp) {
        free(v);
        free(sp);
        return hr_fail(e, "train: out of memory");
    }
    for (int i = 0; i < n; i++) {
        dataset_series(ds, idx[i], &v[i]);
        sp[i] = &v[i];
    }
    physio_model_init(out, step);
    struct physio_fit_opts fo;
    physio_fit_opts_default(&fo);
    fo.personal = 1;
    int rc = physio_model_fit(out, sp, n, &fo, e);
    free(v);
    free(sp);
    if (rc)
        return -1;
    hr_info("physiological prior: population offset %.1f bpm, gain %.1f bpm/(m/s), tau %.0f s, drift %.1f bpm/h; "
            "%d athletes with their own parameters", out->pop.offset, out->pop.gain, out->pop.tau, out->pop.drift,
            out->n_ath);
    return 0;
}

/* The network trains on a normalised target (hr - mean) / sd, which Adam learns far faster than raw
 * bpm; model files hold the head folded back to bpm, so that they (and PyTorch) predict bpm directly. */
struct head_copy {
    float *w, *b;
    size_t nw, nb;
};

static int head_save(const struct lstm_model *net, struct head_copy *h)
{
    h->nw = (size_t)net->cfg.out * net->cfg.hidden;
    h->nb = (size_t)net->cfg.out;
    h->w = malloc(sizeof(float) * h->nw);
    h->b = malloc(sizeof(float) * h->nb);
    if (!h->w || !h->b) {
        free(h->w);
        free(h->b);
        return -1;
    }
    memcpy(h->w, net->fc_w, sizeof(float) * h->nw);
    memcpy(h->b, net->fc_b, sizeof(float) * h->nb);
    return 0;
}

static void head_restore(struct lstm_model *net, struct head_copy *h)
{
    memcpy(net->fc_w, h->w, sizeof(float) * h->nw);
    memcpy(net->fc_b, h->b, sizeof(float) * h->nb);
    free(h->w);
    free(h->b);
}

static void head_fold(struct lstm_model *net, double mean, double sd)
{
    for (int k = 0; k < net->cfg.hidden; k++)
        net->fc_w[k] = (float)(net->fc_w[k] * sd);
    net->fc_b[0] = (float)(net->fc_b[0] * sd + mean);
    if (net->cfg.out == 2)
        net->fc_b[1] = (float)(net->fc_b[1] + 2.0 * log(sd));
}

static void head_unfold(struct lstm_model *net, double mean, double sd)
{
    for (int k = 0; k < net->cfg.hidden; k++)
        net->fc_w[k] = (float)(net->fc_w[k] / sd);
    net->fc_b[0] = (float)((net->fc_b[0] - mean) / sd);
    if (net->cfg.out == 2)
        net->fc_b[1] = (float)(net->fc_b[1] - 2.0 * log(sd));
}

/* Validation: global masked MAE/RMSE (bpm) and the loss over the selection. */
static int validate(const struct hr_lstm *m, const struct dataset *ds, const int *idx, int n, int B,
                    int max_len, const struct nn_loss *loss, int keep_flagged, struct metric_acc *acc,
                    double *val_loss, struct hr_err *e)
{
    metric_reset(acc);
    *val_loss = NAN;
    if (n == 0)
        return 0;
    struct epoch_plan plan;
    if (epoch_plan_make(&plan, ds, idx, n, B, 0, 0))
        return hr_fail(e, "train: out of memory");
    struct series *views = calloc((size_t)B, sizeof *views);
    const struct series **sp = calloc((size_t)B, sizeof *sp);
    float **hr = calloc((size_t)B, sizeof *hr), **sg = calloc((size_t)B, sizeof *sg);
    double loss_sum = 0;
    size_t loss_n = 0;
    int rc = -1;
    if (!views || !sp || !hr || !sg) {
        hr_fail(e, "train: out of memory");
        goto out;
    }
    for (int k = 0; k < plan.n_batches; k++) {
        int cnt = plan.count[k];
        for (int b = 0; b < cnt; b++) {
            dataset_series(ds, plan.order[plan.start[k] + b], &views[b]);
            if (views[b].n > max_len)
                views[b].n = max_len;
            sp[b] = &views[b];
            hr[b] = malloc(sizeof(float) * (size_t)(views[b].n ? views[b].n : 1));
            sg[b] = malloc(sizeof(float) * (size_t)(views[b].n ? views[b].n : 1));
            if (!hr[b] || !sg[b]) {
                hr_fail(e, "train: out of memory");
                goto out;
            }
        }
        if (hr_lstm_predict_batch(m, sp, cnt, hr, sg, e))
            goto out;
        for (int b = 0; b < cnt; b++) {
            int T = views[b].n, O = m->net.cfg.out;
            float *pred = malloc(sizeof(float) * (size_t)(T ? T : 1) * O), *mask = malloc(sizeof(float) * (size_t)(T ? T : 1));
            float *target = malloc(sizeof(float) * (size_t)(T ? T : 1));
            if (pred && mask && target) {
                for (int t = 0; t < T; t++) { /* the targets: trusted steps unless keep_flagged */
                    target[t] = keep_flagged || series_hr_trusted(&views[b], t) ? S_HR(&views[b])[t] : NAN;
                    pred[t * O] = hr[b][t];
                    if (O == 2)
                        pred[t * O + 1] = 2.0f * logf(sg[b][t]);
                    mask[t] = isfinite(target[t]);
                }
                metric_add(acc, hr[b], target, T);
                size_t nv = 0;
                double l = nn_loss_eval(loss, pred, O, target, mask, (size_t)T, NULL, &nv);
                loss_sum += l * (double)nv;
                loss_n += nv;
            }
            free(pred);
            free(mask);
            free(target);
            free(hr[b]);
            free(sg[b]);
            hr[b] = sg[b] = NULL;
        }
    }
    *val_loss = loss_n ? loss_sum / (double)loss_n : NAN;
    rc = 0;
out:
    if (hr)
        for (int b = 0; b < B; b++) {
            free(hr[b]);
            free(sg[b]);
        }
    free(views);
    free(sp);
    free(hr);
    free(sg);
    epoch_plan_free(&plan);
    return rc;
}

static char *provenance(const struct train_opts *o, const struct dataset *ds, const struct run_state *rs,
                        int n_train, int n_val, const char *base_model)
{
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    jw_kv_str(&w, "dataset", o->dataset_path ? o->dataset_path : "");
    jw_kv_str(&w, "dataset_description", ds->source_desc);
    jw_kv_str(&w, "split", o->split == SPLIT_CHRONO ? "chrono" : "athlete");
    jw_kv_int(&w, "train_workouts", n_train);
    jw_kv_int(&w, "val_workouts", n_val);
    jw_kv_int(&w, "epochs_run", rs->epoch);
    jw_kv_int(&w, "best_epoch", rs->best_epoch);
    jw_kv_num(&w, "val_mae", rs->best_mae);
    jw_kv_num(&w, "val_rmse", rs->best_rmse);
    jw_kv_int(&w, "seed", (long long)o->seed);
    jw_kv_int(&w, "threads", o->threads);
    jw_kv_int(&w, "batch", o->batch);
    jw_kv_num(&w, "lr", o->lr);
    jw_kv_num(&w, "weight_decay", o->weight_decay);
    jw_kv_num(&w, "clip", o->clip);
    jw_kv_int(&w, "max_len_steps", o->max_len);
    jw_kv_str(&w, "targets", o->keep_flagged ? "all recorded steps (--keep-flagged)" : "trusted steps");
    jw_kv_str(&w, "optimizer", o->weight_decay > 0 ? "adamw" : "adam");
    if (base_model) {
        jw_kv_str(&w, "base_model", base_model);
        jw_kv_int(&w, "freeze_lower", o->freeze_lower);
    }
    if (o->extra_provenance && *o->extra_provenance) {
        jw_key(&w, "extra");
        jw_raw(&w, o->extra_provenance);
    }
    jw_kv_str(&w, "hrcast_version", "0.1.0");
    jw_obj_end(&w);
    return jw_take(&w, NULL);
}

/* resume file: parameters + Adam moments + the run state as metadata */
static int save_resume(const char *path, const struct hr_lstm *m, const struct nn_adam *adam,
                       const struct run_state *rs, struct hr_err *e)
{
    struct st_out extra[2] = {
        {"optim.adam_m", ST_F32, adam->m, 1, {(int64_t)adam->n}},
        {"optim.adam_v", ST_F32, adam->v, 1, {(int64_t)adam->n}},
    };
    char state[512];
    snprintf(state, sizeof state,
             "{\"epoch\":%d,\"lr\":%.9g,\"adam_step\":%ld,\"plateau_best\":%.9g,\"plateau_bad\":%d,"
             "\"plateau_cool\":%d,\"es_best\":%.9g,\"es_best_epoch\":%d,\"es_epoch\":%d,\"es_bad\":%d,"
             "\"best_mae\":%.9g,\"best_rmse\":%.9g,\"best_epoch\":%d}",
             rs->epoch, rs->lr, adam->step, rs->plateau.best, rs->plateau.bad, rs->plateau.cool,
             rs->es.best, rs->es.best_epoch, rs->es.epoch, rs->es.bad, rs->best_mae, rs->best_rmse,
             rs->best_epoch);
    struct st_meta meta[1] = {{"resume_state", state}};
    return hr_lstm_save_with(m, path, NULL, extra, 2, meta, 1, e);
}

static int load_resume(const char *path, struct hr_lstm *m, struct nn_adam *adam, struct run_state *rs,
                       struct hr_err *e)
{
    struct safetensors st;
    if (st_read_file(path, 0, &st, e))
        return -1;
    int rc = -1;
    struct json *j = NULL;
    const char *state = st_meta_get(&st, "resume_state");
    if (!state || json_parse(state, strlen(state), path, &j, e)) {
        if (!state)
            hr_fail(e, "%s: not a resume file (no resume_state)", path);
        goto out;
    }
    struct nn_param ps[LSTM_MAX_PARAMS];
    int np = lstm_params(&m->net, ps);
    for (int i = 0; i < np; i++)
        if (st_copy_f32(&st, ps[i].name, ps[i].ndim, ps[i].shape, ps[i].data, ps[i].numel, e))
            goto out;
    int64_t shp[1] = {(int64_t)adam->n};
    if (st_copy_f32(&st, "optim.adam_m", 1, shp, adam->m, adam->n, e) ||
        st_copy_f32(&st, "optim.adam_v", 1, shp, adam->v, adam->n, e))
        goto out;
    /* the pre-roll of the run it continues (its card; none in resume files from before the pre-roll) */
    const char *card = st_meta_get(&st, "model");
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
    rc = 0;
out:
    json_free(j);
    st_free(&st);
    return rc;
}

/* freeze_lower 3, "embedding": a learned athlete vector e concatenated to the inputs adds W_e·e to the first
 * layer's gate pre-activations, a constant per athlete; learning that constant is learning the first layer's
 * biases. So only b_ih/b_hh of layer 0 and the head's bias keep their gradients (zero gradients leave Adam's
 * moments, and so the weights, unchanged; finetuning uses no weight decay). */
static void keep_embedding_grads(struct lstm_model *net)
{
    /* kept: [b0, b0 + 8H) (b_ih and b_hh of layer 0 are adjacent) and [fb, fb + O); fc.bias is last */
    float *g = net->grads, *b0 = net->g[0].b_ih, *fb = net->gfc_b;
    memset(g, 0, sizeof(float) * (size_t)(b0 - g));
    b0 += 8 * (size_t)net->cfg.hidden;
    memset(b0, 0, sizeof(float) * (size_t)(fb - b0));
}

int train_lstm(const struct dataset *ds, const struct train_opts *o, const char *out_path,
               struct train_result *res, struct hr_err *e)
{
    double t_start = hr_now_seconds();
    memset(res, 0, sizeof *res);
    int n_train, n_val, rc = -1;
    int *tr = NULL, *va = NULL;
    if (o->train_idx) {
        n_train = o->n_train;
        n_val = o->n_val;
        tr = malloc(sizeof(int) * (size_t)(n_train ? n_train : 1));
        va = malloc(sizeof(int) * (size_t)(n_val ? n_val : 1));
        if (tr && va) {
            memcpy(tr, o->train_idx, sizeof(int) * (size_t)n_train);
            if (n_val)
                memcpy(va, o->val_idx, sizeof(int) * (size_t)n_val);
        }
    } else {
        tr = dataset_select(ds, o->split, PART_TRAIN, &n_train);
        va = dataset_select(ds, o->split, PART_VAL, &n_val);
    }
    if (!tr || !va) {
        free(tr);
        free(va);
        return hr_fail(e, "train: out of memory");
    }
    if (n_train == 0) {
        free(tr);
        free(va);
        return hr_fail(e, "train: the training split is empty (%d workouts in the dataset)", ds->n);
    }
    int loss_kind = nn_loss_parse(!strcmp(o->loss, "nll") ? "gnll" : o->loss);
    if (loss_kind < 0) {
        free(tr);
        free(va);
        return hr_fail(e, "train: unknown loss '%s' (mse, mae, huber, nll)", o->loss);
    }
    struct nn_loss loss = {(enum nn_loss_kind)loss_kind, o->huber_delta};
    nn_set_threads(o->threads);

    struct hr_lstm m;
    memset(&m, 0, sizeof m);
    double hr_mean, hr_var;
    if (o->init_model) {
        if (hr_lstm_load(o->init_model, &m, e))
            goto out_idx;
        if (m.step != ds->step) {
            hr_fail(e, "train: the base model's step %g s differs from the dataset's %g s", m.step, ds->step);
            goto out_model;
        }
        struct normalizer unused;
        if (fit_normalizer(ds, tr, n_train, &m, o->max_len, &unused, &hr_mean, &hr_var, e))
            goto out_model;
        m.net.cfg.dropout = o->dropout;
        head_unfold(&m.net, hr_mean, sqrt(hr_var > 1 ? hr_var : 1));
        /* a model goes on with the loss it was trained with (its head's outputs depend on it) */
        int base_kind = nn_loss_parse(m.loss);
        if (base_kind >= 0)
            loss.kind = (enum nn_loss_kind)base_kind;
    } else {
        m.fs = feature_set_get(o->features);
        if (!m.fs) {
            hr_fail(e, "train: unknown feature set '%s' (default, seed11)", o->features);
            goto out_idx;
        }
        if (m.fs->prior && fit_prior(ds, tr, n_train, ds->step, &m.prior, e))
            goto out_idx;
        if (fit_normalizer(ds, tr, n_train, &m, o->max_len, &m.nz, &hr_mean, &hr_var, e))
            goto out_idx;
        struct lstm_cfg cfg = {m.fs->n, o->hidden, o->layers, loss.kind == NN_LOSS_GNLL ? 2 : 1, o->dropout};
        if (lstm_model_init(&m.net, &cfg, o->seed, e))
            goto out_idx;
        lstm_init_output_bias(&m.net, 0.0f, 0.0f); /* the training mean HR, once folded */
        m.step = ds->step;
        m.preroll = o->preroll_s > 0 ? hr_lstm_preroll_steps(m.step, o->preroll_s) : 0;
        m.hr_mean = (float)hr_mean;
    }
    snprintf(m.loss, sizeof m.loss, "%s", nn_loss_name(loss.kind));
    const double hr_sd = sqrt(hr_var > 1 ? hr_var : 1);
    struct nn_loss train_loss = loss;
    train_loss.delta = (float)(loss.delta / hr_sd);

    /* what the optimiser updates: all, or (freeze_lower) the last layer and the head */
    size_t off = 0, n_opt = m.net.n_params;
    if (o->freeze_lower == 2) { /* the head alone */
        off = (size_t)(m.net.fc_w - m.net.params);
        n_opt = m.net.n_params - off;
    } else if (o->freeze_lower == 3) { /* an athlete embedding: every gradient but the masked ones is zeroed */
    } else if (o->freeze_lower && m.net.cfg.layers > 1) {
        off = (size_t)(m.net.p[m.net.cfg.layers - 1].w_ih - m.net.params);
        n_opt = m.net.n_params - off;
    }
    struct nn_adam adam;
    if (nn_adam_init(&adam, n_opt, o->lr, o->weight_decay, o->weight_decay > 0, e))
        goto out_model;
    struct run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.lr = o->lr;
    rs.best_mae = rs.best_rmse = NAN;
    rs.best_epoch = -1;
    nn_plateau_init(&rs.plateau, 0.5f, o->patience > 2 ? o->patience / 2 : 1, 1e-6f);
    nn_early_stop_init(&rs.es, o->patience, 1e-3f);
    char resume_path[1100], log_path[1100];
    snprintf(resume_path, sizeof resume_path, "%s.resume", out_path);
    snprintf(log_path, sizeof log_path, "%s", o->log_path ? o->log_path : "");
    if (!o->log_path)
        snprintf(log_path, sizeof log_path, "%s.log.jsonl", out_path);
    if (o->resume) {
        if (access(resume_path, F_OK) != 0) {
            hr_fail(e, "train: --resume: %s does not exist (nothing to resume)", resume_path);
            goto out_adam;
        }
        if (load_resume(resume_path, &m, &adam, &rs, e))
            goto out_adam;
        hr_info("resuming %s at epoch %d", out_path, rs.epoch + 1);
    }
    const int lead = dist_rank() == 0; /* rank 0 writes the model, the log and the resume file */
    FILE *log = lead ? fopen(log_path, o->resume ? "a" : "w") : fopen("/dev/null", "w");
    if (!log) {
        hr_fail(e, "train: cannot write the log %s", log_path);
        goto out_adam;
    }
    int T_cap = 0;
    for (int i = 0; i < n_train; i++)
        if (ds->len[tr[i]] > T_cap)
            T_cap = ds->len[tr[i]];
    if (T_cap > o->max_len)
        T_cap = o->max_len;
    struct lstm_ws ws;
    struct batch bt;
    if (lstm_ws_init(&ws, &m.net, o->batch, T_cap + m.preroll, e) ||
        batch_alloc(&bt, o->batch, T_cap + m.preroll, m.fs->n)) {
        if (!e->msg[0])
            hr_fail(e, "train: out of memory");
        fclose(log);
        goto out_adam;
    }
    hr_info("training %s LSTM %dx%d (%zu parameters) on %d workouts, validating on %d (%s split), %s loss",
            m.fs->name, m.net.cfg.layers, m.net.cfg.hidden, m.net.n_params, n_train, n_val,
            o->split == SPLIT_CHRONO ? "chrono" : "athlete", m.loss);
    int stop = 0, budget_stop = 0;
    for (int epoch = rs.epoch; epoch < o->epochs && !stop; epoch++) {
        double t_ep = hr_now_seconds();
        struct epoch_plan plan;
        if (epoch_plan_make(&plan, ds, tr, n_train, o->batch, o->seed * 1000003ull + (uint64_t)epoch, 1)) {
            hr_fail(e, "train: out of memory");
            goto out_loop;
        }
        struct nn_rng rng;
        nn_rng_seed(&rng, o->seed * 7919ull + (uint64_t)epoch + 104729ull * (uint64_t)dist_rank());
        adam.lr = rs.lr;
        double loss_sum = 0;
        size_t loss_n = 0;
        char label[32];
        snprintf(label, sizeof label, "epoch %d/%d", epoch + 1, o->epochs);
        struct progress pb;
        progress_begin(&pb, label, plan.n_batches);
        for (int k = 0; k < plan.n_batches; k++) {
            int lo, hi; /* this rank's share of the global batch (all of it in one process) */
            dist_share(plan.count[k], &lo, &hi);
            if (batch_fill(&bt, ds, plan.order + plan.start[k] + lo, hi - lo, T_cap, &m, o->keep_flagged, e)) {
                epoch_plan_free(&plan);
                goto out_loop;
            }
            for (size_t q = 0; q < (size_t)bt.B * bt.T; q++)
                if (bt.mask[q] != 0)
                    bt.target[q] = (float)((bt.target[q] - hr_mean) / hr_sd);
            lstm_zero_grad(&m.net);
            if (bt.B > 0 && lstm_forward(&m.net, &ws, bt.x, bt.len, bt.B, bt.T, 1, &rng, NULL, e)) {
                epoch_plan_free(&plan);
                goto out_loop;
            }
            size_t nv = 0;
            double l = bt.B > 0 ? lstm_backward(&m.net, &ws, &train_loss, bt.target, bt.mask, &nv) : 0.0;
            if (dist_merge_step(m.net.grads + off, n_opt, &l, &nv)) {
                epoch_plan_free(&plan);
                hr_fail(e, "train: gradient reduction across ranks failed");
                goto out_loop;
            }
            if (nv) {
                if (o->freeze_lower == 3)
                    keep_embedding_grads(&m.net);
                nn_clip_grad_norm(m.net.grads + off, n_opt, o->clip);
                nn_adam_step(&adam, m.net.params + off, m.net.grads + off);
                loss_sum += l * (double)nv;
                loss_n += nv;
            }
            char extra[48];
            snprintf(extra, sizeof extra, "loss %.2f", loss_n ? loss_sum / loss_n : 0.0);
            progress_update(&pb, k + 1, extra);
        }
        progress_end(&pb);
        epoch_plan_free(&plan);
        struct metric_acc acc;
        double val_loss;
        const int *vi = n_val ? va : tr;
        int nv_sel = n_val ? n_val : n_train;
        struct head_copy head;
        if (head_save(&m.net, &head)) {
            hr_fail(e, "train: out of memory");
            goto out_loop;
        }
        head_fold(&m.net, hr_mean, hr_sd); /* bpm space for validation and the saved model */
        if (validate(&m, ds, vi, nv_sel, o->batch, o->max_len, &loss, o->keep_flagged, &acc, &val_loss, e)) {
            head_restore(&m.net, &head);
            goto out_loop;
        }
        double mae = metric_mae(&acc), rmse = metric_rmse(&acc);
        int improved = 0;
        stop = nn_early_stop_update(&rs.es, (float)mae, &improved);
        rs.lr = nn_plateau_step(&rs.plateau, (float)mae, rs.lr);
        rs.epoch = epoch + 1;
        if (improved || rs.best_epoch < 0) {
            rs.best_mae = mae;
            rs.best_rmse = rmse;
            rs.best_epoch = epoch + 1;
            char *prov = provenance(o, ds, &rs, n_train, n_val, o->init_model);
            int src = lead ? hr_lstm_save(&m, out_path, prov, e) : 0;
            free(prov);
            if (src) {
                head_restore(&m.net, &head);
                goto out_loop;
            }
        }
        head_restore(&m.net, &head);
        double secs = hr_now_seconds() - t_ep;
        struct jw w;
        jw_init_file(&w, log, 0);
        jw_obj_begin(&w);
        jw_kv_int(&w, "epoch", epoch + 1);
        jw_kv_num(&w, "train_loss", loss_n ? loss_sum / loss_n : NAN); /* on the normalised target */
        jw_kv_num(&w, "val_loss", val_loss);
        jw_kv_num(&w, "val_mae", mae);
        jw_kv_num(&w, "val_rmse", rmse);
        jw_kv_num(&w, "lr", adam.lr);
        jw_kv_num(&w, "seconds", secs);
        jw_kv_bool(&w, "best", improved);
        jw_obj_end(&w);
        fputc('\n', log);
        fflush(log);
        hr_info("epoch %d: train loss %.3f, val MAE %.2f bpm, RMSE %.2f bpm, lr %.2g, %.1f s%s", epoch + 1,
                loss_n ? loss_sum / loss_n : NAN, mae, rmse, adam.lr, secs, improved ? " (best)" : "");
        if (lead && save_resume(resume_path, &m, &adam, &rs, e))
            goto out_loop;
        int over = o->time_budget > 0 && hr_now_seconds() - t_start > o->time_budget;
        if (dist_bcast_int(&over)) { /* rank 0's clock decides for all */
            hr_fail(e, "train: broadcast across ranks failed");
            goto out_loop;
        }
        if (over) {
            hr_info("time budget of %.0f s reached after epoch %d (--resume continues)", o->time_budget, epoch + 1);
            stop = budget_stop = 1;
        }
        if (stop && rs.es.bad >= o->patience)
            hr_info("early stop: no improvement for %d epochs", o->patience);
    }
    if (rs.best_epoch < 0) { /* nothing ran (e.g. resumed a finished run): keep the last state */
        char *prov = provenance(o, ds, &rs, n_train, n_val, o->init_model);
        head_fold(&m.net, hr_mean, hr_sd);
        int src = !lead || access(out_path, F_OK) == 0 ? 0 : hr_lstm_save(&m, out_path, prov, e);
        free(prov);
        if (src)
            goto out_loop;
    }
    if (lead && (!budget_stop || rs.epoch >= o->epochs || rs.es.bad >= o->patience))
        unlink(resume_path); /* finished: nothing left to resume */
    res->epochs_run = rs.epoch;
    res->best_epoch = rs.best_epoch;
    res->best_val_mae = rs.best_mae;
    res->best_val_rmse = rs.best_rmse;
    res->n_train = n_train;
    res->n_val = n_val;
    rc = 0;
out_loop:
    fclose(log);
    lstm_ws_free(&ws);
    batch_free(&bt);
out_adam:
    nn_adam_free(&adam);
out_model:
    hr_lstm_free(&m);
out_idx:
    free(tr);
    free(va);
    res->seconds = hr_now_seconds() - t_start;
    return rc;
}
