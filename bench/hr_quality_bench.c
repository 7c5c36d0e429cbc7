/* hr_quality_bench.c — precision and recall of the HR-quality verdicts (src/prep/hr_quality.c) against
 * ground truth: the injected artifacts of `hrcast simulate --artifacts` (stored in the dataset), or a
 * labels file for real recordings (bench/hr_quality_labels.txt: file, time range, reason).
 * Only steps with a recorded HR count. Per reason: truth steps, flagged steps, recall (flagged with
 * that reason / with any reason), precision (flags of that reason that are that artifact / any
 * artifact); and the share of clean (truth: no artifact) steps flagged, by reason.
 * Labels: one per line, FILE START_S END_S REASON (seconds from the start of the series; REASON a
 * verdict name, "clean" or "unsure"); every step of a listed file outside its ranges is clean.
 * Usage: hr_quality_bench DATASET [LABELS]   (built and run by bench/hr_quality.sh) */
#include "data/dataset.h"
#include "prep/hr_quality.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LABELS 4096
#define UNSURE 255 /* a reviewed range nobody could call: left out of the counts */

struct label {
    char file[256];
    double t0, t1; /* seconds from the start of the series */
    int reason;    /* HRQ_TRUSTED for "clean" */
};

static int read_labels(const char *path, struct label *lab, int *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "hr_quality_bench: %s: cannot open\n", path);
        return -1;
    }
    char line[1024];
    int ln = 0;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || !*p)
            continue;
        char file[256], reason[64];
        double a, b;
        if (sscanf(p, "%255s %lf %lf %63s", file, &a, &b, reason) != 4) {
            fprintf(stderr, "hr_quality_bench: %s:%d: expected FILE START_S END_S REASON\n", path, ln);
            fclose(f);
            return -1;
        }
        int r = !strcmp(reason, "clean") ? HRQ_TRUSTED : !strcmp(reason, "unsure") ? UNSURE : hr_issue_parse(reason);
        if (r < 0 || *n >= MAX_LABELS) {
            fprintf(stderr, "hr_quality_bench: %s:%d: unknown reason %s (or too many labels)\n", path, ln, reason);
            fclose(f);
            return -1;
        }
        snprintf(lab[*n].file, sizeof lab[*n].file, "%s", file);
        lab[*n].t0 = a;
        lab[*n].t1 = b;
        lab[*n].reason = r;
        (*n)++;
    }
    fclose(f);
    return 0;
}

/* Does the series' source end with the label's file (path relative to the data folder)? */
static int source_matches(const char *source, const char *file)
{
    size_t ls = strlen(source), lf = strlen(file);
    const char *hash = strchr(source, '#');
    if (hash)
        ls = (size_t)(hash - source);
    return ls >= lf && !strncmp(source + ls - lf, file, lf) && (ls == lf || source[ls - lf - 1] == '/');
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: hr_quality_bench DATASET [LABELS]\n");
        return 2;
    }
    struct dataset ds;
    struct hr_err e;
    if (dataset_open(argv[1], &ds, &e)) {
        fprintf(stderr, "hr_quality_bench: %s\n", e.msg);
        return 1;
    }
    if (ds.version < 2) {
        fprintf(stderr, "hr_quality_bench: %s has no verdicts (version %d); import it again\n", argv[1], ds.version);
        return 1;
    }
    static struct label lab[MAX_LABELS];
    int nlab = 0;
    if (argc == 3 && read_labels(argv[2], lab, &nlab))
        return 1;
    /* m[truth][verdict]: steps with recorded HR */
    long long m[HRQ_COUNT][HRQ_COUNT] = {{0}};
    long long strap_clean = 0, strap_flag = 0; /* clean steps of series recorded with a chest strap */
    int used = 0;
    uint8_t *truth = NULL;
    for (int i = 0; i < ds.n; i++) {
        struct series s;
        dataset_series(&ds, i, &s);
        if (argc == 3) {
            int any = 0;
            for (int l = 0; l < nlab; l++)
                any |= source_matches(s.meta.source, lab[l].file);
            if (!any)
                continue;
            uint8_t *t = realloc(truth, (size_t)s.n + 1);
            if (!t)
                return 1;
            truth = t;
            memset(truth, 0, (size_t)s.n);
            for (int l = 0; l < nlab; l++)
                if (source_matches(s.meta.source, lab[l].file))
                    for (int k = 0; k < s.n; k++)
                        if (k * s.step >= lab[l].t0 && k * s.step < lab[l].t1 && lab[l].reason != HRQ_TRUSTED)
                            truth[k] = (uint8_t)lab[l].reason;
        } else if (!s.meta.has_hr_truth) {
            continue;
        }
        used++;
        const uint8_t *tv = argc == 3 ? truth : s.hr_truth;
        int strap = !strcmp(s.meta.hr_sensor, "strap");
        for (int k = 0; k < s.n; k++)
            if (isfinite(s.ch[CH_HR][k]) && s.hr_issue[k] < HRQ_COUNT && tv[k] < HRQ_COUNT) { /* not UNSURE */
                m[tv[k]][s.hr_issue[k]]++;
                if (strap && tv[k] == HRQ_TRUSTED) {
                    strap_clean++;
                    strap_flag += hr_issue_flagged(s.hr_issue[k]);
                }
            }
    }
    free(truth);
    printf("%s: %d series with ground truth (%s)\n", argv[1], used, argc == 3 ? argv[2] : "injected artifacts");
    printf("| reason | truth steps | flagged steps | recall (this reason) | recall (any flag) | precision (this "
           "reason) | precision (any artifact) |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (int r = HRQ_FIRST_FLAG; r < HRQ_COUNT; r++) {
        long long t = 0, f = 0, tp = 0, t_any = 0, f_art = 0;
        for (int v = 0; v < HRQ_COUNT; v++) {
            t += m[r][v];
            f += m[v][r];
            t_any += hr_issue_flagged((uint8_t)v) ? m[r][v] : 0;
            f_art += hr_issue_flagged((uint8_t)v) ? m[v][r] : 0;
        }
        tp = m[r][r];
        printf("| %s | %lld | %lld | ", hr_issue_name((enum hr_issue)r), t, f);
        if (t)
            printf("%.1f %% | %.1f %% | ", 100.0 * tp / t, 100.0 * t_any / t);
        else
            printf("- | - | ");
        if (f)
            printf("%.1f %% | %.1f %% |\n", 100.0 * tp / f, 100.0 * f_art / f);
        else
            printf("- | - |\n");
    }
    long long clean = 0, clean_flag = 0;
    for (int v = 0; v < HRQ_COUNT; v++) {
        clean += m[HRQ_TRUSTED][v];
        clean_flag += hr_issue_flagged((uint8_t)v) ? m[HRQ_TRUSTED][v] : 0;
    }
    printf("\nclean steps (no artifact in the truth): %lld, flagged %lld = %.2f %%", clean, clean_flag,
           clean ? 100.0 * clean_flag / clean : 0.0);
    for (int v = HRQ_FIRST_FLAG; v < HRQ_COUNT; v++)
        if (m[HRQ_TRUSTED][v])
            printf("; %s %.2f %%", hr_issue_name((enum hr_issue)v), 100.0 * m[HRQ_TRUSTED][v] / clean);
    printf("\nclean steps of chest-strap recordings: %lld, flagged %lld = %.2f %%\n", strap_clean, strap_flag,
           strap_clean ? 100.0 * strap_flag / strap_clean : 0.0);
    dataset_close(&ds);
    return 0;
}
