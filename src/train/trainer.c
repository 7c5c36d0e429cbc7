/* trainer.c — see trainer.h. */
#include "train/trainer.h"
#include "data/dataset_id.h"
#include "data/splits.h"
#include "eval/metrics.h"
#include "model/lstm_model.h"
#include "nn/isa.h"
#include "nn/kernels.h"
#include "nn/optim.h"
#include "train/batcher.h"
#include "train/blend_fit.h"
#include "train/dist.h"
#include "train/resume.h"
#include "util/fileio.h"
#include "util/json.h"
#include "util/log.h"
#include "util/progress.h"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one flag a signal handler may set (train_request_stop); read between batches. */
static volatile sig_atomic_t g_stop_requested;

void train_request_stop(void)
{
    g_stop_requested = 1;
}

const char *train_split_name(int split)
{
    return split == SPLIT_CHRONO ? "chrono" : "athlete";
}

int train_resolve_split(const struct dataset *ds, int split, char *why, size_t cap)
{
    if (why && cap)
        why[0] = 0;
    if (split != TRAIN_SPLIT_AUTO)
        return split;
    int n_val = 0, n_ath = 0;
    for (int i = 0; i < ds->n; i++)
        n_val += ds->split[SPLIT_ATHLETE][i] == PART_VAL;
    if (n_val > 0)
        return SPLIT_ATHLETE;
    for (int i = 0; i < ds->n && n_ath < 3; i++) { /* distinct athletes, up to 3 */
        int first = 1;
        for (int j = 0; j < i && first; j++)
            first = strcmp(ds->meta[i].athlete, ds->meta[j].athlete) != 0;
        n_ath += first;
    }
    if (why && cap)
        snprintf(why, cap, "%s athlete%s: the athlete split has no validation part, so this uses the "
                 "chronological split (each athlete's first 70 %% by date to train, the next 10 %% to validate, "
                 "the rest, 20 %% or more, kept for eval --split chrono)", n_ath < 3 ? (n_ath == 1 ? "one" : "two") : "too few",
                 n_ath == 1 ? "" : "s");
    return SPLIT_CHRONO;
}

void train_opts_default(struct train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->hidden = 128;
    o->layers = 2;
    o->dropout = 0.4f;
    o->lr = 0.0f; /* train_default_lr */
    o->clip = 1.0f;
    o->huber_delta = 5.0f;
    o->batch = 64;
    o->epochs = 30;
    o->patience = 5;
    o->max_len = 1440;
    o->preroll_s = LSTM_PREROLL_S;
    o->threads = 1;
    snprintf(o->loss, sizeof o->loss, "mse");
    snprintf(o->features, sizeof o->features, "%s", FEATURE_SET_DEFAULT);
    o->split = TRAIN_SPLIT_AUTO;
    o->seed = 42;
    o->hr_scale = 1; /* each athlete's HR scale (docs/results.md, "The athlete's HR scale") */
}

float train_default_lr(const char *feature_set)
{
    const struct feature_set *fs = feature_set_get(feature_set ? feature_set : "");
    return fs && fs->residual ? TRAIN_LR_RESIDUAL : TRAIN_LR;
}

/* The normaliser of the inputs, and the mean and variance of the training target: HR (on the athlete's scale
 * when the model has one), or for a physio-residual model HR minus its prior (the prior column of the raw
 * rows); *hr_avg: the mean HR. */
static int fit_normalizer(const struct dataset *ds, const int *idx, int n, const struct hr_lstm *m,
                          int max_len, struct normalizer *nz, double *hr_mean, double *hr_var, double *hr_avg,
                          struct hr_err *e)
{
    const struct feature_set *fs = m->fs;
    struct norm_acc acc;
    norm_acc_init(&acc, fs->n);
    double s = 0, s2 = 0, sh = 0;
    long long c = 0;
    float *rows = NULL;
    int cap = 0;
    for (int i = 0; i < n; i++) {
        struct series sr, whole;
        dataset_series(ds, idx[i], &sr);
        whole = sr;
        if (sr.n > max_len)
            sr.n = max_len;
        if (sr.n > cap) {
            free(rows);
            cap = sr.n;
            rows = malloc(sizeof(float) * (size_t)cap * fs->n);
            if (!rows)
                return hr_fail(e, "train: out of memory");
        }
        if (hr_lstm_features_first(m, &whole, sr.n, rows, e)) { /* the crop's rows, as the batches have them */
            free(rows);
            return -1;
        }
        norm_acc_add(&acc, rows, sr.n);
        float sm, ss; /* the athlete's HR scale (model/hr_scale.h; identity when off) */
        hr_scale_lookup(&m->scale, sr.meta.athlete, &sm, &ss);
        for (int t = 0; t < sr.n; t++)
            if (isfinite(S_HR(&sr)[t])) {
                double y = fs->residual ? S_HR(&sr)[t] - rows[(size_t)t * fs->n + fs->n - 1]
                                        : hr_scale_to_net(&m->scale, sm, ss, S_HR(&sr)[t]);
                sh += S_HR(&sr)[t];
                s += y;
                s2 += y * y;
                c++;
            }
    }
    free(rows);
    norm_acc_finish(&acc, nz);
    *hr_mean = c ? s / c : fs->residual ? 0.0 : 140.0;
    *hr_var = c ? s2 / c - (*hr_mean) * (*hr_mean) : 100.0;
    *hr_avg = c ? sh / c : 140.0;
    return 0;
}

/* Views of the series idx[0..n) of ds (of athlete only, unless NULL) into *v with pointers *sp (both
 * malloc'ed); returns how many, or -1 on out of memory. */
static int series_views(const struct dataset *ds, const int *idx, int n, const char *athlete, struct series **v,
                        const struct series ***sp)
{
    *v = calloc((size_t)(n ? n : 1), sizeof **v);
    *sp = calloc((size_t)(n ? n : 1), sizeof **sp);
    if (!*v || !*sp) {
        free(*v);
        free(*sp);
        return -1;
    }
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!athlete || !strcmp(ds->meta[idx[i]].athlete, athlete)) {
            dataset_series(ds, idx[i], &(*v)[k]);
            (*sp)[k] = &(*v)[k];
            k++;
        }
    return k;
}

/* The physiological prior of the feature sets with one (physio-residual, default+physio): population
 * parameters and each training athlete's own, fitted by least squares on the training series only (earlier
 * workouts: a runner's HR from other workouts may inform the prediction, never the HR of the workout being
 * predicted). */
static int fit_prior(const struct dataset *ds, const int *idx, int n, float step, struct physio_model *out,
                     struct hr_err *e)
{
    struct series *v;
    const struct series **sp;
    if (series_views(ds, idx, n, NULL, &v, &sp) < 0)
        return hr_fail(e, "train: out of memory");
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

/* Finetuning a model with a prior for an athlete the prior does not know (a new runner): that athlete's
 * own parameters, fitted on the training selection (the athlete's earlier workouts) and shrunk toward
 * the model's population, as fit_prior does for every training athlete. */
static int fit_athlete_prior(const struct dataset *ds, const int *idx, int n, const char *athlete,
                             struct physio_model *pm, struct hr_err *e)
{
    if (physio_model_lookup(pm, athlete) != &pm->pop)
        return 0; /* known: its parameters came from the base's training part */
    struct series *v;
    const struct series **sp;
    int k = series_views(ds, idx, n, athlete, &v, &sp);
    if (k < 0)
        return hr_fail(e, "train: out of memory");
    struct physio_fit_opts fo;
    physio_fit_opts_default(&fo);
    fo.personal = 1;
    int rc = physio_model_fit_athlete(pm, sp, k, athlete, &fo, e);
    free(v);
    free(sp);
    if (rc < 0)
        return -1;
    const struct physio_params *q = physio_model_lookup(pm, athlete);
    if (rc == 0)
        hr_info("physiological prior of %s, fitted on %d training workouts: offset %.1f bpm, gain %.1f bpm/(m/s), "
                "tau %.0f s, drift %.1f bpm/h", athlete, k, q->offset, q->gain, q->tau, q->drift);
    else
        hr_info("physiological prior of %s: too few heart-rate steps to fit, the population's", athlete);
    return 0;
}

/* The HR scale of a new model (opts hr_scale) or a general model trained on from a base (train --init): each
 * training athlete's mean and sd of HR on the training series only (their earlier workouts), the population's
 * their average (model/hr_scale.h). */
static int fit_scale(const struct dataset *ds, const int *idx, int n, int keep_flagged, struct hr_scale *out,
                     struct hr_err *e)
{
    struct series *v;
    const struct series **sp;
    if (series_views(ds, idx, n, NULL, &v, &sp) < 0)
        return hr_fail(e, "train: out of memory");
    int rc = hr_scale_fit(out, sp, n, keep_flagged);
    free(v);
    free(sp);
    if (rc)
        return hr_fail(e, "train: out of memory");
    hr_info("HR scale: %d athlete%s with their own (at least %.0f min of heart rate), the population's %.1f +- %.1f "
            "bpm", out->n, out->n == 1 ? "" : "s", HR_SCALE_MIN_S / 60, out->pop_mean, out->pop_sd);
    return 0;
}

/* Finetuning a model with an HR scale: the athlete's mean and sd measured on the training selection (their
 * earlier workouts). For an athlete the base knows from the same workouts (the base trained on the same
 * dataset's training part) that is the base's own scale to the last bit; for one it knows by name only (another
 * dataset whose runner has the same id, such as a folder name) it is this runner's, where until 2026-12-07 the
 * base's runner's was kept. With under HR_SCALE_MIN_S of HR the base's entry (or the population's) stays. */
static int fit_athlete_scale(const struct dataset *ds, const int *idx, int n, const char *athlete,
                             int keep_flagged, struct hr_scale *sc, struct hr_err *e)
{
    float mean, sd, base_mean = NAN, base_sd = NAN;
    if (!athlete || !athlete[0])
        return 0;
    int known = hr_scale_knows(sc, athlete);
    if (known)
        hr_scale_lookup(sc, athlete, &base_mean, &base_sd);
    struct series *v;
    const struct series **sp;
    int k = series_views(ds, idx, n, athlete, &v, &sp);
    if (k < 0)
        return hr_fail(e, "train: out of memory");
    int rc = hr_scale_fit_athlete(sc, sp, k, athlete, keep_flagged);
    free(v);
    free(sp);
    if (rc < 0)
        return hr_fail(e, "train: out of memory");
    hr_scale_lookup(sc, athlete, &mean, &sd);
    if (rc == 1 && known && (fabsf(mean - base_mean) > 0.05f || fabsf(sd - base_sd) > 0.05f))
        hr_warn("HR scale of %s, measured on %d training workouts: %.1f +- %.1f bpm, where the base has %.1f +- %.1f "
                "for an athlete of that name measured on other workouts (another runner of the same id, or other "
                "runs of this one): this one is used", athlete, k, mean, sd, base_mean, base_sd);
    else if (rc == 1)
        hr_info("HR scale of %s, measured on %d training workouts: %.1f +- %.1f bpm", athlete, k, mean, sd);
    else if (known)
        hr_info("HR scale of %s: under %.0f min of heart rate to measure, the base's (%.1f +- %.1f bpm)", athlete,
                HR_SCALE_MIN_S / 60, mean, sd);
    else
        hr_info("HR scale of %s: under %.0f min of heart rate to measure, the population's (%.1f +- %.1f bpm)",
                athlete, HR_SCALE_MIN_S / 60, sc->pop_mean, sc->pop_sd); /* until 2026-12-07 without the numbers */
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

/* Validation: global masked MAE/RMSE (bpm) and the loss over the selection, on whole workouts as eval scores
 * them (--max-len crops training sequences only; until 2026-12-07 it cropped these too). */
static int validate(const struct hr_lstm *m, const struct dataset *ds, const int *idx, int n, int B,
                    const struct nn_loss *loss, int keep_flagged, struct metric_acc *acc,
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
                        const int *tr, int n_train, const int *va, int n_val, const char *base_model,
                        const char *base_training)
{
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    jw_kv_str(&w, "dataset", o->dataset_path ? o->dataset_path : "");
    jw_kv_str(&w, "dataset_description", ds->source_desc);
    dataset_identity_write(&w, ds);
    jw_kv_str(&w, "split", train_split_name(o->split));
    jw_kv_int(&w, "train_workouts", n_train);
    jw_kv_int(&w, "val_workouts", n_val);
    if (o->train_idx) { /* an explicit selection: the dataset indices, for eval's overlap check */
        for (int pass = 0; pass < 2; pass++) {
            jw_key(&w, pass ? "val_indices" : "train_indices");
            jw_arr_begin(&w);
            for (int i = 0; i < (pass ? n_val : n_train); i++)
                jw_int(&w, pass ? o->val_idx[i] : o->train_idx[i]);
            jw_arr_end(&w);
        }
    }
    workout_fingerprints_write(&w, ds, tr, n_train, va, n_val); /* eval's check on another import */
    jw_kv_int(&w, "epochs_run", rs->epoch);
    jw_kv_int(&w, "best_epoch", rs->best_epoch);
    jw_kv_num(&w, "val_mae", rs->best_mae);
    jw_kv_num(&w, "val_rmse", rs->best_rmse);
    jw_kv_int(&w, "seed", (long long)o->seed);
    jw_kv_int(&w, "threads", o->threads);
    /* the kernel path (HRCAST_ISA, else the CPU's best): other paths sum in another order, so the same seed and
     * threads give other bytes there (weights 1e-7 apart) */
    jw_kv_str(&w, "kernels", nn_isa_name(nn_isa_active()));
    if (dist_size() > 1) /* under mpirun: the bytes depend on the rank count too (one process gives others) */
        jw_kv_int(&w, "ranks", dist_size());
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
        if (base_training && *base_training) {
            jw_key(&w, "base_training"); /* what the base model saw: eval's overlap check reads it */
            jw_raw(&w, base_training);
        }
    }
    if (o->extra_provenance && *o->extra_provenance) {
        jw_key(&w, "extra");
        jw_raw(&w, o->extra_provenance);
    }
    jw_kv_str(&w, "hrcast_version", "0.1.0");
    jw_obj_end(&w);
    return jw_take(&w, NULL);
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

/* The "training" record of a model file as JSON text (malloc'ed; NULL when it has none or cannot be read):
 * a model started from it (init_model: finetune, train --init) records what its base saw too, which eval's
 * overlap check reads (src/eval/seen.c). */
static char *base_training_json(const char *base_model)
{
    struct safetensors st;
    if (st_read_file(base_model, 0, &st, NULL))
        return NULL;
    const char *card = st_meta_get(&st, "model");
    struct json *j = NULL;
    char *out = NULL;
    if (card && json_parse(card, strlen(card), base_model, &j, NULL) == 0 && json_get(j, "training")) {
        struct jw w;
        jw_init_buf(&w, 0);
        jw_value(&w, json_get(j, "training"));
        out = jw_take(&w, NULL);
    }
    json_free(j);
    st_free(&st);
    return out;
}

/* The best model was written at its epoch; once the run ends its card must say how many epochs ran in
 * all (across --resume too), so the file is read back and written again with the final provenance (and,
 * for a physio-residual model, the blend chosen on the validation workouts val[0..n_val)). */
static int restamp_epochs(const char *out_path, const struct train_opts *o, const struct dataset *ds,
                          const struct run_state *rs, const int *tr, int n_train, int n_val, const int *val,
                          const char *base_training, struct hr_err *e)
{
    struct hr_lstm best;
    memset(&best, 0, sizeof best);
    if (hr_lstm_load(out_path, &best, e))
        return -1;
    /* a physio-residual model: its alphas, chosen on the validation workouts (train/blend_fit.h) */
    if (best.fs->residual && blend_fit(&best, ds, val, n_val, o->keep_flagged, e)) {
        hr_lstm_free(&best);
        return -1;
    }
    char *prov = provenance(o, ds, rs, tr, n_train, val, n_val, o->init_model, base_training);
    int rc = prov ? hr_lstm_save(&best, out_path, prov, e) : hr_fail(e, "train: out of memory");
    free(prov);
    hr_lstm_free(&best);
    return rc;
}

int train_lstm(const struct dataset *ds, const struct train_opts *opts, const char *out_path,
               struct train_result *res, struct hr_err *e)
{
    double t_start = hr_now_seconds();
    memset(res, 0, sizeof *res);
    g_stop_requested = 0;
    struct train_opts eff = *opts; /* the options in effect: auto split resolved, a resumed run's adopted */
    const struct train_opts *o = &eff;
    char resume_path[1100], log_path[1100];
    snprintf(resume_path, sizeof resume_path, "%s.resume", out_path);
    snprintf(log_path, sizeof log_path, "%s", o->log_path ? o->log_path : "");
    if (!o->log_path)
        snprintf(log_path, sizeof log_path, "%s.log.jsonl", out_path);
    if (o->epochs < 1 && !(o->epochs == 0 && o->init_model && o->prior_athlete))
        return hr_fail(e, "train: --epochs %d would write an untrained model; give 1 or more", o->epochs);
    struct safetensors rst;
    struct json *rstate = NULL;
    memset(&rst, 0, sizeof rst);
    struct run_ident ident;
    if (run_ident_make(o, &ident, e))
        return -1;
    if (o->resume) {
        if (access(resume_path, F_OK) != 0)
            return hr_fail(e, "train: --resume: %s does not exist (nothing to resume)", resume_path);
        if (resume_adopt(resume_path, ds, &ident, &eff, &rst, &rstate, e)) {
            json_free(rstate);
            st_free(&rst);
            return -1;
        }
    }
    char why[400];
    eff.split = train_resolve_split(ds, eff.split, why, sizeof why);
    res->split = eff.split;
    if (why[0] && !o->train_idx && !o->resume)
        hr_info("%s", why);
    int undated_out, undated_by_name;
    char undated[256];
    if (eff.split == SPLIT_CHRONO && !o->train_idx && dataset_chrono_undated(ds, &undated_out, &undated_by_name) &&
        chrono_undated_text(undated_out, undated_by_name, ds->n, undated, sizeof undated))
        hr_warn("%s", undated);
    int n_train, n_val, rc = -1;
    int *tr = NULL, *va = NULL;
    char *base_rec = NULL; /* init_model's "training" record, read once (base_training_json) */
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
        hr_fail(e, "train: out of memory");
        goto out_idx;
    }
    if (n_train == 0) {
        hr_fail(e, "train: the training part of the %s split is empty (%d workouts in the dataset)",
                train_split_name(o->split), ds->n);
        goto out_idx;
    }
    if (n_val == 0) { /* never choose the best epoch on training data */
        if (o->train_idx)
            hr_fail(e, "train: no validation workouts: the best epoch cannot be chosen without held-out data");
        else
            hr_fail(e, "train: the validation part of the %s split of %s is empty (%d workouts): the best epoch "
                    "cannot be chosen without held-out data%s", train_split_name(o->split),
                    o->dataset_path ? o->dataset_path : "the dataset", ds->n,
                    o->split == SPLIT_ATHLETE ? "; use --split chrono (each athlete's later workouts validate)"
                                              : "; import more workouts (each athlete needs 10 for a validation part)");
        goto out_idx;
    }
    int loss_kind = nn_loss_parse(!strcmp(o->loss, "nll") ? "gnll" : o->loss);
    if (loss_kind < 0) {
        hr_fail(e, "train: unknown loss '%s' (mse, mae, huber, nll)", o->loss);
        goto out_idx;
    }
    struct nn_loss loss = {(enum nn_loss_kind)loss_kind, o->huber_delta};
    nn_set_threads(o->threads);

    struct hr_lstm m;
    memset(&m, 0, sizeof m);
    double hr_mean, hr_var;
    if (o->init_model) {
        if (hr_lstm_load(o->init_model, &m, e))
            goto out_idx;
        base_rec = base_training_json(o->init_model);
        if (m.step != ds->step) {
            hr_fail(e, "train: the base model's step %g s differs from the dataset's %g s", m.step, ds->step);
            goto out_model;
        }
        if (m.fs->prior && o->prior_athlete && fit_athlete_prior(ds, tr, n_train, o->prior_athlete, &m.prior, e))
            goto out_model;
        if (m.fs->prior && !o->prior_athlete) { /* train --init: a general model on new data gets its prior */
            physio_model_free(&m.prior);
            if (fit_prior(ds, tr, n_train, ds->step, &m.prior, e))
                goto out_model;
        }
        if (m.scale.on && (o->prior_athlete ? fit_athlete_scale(ds, tr, n_train, o->prior_athlete, o->keep_flagged,
                                                                &m.scale, e)
                                            : fit_scale(ds, tr, n_train, o->keep_flagged, &m.scale, e)))
            goto out_model;
        eff.hr_scale = m.scale.on;
        if (o->epochs == 0 && !m.scale.on) {
            hr_fail(e, "--scale-only: %s has no HR scale to personalise (a model trained with --hr-scale "
                       "athlete has one); finetune it with epochs instead", o->init_model);
            goto out_model;
        }
        blend_free(&m.blend); /* alpha 1 while training; chosen again at the end (restamp_epochs) */
        struct normalizer unused;
        double unused_avg;
        if (fit_normalizer(ds, tr, n_train, &m, o->max_len, &unused, &hr_mean, &hr_var, &unused_avg, e))
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
            char names[256];
            hr_fail(e, "train: unknown feature set '%s' (%s)", o->features, feature_set_names(names, sizeof names));
            goto out_idx;
        }
        blend_init(&m.blend);
        if (o->hr_scale && m.fs->residual && (o->given & TO_HR_SCALE)) {
            hr_fail(e, "train: --hr-scale athlete does not go with the %s feature set (its HR is the physiological "
                       "prior plus a residual); use --hr-scale none", m.fs->name);
            goto out_model;
        }
        eff.hr_scale = o->hr_scale && !m.fs->residual; /* a default scale is off for such a set */
        if (m.fs->prior && fit_prior(ds, tr, n_train, ds->step, &m.prior, e))
            goto out_model;
        if (o->hr_scale && fit_scale(ds, tr, n_train, o->keep_flagged, &m.scale, e))
            goto out_model;
        double hr_avg;
        if (fit_normalizer(ds, tr, n_train, &m, o->max_len, &m.nz, &hr_mean, &hr_var, &hr_avg, e))
            goto out_model;
        struct lstm_cfg cfg = {m.fs->n, o->hidden, o->layers, loss.kind == NN_LOSS_GNLL ? 2 : 1, o->dropout};
        if (lstm_model_init(&m.net, &cfg, o->seed, e))
            goto out_model;
        lstm_init_output_bias(&m.net, 0.0f, 0.0f); /* the training mean HR, once folded */
        m.step = ds->step;
        m.preroll = o->preroll_s > 0 ? hr_lstm_preroll_steps(m.step, o->preroll_s) : 0;
        m.hr_mean = (float)hr_avg;
    }
    snprintf(m.loss, sizeof m.loss, "%s", nn_loss_name(loss.kind));
    if (!(eff.lr > 0)) /* none given: the feature set's (a base model's with init_model) */
        eff.lr = train_default_lr(m.fs->name);
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
    const int lead = dist_rank() == 0; /* rank 0 writes the model, the log and the resume file */
    if (o->resume) {
        if (resume_restore(&rst, rstate, resume_path, &m, &adam, &rs, e))
            goto out_adam;
        if (rs.epoch >= o->epochs) { /* nothing to run: refused, the resume file kept */
            hr_fail(e, "%s has run %d epoch%s already and --epochs is %d: no epoch is left to run; resume with "
                    "--epochs above %d", out_path, rs.epoch, rs.epoch == 1 ? "" : "s", o->epochs, rs.epoch);
            goto out_adam;
        }
        hr_info("resuming %s at epoch %d of %d; it keeps its dataset (%d workouts, %s split), %s features, LSTM "
                "%dx%d, %s loss, lr %g (now %g), weight decay %g, batch %d, dropout %g, patience %d, max-len %d, "
                "seed %llu", out_path, rs.epoch + 1, o->epochs, ds->n, train_split_name(o->split), m.fs->name,
                m.net.cfg.layers, m.net.cfg.hidden, m.loss, o->lr, rs.lr, o->weight_decay, o->batch, o->dropout,
                o->patience, o->max_len, (unsigned long long)o->seed);
    } else if (lead && o->epochs > 0 && save_resume(resume_path, &m, &adam, &rs, o, &ident, ds, e)) {
        goto out_adam; /* a resume file from the start, so that an interrupted first epoch can resume */
    }
    FILE *log = lead ? open_log_file(log_path, o->resume) : fopen("/dev/null", "w");
    if (!log) {
        hr_fail(e, "train: cannot write the log %s: %s", log_path, strerror(errno));
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
    if (o->epochs > 0)
        hr_info("training %s LSTM %dx%d (%zu parameters%s%s) on %d workouts, validating on %d (%s split), %s loss",
                m.fs->name, m.net.cfg.layers, m.net.cfg.hidden, m.net.n_params, o->init_model ? " from " : "",
                o->init_model ? o->init_model : "", n_train, n_val, o->split == SPLIT_CHRONO ? "chrono" : "athlete",
                m.loss);
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
            if (g_stop_requested) {
                progress_end(&pb);
                epoch_plan_free(&plan);
                res->interrupted = 1;
                hr_fail(e, "train: interrupted in epoch %d; %s holds epoch %d", epoch + 1, resume_path, rs.epoch);
                goto out_loop;
            }
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
        struct head_copy head;
        if (head_save(&m.net, &head)) {
            hr_fail(e, "train: out of memory");
            goto out_loop;
        }
        head_fold(&m.net, hr_mean, hr_sd); /* bpm space for validation and the saved model */
        if (validate(&m, ds, va, n_val, o->batch, &loss, o->keep_flagged, &acc, &val_loss, e)) {
            head_restore(&m.net, &head);
            goto out_loop;
        }
        double mae = metric_mae(&acc), rmse = metric_rmse(&acc);
        if (loss_n == 0 || !isfinite(loss_sum) || !isfinite(mae)) { /* no model from nothing, or from NaN */
            head_restore(&m.net, &head);
            hr_fail(e, "train: epoch %d: %s; no model written", epoch + 1,
                    loss_n == 0 ? "the training part has no trusted heart-rate step to learn from (hrcast info "
                                  "counts them)"
                    : !isfinite(loss_sum) ? "the training loss is not a number (diverged: try a lower --lr)"
                                          : "the validation part has no trusted heart-rate step to score");
            if (lead)
                unlink(resume_path); /* resuming would fail the same way */
            goto out_loop;
        }
        int improved = 0;
        stop = nn_early_stop_update(&rs.es, (float)mae, &improved);
        rs.lr = nn_plateau_step(&rs.plateau, (float)mae, rs.lr);
        rs.epoch = epoch + 1;
        if (improved || rs.best_epoch < 0) {
            rs.best_mae = mae;
            rs.best_rmse = rmse;
            rs.best_epoch = epoch + 1;
            char *prov = provenance(o, ds, &rs, tr, n_train, va, n_val, o->init_model, base_rec);
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
        if (lead && save_resume(resume_path, &m, &adam, &rs, o, &ident, ds, e))
            goto out_loop;
        int over = o->time_budget > 0 && hr_now_seconds() - t_start > o->time_budget;
        if (dist_bcast_int(&over)) { /* rank 0's clock decides for all */
            hr_fail(e, "train: broadcast across ranks failed");
            goto out_loop;
        }
        if (over) {
            hr_info("time budget of %g s reached after epoch %d (--resume continues)", o->time_budget, epoch + 1);
            stop = budget_stop = 1;
        }
        if (stop && rs.es.bad >= o->patience)
            hr_info("early stop: no improvement for %d epochs", o->patience);
    }
    if (rs.best_epoch < 0) { /* nothing ran (a resumed finished run, or finetune --scale-only): the last state */
        head_fold(&m.net, hr_mean, hr_sd);
        if (o->epochs == 0) { /* --scale-only: the base's weights with the athlete's scale, validated as they are */
            struct metric_acc acc;
            double val_loss;
            if (validate(&m, ds, va, n_val, o->batch, &loss, o->keep_flagged, &acc, &val_loss, e))
                goto out_loop;
            rs.best_mae = metric_mae(&acc);
            rs.best_rmse = metric_rmse(&acc);
            rs.best_epoch = 0;
            hr_info("no training (--scale-only): validation MAE %.2f bpm, RMSE %.2f bpm", rs.best_mae, rs.best_rmse);
        }
        char *prov = provenance(o, ds, &rs, tr, n_train, va, n_val, o->init_model, base_rec);
        int src = !lead || (o->epochs > 0 && access(out_path, F_OK) == 0) ? 0 : hr_lstm_save(&m, out_path, prov, e);
        free(prov);
        if (src)
            goto out_loop;
    } else if (lead && (rs.epoch != rs.best_epoch || m.fs->residual) &&
               restamp_epochs(out_path, o, ds, &rs, tr, n_train, n_val, va, base_rec, e)) {
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
    if (g_stop_requested)
        res->interrupted = 1;
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
    free(base_rec);
    json_free(rstate);
    st_free(&rst);
    res->seconds = hr_now_seconds() - t_start;
    return rc;
}
