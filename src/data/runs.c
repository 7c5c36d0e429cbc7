/* runs.c — see runs.h. */
#include "data/runs.h"
#include "data/dataset.h"
#include "prep/prep.h"
#include "util/fileio.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct collect {
    struct run_list *l;
    struct prep_opts po;
    struct hr_err err;
    int failed, rejected;
    enum reject_reason why;
};

static int push_copy(struct run_list *l, const struct series *s)
{
    struct series *ns = realloc(l->s, sizeof *ns * (size_t)(l->n + 1));
    if (!ns)
        return -1;
    l->s = ns;
    struct series *d = &l->s[l->n];
    if (series_alloc(d, s->n, s->step))
        return -1;
    for (int c = 0; c < CH_COUNT; c++)
        memcpy(d->ch[c], s->ch[c], sizeof(float) * (size_t)s->n);
    if (s->hr_issue) /* the HR-quality verdicts travel too (none: every recorded HR is trusted, as alloc's) */
        memcpy(d->hr_issue, s->hr_issue, (size_t)s->n);
    if (s->meta.has_hr_truth && s->hr_truth)
        memcpy(d->hr_truth, s->hr_truth, (size_t)s->n);
    d->meta = s->meta;
    l->n++;
    return 0;
}

static int sink(void *ctx, struct workout *w)
{
    struct collect *c = ctx;
    struct series s;
    enum reject_reason why;
    int rc = prep_workout(w, &c->po, &s, &why, NULL, &c->err);
    if (rc < 0) {
        c->failed = 1;
        return 1;
    }
    if (rc > 0) {
        c->rejected++;
        c->why = why;
        return 0;
    }
    /* prep allocated s: the list takes ownership */
    struct series *ns = realloc(c->l->s, sizeof *ns * (size_t)(c->l->n + 1));
    if (!ns) {
        series_free(&s);
        c->failed = 1;
        hr_fail(&c->err, "out of memory");
        return 1;
    }
    c->l->s = ns;
    c->l->s[c->l->n++] = s;
    return 0;
}

static void collect_init(struct collect *c, struct run_list *out, float step)
{
    memset(c, 0, sizeof *c);
    c->l = out;
    prep_opts_default(&c->po);
    c->po.step = step;
    c->po.require_hr = 0;
    snprintf(c->po.sport, sizeof c->po.sport, "any");
}

static int finish(struct collect *c, const char *name, int rc, struct hr_err *e)
{
    if (c->failed) {
        run_list_free(c->l);
        return hr_fail(e, "%s", c->err.msg);
    }
    if (rc)
        return -1;
    if (c->l->n == 0) {
        run_list_free(c->l);
        c->l->no_time = c->rejected && c->why == REJ_NO_TIME;
        return hr_fail(e, "%s: no usable workout (%s)", name,
                       c->rejected ? reject_reason_name(c->why) : "no samples");
    }
    return 0;
}

int load_runs(const char *path, float step, const struct read_opts *ro, struct run_list *out, struct hr_err *e)
{
    memset(out, 0, sizeof *out);
    if (path_is_stream(path)) {
        /* read once, whole: the dataset check below would take the first bytes of a pipe */
        struct read_opts def;
        if (!ro) {
            read_opts_default(&def);
            ro = &def;
        }
        uint8_t *buf;
        size_t n;
        if (read_file_all(path, &buf, &n, ro->lim.max_inflate, e))
            return -1;
        const char *name = path_display_name(path);
        int rc = n >= 8 && !memcmp(buf, "HRCDSET", 8)
                     ? hr_fail(e, "%s: a dataset is mapped from a file, not read from a pipe or stdin; give its path",
                               name)
                     : load_runs_buffer(buf, n, name, step, ro, out, e);
        free(buf);
        return rc;
    }
    struct dataset ds;
    FILE *f = fopen(path, "rb");
    char magic[8] = {0};
    if (f) {
        size_t got = fread(magic, 1, 8, f);
        (void)got;
        fclose(f);
    }
    if (!memcmp(magic, "HRCDSET", 8)) {
        if (dataset_open(path, &ds, e))
            return -1;
        if (ds.step != step) {
            float ds_step = ds.step; /* dataset_close clears ds */
            dataset_close(&ds);
            return hr_fail(e, "%s: the dataset's grid step %g s differs from the model's %g s (import the recordings "
                           "again with --step %g, or use a model trained at %g s)", path, ds_step, step, step, ds_step);
        }
        for (int i = 0; i < ds.n; i++) {
            struct series v;
            dataset_series(&ds, i, &v);
            if (push_copy(out, &v)) {
                dataset_close(&ds);
                run_list_free(out);
                return hr_fail(e, "%s: out of memory", path);
            }
        }
        dataset_close(&ds);
        return out->n ? 0 : hr_fail(e, "%s: the dataset is empty", path);
    }
    struct collect c;
    collect_init(&c, out, step);
    int rc = io_read_path(path, ro, sink, &c, e);
    return finish(&c, path, rc, e);
}

int load_runs_buffer(const uint8_t *buf, size_t n, const char *name, float step, const struct read_opts *ro,
                     struct run_list *out, struct hr_err *e)
{
    memset(out, 0, sizeof *out);
    struct collect c;
    collect_init(&c, out, step);
    int rc = io_read_buffer(buf, n, name, ro, sink, &c, e);
    return finish(&c, name, rc, e);
}

void run_list_free(struct run_list *l)
{
    for (int i = 0; i < l->n; i++)
        series_free(&l->s[i]);
    free(l->s);
    l->s = NULL;
    l->n = 0;
}
