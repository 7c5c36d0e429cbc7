/* form_history.c — see form_history.h. */
#include "eval/form_history.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int form_history_from_dataset(const struct predictor *p, const struct dataset *ds, enum split_kind kind,
                              const int *idx, int n, struct form_history *h, struct hr_err *e)
{
    if ((int)kind < 0 || (int)kind >= SPLIT_KINDS || !ds->split[kind])
        return hr_fail(e, "recent form: the dataset has no such split");
    /* the selection's athletes, sorted, so that each workout's runner is one binary search */
    const char **who = malloc(sizeof *who * (size_t)(n > 0 ? n : 1));
    unsigned char *want = calloc((size_t)(ds->n > 0 ? ds->n : 1), 1);
    if (!who || !want) {
        free(who);
        free(want);
        return hr_fail(e, "recent form: out of memory");
    }
    for (int i = 0; i < n; i++) {
        who[i] = ds->meta[idx[i]].athlete;
        want[idx[i]] = 1;
    }
    qsort(who, (size_t)n, sizeof *who, by_name);
    for (int i = 0; i < ds->n; i++) {
        const char *a = ds->meta[i].athlete;
        if (!want[i] && ds->split[kind][i] != PART_TRAIN && bsearch(&a, who, (size_t)n, sizeof *who, by_name))
            want[i] = 1;
    }
    free(who);
    int rc = 0;
    for (int i = 0; i < ds->n && rc == 0; i++) {
        if (!want[i] || ds->split[kind][i] == PART_TRAIN)
            continue;
        struct series s;
        dataset_series(ds, i, &s);
        struct form_run r;
        int got = form_measure(p, &s, &r, e);
        if (got < 0 || (got == 1 && form_history_add(h, &r)))
            rc = got < 0 ? -1 : hr_fail(e, "recent form: out of memory");
    }
    free(want);
    return rc;
}

int form_history_from_runs(const struct predictor *p, struct run_list *runs, const char *athlete, char gender,
                           void (*short_run)(const struct series *s), struct form_history *h, struct hr_err *e)
{
    /* a file whose runs name one runner only (a dataset imported from a folder "last-week" names "last-week"):
     * given for `athlete`, they are that runner's, named so by the import, not another runner's among several
     * (until 2026-12-07 left out, the warning then blaming their dates) */
    const char *one = NULL;
    int several = 0;
    for (int i = 0; i < runs->n && !several; i++) {
        const char *who = runs->s[i].meta.athlete;
        if (who[0] && one && strcmp(who, one))
            several = 1;
        else if (who[0])
            one = who;
    }
    if (athlete && athlete[0] && one && !several && strcmp(one, athlete)) {
        snprintf(h->renamed_from, sizeof h->renamed_from, "%s", one);
        h->renamed += runs->n;
        for (int i = 0; i < runs->n; i++)
            snprintf(runs->s[i].meta.athlete, sizeof runs->s[i].meta.athlete, "%s", athlete);
    }
    for (int i = 0; i < runs->n; i++) {
        struct series *s = &runs->s[i];
        if (athlete && athlete[0] && s->meta.athlete[0] && strcmp(s->meta.athlete, athlete)) {
            h->others++; /* another runner's run (a dataset of several): not this runner's form */
            continue;
        }
        if (athlete && athlete[0])
            snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete);
        else if (!s->meta.athlete[0]) /* as predictor_predict names it */
            snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", predictor_runner(p, ""));
        if (gender)
            s->meta.gender = gender;
        struct form_run r;
        int got = form_measure(p, s, &r, e);
        if (got < 0) {
            char why[sizeof e->msg];
            memcpy(why, e->msg, sizeof why); /* hr_fail writes into e->msg */
            return hr_fail(e, "%s: %s", s->meta.source, why);
        }
        if (got == 1 && form_history_add(h, &r))
            return hr_fail(e, "%s: out of memory", s->meta.source);
        if (got == 0 && short_run)
            short_run(s);
    }
    return 0;
}
