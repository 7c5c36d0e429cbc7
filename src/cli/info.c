/* info.c — `hrcast info DATASET [--json] [--features SET [--split SPEC]]`: counts by athlete, sport, split
 * and rejection reason; with --features, each feature's distribution over the dataset (or one split part)
 * instead. --split without --features is refused: the summary is of the whole dataset (its split table
 * already counts every part), and rejections and HR verdicts are counted at import, not per part. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "data/dataset.h"
#include "data/feature_stats.h"
#include "data/splits.h"
#include "prep/hr_quality.h"
#include "util/json.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast info DATASET [--json] [--features SET [--split SPEC]]\n"
    "\n"
    "Summarises a dataset: workouts, athletes, hours, counts by athlete, sport and split, and why\n"
    "workouts were rejected or steps masked during import.\n"
    "\n"
    "options:\n"
    "  --json          one JSON object on stdout (keys: workouts, athletes, hours, step, rejected,\n"
    "                  masked, hr_quality, by_athlete, by_sport, splits); hr_quality: grid steps per\n"
    "                  HR-quality verdict (trusted, hr_gap, pause, cadence_lock, lock_on, dropout,\n"
    "                  stuck, level_shift, spike; docs/data.md), null for a version-1 dataset;\n"
    "                  split_warnings: the warnings below\n"
    "  --features SET  instead: each feature of SET (the list below) over every step of the dataset:\n"
    "                  count, mean, sd, min, p1, p5, p50, p95, p99, max (what a normaliser would\n"
    "                  see; look for outliers). With --json: one object per feature\n"
    "  --split SPEC    with --features only: that split part (athlete:train, chrono:test, ...;\n"
    "                  default all); an empty part is refused (exit 1). Without --features it is\n"
    "                  refused (exit 2): the summary is of the whole dataset, and its split table\n"
    "                  counts the workouts of every part\n"
    "  -h, --help      this text\n"
    "A warning (stderr) names a split part that is empty or tiny (under 10 workouts or 5 % of the\n"
    "valid HR steps), and counts the workouts without a start time: in no chrono part (none) when\n"
    "their athlete has dated ones, else split in file-name order (docs/dataset-format.md).\n"
    "\n"
    "examples:\n"
    "  hrcast info real.hrd\n"
    "  hrcast info real.hrd --json | jq .rejected\n"
    "  hrcast info real.hrd --features default+relalt\n"
    "  hrcast info real.hrd --features default+relalt --split chrono:train\n";

struct tally {
    char name[64];
    int workouts;
    double hours;
};

static int tally_add(struct tally **t, int *n, const char *name, double hours)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp((*t)[i].name, name)) {
            (*t)[i].workouts++;
            (*t)[i].hours += hours;
            return 0;
        }
    struct tally *nt = realloc(*t, sizeof **t * (size_t)(*n + 1));
    if (!nt)
        return -1;
    *t = nt;
    snprintf(nt[*n].name, sizeof nt[*n].name, "%s", name);
    nt[*n].workouts = 1;
    nt[*n].hours = hours;
    (*n)++;
    return 0;
}

static int cmp_tally(const void *a, const void *b)
{
    const struct tally *x = a, *y = b;
    return y->workouts != x->workouts ? y->workouts - x->workouts : strcmp(x->name, y->name);
}

/* A held-out part is tiny below 10 workouts or 5 % of the valid heart-rate steps: its metrics would rest
 * on a few runs. One warning per split kind (empty parts first); returns the count. */
#define TINY_WORKOUTS 10
#define TINY_SHARE 0.05
static int split_warnings(int parts[SPLIT_KINDS][4], double steps[SPLIT_KINDS][3], const char *const *kind_names,
                          char warn[][256])
{
    int n = 0;
    for (int k = 0; k < SPLIT_KINDS; k++) {
        double total = steps[k][0] + steps[k][1] + steps[k][2];
        for (int p = PART_VAL; p <= PART_TEST; p++) {
            double share = total > 0 ? steps[k][p] / total : 0;
            if (parts[k][p] == 0)
                snprintf(warn[n], 256, "the %s split has no %s part%s", kind_names[k], p == PART_VAL ? "validation" : "test",
                         k == SPLIT_ATHLETE ? " (it needs 3 or more athletes): train and eval use the chrono split"
                         : p == PART_VAL ? " (it needs an athlete with 10 or more workouts: each gives the 10 % after "
                                           "their first 70 %, rounded down)"
                                         : " (it needs an athlete with 2 or more workouts)");
            else if (parts[k][p] < TINY_WORKOUTS || share < TINY_SHARE)
                snprintf(warn[n], 256, "the %s split's %s part is tiny: %d workouts, %.1f %% of the valid HR steps "
                         "(its metrics rest on a few runs)", kind_names[k], p == PART_VAL ? "validation" : "test",
                         parts[k][p], 100 * share);
            else
                continue;
            n++;
            break;
        }
    }
    return n;
}

/* `--features SET`: the distribution of every feature of SET over all steps of the dataset. */
static int print_feature_stats(const struct dataset *ds, const char *path, const char *set_name, const char *split,
                               int json)
{
    const struct feature_set *set = feature_set_get(set_name);
    if (!set) {
        char names[256];
        fprintf(stderr, "hrcast info: unknown feature set '%s' (%s)\n", set_name, feature_set_names(names, sizeof names));
        return 2;
    }
    int kind, part, n_idx = 0, *idx = NULL;
    if (parse_split_spec(split, &kind, &part)) {
        fprintf(stderr, "hrcast info: bad --split '%s' (all, athlete:train, chrono:test, ...)\n", split);
        return 2;
    }
    if (kind >= 0 && !(idx = dataset_select(ds, (enum split_kind)kind, (enum split_part)part, &n_idx))) {
        fprintf(stderr, "hrcast info: out of memory\n");
        return 1;
    }
    struct feature_stat st[FEAT_MAX];
    struct hr_err e;
    int rc = kind >= 0 && n_idx == 0 ? 0 : dataset_feature_stats(ds, idx, n_idx, set, st, &e);
    free(idx);
    if (rc) {
        cli_error("info", e.msg);
        return 1;
    }
    if ((kind >= 0 && n_idx == 0) || st[0].count == 0) { /* as eval: no statistics of nothing */
        char q[600];
        fprintf(stderr, "hrcast info: the %s part of %s is empty: no feature statistics (`%s info %s` "
                "says which parts have workouts)\n", split, path, cli_program(), cli_shell_word(path, q, sizeof q));
        return 1;
    }
    if (json) {
        struct jw w;
        jw_init_file(&w, stdout, 1);
        jw_obj_begin(&w);
        for (int f = 0; f < set->n; f++) {
            jw_key(&w, set->names[f]);
            jw_obj_begin(&w);
            jw_kv_int(&w, "count", st[f].count);
            jw_kv_num(&w, "mean", st[f].mean);
            jw_kv_num(&w, "sd", st[f].sd);
            jw_kv_num(&w, "min", st[f].min);
            for (int p = 0; p < FSTAT_NPCT; p++) {
                char key[8];
                snprintf(key, sizeof key, "p%g", feature_stats_pct[p]);
                jw_kv_num(&w, key, st[f].pct[p]);
            }
            jw_kv_num(&w, "max", st[f].max);
            jw_obj_end(&w);
        }
        jw_obj_end(&w);
        fputc('\n', stdout);
        return 0;
    }
    printf("feature set %s over %lld steps of %d workouts (split %s)\n", set->name, st[0].count,
           kind >= 0 ? n_idx : ds->n, split);
    printf("%-22s %10s %10s %10s %10s %10s %10s %10s %10s %10s\n", "feature", "mean", "sd", "min", "p1", "p5",
           "p50", "p95", "p99", "max");
    for (int f = 0; f < set->n; f++) {
        printf("%-22s %10.4g %10.4g %10.4g", set->names[f], st[f].mean, st[f].sd, st[f].min);
        for (int p = 0; p < FSTAT_NPCT; p++)
            printf(" %10.4g", st[f].pct[p]);
        printf(" %10.4g\n", st[f].max);
    }
    return 0;
}

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"features", required_argument, 0, 'F'},
                                         {"split", required_argument, 0, 'S'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int json = 0, c;
    const char *features = NULL, *split = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else if (c == 'F')
            features = optarg;
        else if (c == 'S')
            split = optarg;
        else if (c == 'h')
            return cli_help_features(usage_text);
        else
            return cli_usage(usage_text, 0);
    }
    if (optind != argc - 1)
        return cli_usage(usage_text, 0);
    if (split && !features) {
        fprintf(stderr, "hrcast info: --split needs --features (the summary is of the whole dataset; its split "
                "table counts every part): add --features %s\n", FEATURE_SET_DEFAULT);
        return 2;
    }
    struct dataset ds;
    if (cli_open_dataset("info", usage_text, argv[optind], &ds))
        return 1;
    if (features) {
        int rc = print_feature_stats(&ds, argv[optind], features, split ? split : "all", json);
        dataset_close(&ds);
        return rc;
    }
    struct tally *ath = NULL, *sport = NULL;
    int na = 0, ns = 0;
    double hours = 0;
    long long steps = 0, valid = 0;
    int titled = 0; /* workouts with a title (the activity's name) */
    int parts[SPLIT_KINDS][4] = {{0}}; /* train, val, test, none */
    double part_steps[SPLIT_KINDS][3] = {{0}};
    for (int i = 0; i < ds.n; i++) {
        double h = ds.len[i] * ds.step / 3600.0;
        hours += h;
        steps += ds.len[i];
        valid += (long long)(ds.meta[i].valid_hr_frac * ds.len[i] + 0.5);
        titled += ds.meta[i].title[0] != '\0';
        if (tally_add(&ath, &na, ds.meta[i].athlete, h) || tally_add(&sport, &ns, ds.meta[i].sport, h)) {
            fprintf(stderr, "hrcast info: out of memory\n");
            dataset_close(&ds);
            return 1;
        }
        for (int k = 0; k < SPLIT_KINDS; k++)
            if (ds.split[k][i] < 3) {
                parts[k][ds.split[k][i]]++;
                part_steps[k][ds.split[k][i]] += ds.meta[i].valid_hr_frac * ds.len[i];
            } else {
                parts[k][3]++;
            }
    }
    qsort(ath, (size_t)na, sizeof *ath, cmp_tally);
    qsort(sport, (size_t)ns, sizeof *sport, cmp_tally);
    static const char *kind_names[SPLIT_KINDS] = {"athlete", "chrono"};
    char warn[2 * SPLIT_KINDS + 1][256];
    int n_warn = split_warnings(parts, part_steps, kind_names, warn);
    int undated_out, undated_by_name;
    dataset_chrono_undated(&ds, &undated_out, &undated_by_name);
    n_warn += chrono_undated_text(undated_out, undated_by_name, ds.n, warn[n_warn], sizeof warn[n_warn]);
    for (int k = 0; k < n_warn; k++)
        fprintf(stderr, "warning: %s\n", warn[k]);
    long long hrq[HRQ_COUNT], hrq_truth[HRQ_COUNT];
    int has_hrq = dataset_hr_quality(&ds, 0, hrq) == 0, has_truth = dataset_hr_quality(&ds, 1, hrq_truth) == 0;
    if (json) {
        struct jw w;
        jw_init_file(&w, stdout, 1);
        jw_obj_begin(&w);
        jw_kv_int(&w, "workouts", ds.n);
        jw_kv_int(&w, "athletes", na);
        jw_kv_num(&w, "hours", hours);
        jw_kv_num(&w, "step", ds.step);
        jw_kv_int(&w, "steps", steps);
        jw_kv_int(&w, "valid_hr_steps", valid);
        jw_kv_int(&w, "titled", titled);
        jw_kv_str(&w, "description", ds.source_desc);
        jw_key(&w, "rejected");
        jw_obj_begin(&w);
        for (int r = 0; r < ds.n_reject; r++)
            if (strncmp(ds.reject[r].reason, "mask:", 5))
                jw_kv_int(&w, ds.reject[r].reason, ds.reject[r].count);
        jw_obj_end(&w);
        jw_key(&w, "masked");
        jw_obj_begin(&w);
        for (int r = 0; r < ds.n_reject; r++)
            if (!strncmp(ds.reject[r].reason, "mask:", 5))
                jw_kv_int(&w, ds.reject[r].reason + 5, ds.reject[r].count);
        jw_obj_end(&w);
        for (int pass = 0; pass < 2; pass++) {
            if (pass && !has_truth)
                break;
            jw_key(&w, pass ? "hr_quality_truth" : "hr_quality");
            if (!has_hrq) {
                jw_null(&w);
                continue;
            }
            jw_obj_begin(&w);
            for (int r = 0; r < HRQ_COUNT; r++)
                jw_kv_int(&w, hr_issue_name((enum hr_issue)r), pass ? hrq_truth[r] : hrq[r]);
            jw_obj_end(&w);
        }
        for (int pass = 0; pass < 2; pass++) {
            struct tally *t = pass ? sport : ath;
            int n = pass ? ns : na;
            jw_key(&w, pass ? "by_sport" : "by_athlete");
            jw_obj_begin(&w);
            for (int i = 0; i < n; i++) {
                jw_key(&w, t[i].name);
                jw_obj_begin(&w);
                jw_kv_int(&w, "workouts", t[i].workouts);
                jw_kv_num(&w, "hours", t[i].hours);
                jw_obj_end(&w);
            }
            jw_obj_end(&w);
        }
        jw_key(&w, "splits");
        jw_obj_begin(&w);
        for (int k = 0; k < SPLIT_KINDS; k++) {
            jw_key(&w, kind_names[k]);
            jw_obj_begin(&w);
            jw_kv_int(&w, "train", parts[k][0]);
            jw_kv_int(&w, "val", parts[k][1]);
            jw_kv_int(&w, "test", parts[k][2]);
            jw_kv_int(&w, "none", parts[k][3]);
            jw_obj_end(&w);
        }
        jw_obj_end(&w);
        jw_key(&w, "split_warnings");
        jw_arr_begin(&w);
        for (int k = 0; k < n_warn; k++)
            jw_str(&w, warn[k]);
        jw_arr_end(&w);
        jw_obj_end(&w);
        fputc('\n', stdout);
    } else {
        printf("%s\n", argv[optind]);
        if (ds.source_desc[0])
            printf("  made by: %s\n", ds.source_desc);
        printf("  workouts %d, athletes %d, %.1f hours, grid step %g s, %.1f%% of steps with valid HR\n",
               ds.n, na, hours, ds.step, steps ? 100.0 * valid / steps : 0.0);
        if (titled)
            printf("  %d of %d workouts have a title (export --format jsonl lists them)\n", titled, ds.n);
        printf("\n  %-28s %8s %8s\n", "athlete", "workouts", "hours");
        for (int i = 0; i < na && i < 40; i++)
            printf("  %-28s %8d %8.1f\n", ath[i].name, ath[i].workouts, ath[i].hours);
        if (na > 40)
            printf("  ... %d more athletes\n", na - 40);
        printf("\n  %-28s %8s %8s\n", "sport", "workouts", "hours");
        for (int i = 0; i < ns; i++)
            printf("  %-28s %8d %8.1f\n", sport[i].name, sport[i].workouts, sport[i].hours);
        printf("\n  %-28s %8s %8s %8s %8s\n", "split", "train", "val", "test", "none");
        for (int k = 0; k < SPLIT_KINDS; k++)
            printf("  %-28s %8d %8d %8d %8d\n", kind_names[k], parts[k][0], parts[k][1], parts[k][2], parts[k][3]);
        /* the shares, as the rounding makes them (a small athlete's chrono test part is far above 20 %) */
        for (int k = 0; k < SPLIT_KINDS; k++) {
            char name[40];
            snprintf(name, sizeof name, "%s, share of workouts", kind_names[k]);
            printf("  %-28s", name);
            for (int p = 0; p < 4; p++)
                printf(" %6.1f %%", ds.n ? 100.0 * parts[k][p] / ds.n : 0.0);
            printf("\n");
        }
        printf("\n  %-28s %8s\n", "rejected workouts", "count");
        for (int r = 0; r < ds.n_reject; r++)
            if (strncmp(ds.reject[r].reason, "mask:", 5) && ds.reject[r].count)
                printf("  %-28s %8lld\n", ds.reject[r].reason, ds.reject[r].count);
        printf("\n  %-28s %8s\n", "masked or dropped samples", "count");
        for (int r = 0; r < ds.n_reject; r++)
            if (!strncmp(ds.reject[r].reason, "mask:", 5) && ds.reject[r].count)
                printf("  %-28s %8lld\n", ds.reject[r].reason + 5, ds.reject[r].count);
        if (has_hrq) {
            printf("\n  %-28s %8s %7s%s\n", "HR quality (grid steps)", "steps", "share",
                   has_truth ? "   injected" : "");
            for (int r = 0; r < HRQ_COUNT; r++) {
                printf("  %-28s %8lld %6.2f%%", hr_issue_name((enum hr_issue)r), hrq[r],
                       steps ? 100.0 * hrq[r] / steps : 0.0);
                if (has_truth)
                    printf(" %10lld", hrq_truth[r]);
                printf("\n");
            }
        } else {
            printf("\n  HR quality: not assessed (dataset version %d; import again to assess)\n", ds.version);
        }
    }
    free(ath);
    free(sport);
    dataset_close(&ds);
    return 0;
}
