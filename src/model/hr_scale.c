/* hr_scale.c — see hr_scale.h. */
#include "model/hr_scale.h"
#include "util/idtable.h"
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hr_scale_init(struct hr_scale *s)
{
    memset(s, 0, sizeof *s);
    s->pop_mean = 150.0f;
    s->pop_sd = 15.0f;
}

void hr_scale_free(struct hr_scale *s)
{
    free(s->ath);
    hr_scale_init(s);
}

_Static_assert(offsetof(struct hr_scale_athlete, id) == 0, "idtable records start with their id");

void hr_scale_lookup(const struct hr_scale *s, const char *athlete, float *mean, float *sd)
{
    int pos;
    if (athlete && athlete[0] && idtable_find(s->ath, s->n, sizeof *s->ath, athlete, &pos)) {
        *mean = s->ath[pos].mean;
        *sd = s->ath[pos].sd;
    } else {
        *mean = s->pop_mean;
        *sd = s->pop_sd;
    }
}

float hr_scale_to_bpm(const struct hr_scale *s, float mean, float sd, float net)
{
    return s->on ? mean + sd * (net - s->pop_mean) / s->pop_sd : net;
}

float hr_scale_to_net(const struct hr_scale *s, float mean, float sd, float hr)
{
    return s->on ? s->pop_mean + s->pop_sd * (hr - mean) / sd : hr;
}

int hr_scale_set(struct hr_scale *s, const char *athlete, float mean, float sd, long long steps)
{
    int pos;
    if (!athlete || !athlete[0])
        return -1;
    struct hr_scale_athlete *r;
    if (idtable_find(s->ath, s->n, sizeof *s->ath, athlete, &pos)) {
        r = &s->ath[pos];
    } else {
        void *base = s->ath;
        r = idtable_insert(&base, &s->n, sizeof *r, sizeof r->id, athlete);
        s->ath = base;
        if (!r)
            return -1;
    }
    r->mean = mean;
    r->sd = sd;
    r->steps = steps;
    return 0;
}

int hr_scale_knows(const struct hr_scale *s, const char *athlete)
{
    int pos;
    return athlete && athlete[0] && idtable_find(s->ath, s->n, sizeof *s->ath, athlete, &pos);
}

/* Running sums of one athlete's HR steps (an idtable record, like the table's). */
struct hr_sums {
    char id[WK_ATHLETE_LEN];
    double c, sum, sum2;
};
_Static_assert(offsetof(struct hr_sums, id) == 0, "idtable records start with their id");

static void add_series(struct hr_sums *a, const struct series *v, int keep_flagged)
{
    const float *hr = S_HR(v);
    for (int t = 0; t < v->n; t++)
        if (isfinite(hr[t]) && (keep_flagged || series_hr_trusted(v, t))) {
            a->c += 1;
            a->sum += hr[t];
            a->sum2 += (double)hr[t] * hr[t];
        }
}

/* Set the athlete's entry from their sums when they cover HR_SCALE_MIN_S: 1, 0 when not, -1 on out of memory. */
static int set_from_sums(struct hr_scale *s, const struct hr_sums *a, float step)
{
    if (a->c * step < HR_SCALE_MIN_S)
        return 0;
    double m = a->sum / a->c, var = a->sum2 / a->c - m * m, sd = var > 0 ? sqrt(var) : 0;
    return hr_scale_set(s, a->id, (float)m, (float)(sd > HR_SCALE_MIN_SD ? sd : HR_SCALE_MIN_SD), (long long)a->c)
               ? -1
               : 1;
}

int hr_scale_fit_athlete(struct hr_scale *s, const struct series *const *v, int n, const char *athlete,
                         int keep_flagged)
{
    if (!athlete || !athlete[0] || n <= 0)
        return 0;
    struct hr_sums a = {{0}, 0, 0, 0};
    snprintf(a.id, sizeof a.id, "%s", athlete);
    for (int i = 0; i < n; i++)
        if (!strcmp(v[i]->meta.athlete, athlete))
            add_series(&a, v[i], keep_flagged);
    return set_from_sums(s, &a, v[0]->step);
}

int hr_scale_fit(struct hr_scale *s, const struct series *const *v, int n, int keep_flagged)
{
    hr_scale_free(s);
    s->on = 1;
    /* one pass: each series' steps into its athlete's sums (the athletes sorted by id as they come) */
    void *base = NULL;
    int n_ath = 0, rc = 0;
    struct hr_sums all = {{0}, 0, 0, 0};
    for (int i = 0; i < n && !rc; i++) {
        const char *id = v[i]->meta.athlete;
        int pos;
        struct hr_sums *a = NULL;
        if (id[0] && idtable_find(base, n_ath, sizeof *a, id, &pos))
            a = (struct hr_sums *)base + pos;
        else if (id[0])
            a = idtable_insert(&base, &n_ath, sizeof *a, sizeof a->id, id);
        if (id[0] && !a)
            rc = -1;
        else if (a)
            add_series(a, v[i], keep_flagged);
        add_series(&all, v[i], keep_flagged);
    }
    for (int i = 0; i < n_ath && !rc; i++)
        rc = set_from_sums(s, (struct hr_sums *)base + i, v[0]->step) < 0 ? -1 : 0;
    free(base);
    if (rc)
        return -1;
    if (s->n > 0) {
        double m = 0, sd = 0;
        for (int i = 0; i < s->n; i++) {
            m += s->ath[i].mean;
            sd += s->ath[i].sd;
        }
        s->pop_mean = (float)(m / s->n);
        s->pop_sd = (float)(sd / s->n);
    } else if (all.c > 0) { /* nobody with enough HR: the steps pooled */
        double m = all.sum / all.c, var = all.sum2 / all.c - m * m, sd = var > 0 ? sqrt(var) : 0;
        s->pop_mean = (float)m;
        s->pop_sd = (float)(sd > HR_SCALE_MIN_SD ? sd : HR_SCALE_MIN_SD);
    }
    return 0;
}

void hr_scale_write_json(const struct hr_scale *s, struct jw *w)
{
    jw_obj_begin(w);
    jw_kv_str(w, "rule", "hr = mean + sd * (network - pop_mean) / pop_sd; mean, sd per athlete (athletes: "
                          "[mean, sd, steps]), else pop_mean, pop_sd");
    jw_kv_num(w, "pop_mean", json_float_decimal(s->pop_mean));
    jw_kv_num(w, "pop_sd", json_float_decimal(s->pop_sd));
    jw_kv_num(w, "min_s", HR_SCALE_MIN_S);
    jw_key(w, "athletes");
    jw_obj_begin(w);
    for (int i = 0; i < s->n; i++) {
        jw_key(w, s->ath[i].id);
        jw_arr_begin(w);
        jw_num(w, json_float_decimal(s->ath[i].mean));
        jw_num(w, json_float_decimal(s->ath[i].sd));
        jw_int(w, s->ath[i].steps);
        jw_arr_end(w);
    }
    jw_obj_end(w);
    jw_obj_end(w);
}

static int mean_ok(double m) { return m >= 30.0 && m <= 230.0; }
static int sd_ok(double sd) { return sd >= HR_SCALE_MIN_SD && sd <= 100.0; }

int hr_scale_read_json(struct hr_scale *s, const struct json *j, const char *path, struct hr_err *e)
{
    hr_scale_init(s);
    if (!j)
        return 0;
    double m = json_get_num(j, "pop_mean", NAN), sd = json_get_num(j, "pop_sd", NAN);
    if (!mean_ok(m) || !sd_ok(sd))
        return hr_fail(e, "%s: hr_scale: pop_mean must lie in 30-230 bpm and pop_sd in 3-100", path);
    s->on = 1;
    s->pop_mean = (float)m;
    s->pop_sd = (float)sd;
    json_foreach(it, json_get(j, "athletes"))
    {
        double am = json_num(json_at(it, 0), NAN), asd = json_num(json_at(it, 1), NAN);
        double steps = json_num(json_at(it, 2), 0);
        if (!it->key || !it->key[0] || strlen(it->key) >= WK_ATHLETE_LEN || json_len(it) != 3 || !mean_ok(am) ||
            !sd_ok(asd) || !(steps >= 0 && steps < 9e15)) {
            hr_scale_free(s);
            return hr_fail(e, "%s: hr_scale athlete '%s': not [mean 30-230, sd 3-100, steps], or a bad id", path,
                           it->key ? it->key : "");
        }
        if (hr_scale_set(s, it->key, (float)am, (float)asd, (long long)steps)) {
            hr_scale_free(s);
            return hr_fail(e, "%s: out of memory", path);
        }
    }
    return 0;
}
