/* recent.c — see recent.h. */
#include "serve/recent.h"
#include "eval/form_history.h"
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
        int rc = form_history_from_runs(p, &runs, athlete, 0, NULL, h, e); /* all of them the uploader's */
        run_list_free(&runs);
        if (rc)
            return -1;
    }
    if (*files > 0 && h->n == 0)
        return hr_fail(e, "recent runs: none of the %d files has %g s of heart rate", *files, (double)FORM_MIN_S);
    return 0;
}
