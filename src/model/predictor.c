/* predictor.c — predictor_load: reads a model file and dispatches on __metadata__ "model_type"
 * through the loader table below; predictor_free; predictor_set_precision (the LSTM's int8 and bf16 forwards). */
#include "model/predictor.h"
#include "nn/isa.h"
#include "nn/lstm.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model/registry.h"
#include "model/lstm_model.h"
#include "util/json.h"

/* One row per model kind. The LSTM ("lstm") is added here by its owner. */
static const struct predictor_loader loaders[] = {
    {"physio", physio_predictor_load_st},
    {"constant", constant_predictor_load_st},
    {"lstm", lstm_predictor_load_st},
};

#define MODEL_MAX_BYTES ((size_t)1 << 30)

char *model_meta_to_json(const struct safetensors *st)
{
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    for (int k = 0; k < st->n_meta; k++) {
        const char *v = st->meta[k].value;
        struct json *j = NULL;
        jw_key(&w, st->meta[k].key);
        if (json_parse(v, strlen(v), "meta", &j, NULL) == 0 && (j->type == JSON_OBJ || j->type == JSON_ARR))
            jw_raw(&w, v);
        else
            jw_str(&w, v);
        json_free(j);
    }
    jw_obj_end(&w);
    return jw_take(&w, NULL);
}

int model_card_parse(const struct safetensors *st, const char *path, struct json **out, struct hr_err *e)
{
    const char *card = st_meta_get(st, "model");
    if (!card)
        return hr_fail(e, "%s: metadata has no \"model\" entry", path);
    if (json_parse(card, strlen(card), path, out, e))
        return -1;
    if ((*out)->type != JSON_OBJ) {
        json_free(*out);
        *out = NULL;
        return hr_fail(e, "%s: metadata \"model\" is not a JSON object", path);
    }
    return 0;
}

int model_file_read(const char *path, const char *type, struct safetensors *st, struct hr_err *e)
{
    if (st_read_file(path, MODEL_MAX_BYTES, st, e))
        return -1;
    const char *mt = st_meta_get(st, "model_type");
    if (mt && !strcmp(mt, type))
        return 0;
    const char *what = !strcmp(type, "lstm") ? "an LSTM" : !strcmp(type, "physio") ? "a physio" : "a constant";
    hr_fail(e, "%s: not %s model (model_type %.32s)", path, what, mt ? mt : "missing");
    st_free(st);
    return -1;
}

/* 1 when the card's training provenance says `hrcast finetune` made the model for one athlete (their id, when
 * the card names one, into p->finetuned_athlete). */
static int card_says_finetuned(const struct safetensors *st, struct predictor *p)
{
    struct json *card = NULL;
    if (model_card_parse(st, "", &card, NULL))
        return 0;
    const struct json *tr = json_get(card, "training");
    const struct json *x = tr ? json_get(tr, "extra") : NULL;
    int yes = x && !strcmp(json_get_str(x, "kind", ""), "finetune");
    if (yes)
        snprintf(p->finetuned_athlete, sizeof p->finetuned_athlete, "%s", json_get_str(x, "athlete", ""));
    json_free(card);
    return yes;
}

int predictor_knows_runner(const struct predictor *p, const char *athlete)
{
    if (p->as_runner[0])
        athlete = p->as_runner;
    int named = athlete && athlete[0];
    if (p->finetuned) /* its runner, unless the workout names someone else */
        return !named || !p->finetuned_athlete[0] || !strcmp(athlete, p->finetuned_athlete);
    return p->knows_athlete && named && p->knows_athlete(p->impl, athlete);
}

const char *predictor_runner(const struct predictor *p, const char *athlete)
{
    if (p->as_runner[0])
        return p->as_runner;
    if (athlete && athlete[0])
        return athlete;
    return p->finetuned ? p->finetuned_athlete : "";
}

/* A prediction no heart makes (below 0 or above 300 bpm, or infinite) comes from a model file that is not a
 * working model (an edited bias, weights scaled by 1e30): refused, naming the step, rather than reported (until
 * 2026-12-07 predict printed a mean of -300 bpm with exit 0; a physiological model clamps to 30-230 itself). */
static int check_prediction(const struct series *s, const float *hr, struct hr_err *e)
{
    for (int t = 0; t < s->n; t++)
        if (isinf(hr[t]) || (isfinite(hr[t]) && (hr[t] < PREDICT_HR_MIN || hr[t] > PREDICT_HR_MAX)))
            return hr_fail(e, "the model predicts %g bpm at %g s, outside %g-%g bpm: the model file is damaged or "
                              "not a trained model", hr[t], t * (double)s->step, PREDICT_HR_MIN, PREDICT_HR_MAX);
    return 0;
}

int predictor_predict(const struct predictor *p, const struct series *s, float *hr, float *sigma,
                      struct hr_err *e)
{
    int rc;
    const char *runner = predictor_runner(p, s->meta.athlete);
    if (strcmp(runner, s->meta.athlete)) {
        struct series named = *s; /* a shallow copy: the same arrays, the runner's name */
        snprintf(named.meta.athlete, sizeof named.meta.athlete, "%s", runner);
        rc = p->predict(p->impl, &named, hr, sigma, e);
    } else
        rc = p->predict(p->impl, s, hr, sigma, e);
    return rc ? rc : check_prediction(s, hr, e);
}

int predictor_predict_blind(const struct predictor *p, const struct series *s, float *hr, float *sigma,
                            struct hr_err *e)
{
    float *nan_hr = malloc(sizeof(float) * (size_t)(s->n > 0 ? s->n : 1));
    if (!nan_hr)
        return hr_fail(e, "predict: out of memory");
    for (int t = 0; t < s->n; t++)
        nan_hr[t] = NAN;
    struct series blind = *s; /* a shallow copy: the same arrays but HR */
    blind.ch[CH_HR] = nan_hr;
    int rc = predictor_predict(p, &blind, hr, sigma, e);
    free(nan_hr);
    return rc;
}

int predictor_load(const char *path, struct predictor *p, struct hr_err *e)
{
    memset(p, 0, sizeof *p);
    struct safetensors st;
    if (st_read_file(path, MODEL_MAX_BYTES, &st, e))
        return -1;
    const char *mt = st_meta_get(&st, "model_type");
    if (!mt) {
        st_free(&st);
        return hr_fail(e, "%s: not an hrcast model (no __metadata__ model_type)", path);
    }
    const struct predictor_loader *ld = NULL;
    for (size_t i = 0; i < sizeof loaders / sizeof *loaders; i++)
        if (strcmp(loaders[i].model_type, mt) == 0)
            ld = &loaders[i];
    if (!ld) {
        hr_fail(e, "%s: unknown model_type \"%.32s\"", path, mt);
        st_free(&st);
        return -1;
    }
    int rc = ld->load(&st, path, p, e);
    /* the grid step a model reads its runs on: the range import and simulate take (a card saying 0.001 s made
     * predict run for minutes; 1e6 s predicted a whole run as one step) */
    if (rc == 0 && !(p->step >= MODEL_STEP_MIN && p->step <= MODEL_STEP_MAX)) {
        rc = hr_fail(e, "%s: the model's grid step %g s is outside %g-%g s", path, p->step, MODEL_STEP_MIN,
                     MODEL_STEP_MAX);
        predictor_free(p);
    }
    if (rc == 0 && !(p->metadata_json = model_meta_to_json(&st))) {
        predictor_free(p);
        rc = hr_fail(e, "%s: out of memory", path);
    }
    if (rc == 0)
        p->finetuned = card_says_finetuned(&st, p);
    st_free(&st);
    return rc;
}

void predictor_free(struct predictor *p)
{
    if (p->destroy && p->impl)
        p->destroy(p->impl);
    free(p->metadata_json);
    memset(p, 0, sizeof *p);
}

int predictor_set_precision(struct predictor *p, int prec, const char *path, struct hr_err *e)
{
    if (prec != LSTM_PREC_FP32 && prec != LSTM_PREC_BF16 && prec != LSTM_PREC_INT8)
        return hr_fail(e, "%s: unknown precision %d (fp32 0, bf16 1, int8 2)", path, prec);
    if (!p->set_precision)
        return prec == LSTM_PREC_FP32 ? 0
                                      : hr_fail(e, "%s: %s inference applies to LSTM models; this is a %s model", path,
                                                lstm_precision_name((enum lstm_precision)prec), p->kind);
    return p->set_precision(p->impl, prec, e);
}

int predictor_set_int8(struct predictor *p, int on, const char *path, struct hr_err *e)
{
    return predictor_set_precision(p, on ? LSTM_PREC_INT8 : LSTM_PREC_FP32, path, e);
}

int predictor_precision_emulated(int prec, char *why, size_t cap)
{
    if (prec != LSTM_PREC_BF16 || nn_isa_bf16())
        return 0;
    if (nn_isa_active() != NN_ISA_AVX512 && nn_isa_cpu_has(NN_ISA_AVX512))
        snprintf(why, cap, "the %s kernel path (HRCAST_ISA) has no BF16 products", nn_isa_name(nn_isa_active()));
    else
        snprintf(why, cap, "this CPU lacks AVX512_BF16");
    return 1;
}
