/* recent_runs.c — see recent_runs.h. */
#include "cli/recent_runs.h"
#include "data/runs.h"
#include "util/log.h"
#include <stdio.h>

int cli_recent_runs(const char *cmd, const struct predictor *p, const char *const *files, int n,
                    const struct read_opts *ro, const char *athlete, char gender, struct form_history *h)
{
    struct hr_err e = {{0}};
    int before = h->n;
    for (int k = 0; k < n; k++) {
        struct run_list runs;
        if (load_runs(files[k], p->step, ro, &runs, &e)) {
            fprintf(stderr, "hrcast %s: --recent-form: %s\n", cmd, e.msg);
            return 1;
        }
        for (int i = 0; i < runs.n; i++) {
            struct series *s = &runs.s[i];
            if (athlete && athlete[0])
                snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete);
            else if (!s->meta.athlete[0]) /* as predictor_predict names them */
                snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", predictor_runner(p, ""));
            if (gender)
                s->meta.gender = gender;
            struct form_run r;
            int got = form_measure(p, s, &r, &e);
            if (got < 0 || (got == 1 && form_history_add(h, &r))) {
                fprintf(stderr, "hrcast %s: --recent-form: %s: %s\n", cmd, s->meta.source,
                        got < 0 ? e.msg : "out of memory");
                run_list_free(&runs);
                return 1;
            }
            if (got == 0)
                hr_warn("--recent-form: %s has less than %g s of trusted heart rate: not counted", s->meta.source,
                        (double)FORM_MIN_S);
        }
        run_list_free(&runs);
    }
    if (n > 0 && h->n == before) {
        fprintf(stderr, "hrcast %s: --recent-form: none of the runs given has %g s of trusted heart rate\n", cmd,
                (double)FORM_MIN_S);
        return 1;
    }
    return 0;
}
