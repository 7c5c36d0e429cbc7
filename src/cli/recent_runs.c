/* recent_runs.c — see recent_runs.h. */
#include "cli/recent_runs.h"
#include "eval/form_history.h"
#include "util/log.h"
#include <stdio.h>

static void warn_short(const struct series *s)
{
    hr_warn("--recent-form: %s has less than %g s of trusted heart rate: not counted", s->meta.source,
            (double)FORM_MIN_S);
}

int cli_recent_runs(const char *cmd, const struct predictor *p, const char *const *files, int n,
                    const struct read_opts *ro, const char *athlete, char gender, struct form_history *h)
{
    struct hr_err e = {{0}};
    int before = h->n, dups = h->dups;
    for (int k = 0; k < n; k++) {
        struct run_list runs;
        if (load_runs(files[k], p->step, ro, &runs, &e)) {
            fprintf(stderr, "hrcast %s: --recent-form: %s\n", cmd, e.msg);
            return 1;
        }
        int rc = form_history_from_runs(p, &runs, athlete, gender, warn_short, h, &e);
        run_list_free(&runs);
        if (rc) {
            fprintf(stderr, "hrcast %s: --recent-form: %s\n", cmd, e.msg);
            return 1;
        }
    }
    if (h->dups > dups)
        hr_warn("--recent-form: %d of the runs given %s the same recording as another one given (the same movement): "
                "each run counts once", h->dups - dups, h->dups - dups == 1 ? "is" : "are");
    if (n > 0 && h->n == before) {
        fprintf(stderr, "hrcast %s: --recent-form: none of the runs given has %g s of trusted heart rate\n", cmd,
                (double)FORM_MIN_S);
        return 1;
    }
    return 0;
}
