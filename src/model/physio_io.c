/* physio_io.c — physiological model files (safetensors) and its model card JSON (see physio.h).
 * Tensors: physio.population F32 [8], physio.athletes F32 [n, 8] (absent when n = 0), rows in the
 * order of PHYSIO_PARAM_NAMES. __metadata__: model_type "physio", step, model (card JSON). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/physio.h"
#include "model/registry.h"
#include "util/json.h"
#include "util/safetensors.h"

static const char *param_names[PHYSIO_NPARAM] = {"offset", "gain", "tau", "drift",
                                                 "grade_k", "hr0", "rmse", "n_valid"};

static void to_row(const struct physio_params *p, float *r)
{
    float v[PHYSIO_NPARAM] = {p->offset, p->gain, p->tau, p->drift, p->grade_k, p->hr0, p->rmse, p->n_valid};
    memcpy(r, v, sizeof v);
}

static void from_row(const float *r, struct physio_params *p)
{
    *p = (struct physio_params){r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]};
}

/* The model card: model_type, step, parameter names, population values, athlete ids, provenance. */
static char *physio_card(const struct physio_model *m, const char *provenance_json)
{
    struct jw w;
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    jw_kv_str(&w, "model_type", "physio");
    jw_kv_num(&w, "step", m->step);
    jw_kv_str(&w, "equation", "tau dHR/dt = offset + gain*v*(1+grade_k*(Cr(grade)/Cr(0)-1)) + drift*t/3600 - HR");
    jw_key(&w, "param_names");
    jw_arr_begin(&w);
    for (int k = 0; k < PHYSIO_NPARAM; k++)
        jw_str(&w, param_names[k]);
    jw_arr_end(&w);
    float row[PHYSIO_NPARAM];
    to_row(&m->pop, row);
    jw_key(&w, "population");
    jw_obj_begin(&w);
    for (int k = 0; k < PHYSIO_NPARAM; k++)
        jw_kv_num(&w, param_names[k], row[k]);
    jw_obj_end(&w);
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

int physio_model_save(const struct physio_model *m, const char *path, const char *provenance_json,
                      struct hr_err *e)
{
    char *card = physio_card(m, provenance_json);
    float *rows = malloc((size_t)(m->n_ath + 1) * PHYSIO_NPARAM * sizeof *rows);
    if (!card || !rows) {
        free(card);
        free(rows);
        return hr_fail(e, "%s: out of memory", path);
    }
    to_row(&m->pop, rows);
    for (int i = 0; i < m->n_ath; i++)
        to_row(&m->ath[i].p, rows + (size_t)(i + 1) * PHYSIO_NPARAM);
    struct st_out t[2] = {
        {.name = "physio.population", .dtype = ST_F32, .data = rows, .ndim = 1, .shape = {PHYSIO_NPARAM}},
        {.name = "physio.athletes", .dtype = ST_F32, .data = rows + PHYSIO_NPARAM, .ndim = 2,
         .shape = {m->n_ath, PHYSIO_NPARAM}},
    };
    char step[32];
    snprintf(step, sizeof step, "%g", m->step);
    struct st_meta meta[3] = {{"model_type", "physio"}, {"step", step}, {"model", card}};
    int rc = st_write_file(path, t, m->n_ath > 0 ? 2 : 1, meta, 3, e);
    free(card);
    free(rows);
    return rc;
}

static int physio_from_st(const struct safetensors *st, const char *path, struct physio_model *m,
                          struct hr_err *e)
{
    struct json *card = NULL;
    physio_model_init(m, 10);
    if (model_card_parse(st, path, &card, e))
        return -1;
    m->step = (float)json_get_num(card, "step", NAN);
    const struct json *ids = json_get(card, "athletes");
    size_t n = json_len(ids);
    float row[PHYSIO_NPARAM];
    int64_t shp[2] = {PHYSIO_NPARAM, 0};
    int rc = 0;
    if (!(m->step > 0) || (ids && ids->type != JSON_ARR))
        rc = hr_fail(e, "%s: physio model card lacks a valid step or athletes list", path);
    else if (st_copy_f32(st, "physio.population", 1, shp, row, PHYSIO_NPARAM, e))
        rc = -1;
    else {
        from_row(row, &m->pop);
        if (n > 0) {
            float *rows = malloc(n * PHYSIO_NPARAM * sizeof *rows);
            int64_t s2[2] = {(int64_t)n, PHYSIO_NPARAM};
            if (!rows)
                rc = hr_fail(e, "%s: out of memory", path);
            else if (st_copy_f32(st, "physio.athletes", 2, s2, rows, n * PHYSIO_NPARAM, e))
                rc = -1;
            for (size_t i = 0; rc == 0 && i < n; i++) {
                const char *id = json_str(json_at(ids, i), NULL);
                struct physio_params p;
                from_row(rows + i * PHYSIO_NPARAM, &p);
                if (!id || !id[0] || strlen(id) >= WK_ATHLETE_LEN)
                    rc = hr_fail(e, "%s: athlete %zu has no valid id", path, i);
                else if (physio_model_lookup(m, id) != &m->pop) /* until 2026-12-07 the later row replaced it */
                    rc = hr_fail(e, "%s: athlete %s is listed twice", path, id);
                else if (physio_model_set_athlete(m, id, &p))
                    rc = hr_fail(e, "%s: out of memory", path);
            }
            free(rows);
        }
    }
    json_free(card);
    if (rc)
        physio_model_free(m);
    return rc;
}

int physio_model_load(const char *path, struct physio_model *m, struct hr_err *e)
{
    struct safetensors st;
    if (model_file_read(path, "physio", &st, e))
        return -1;
    int rc = physio_from_st(&st, path, m, e);
    st_free(&st);
    return rc;
}

int physio_predictor_load_st(const struct safetensors *st, const char *path, struct predictor *p,
                             struct hr_err *e)
{
    struct physio_model m;
    if (physio_from_st(st, path, &m, e))
        return -1;
    if (physio_predictor_from_model(&m, p, e)) {
        physio_model_free(&m);
        return -1;
    }
    free(p->metadata_json); /* predictor_load sets the file's metadata */
    p->metadata_json = NULL;
    return 0;
}

char *physio_model_json(const struct physio_model *m) { return physio_card(m, NULL); }

float *physio_model_rows(const struct physio_model *m)
{
    float *rows = malloc((size_t)(m->n_ath + 1) * PHYSIO_NPARAM * sizeof *rows);
    if (!rows)
        return NULL;
    to_row(&m->pop, rows);
    for (int i = 0; i < m->n_ath; i++)
        to_row(&m->ath[i].p, rows + (size_t)(i + 1) * PHYSIO_NPARAM);
    return rows;
}

int physio_model_from_rows(struct physio_model *m, float step, const float *pop, const float *ath,
                           const char *const *ids, size_t n)
{
    physio_model_init(m, step);
    from_row(pop, &m->pop);
    for (size_t i = 0; i < n; i++) {
        struct physio_params p;
        from_row(ath + i * PHYSIO_NPARAM, &p);
        if (!ids[i] || !ids[i][0] || strlen(ids[i]) >= WK_ATHLETE_LEN || physio_model_set_athlete(m, ids[i], &p)) {
            physio_model_free(m);
            return -1;
        }
    }
    return 0;
}
