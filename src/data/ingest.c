/* ingest.c — see ingest.h. */
#include "data/ingest.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ingest_open(struct ingest *g, const char *out_path, const struct prep_opts *o, struct hr_err *e)
{
    memset(g, 0, sizeof *g);
    g->popts = *o;
    g->w = dataset_writer_open(out_path, o->step, e);
    return g->w ? 0 : -1;
}

static uint64_t dup_key(const struct series_meta *m)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = m->athlete; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    h ^= (uint64_t)llround(m->start_time) * 0x9E3779B97F4A7C15ull;
    return h ? h : 1;
}

/* Returns 1 if the key was already present, 0 if inserted, -1 on out of memory. */
static int seen_insert(struct ingest *g, uint64_t key)
{
    if ((g->seen_n + 1) * 2 > g->seen_cap) {
        size_t cap = g->seen_cap ? g->seen_cap * 2 : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < g->seen_cap; i++)
            if (g->seen[i]) {
                size_t j = g->seen[i] & (cap - 1);
                while (t[j])
                    j = (j + 1) & (cap - 1);
                t[j] = g->seen[i];
            }
        free(g->seen);
        g->seen = t;
        g->seen_cap = cap;
    }
    size_t j = key & (g->seen_cap - 1);
    while (g->seen[j]) {
        if (g->seen[j] == key)
            return 1;
        j = (j + 1) & (g->seen_cap - 1);
    }
    g->seen[j] = key;
    g->seen_n++;
    return 0;
}

int ingest_sink(void *ctx, struct workout *w)
{
    struct ingest *g = ctx;
    struct series s;
    enum reject_reason why;
    g->workouts_in++;
    if (w->grid_step > 0 && fabsf(w->grid_step - g->popts.step) > 1e-6f && !g->warned_grid) {
        g->warned_grid = 1;
        hr_warn("%s: an hrcast export on a %g s grid, resampled to %g s (import with --step %g to keep it as it is)",
                w->source, w->grid_step, g->popts.step, w->grid_step);
    }
    int regrid = w->grid_step > 0 && fabsf(w->grid_step - g->popts.step) > 1e-6f;
    if (w->grid_step > 0 && (regrid || !w->has_hr_issue) && !g->warned_verdicts) {
        g->warned_verdicts = 1; /* on its own grid an export's stored verdicts are kept as they are */
        hr_warn("%s: an hrcast export %s: its HR-quality verdicts are assessed again without cadence (a dataset "
                "does not store it), so cadence locks are not flagged again and pauses read as hr_gap (docs/data.md)",
                w->source, regrid ? "on another grid" : "without stored verdicts");
    }
    /* this workout's counts on their own: its masked samples join the totals only if it is kept (a rejected
     * workout's, or a duplicate's, were counted too, so the masks did not match the dataset) */
    struct prep_stats one;
    memset(&one, 0, sizeof one);
    int rc = prep_workout(w, &g->popts, &s, &why, &one, &g->err);
    for (int r = 0; r < REJ_COUNT; r++)
        g->st.rejected[r] += one.rejected[r];
    if (rc < 0) {
        g->failed = 1;
        return 1;
    }
    if (rc > 0) {
        if (why == REJ_NOT_RUNNING) /* name the sport, and how to keep it */
            hr_debug("%s: rejected: %s (sport %s; --sport any keeps every sport)", w->source,
                     reject_reason_name(why), w->sport);
        else
            hr_debug("%s: rejected: %s", w->source, reject_reason_name(why));
        return 0;
    }
    if (isfinite(s.meta.start_time)) {
        int d = seen_insert(g, dup_key(&s.meta));
        if (d != 0) {
            series_free(&s);
            if (d < 0) {
                hr_fail(&g->err, "out of memory");
                g->failed = 1;
                return 1;
            }
            g->st.rejected[REJ_DUPLICATE]++;
            hr_debug("%s: rejected: duplicate", w->source);
            return 0;
        }
    }
    if (dataset_writer_add(g->w, &s, &g->err)) {
        series_free(&s);
        g->failed = 1;
        return 1;
    }
    g->st.accepted += one.accepted;
    for (int r = 0; r < MASK_COUNT; r++)
        g->st.masked[r] += one.masked[r];
    g->hours += s.n * s.step / 3600.0;
    for (int k = 0; k < s.n; k++)
        g->hr_quality[s.hr_issue[k] < HRQ_COUNT ? s.hr_issue[k] : HRQ_HR_GAP]++;
    series_free(&s);
    return 0;
}

void ingest_count(struct ingest *g, enum reject_reason r) { g->st.rejected[r]++; }

int ingest_finish(struct ingest *g, uint64_t split_seed, const char *desc, struct hr_err *e)
{
    struct ds_reject r[DS_MAX_REJECT];
    int n = 0;
    for (int i = 0; i < REJ_COUNT && n < DS_MAX_REJECT; i++) {
        snprintf(r[n].reason, DS_REASON_LEN, "%s", reject_reason_name((enum reject_reason)i));
        r[n++].count = g->st.rejected[i];
    }
    for (int i = 0; i < MASK_COUNT && n < DS_MAX_REJECT; i++) {
        snprintf(r[n].reason, DS_REASON_LEN, "mask:%s", mask_reason_name((enum mask_reason)i));
        r[n++].count = g->st.masked[i];
    }
    dataset_writer_set_rejects(g->w, r, n);
    dataset_writer_set_desc(g->w, desc ? desc : "");
    int rc = dataset_writer_finish(g->w, split_seed, e);
    g->w = NULL;
    free(g->seen);
    g->seen = NULL;
    return rc;
}

void ingest_abort(struct ingest *g)
{
    dataset_writer_abort(g->w);
    g->w = NULL;
    free(g->seen);
    g->seen = NULL;
}
