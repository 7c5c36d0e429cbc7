/* physio.c — the physiological model's parameters, prediction and athlete table (see physio.h). */
#include "model/physio.h"
#include "util/idtable.h"
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void physio_params_default(struct physio_params *p)
{
    /* HR ~ 80 bpm + 24 bpm per m/s (easy 2.5 m/s -> 140), tau 58 s, drift 4 bpm/h, full Minetti cost */
    *p = (struct physio_params){.offset = 80, .gain = 24, .tau = 58, .drift = 4, .grade_k = 1,
                                .hr0 = 90, .rmse = 12, .n_valid = 0};
}

void physio_fit_opts_default(struct physio_fit_opts *o)
{
    o->prior_weight = 1;
    o->min_valid = 200;
    o->personal = 1;
}

double physio_cost_ratio(double i)
{
    if (i > 0.45)
        i = 0.45;
    if (i < -0.45)
        i = -0.45;
    /* Minetti et al. 2002: Cr = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6 J/kg/m */
    return (((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6) / 3.6;
}

double physio_alpha(const struct physio_params *p, float step)
{
    double tau = p->tau > 1 ? p->tau : 1;
    return 1.0 - exp(-(double)step / tau);
}

float physio_step(const struct physio_params *p, double alpha, double *h, float speed, float grade, float time_s)
{
    double x = *h;
    float out = (float)(x < 30 ? 30 : x > 230 ? 230 : x);
    double ve = speed * (1.0 + p->grade_k * (physio_cost_ratio(grade) - 1.0));
    double ss = p->offset + p->gain * ve + p->drift * time_s / 3600.0;
    *h = x + (ss - x) * alpha;
    return out;
}

void physio_predict_params(const struct physio_params *p, const struct series *s, float *hr)
{
    double a = physio_alpha(p, s->step), h = p->hr0;
    const float *v = S_SPEED(s), *g = S_GRADE(s), *t = S_TIME(s);
    for (int i = 0; i < s->n; i++)
        hr[i] = physio_step(p, a, &h, v[i], g[i], t[i]);
}

void physio_model_init(struct physio_model *m, float step)
{
    memset(m, 0, sizeof *m);
    m->step = step;
    physio_params_default(&m->pop);
}

void physio_model_free(struct physio_model *m)
{
    free(m->ath);
    m->ath = NULL;
    m->n_ath = 0;
}

_Static_assert(offsetof(struct physio_athlete, id) == 0, "idtable records start with their id");

static int find(const struct physio_model *m, const char *id, int *pos)
{
    return idtable_find(m->ath, m->n_ath, sizeof *m->ath, id, pos);
}

const struct physio_params *physio_model_lookup(const struct physio_model *m, const char *athlete)
{
    int pos;
    if (athlete && athlete[0] && find(m, athlete, &pos))
        return &m->ath[pos].p;
    return &m->pop;
}

int physio_model_set_athlete(struct physio_model *m, const char *athlete, const struct physio_params *p)
{
    int pos;
    if (!athlete || !athlete[0])
        return -1;
    if (find(m, athlete, &pos)) {
        m->ath[pos].p = *p;
        return 0;
    }
    void *base = m->ath;
    struct physio_athlete *r = idtable_insert(&base, &m->n_ath, sizeof *r, sizeof r->id, athlete);
    m->ath = base;
    if (!r)
        return -1;
    r->p = *p;
    return 0;
}

/* predictor glue */
static int physio_impl_predict(void *impl, const struct series *s, float *hr, float *sigma, struct hr_err *e)
{
    (void)e;
    const struct physio_model *m = impl;
    const struct physio_params *p = physio_model_lookup(m, s->meta.athlete);
    physio_predict_params(p, s, hr);
    if (sigma)
        for (int i = 0; i < s->n; i++)
            sigma[i] = p->rmse;
    return 0;
}

static int physio_impl_knows(const void *impl, const char *athlete)
{
    const struct physio_model *m = impl;
    return physio_model_lookup(m, athlete) != &m->pop;
}

static void physio_impl_destroy(void *impl)
{
    physio_model_free(impl);
    free(impl);
}

int physio_predictor_from_model(struct physio_model *m, struct predictor *p, struct hr_err *e)
{
    memset(p, 0, sizeof *p);
    struct physio_model *own = malloc(sizeof *own);
    if (!own)
        return hr_fail(e, "physio: out of memory");
    *own = *m;
    memset(m, 0, sizeof *m);
    strcpy(p->kind, "physio");
    p->step = own->step;
    p->has_sigma = 1;
    p->impl = own;
    p->predict = physio_impl_predict;
    p->knows_athlete = physio_impl_knows;
    p->destroy = physio_impl_destroy;
    p->metadata_json = physio_model_json(own);
    if (!p->metadata_json) {
        predictor_free(p);
        return hr_fail(e, "physio: out of memory");
    }
    return 0;
}
