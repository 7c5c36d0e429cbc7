/* constant.c — the constant baseline: fit, predict, model files (see constant.h). */
#include "model/constant.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/registry.h"
#include "util/json.h"
#include "util/safetensors.h"

static int cmp_ath(const void *a, const void *b)
{
    return strcmp(((const struct constant_athlete *)a)->id, ((const struct constant_athlete *)b)->id);
}

static int cmp_series_ath(const void *a, const void *b)
{
    const struct series *x = *(const struct series *const *)a, *y = *(const struct series *const *)b;
    return strcmp(x->meta.athlete, y->meta.athlete);
}

int constant_model_fit(struct constant_model *m, const struct series *const *s, int n, int min_valid,
                       struct hr_err *e)
{
    memset(m, 0, sizeof *m);
    double sum = 0, sq = 0;
    long long cnt = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < s[j]->n; i++) {
            float h = S_HR(s[j])[i];
            if (!isnan(h)) {
                sum += h;
                sq += (double)h * h;
                cnt++;
            }
        }
    if (cnt == 0)
        return hr_fail(e, "constant fit: no valid heart-rate steps in %d training series", n);
    m->step = s[0]->step;
    m->mean = (float)(sum / cnt);
    m->sd = (float)sqrt(fmax(0, sq / cnt - (sum / cnt) * (sum / cnt)));
    const struct series **ord = malloc((size_t)n * sizeof *ord);
    m->ath = malloc((size_t)n * sizeof *m->ath);
    if (!ord || !m->ath) {
        free(ord);
        constant_model_free(m);
        return hr_fail(e, "constant fit: out of memory");
    }
    memcpy(ord, s, (size_t)n * sizeof *ord);
    qsort(ord, (size_t)n, sizeof *ord, cmp_series_ath);
    for (int j = 0; j < n;) {
        int k = j;
        double as = 0;
        long long ac = 0;
        for (; k < n && strcmp(ord[k]->meta.athlete, ord[j]->meta.athlete) == 0; k++)
            for (int i = 0; i < ord[k]->n; i++)
                if (!isnan(S_HR(ord[k])[i])) {
                    as += S_HR(ord[k])[i];
                    ac++;
                }
        if (ord[j]->meta.athlete[0] && ac >= min_valid && ac > 0) {
            struct constant_athlete *a = &m->ath[m->n_ath++];
            memset(a, 0, sizeof *a);
            snprintf(a->id, sizeof a->id, "%s", ord[j]->meta.athlete);
            a->mean = (float)(as / ac);
            a->n = (float)ac;
        }
        j = k;
    }
    free(ord);
    return 0;
}

void constant_model_free(struct constant_model *m)
{
    free(m->ath);
    m->ath = NULL;
    m->n_ath = 0;
}

/* The athlete's own entry, NULL when the model has none for them. */
static const struct constant_athlete *find_athlete(const struct constant_model *m, const char *athlete)
{
    if (!athlete || !athlete[0] || m->n_ath <= 0)
        return NULL;
    struct constant_athlete key;
    snprintf(key.id, sizeof key.id, "%s", athlete);
    return bsearch(&key, m->ath, (size_t)m->n_ath, sizeof *m->ath, cmp_ath);
}

float constant_model_value(const struct constant_model *m, const char *athlete)
{
    const struct constant_athlete *a = find_athlete(m, athlete);
    return a ? a->mean : m->mean;
}

static int constant_impl_knows(const void *impl, const char *athlete)
{
    return find_athlete(impl, athlete) != NULL;
}

static int constant_impl_predict(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    (void)e;
    const struct constant_model *m = impl;
    float v = constant_model_value(m, s->meta.athlete);
    for (int i = 0; i < s->n; i++) {
        hr[i] = v;
        if (sigma)
            sigma[i] = m->sd;
    }
    return 0;
}

static void constant_impl_destroy(void *impl)
{
    constant_model_free(impl);
    free(impl);
}

static char *constant_card(const struct constant_model *m, const char *provenance_json)
{
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    jw_kv_str(&w, "model_type", "constant");
    jw_kv_num(&w, "step", m->step);
    jw_kv_num(&w, "mean", m->mean);
    jw_kv_num(&w, "sd", m->sd);
    jw_key(&w, "athletes");
    jw_arr_begin(&w);
    for (int i = 0; i < m->n_ath; i++)
        jw_str(&w, m->ath[i].id);
    jw_arr_end(&w);
    if (provenance_json) {
        jw_key(&w, "provenance");
        jw_raw(&w, provenance_json);
    }
    jw_obj_end(&w);
    return jw_take(&w, NULL);
}

int constant_predictor_from_model(struct constant_model *m, struct predictor *p, struct hr_err *e)
{
    memset(p, 0, sizeof *p);
    struct constant_model *own = malloc(sizeof *own);
    if (!own)
        return hr_fail(e, "constant: out of memory");
    *own = *m;
    memset(m, 0, sizeof *m);
    strcpy(p->kind, "constant");
    p->step = own->step;
    p->has_sigma = 1;
    p->impl = own;
    p->predict = constant_impl_predict;
    p->knows_athlete = constant_impl_knows;
    p->destroy = constant_impl_destroy;
    if (!(p->metadata_json = constant_card(own, NULL))) {
        predictor_free(p);
        return hr_fail(e, "constant: out of memory");
    }
    return 0;
}

int constant_model_save(const struct constant_model *m, const char *path, const char *provenance_json,
                        struct hr_err *e)
{
    char *card = constant_card(m, provenance_json);
    float *rows = malloc((size_t)(m->n_ath + 1) * 2 * sizeof *rows);
    if (!card || !rows) {
        free(card);
        free(rows);
        return hr_fail(e, "%s: out of memory", path);
    }
    rows[0] = m->mean;
    rows[1] = m->sd;
    for (int i = 0; i < m->n_ath; i++) {
        rows[2 + 2 * i] = m->ath[i].mean;
        rows[3 + 2 * i] = m->ath[i].n;
    }
    struct st_out t[2] = {
        {.name = "constant.population", .dtype = ST_F32, .data = rows, .ndim = 1, .shape = {2}},
        {.name = "constant.athletes", .dtype = ST_F32, .data = rows + 2, .ndim = 2, .shape = {m->n_ath, 2}},
    };
    char step[32];
    snprintf(step, sizeof step, "%g", m->step);
    struct st_meta meta[3] = {{"model_type", "constant"}, {"step", step}, {"model", card}};
    int rc = st_write_file(path, t, m->n_ath > 0 ? 2 : 1, meta, 3, e);
    free(card);
    free(rows);
    return rc;
}

static int constant_from_st(const struct safetensors *st, const char *path, struct constant_model *m,
                            struct hr_err *e)
{
    memset(m, 0, sizeof *m);
    struct json *card = NULL;
    if (model_card_parse(st, path, &card, e))
        return -1;
    const struct json *ids = json_get(card, "athletes");
    size_t n = json_len(ids);
    float pop[2];
    int64_t s1[1] = {2};
    int rc = 0;
    m->step = (float)json_get_num(card, "step", NAN);
    if (!(m->step > 0) || (ids && ids->type != JSON_ARR))
        rc = hr_fail(e, "%s: constant model card lacks a valid step or athletes list", path);
    else if (st_copy_f32(st, "constant.population", 1, s1, pop, 2, e))
        rc = -1;
    else {
        m->mean = pop[0];
        m->sd = pop[1];
        if (n > 0) {
            float *rows = malloc(n * 2 * sizeof *rows);
            m->ath = calloc(n, sizeof *m->ath);
            int64_t s2[2] = {(int64_t)n, 2};
            if (!rows || !m->ath)
                rc = hr_fail(e, "%s: out of memory", path);
            else if (st_copy_f32(st, "constant.athletes", 2, s2, rows, n * 2, e))
                rc = -1;
            for (size_t i = 0; rc == 0 && i < n; i++) {
                const char *id = json_str(json_at(ids, i), NULL);
                if (!id || !id[0] || strlen(id) >= WK_ATHLETE_LEN) {
                    rc = hr_fail(e, "%s: athlete %zu has no valid id", path, i);
                    break;
                }
                struct constant_athlete *a = &m->ath[m->n_ath++];
                snprintf(a->id, sizeof a->id, "%s", id);
                a->mean = rows[2 * i];
                a->n = rows[2 * i + 1];
            }
            free(rows);
            if (rc == 0)
                qsort(m->ath, (size_t)m->n_ath, sizeof *m->ath, cmp_ath);
            for (int i = 1; rc == 0 && i < m->n_ath; i++) /* which of the two would be looked up is chance */
                if (!strcmp(m->ath[i - 1].id, m->ath[i].id))
                    rc = hr_fail(e, "%s: athlete %s is listed twice", path, m->ath[i].id);
        }
    }
    json_free(card);
    if (rc)
        constant_model_free(m);
    return rc;
}

int constant_model_load(const char *path, struct constant_model *m, struct hr_err *e)
{
    struct safetensors st;
    if (model_file_read(path, "constant", &st, e))
        return -1;
    int rc = constant_from_st(&st, path, m, e);
    st_free(&st);
    return rc;
}

int constant_predictor_load_st(const struct safetensors *st, const char *path, struct predictor *p,
                               struct hr_err *e)
{
    struct constant_model m;
    if (constant_from_st(st, path, &m, e))
        return -1;
    if (constant_predictor_from_model(&m, p, e)) {
        constant_model_free(&m);
        return -1;
    }
    free(p->metadata_json);
    p->metadata_json = NULL;
    return 0;
}
