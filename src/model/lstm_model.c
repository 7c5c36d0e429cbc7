/* lstm_model.c — save/load/predict for the hrcast LSTM (see lstm_model.h). The card's layout is in
 * docs/model-format.md. */
#include "model/lstm_model.h"
#include "model/registry.h"
#include "util/json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_FORMAT "hrcast-lstm-1"

static char *card_json(const struct hr_lstm *m, const char *provenance)
{
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    jw_kv_str(&w, "format", MODEL_FORMAT);
    jw_key(&w, "architecture");
    jw_obj_begin(&w);
    jw_kv_str(&w, "type", "lstm");
    jw_kv_int(&w, "input_size", m->net.cfg.in);
    jw_kv_int(&w, "hidden_size", m->net.cfg.hidden);
    jw_kv_int(&w, "num_layers", m->net.cfg.layers);
    jw_kv_int(&w, "output_size", m->net.cfg.out);
    jw_kv_num(&w, "dropout", m->net.cfg.dropout);
    jw_kv_bool(&w, "batch_first", 1);
    jw_kv_str(&w, "gate_order", "i,f,g,o");
    jw_kv_int(&w, "parameters", (long long)m->net.n_params);
    jw_obj_end(&w);
    jw_key(&w, "features");
    jw_obj_begin(&w);
    jw_kv_str(&w, "set", m->fs->name);
    jw_key(&w, "names");
    jw_arr_begin(&w);
    for (int f = 0; f < m->fs->n; f++)
        jw_str(&w, m->fs->names[f]);
    jw_arr_end(&w);
    jw_obj_end(&w);
    jw_key(&w, "normalizer");
    jw_obj_begin(&w);
    jw_key(&w, "mean");
    jw_arr_begin(&w);
    for (int f = 0; f < m->nz.n; f++)
        jw_num(&w, m->nz.mean[f]);
    jw_arr_end(&w);
    jw_key(&w, "std");
    jw_arr_begin(&w);
    for (int f = 0; f < m->nz.n; f++)
        jw_num(&w, m->nz.std[f]);
    jw_arr_end(&w);
    jw_obj_end(&w);
    jw_kv_num(&w, "step_s", m->step);
    if (m->preroll > 0) /* absent = 0: files without it are byte-identical to those from before */
        jw_kv_int(&w, "preroll_steps", m->preroll);
    jw_kv_str(&w, "loss", m->loss);
    jw_kv_str(&w, "target", "heart_rate_bpm");
    jw_kv_str(&w, "outputs", m->net.cfg.out == 2 ? "heart_rate_bpm, log_variance" : "heart_rate_bpm");
    jw_kv_num(&w, "hr_mean", m->hr_mean);
    if (m->fs->prior) {
        const struct physio_params *q = &m->prior.pop;
        jw_key(&w, "physio_prior");
        jw_obj_begin(&w);
        jw_kv_str(&w, "tensors", "prior.population [8], prior.athletes [n, 8]: offset, gain, tau, drift, grade_k, hr0, rmse, n_valid");
        jw_kv_num(&w, "offset", q->offset);
        jw_kv_num(&w, "gain", q->gain);
        jw_kv_num(&w, "tau", q->tau);
        jw_kv_num(&w, "drift", q->drift);
        jw_kv_num(&w, "grade_k", q->grade_k);
        jw_kv_num(&w, "hr0", q->hr0);
        jw_key(&w, "athletes");
        jw_arr_begin(&w);
        for (int i = 0; i < m->prior.n_ath; i++)
            jw_str(&w, m->prior.ath[i].id);
        jw_arr_end(&w);
        jw_obj_end(&w);
    }
    if (m->fs->residual) {
        jw_key(&w, "blend");
        blend_write_json(&m->blend, &w);
    }
    if (m->scale.on) { /* absent: no scale (files without it are byte-identical to those from before) */
        jw_key(&w, "hr_scale");
        hr_scale_write_json(&m->scale, &w);
    }
    jw_kv_str(&w, "inputs_from_heart_rate", "none");
    if (provenance && *provenance) {
        jw_key(&w, "training");
        jw_raw(&w, provenance);
    }
    jw_obj_end(&w);
    return jw_take(&w, NULL);
}

int hr_lstm_save_with(const struct hr_lstm *m, const char *path, const char *provenance_json,
                      const struct st_out *extra, int n_extra, const struct st_meta *extra_meta,
                      int n_extra_meta, struct hr_err *e)
{
    struct nn_param ps[LSTM_MAX_PARAMS];
    int np = lstm_params(&m->net, ps);
    float *prior_rows = NULL;
    int n_prior = 0;
    if (m->fs->prior) {
        if (!(prior_rows = physio_model_rows(&m->prior)))
            return hr_fail(e, "%s: out of memory", path);
        n_prior = m->prior.n_ath ? 2 : 1;
    }
    struct st_out *t = calloc((size_t)(np + n_extra + n_prior), sizeof *t);
    struct st_meta *meta = calloc((size_t)(2 + n_extra_meta), sizeof *meta);
    char *card = card_json(m, provenance_json);
    if (!t || !meta || !card) {
        free(t);
        free(meta);
        free(card);
        free(prior_rows);
        return hr_fail(e, "%s: out of memory", path);
    }
    for (int i = 0; i < np; i++) {
        t[i].name = ps[i].name;
        t[i].dtype = ST_F32;
        t[i].data = ps[i].data;
        t[i].ndim = ps[i].ndim;
        for (int d = 0; d < ps[i].ndim; d++)
            t[i].shape[d] = ps[i].shape[d];
    }
    for (int i = 0; i < n_extra; i++)
        t[np + i] = extra[i];
    if (n_prior)
        t[np + n_extra] = (struct st_out){"prior.population", ST_F32, prior_rows, 1, {PHYSIO_NPARAM}};
    if (n_prior == 2)
        t[np + n_extra + 1] =
            (struct st_out){"prior.athletes", ST_F32, prior_rows + PHYSIO_NPARAM, 2, {m->prior.n_ath, PHYSIO_NPARAM}};
    meta[0].key = "model_type";
    meta[0].value = "lstm";
    meta[1].key = "model";
    meta[1].value = card;
    for (int i = 0; i < n_extra_meta; i++)
        meta[2 + i] = extra_meta[i];
    int rc = st_write_file(path, t, np + n_extra + n_prior, meta, 2 + n_extra_meta, e);
    free(prior_rows);
    free(t);
    free(meta);
    free(card);
    return rc;
}

int hr_lstm_save(const struct hr_lstm *m, const char *path, const char *provenance_json, struct hr_err *e)
{
    return hr_lstm_save_with(m, path, provenance_json, NULL, 0, NULL, 0, e);
}

/* The physiological prior embedded in an LSTM file: tensors prior.population / prior.athletes and the
 * athlete ids in the card's physio_prior. */
static int load_prior(const struct safetensors *st, const struct json *card, const char *path, struct hr_lstm *m,
                      struct hr_err *e)
{
    const struct json *ids = json_get(json_get(card, "physio_prior"), "athletes");
    size_t n = json_len(ids);
    float pop[PHYSIO_NPARAM];
    int64_t s1[1] = {PHYSIO_NPARAM}, s2[2] = {(int64_t)n, PHYSIO_NPARAM};
    if (st_copy_f32(st, "prior.population", 1, s1, pop, PHYSIO_NPARAM, e))
        return hr_fail(e, "%s: feature set %s needs the tensor prior.population", path, m->fs->name);
    float *ath = malloc(sizeof(float) * (n + 1) * PHYSIO_NPARAM);
    const char **names = calloc(n + 1, sizeof *names);
    int rc = -1;
    if (!ath || !names) {
        hr_fail(e, "%s: out of memory", path);
        goto out;
    }
    if (n && st_copy_f32(st, "prior.athletes", 2, s2, ath, n * PHYSIO_NPARAM, e))
        goto out;
    for (size_t i = 0; i < n; i++)
        names[i] = json_str(json_at(ids, i), NULL);
    if (physio_model_from_rows(&m->prior, m->step, pop, ath, names, n)) {
        hr_fail(e, "%s: invalid physio_prior athletes", path);
        goto out;
    }
    if (!(m->prior.pop.tau > 0) || !isfinite(m->prior.pop.offset) || !isfinite(m->prior.pop.gain)) {
        physio_model_free(&m->prior);
        hr_fail(e, "%s: physio_prior population parameters are not valid", path);
        goto out;
    }
    rc = 0;
out:
    free(ath);
    free(names);
    return rc;
}

/* An architecture size: a whole number, or -1 (absent, or 32.7: until 2026-12-07 truncated and taken). */
static int card_int(const struct json *arch, const char *key)
{
    double v = json_get_num(arch, key, -1);
    return v == floor(v) && v >= -1 && v <= 1e6 ? (int)v : -1;
}

/* The card's own words against what the loader would run: the type and gate order it computes, and the
 * inputs of the feature set it names (until 2026-12-07 these were not read: a card saying gate order i,g,f,o,
 * or naming one set while listing another's inputs, was run as this loader's LSTM on the named set's inputs,
 * 8-35 bpm off). Absent fields are not checked (the set's name decides). */
static int card_contradicts(const struct json *arch, const struct json *feat, const struct feature_set *fs,
                            const char *path, struct hr_err *e)
{
    const char *type = json_get_str(arch, "type", "lstm"), *gates = json_get_str(arch, "gate_order", "i,f,g,o");
    if (strcmp(type, "lstm"))
        return hr_fail(e, "%s: architecture type \"%.32s\" is not lstm", path, type);
    if (strcmp(gates, "i,f,g,o"))
        return hr_fail(e, "%s: gate order \"%.32s\" is not i,f,g,o (PyTorch's, the one hrcast computes)", path, gates);
    const struct json *names = json_get(feat, "names");
    if (!names)
        return 0;
    if (json_len(names) != (size_t)fs->n)
        return hr_fail(e, "%s: the card lists %zu input names for the feature set %s of %d", path, json_len(names),
                       fs->name, fs->n);
    for (int f = 0; f < fs->n; f++) {
        const char *n = json_str(json_at(names, (size_t)f), "");
        if (strcmp(n, fs->names[f]))
            return hr_fail(e, "%s: input %d is \"%.40s\" in the card, \"%s\" in the feature set %s", path, f, n,
                           fs->names[f], fs->name);
    }
    return 0;
}

/* A tensor the architecture has no place for (a second layer's weights in a card that says one layer: until
 * 2026-12-07 dropped without a word, 10-36 bpm off). The physiological prior's tensors are the prior's. */
static int unused_tensor(const struct safetensors *st, const struct nn_param *ps, int np, const struct lstm_cfg *cfg,
                         const char *path, struct hr_err *e)
{
    for (int t = 0; t < st->n; t++) {
        const char *name = st->t[t].name;
        int used = !strncmp(name, "prior.", 6);
        for (int i = 0; i < np && !used; i++)
            used = !strcmp(name, ps[i].name);
        if (!used)
            return hr_fail(e, "%s: tensor %s has no place in the card's LSTM (%d layers of %d)", path, name,
                           cfg->layers, cfg->hidden);
    }
    return 0;
}

int hr_lstm_from_st(const struct safetensors *st, const char *path, struct hr_lstm *m, struct hr_err *e)
{
    memset(m, 0, sizeof *m);
    const char *mt = st_meta_get(st, "model_type");
    if (!mt || strcmp(mt, "lstm"))
        return hr_fail(e, "%s: not an hrcast LSTM model (model_type %s)", path, mt ? mt : "missing");
    const char *card = st_meta_get(st, "model");
    struct json *j = NULL;
    if (!card)
        return hr_fail(e, "%s: metadata has no \"model\" card", path);
    if (json_parse(card, strlen(card), path, &j, e))
        return -1;
    int rc = -1;
    const struct json *arch = json_get(j, "architecture"), *feat = json_get(j, "features"),
                      *nz = json_get(j, "normalizer");
    const char *fmt = json_get_str(j, "format", "");
    if (strcmp(fmt, MODEL_FORMAT)) {
        hr_fail(e, "%s: model format \"%s\" is not %s", path, fmt, MODEL_FORMAT);
        goto out;
    }
    struct lstm_cfg cfg = {
        .in = card_int(arch, "input_size"),
        .hidden = card_int(arch, "hidden_size"),
        .layers = card_int(arch, "num_layers"),
        .out = card_int(arch, "output_size"),
        .dropout = (float)json_get_num(arch, "dropout", 0),
    };
    m->fs = feature_set_get(json_get_str(feat, "set", ""));
    if (!m->fs) {
        hr_fail(e, "%s: unknown feature set \"%s\"", path, json_get_str(feat, "set", ""));
        goto out;
    }
    if (card_contradicts(arch, feat, m->fs, path, e))
        goto out;
    if (cfg.in != m->fs->n || cfg.hidden < 1 || cfg.hidden > 4096 || cfg.layers < 1 ||
        cfg.layers > LSTM_MAX_LAYERS || (cfg.out != 1 && cfg.out != 2)) {
        hr_fail(e, "%s: architecture does not fit (input %d for %d features, hidden %d, layers %d, out %d)",
                path, cfg.in, m->fs->n, cfg.hidden, cfg.layers, cfg.out);
        goto out;
    }
    const struct json *mean = json_get(nz, "mean"), *sd = json_get(nz, "std");
    if (json_len(mean) != (size_t)cfg.in || json_len(sd) != (size_t)cfg.in) {
        hr_fail(e, "%s: normalizer has %zu/%zu entries for %d features", path, json_len(mean), json_len(sd), cfg.in);
        goto out;
    }
    m->nz.n = cfg.in;
    for (int f = 0; f < cfg.in; f++) {
        m->nz.mean[f] = (float)json_num(json_at(mean, (size_t)f), NAN);
        m->nz.std[f] = (float)json_num(json_at(sd, (size_t)f), NAN);
        if (!isfinite(m->nz.mean[f]) || !(m->nz.std[f] > 0)) {
            hr_fail(e, "%s: normalizer entry %d is not finite/positive", path, f);
            goto out;
        }
    }
    m->step = (float)json_get_num(j, "step_s", NAN);
    if (!(m->step > 0)) {
        hr_fail(e, "%s: model card has no valid step_s", path);
        goto out;
    }
    m->preroll = (int)json_get_num(j, "preroll_steps", 0); /* absent: a model from before the pre-roll */
    if (m->preroll < 0 || m->preroll > 100000) {
        hr_fail(e, "%s: preroll_steps %d outside 0..100000", path, m->preroll);
        goto out;
    }
    snprintf(m->loss, sizeof m->loss, "%s", json_get_str(j, "loss", "mse"));
    m->hr_mean = (float)json_get_num(j, "hr_mean", 0);
    if (m->fs->prior && load_prior(st, j, path, m, e))
        goto out;
    if (blend_read_json(&m->blend, m->fs->residual ? json_get(j, "blend") : NULL, path, e)) {
        physio_model_free(&m->prior);
        goto out;
    }
    if (json_get(j, "hr_scale") && m->fs->residual) {
        hr_fail(e, "%s: hr_scale with the physio-residual feature set %s (its HR is prior + alpha x network)", path,
                m->fs->name);
        physio_model_free(&m->prior);
        blend_free(&m->blend);
        goto out;
    }
    if (hr_scale_read_json(&m->scale, json_get(j, "hr_scale"), path, e)) {
        physio_model_free(&m->prior);
        blend_free(&m->blend);
        goto out;
    }
    if (lstm_model_init(&m->net, &cfg, 0, e)) {
        physio_model_free(&m->prior);
        blend_free(&m->blend);
        hr_scale_free(&m->scale);
        goto out;
    }
    struct nn_param ps[LSTM_MAX_PARAMS];
    int np = lstm_params(&m->net, ps);
    for (int i = 0; i < np; i++)
        if (st_copy_f32(st, ps[i].name, ps[i].ndim, ps[i].shape, ps[i].data, ps[i].numel, e) ||
            (i == np - 1 && unused_tensor(st, ps, np, &cfg, path, e))) {
            lstm_model_free(&m->net);
            physio_model_free(&m->prior);
            blend_free(&m->blend);
            hr_scale_free(&m->scale);
            goto out;
        }
    rc = 0;
out:
    json_free(j);
    return rc;
}

int hr_lstm_load(const char *path, struct hr_lstm *m, struct hr_err *e)
{
    struct safetensors st;
    if (model_file_read(path, "lstm", &st, e))
        return -1;
    int rc = hr_lstm_from_st(&st, path, m, e);
    st_free(&st);
    return rc;
}

void hr_lstm_free(struct hr_lstm *m)
{
    physio_model_free(&m->prior);
    blend_free(&m->blend);
    hr_scale_free(&m->scale);
    lstm_lowp_free(m->lowp);
    lstm_model_free(&m->net);
    memset(m, 0, sizeof *m);
}

void hr_lstm_prior(const struct hr_lstm *m, const struct series *s, float *out)
{
    physio_predict_params(physio_model_lookup(&m->prior, s->meta.athlete), s, out);
}

int hr_lstm_features(const struct hr_lstm *m, const struct series *s, float *out, int normalize, struct hr_err *e)
{
    float *prior = NULL;
    if (m->fs->prior) {
        prior = malloc(sizeof(float) * (size_t)(s->n > 0 ? s->n : 1));
        if (!prior)
            return hr_fail(e, "features: out of memory");
        hr_lstm_prior(m, s, prior);
    }
    int rc = features_compute(m->fs, s, prior, out, e);
    free(prior);
    if (rc == 0 && normalize)
        normalize_rows(&m->nz, out, s->n);
    return rc;
}

int hr_lstm_preroll_steps(float step, float seconds)
{
    int k = (int)lroundf(seconds / step);
    return k < 1 ? 1 : k;
}

int hr_lstm_sequence(const struct hr_lstm *m, const struct series *s, float *out, struct hr_err *e)
{
    int F = m->fs->n, P = s->n > 0 ? m->preroll : 0;
    if (hr_lstm_features(m, s, out + (size_t)P * F, 0, e))
        return -1;
    for (int k = 0; k < P; k++)
        features_rest_row(m->fs, out + (size_t)P * F, out + (size_t)k * F);
    normalize_rows(&m->nz, out, P + s->n);
    return 0;
}

int hr_lstm_features_first(const struct hr_lstm *m, const struct series *s, int n, float *out, struct hr_err *e)
{
    struct series crop = *s;
    if (n < s->n && !feature_set_whole_workout(m->fs)) { /* every row causal: the crop's rows are the same */
        crop.n = n;
        return hr_lstm_features(m, &crop, out, 0, e);
    }
    if (n >= s->n)
        return hr_lstm_features(m, s, out, 0, e);
    float *all = malloc(sizeof(float) * (size_t)s->n * (size_t)m->fs->n);
    if (!all)
        return hr_fail(e, "features: out of memory");
    int rc = hr_lstm_features(m, s, all, 0, e);
    if (rc == 0)
        memcpy(out, all, sizeof(float) * (size_t)n * (size_t)m->fs->n);
    free(all);
    return rc;
}

int hr_lstm_sequence_first(const struct hr_lstm *m, const struct series *s, int n, float *out, struct hr_err *e)
{
    int F = m->fs->n, P = n > 0 ? m->preroll : 0;
    if (hr_lstm_features_first(m, s, n, out + (size_t)P * F, e))
        return -1;
    for (int k = 0; k < P; k++)
        features_rest_row(m->fs, out + (size_t)P * F, out + (size_t)k * F);
    normalize_rows(&m->nz, out, P + n);
    return 0;
}

float *hr_lstm_inputs(const struct hr_lstm *m, const struct series *s, struct hr_err *e)
{
    float *x = malloc(sizeof(float) * (size_t)(m->preroll + s->n + 1) * (size_t)m->fs->n);
    if (!x) {
        hr_fail(e, "predict: out of memory");
        return NULL;
    }
    if (hr_lstm_sequence(m, s, x, e)) {
        free(x);
        return NULL;
    }
    return x;
}

int hr_lstm_predict_batch(const struct hr_lstm *m, const struct series *const *s, int n, float **hr,
                          float **sigma, struct hr_err *e)
{
    int F = m->fs->n, O = m->net.cfg.out, T = 0, P = m->preroll;
    for (int b = 0; b < n; b++) {
        if (s[b]->step != m->step)
            return hr_fail(e, "%s: series step %g s differs from the model's %g s", s[b]->meta.source,
                           s[b]->step, m->step);
        if (s[b]->n > T)
            T = s[b]->n;
    }
    if (T == 0)
        return 0;
    T += P; /* every sequence: P rest rows, then its steps (outputs of the rest rows dropped) */
    float *x = calloc((size_t)n * T * F, sizeof(float));
    float *y = malloc(sizeof(float) * (size_t)n * T * O);
    int *len = malloc(sizeof(int) * (size_t)n);
    int rc = -1;
    if (!x || !y || !len) {
        hr_fail(e, "predict: out of memory");
        goto out;
    }
    for (int b = 0; b < n; b++) {
        if (hr_lstm_sequence(m, s[b], x + (size_t)b * T * F, e))
            goto out;
        len[b] = s[b]->n ? s[b]->n + P : 0;
    }
    if (m->lowp ? lstm_infer_lowp(&m->net, m->lowp, x, len, n, T, y, e) : lstm_infer(&m->net, x, len, n, T, y, e))
        goto out;
    for (int b = 0; b < n; b++) {
        float mean, sd;
        hr_scale_lookup(&m->scale, s[b]->meta.athlete, &mean, &sd);
        for (int t = 0; t < s[b]->n; t++) {
            const float *yo = y + ((size_t)b * T + P + t) * O;
            float sg = O == 2 ? expf(0.5f * yo[1]) : NAN;
            hr[b][t] = hr_lstm_out(m, mean, sd, yo[0], &sg);
            if (sigma && sigma[b])
                sigma[b][t] = sg;
        }
        if (m->fs->residual) { /* the prior column of the inputs is this same prior, un-normalised */
            float alpha = blend_lookup(&m->blend, s[b]->meta.athlete), *prior = (float *)x; /* x is done with */
            hr_lstm_prior(m, s[b], prior);
            for (int t = 0; t < s[b]->n; t++)
                hr[b][t] = prior[t] + alpha * hr[b][t];
        }
    }
    rc = 0;
out:
    free(x);
    free(y);
    free(len);
    return rc;
}

int hr_lstm_predict(const struct hr_lstm *m, const struct series *s, float *hr, float *sigma,
                    struct hr_err *e)
{
    float *sg[1] = {sigma};
    return hr_lstm_predict_batch(m, &s, 1, &hr, sigma ? sg : NULL, e);
}

static int predict_thunk(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    return hr_lstm_predict(impl, s, hr, sigma, e);
}

static int precision_thunk(void *impl, int prec, struct hr_err *e)
{
    struct hr_lstm *m = impl;
    lstm_lowp_free(m->lowp);
    m->lowp = prec != LSTM_PREC_FP32 ? lstm_lowp_prepare(&m->net, (enum lstm_precision)prec, e) : NULL;
    return prec != LSTM_PREC_FP32 && !m->lowp ? -1 : 0;
}

static void destroy_thunk(void *impl)
{
    hr_lstm_free(impl);
    free(impl);
}

int lstm_predictor_load_st(const struct safetensors *st, const char *path, struct predictor *p,
                           struct hr_err *e)
{
    struct hr_lstm *m = calloc(1, sizeof *m);
    if (!m)
        return hr_fail(e, "%s: out of memory", path);
    if (hr_lstm_from_st(st, path, m, e)) {
        free(m);
        return -1;
    }
    snprintf(p->kind, sizeof p->kind, "lstm");
    p->step = m->step;
    p->has_sigma = m->net.cfg.out == 2;
    p->impl = m;
    p->predict = predict_thunk;
    p->destroy = destroy_thunk;
    p->set_precision = precision_thunk;
    return 0;
}
