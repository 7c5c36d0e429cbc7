/* recent.c — see recent.h. */
#include "serve/recent.h"
#include "data/runs.h"
#include "serve/multipart.h"
#include <stdio.h>

int serve_recent_runs(const struct predictor *p, const uint8_t *body, size_t n, const char *boundary,
                      const struct hr_limits *lim, const char *athlete, struct form_history *h, int *files,
                      struct hr_err *e)
{
    struct multipart_file part[SERVE_RECENT_MAX];
    if (multipart_find_all(body, n, boundary, MULTIPART_RECENT_FIELD, part, SERVE_RECENT_MAX, files, e))
        return -1;
    struct read_opts ro;
    read_opts_default(&ro);
    ro.lim = *lim;
    int total = 0;
    for (int k = 0; k < *files; k++) {
        char name[160];
        snprintf(name, sizeof name, "recent run %d%s%.128s", k + 1, part[k].filename[0] ? " " : "",
                 part[k].filename);
        struct run_list runs;
        if (load_runs_buffer(part[k].data, part[k].len, name, p->step, &ro, &runs, e))
            return -1;
        if ((total += runs.n) > SERVE_RECENT_RUNS_MAX) {
            run_list_free(&runs);
            return hr_fail(e, "recent runs: more than %d runs in the %d files", SERVE_RECENT_RUNS_MAX, *files);
        }
        for (int i = 0; i < runs.n; i++) {
            struct series *s = &runs.s[i];
            snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete); /* the uploader's */
            struct form_run r;
            int got = form_measure(p, s, &r, e);
            if (got < 0 || (got == 1 && form_history_add(h, &r))) {
                run_list_free(&runs);
                return got < 0 ? -1 : hr_fail(e, "out of memory");
            }
        }
        run_list_free(&runs);
    }
    if (*files > 0 && h->n == 0)
        return hr_fail(e, "recent runs: none of the %d files has %g s of heart rate", *files, (double)FORM_MIN_S);
    return 0;
}
