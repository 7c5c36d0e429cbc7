/* blend.c — see blend.h. */
#include "model/blend.h"
#include "util/idtable.h"
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void blend_init(struct blend *b)
{
    memset(b, 0, sizeof *b);
    b->alpha = 1.0f;
    b->val_mae = b->physio_val_mae = NAN;
}

void blend_free(struct blend *b)
{
    free(b->ath);
    blend_init(b);
}

_Static_assert(offsetof(struct blend_athlete, id) == 0, "idtable records start with their id");

static int find(const struct blend *b, const char *id, int *pos)
{
    return idtable_find(b->ath, b->n, sizeof *b->ath, id, pos);
}

float blend_lookup(const struct blend *b, const char *athlete)
{
    int pos;
    if (athlete && athlete[0] && find(b, athlete, &pos))
        return b->ath[pos].alpha;
    return b->alpha;
}

int blend_set(struct blend *b, const char *athlete, float alpha)
{
    int pos;
    if (!athlete || !athlete[0])
        return -1;
    if (find(b, athlete, &pos)) {
        b->ath[pos].alpha = alpha;
        return 0;
    }
    void *base = b->ath;
    struct blend_athlete *r = idtable_insert(&base, &b->n, sizeof *r, sizeof r->id, athlete);
    b->ath = base;
    if (!r)
        return -1;
    r->alpha = alpha;
    return 0;
}

void blend_write_json(const struct blend *b, struct jw *w)
{
    jw_obj_begin(w);
    jw_kv_str(w, "rule", "hr = physio_prior_hr + alpha * network; alpha per athlete (athletes), else alpha");
    jw_kv_num(w, "alpha", json_float_decimal(b->alpha));
    jw_kv_num(w, "val_mae", b->val_mae);
    jw_kv_num(w, "physio_val_mae", b->physio_val_mae);
    jw_key(w, "athletes");
    jw_obj_begin(w);
    for (int i = 0; i < b->n; i++)
        jw_kv_num(w, b->ath[i].id, json_float_decimal(b->ath[i].alpha));
    jw_obj_end(w);
    jw_obj_end(w);
}

static int alpha_ok(double a)
{
    return a >= 0.0 && a <= 1.0;
}

int blend_read_json(struct blend *b, const struct json *j, const char *path, struct hr_err *e)
{
    blend_init(b);
    if (!j)
        return 0;
    double a = json_get_num(j, "alpha", NAN);
    if (!alpha_ok(a))
        return hr_fail(e, "%s: blend alpha is missing or outside [0, 1]", path);
    b->alpha = (float)a;
    b->val_mae = json_get_num(j, "val_mae", NAN);
    b->physio_val_mae = json_get_num(j, "physio_val_mae", NAN);
    const struct json *ath = json_get(j, "athletes");
    json_foreach(it, ath)
    {
        double v = json_num(it, NAN);
        if (!it->key || !it->key[0] || strlen(it->key) >= WK_ATHLETE_LEN || !alpha_ok(v)) {
            blend_free(b);
            return hr_fail(e, "%s: blend athlete '%s': alpha missing or outside [0, 1], or a bad id", path,
                           it->key ? it->key : "");
        }
        if (blend_set(b, it->key, (float)v)) {
            blend_free(b);
            return hr_fail(e, "%s: out of memory", path);
        }
    }
    return 0;
}
