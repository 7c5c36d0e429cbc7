/* recent_runs.c — see recent_runs.h. */
#include "cli/recent_runs.h"
#include "cli/cliutil.h"
#include "eval/form_history.h"
#include "model/model_athletes.h"
#include "util/log.h"
#include <stdio.h>
#include <string.h>

static void warn_short(const struct series *s)
{
    hr_warn("--recent-form: %s has less than %g s of trusted heart rate: not counted", s->meta.source,
            (double)FORM_MIN_S);
}

int cli_recent_runs(const char *cmd, const struct predictor *p, const char *const *files, int n,
                    const struct read_opts *ro, const char *athlete, char gender, struct form_history *h)
{
    struct hr_err e = {{0}};
    int before = h->n, dups = h->dups, others = h->others;
    for (int k = 0; k < n; k++) {
        struct run_list runs;
        if (load_runs(files[k], p->step, ro, &runs, &e)) {
            fprintf(stderr, "hrcast %s: --recent-form: %s\n", cmd, e.msg);
            return 1;
        }
        int renamed = h->renamed;
        int rc = form_history_from_runs(p, &runs, athlete, gender, warn_short, h, &e);
        run_list_free(&runs);
        if (rc == 0 && h->renamed > renamed)
            hr_info("--recent-form: the %d run%s of %s name%s one runner, '%s': counted as %s's (--athlete)",
                    h->renamed - renamed, h->renamed - renamed == 1 ? "" : "s", files[k],
                    h->renamed - renamed == 1 ? "s" : "", h->renamed_from, athlete);
        if (rc) {
            fprintf(stderr, "hrcast %s: --recent-form: %s\n", cmd, e.msg);
            return 1;
        }
    }
    if (h->dups > dups)
        hr_warn("--recent-form: %d of the runs given %s the same recording as another one given (the same movement): "
                "each run counts once", h->dups - dups, h->dups - dups == 1 ? "is" : "are");
    if (h->others > others && h->n > before)
        hr_info("--recent-form: %d of the runs given name another runner than %s: left out", h->others - others,
                athlete);
    if (n > 0 && h->n == before && h->others > others) {
        fprintf(stderr, "hrcast %s: --recent-form: none of the runs given is %s's (%d name other runners)\n", cmd,
                athlete, h->others - others);
        return 1;
    }
    if (n > 0 && h->n == before) {
        fprintf(stderr, "hrcast %s: --recent-form: none of the runs given has %g s of trusted heart rate\n", cmd,
                (double)FORM_MIN_S);
        return 1;
    }
    return 0;
}

static int history_has(const struct form_history *h, const char *athlete)
{
    for (int i = 0; i < h->n; i++)
        if (!strcmp(h->r[i].athlete, athlete))
            return 1;
    return 0;
}

int cli_recent_athlete(const char *cmd, const struct predictor *p, const char *model_path, const char *athlete,
                       const struct form_history *h)
{
    char why[1200];
    int rc = model_has_athlete(p, athlete, why, sizeof why, NULL);
    if (rc < 0) {
        fprintf(stderr, "hrcast %s: out of memory\n", cmd);
        return 1;
    }
    if (rc > 0)
        return 0;
    if (!history_has(h, athlete)) {
        fprintf(stderr, "hrcast %s: --athlete: %s %s; and none of the runs given for --recent-form is theirs\n", cmd,
                model_path, why);
        return 2;
    }
    hr_info("%s has no parameters for %s: predicted as a new runner, on the HR scale and form of their runs given "
            "for --recent-form", model_path, athlete);
    return 0;
}

int cli_recent_runner(const char *cmd, const struct form_history *h, const char *runner, const char *what)
{
    const char *a, *b;
    int n = form_history_runners(h, &a, &b);
    if ((runner && runner[0]) || n < 2)
        return 0;
    fprintf(stderr, "hrcast %s: --recent-form: %s names no runner, and the runs given are of %d runners (%s, %s%s): "
                    "name the runner with --athlete ID (only their runs count)\n", cmd, what, n, a, b,
            n > 2 ? ", ..." : "");
    return 2;
}

void cli_recent_none(const struct form_history *h, const char *runner, const char *what)
{
    const char *a = NULL, *b = NULL;
    if (runner && runner[0] && !history_has(h, runner) && form_history_runners(h, &a, &b) > 0) {
        char word[3 * WK_ATHLETE_LEN];
        hr_warn("%s: none of the runs given for --recent-form is %s's: they name '%s'%s%s%s%s: no shift; if they are "
                "%s's, add --athlete %s (a file of one runner's runs then counts as theirs)", what, runner, a,
                b ? ", '" : "", b ? b : "", b ? "'" : "", b ? " (several runners: only --athlete's count)" : "", runner,
                cli_shell_word(runner, word, sizeof word));
        return;
    }
    hr_warn("%s: none of the runs given for --recent-form started in the %g days before it: no shift", what,
            FORM_DAYS);
}
