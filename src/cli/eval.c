/* eval.c — `hrcast eval MODEL DATASET`: honest metrics on a stored split, with baselines, and the
 * report (metrics.json, metrics.md, figures, report.html) with -o DIR. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/eval_calibrate.h"
#include "eval/live_report.h"
#include "nn/lstm.h"
#include "eval/baselines.h"
#include "eval/eval_output.h"
#include "eval/form_history.h"
#include "eval/seen.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/log.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *usage_text =
    "usage: hrcast eval MODEL DATASET [--split athlete:test|chrono:test|all] [--athlete A] [--runner ID]\n"
    "                   [--baselines] [--json] [-o DIR]\n"
    "\n"
    "Evaluates MODEL on a stored split: global masked MAE, RMSE and bias over every valid step, the\n"
    "per-workout MAE distribution, 95 % bootstrap confidence intervals by workout, MAE after the first\n"
    "2 minutes, by minute, by duration, by athlete and by intensity class (from speed only), and the\n"
    "interval coverage of an NLL model. The models never see the HR of the workout they predict, and\n"
    "eval refuses (exit 2) a selection holding workouts MODEL was trained on (its card records its\n"
    "dataset and split). MAE and RMSE are given twice, side by side: on all recorded HR steps and on\n"
    "the trusted steps (the HR-quality stage's verdicts, from the recording alone: docs/data.md).\n"
    "\n"
    "options:\n"
    "      --split S     the test part of the split MODEL was trained with (default), athlete:test\n"
    "                    ('athlete' or 'test' alone), chrono:test ('chrono'), athlete:val, ..., all\n"
    "      --athlete A   score only athlete A's workouts of the split (hrcast info lists the athletes);\n"
    "                    baselines are fitted as without it, and --calibrate --trust-on all still\n"
    "                    learns its trust on the whole validation part; the split is labelled\n"
    "                    \"chrono:test, athlete A\"\n"
    "      --runner ID   predict every workout scored as runner ID, whatever athlete it names: MODEL's\n"
    "                    parameters for ID (HR scale, prior, blend); for a finetuned model's own runs\n"
    "                    imported under another name (import --athlete, or another folder), which are\n"
    "                    otherwise predicted as a runner it does not know (a warning says so); the\n"
    "                    baselines are not affected; the split is labelled \"..., as runner ID\"\n"
    "      --allow-overlap  score workouts MODEL was trained on anyway; the output is labelled so\n"
    "      --recent-form shift each run's prediction by how far the model was off on the same runner's\n"
    "                    latest runs: the mean residual of their last 3 runs of the 7 days before it,\n"
    "                    averaged with 3 runs' worth of zero (docs/features.md, \"Recent form\"); only\n"
    "                    workouts outside the split's training part count (validation and the earlier\n"
    "                    test runs), never the run predicted; a model with an HR scale that does not\n"
    "                    know the runner also takes the runner's mean and sd of HR from those runs; the\n"
    "                    baselines get the same; the split is labelled \"..., recent form\"\n"
    "      --baselines   also fit and evaluate the constant and physiological baselines on the same\n"
    "                    split's training part, side by side\n"
    "      --json        print one JSON object (mae, rmse, workouts, steps, baselines, ...) on stdout\n"
    "  -o, --output DIR  write DIR/metrics.json, DIR/metrics.md, the figures and DIR/report.html\n"
    "      --physio FILE use this physiological model (fit-physio, on the dataset's step) as the physio\n"
    "                    baseline instead of fitting one; the report names the file and its hash\n"
    "      --seed S      bootstrap and random-figure seed (42)\n"
    "      --int8        (LSTM) predict with 8-bit integer products instead of FP32\n"
    "      --bf16        (LSTM) predict with bfloat16 products (FP32 sums) instead of FP32\n"
    "      --calibrate W live forecasting instead of the offline metrics: the recorded HR of each run's\n"
    "                    first W (5m, 600s, or a list 5m,10m,20m) calibrates the prediction of the rest;\n"
    "                    errors count only steps after W, next to the same model uncalibrated and the\n"
    "                    baselines physio (calibrated the same way), window_mean and last (docs/live.md);\n"
    "                    with -o DIR also the offline report, with a \"Live forecasting\" section of its own\n"
    "                    and a figure of MAE against calibration minutes (the windows asked and 2, 5, 10,\n"
    "                    15, 20, 30 min)\n"
    "      --trust-on T  the trust of --calibrate (which steps of the window count, prior strength,\n"
    "                    fade): default (the default: predict --calibrate's, the window's last 30 s\n"
    "                    fading to 40 % when the model knows the run's athlete (finetuned, or\n"
    "                    physio/constant with their own parameters), to 80 % for a general one,\n"
    "                    nothing learned), all (learned on every validation\n"
    "                    workout of the split) or athlete (with --athlete A: learned on A's own\n"
    "                    validation workouts; all when A has fewer than 3)\n"
    "  -q, --quiet       no progress messages\n"
    "  -h, --help        this text\n"
    "\n"
    "examples:\n"
    "  hrcast eval model.safetensors sim.hrd --baselines\n"
    "  hrcast eval model.safetensors real.hrd --split chrono:test --baselines -o report/\n"
    "  hrcast eval runpandas.safetensors real.hrd --split chrono:test --athlete runpandas --baselines --json\n"
    "  hrcast eval runpandas.safetensors real.hrd --split chrono:test --athlete runpandas --recent-form --baselines\n"
    "  hrcast eval model.safetensors real.hrd --split chrono:test --calibrate 5m,10m,20m --json\n"
    "  hrcast eval model.safetensors real.hrd --split chrono:test --calibrate 10m -o report/\n"
    "  hrcast eval runpandas.safetensors real.hrd --split chrono:test --athlete runpandas --calibrate 10m --trust-on athlete\n";

/* The stored test part ("athlete:test", "chrono:test") of ds that holds workouts and none that the model
 * trained or validated on, other than `not` (the selection just refused): the --split an eval hint may offer;
 * NULL when neither (until 2026-12-07 the hints offered each other's split in turn, each refused). */
static const char *unseen_test_split(const char *metadata_json, const struct dataset *ds, const char *not)
{
    static const char *const specs[] = {"athlete:test", "chrono:test"};
    for (int k = 0; k < 2; k++) {
        int kind, part, n = 0;
        if (!strcmp(specs[k], not) || parse_split_spec(specs[k], &kind, &part))
            continue;
        int *idx = dataset_select(ds, (enum split_kind)kind, (enum split_part)part, &n);
        struct seen_report r;
        struct hr_err e = {{0}};
        int clean = idx && n > 0 && seen_check(metadata_json, ds, idx, n, &r, &e) == 0 && !r.resplit &&
                    r.n_train == 0 && r.n_val == 0;
        free(idx);
        if (clean)
            return specs[k];
    }
    return NULL;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {{"split", required_argument, 0, 1}, {"baselines", no_argument, 0, 2},
                                         {"json", no_argument, 0, 3},        {"output", required_argument, 0, 'o'},
                                         {"seed", required_argument, 0, 4},  {"quiet", no_argument, 0, 'q'},
                                         {"physio", required_argument, 0, 5},
                                         {"int8", no_argument, 0, 6},
                                         {"bf16", no_argument, 0, 9},
                                         {"allow-overlap", no_argument, 0, 7},
                                         {"calibrate", required_argument, 0, 8},
                                         {"athlete", required_argument, 0, 10},
                                         {"trust-on", required_argument, 0, 11},
                                         {"recent-form", no_argument, 0, 12},
                                         {"runner", required_argument, 0, 13},
                                         {"help", no_argument, 0, 'h'},      {0, 0, 0, 0}};
    const char *split = NULL, *dir = NULL, *physio_path = NULL, *athlete = NULL, *runner = NULL;
    int baselines = 0, json = 0, prec = LSTM_PREC_FP32, allow_overlap = 0, nwin = 0, recent_form = 0, c;
    int trust_on = TRUST_ON_DEFAULT;
    float windows[16];
    uint64_t seed = 42;
    char *given[argc + 1]; /* the user's order, before getopt_long permutes argv: the report's Rerun line */
    memcpy(given, argv, sizeof(char *) * (size_t)argc);
    given[argc] = NULL;
    char *command = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 1: split = optarg; break;
        case 2: baselines = 1; break;
        case 3: json = 1; break;
        case 'o': dir = optarg; break;
        case 4: if (cli_u64("eval", "--seed", optarg, &seed)) return 2; break;
        case 5: physio_path = optarg; baselines = 1; break;
        case 6: if (cli_precision_flag("eval", &prec, LSTM_PREC_INT8)) return 2; break;
        case 9: if (cli_precision_flag("eval", &prec, LSTM_PREC_BF16)) return 2; break;
        case 7: allow_overlap = 1; break;
        case 8:
            nwin = parse_windows(optarg, windows, 16);
            if (nwin < 1) {
                fprintf(stderr, "hrcast eval: --calibrate: '%s' is not a window like 10m or a list 5m,10m,20m (each at most 7 days)\n", optarg);
                return 2;
            }
            baselines = 1;
            break;
        case 10: athlete = optarg; break;
        case 11:
            if (strcmp(optarg, "default") && strcmp(optarg, "all") && strcmp(optarg, "athlete")) {
                fprintf(stderr, "hrcast eval: --trust-on: '%s' is not default, all or athlete\n", optarg);
                return 2;
            }
            trust_on = !strcmp(optarg, "all") ? TRUST_ON_ALL : !strcmp(optarg, "athlete") ? TRUST_ON_ATHLETE
                                                                                           : TRUST_ON_DEFAULT;
            break;
        case 12: recent_form = 1; break;
        case 13: runner = optarg; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_help_features(usage_text);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (argc - optind != 2)
        return cli_usage(usage_text, 0);
    if (trust_on == TRUST_ON_ALL && nwin == 0) { /* ignored without a word until 2026-12-07 */
        fprintf(stderr, "hrcast eval: --trust-on all is the trust of --calibrate: give --calibrate W too\n");
        return 2;
    }
    if (trust_on == TRUST_ON_ATHLETE && (!athlete || nwin == 0)) {
        fprintf(stderr, "hrcast eval: --trust-on athlete needs --calibrate W and --athlete A (whose validation "
                        "workouts teach the trust)\n");
        return 2;
    }
    if (recent_form && nwin > 0) {
        fprintf(stderr, "hrcast eval: --recent-form is for the offline metrics; --calibrate measures the day's "
                        "offset from the run's own first minutes: use one or the other\n");
        return 2;
    }
    int kind, part;
    if (split && parse_split_spec(split, &kind, &part)) {
        fprintf(stderr, "hrcast eval: --split: '%s' is not athlete:test, chrono:test, athlete:val, ... or all\n", split);
        return 2;
    }
    const char *model_path = argv[optind], *ds_path = argv[optind + 1];
    struct hr_err e = {{0}};
    struct predictor preds[3];
    memset(preds, 0, sizeof preds);
    if (cli_load_model("eval", usage_text, model_path, &preds[0]))
        return 1;
    if (cli_set_precision("eval", &preds[0], prec, model_path, 1)) {
        predictor_free(&preds[0]);
        return 2;
    }
    if (runner) {
        int rr = cli_check_model_athlete("eval", &preds[0], model_path, runner);
        if (rr) {
            predictor_free(&preds[0]);
            return rr;
        }
        snprintf(preds[0].as_runner, sizeof preds[0].as_runner, "%s", runner);
    }
    struct dataset ds;
    if (cli_open_dataset("eval", usage_text, ds_path, &ds)) {
        predictor_free(&preds[0]);
        return 1;
    }
    int rc = 1, n = 0, n_models = 1;
    int *idx = NULL;
    struct evaluation ev;
    memset(&ev, 0, sizeof ev);
    struct live_report *live = NULL; /* --calibrate with -o DIR */
    if (athlete && cli_check_dataset_athlete("eval", &ds, ds_path, athlete)) {
        rc = 2;
        goto out;
    }
    if (preds[0].step != ds.step) {
        fprintf(stderr, "hrcast eval: the model's step %g s differs from the dataset's %g s\n", preds[0].step, ds.step);
        goto out;
    }
    if (!split) { /* the test part of the split the model was trained with */
        char trained[16];
        seen_model_split(preds[0].metadata_json, trained, sizeof trained);
        int n_test = 0;
        free(dataset_select(&ds, SPLIT_ATHLETE, PART_TEST, &n_test));
        split = !strcmp(trained, "chrono") || (strcmp(trained, "athlete") && n_test == 0) ? "chrono:test" : "athlete:test";
        parse_split_spec(split, &kind, &part);
        if (!trained[0])
            hr_info("evaluating on %s: the card of %s records no training split", split, model_path);
    }
    char split_name[256];
    snprintf(split_name, sizeof split_name, "%s", kind < 0 ? "all" : "");
    if (kind >= 0)
        snprintf(split_name, sizeof split_name, "%s:%s", kind == SPLIT_CHRONO ? "chrono" : "athlete",
                 split_part_name((enum split_part)part));
    idx = dataset_select(&ds, (enum split_kind)kind, (enum split_part)part, &n);
    if (!idx || n == 0) {
        const char *other = unseen_test_split(preds[0].metadata_json, &ds, split_name);
        fprintf(stderr, "hrcast eval: the %s selection of %s is empty%s%s%s\n", split_name, ds_path,
                kind == SPLIT_ATHLETE ? " (fewer than 3 athletes)" : "", other ? ": try --split " : "",
                other ? other : ": no stored test part of it holds workouts the model did not see (evaluate "
                                "it on another import of runs it did not see)");
        goto out;
    }
    if (athlete) { /* only that athlete's workouts of the selection */
        int k = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(ds.meta[idx[i]].athlete, athlete))
                idx[k++] = idx[i];
        if (k == 0) {
            fprintf(stderr, "hrcast eval: the %s selection of %s holds no workout of athlete '%s'%s\n", split_name,
                    ds_path, athlete, kind == SPLIT_ATHLETE ? " (the athlete split keeps each athlete in one part: "
                    "try --split chrono:test)" : "");
            goto out;
        }
        n = k;
        size_t l = strlen(split_name);
        snprintf(split_name + l, sizeof split_name - l, ", athlete %s", athlete);
    }
    if (runner) {
        size_t l = strlen(split_name);
        snprintf(split_name + l, sizeof split_name - l, ", as runner %s", runner);
    } else { /* a finetuned model's runs under another name: until 2026-12-07 scored without a word (13.4 bpm
              * instead of 7.2 on runpandas imported with --athlete me) */
        struct other_runner other = {0};
        for (int i = 0; i < n; i++)
            cli_other_runner_add(&other, &preds[0], ds.meta[idx[i]].athlete);
        char what[300];
        snprintf(what, sizeof what, "workouts of %s", split_name);
        cli_other_runner_warn(&other, &preds[0], model_path, what, "--runner");
    }
    struct seen_report seen;
    if (seen_check(preds[0].metadata_json, &ds, idx, n, &seen, &e)) {
        cli_error("eval", e.msg);
        goto out;
    }
    if ((seen.n_train > 0 || seen.resplit) && !allow_overlap) {
        /* the held-out part of the model's own split, unless that is what was asked for */
        const char *own = unseen_test_split(preds[0].metadata_json, &ds, split_name);
        char instead[64];
        snprintf(instead, sizeof instead, "%s%s", own ? "--split " : "", own ? own : "data it did not see");
        /* its validation runs chose its best epoch: seen too (until 2026-12-07 the count left them out) */
        char val[96] = "";
        if (seen.n_val > 0)
            snprintf(val, sizeof val, " and validated on %d others of them (its best epoch chosen there)", seen.n_val);
        if (seen.resplit)
            fprintf(stderr, "hrcast eval: %s: %s; evaluate it on the dataset file it was trained on, or pass "
                    "--allow-overlap to score anyway (labelled)\n", model_path, seen.why);
        else if (!strcmp(seen.split, "all"))
            fprintf(stderr, "hrcast eval: %s was fitted on every workout of %s (split 'all'), so none of it is "
                    "unseen: refit it with --split athlete or --split chrono, or pass --allow-overlap to score "
                    "anyway (labelled)\n", model_path, ds_path);
        else if (seen.n_train_base == seen.n_train) /* a model from finetune or train --init whose base trained on them */
            fprintf(stderr, "hrcast eval: %s was trained on %d of the %d workouts in %s (by its base model, the one "
                    "it started from): evaluate on data neither saw, or pass --allow-overlap to score them anyway "
                    "(labelled)\n", model_path, seen.n_train, n, split_name);
        else if (seen.n_train_base > 0)
            fprintf(stderr, "hrcast eval: %s was trained on %d of the %d workouts in %s (%d in its %s split's "
                    "training part, %d by its base model, the one it started from): evaluate on data neither saw, or pass "
                    "--allow-overlap to score them anyway (labelled)\n", model_path, seen.n_train, n, split_name,
                    seen.n_train - seen.n_train_base, seen.split[0] ? seen.split : "recorded", seen.n_train_base);
        else
            fprintf(stderr, "hrcast eval: %s was trained on %d of the %d workouts in %s (its %s split's training "
                    "part)%s: evaluate on %s, or pass --allow-overlap to score them anyway (labelled)\n", model_path,
                    seen.n_train, n, split_name, seen.split[0] ? seen.split : "recorded", val, instead);
        rc = 2;
        goto out;
    }
    if (seen.n_train > 0 || seen.resplit) {
        size_t l = strlen(split_name);
        if (seen.resplit)
            snprintf(split_name + l, sizeof split_name - l, " [NOT HELD OUT: other stored splits than in training]");
        else
            snprintf(split_name + l, sizeof split_name - l, " [NOT HELD OUT: %d of %d workouts were training data]",
                     seen.n_train, n);
        hr_warn("--allow-overlap: %s", split_name);
    } else if (!seen.checked) {
        hr_warn("cannot check that %s did not train on these workouts: %s", model_path, seen.why);
    }
    if (seen.n_val > 0)
        hr_warn("%d of these %d workouts were %s's validation data (they chose its best epoch): its numbers here "
                "are optimistic", seen.n_val, n, model_path);
    char physio_hash[32] = "";
    if (physio_path) { /* the physio baseline from a file: a physio model on the dataset's grid, recorded by hash */
        uint64_t h;
        if (predictor_load(physio_path, &preds[2], &e) || fnv1a64_file(physio_path, &h, &e)) {
            cli_error("eval", e.msg);
            goto out;
        }
        fnv1a64_format(h, physio_hash, sizeof physio_hash);
        if (strcmp(preds[2].kind, "physio") || preds[2].step != ds.step) {
            char why[96];
            if (strcmp(preds[2].kind, "physio"))
                snprintf(why, sizeof why, "is not a physiological model (its model_type is %s)", preds[2].kind);
            else
                snprintf(why, sizeof why, "has a step of %g s, the dataset's is %g s", preds[2].step, ds.step);
            fprintf(stderr, "hrcast eval: --physio %s %s: fit one on this dataset with %s fit-physio %s%s -o "
                    "physio.safetensors\n", physio_path, why, cli_program(), ds_path,
                    kind == SPLIT_CHRONO ? " --split chrono" : kind == SPLIT_ATHLETE ? " --split athlete" : "");
            rc = 2;
            goto out;
        }
    }
    if (baselines) {
        hr_info(physio_path ? "fitting the constant baseline on the training part of the split"
                            : "fitting the constant and physiological baselines on the training part of the split");
        if (baselines_fit(&ds, kind, &preds[1], physio_path ? NULL : &preds[2], &e)) {
            cli_error("eval", e.msg);
            goto out;
        }
        n_models = 3;
        struct seen_report ps;
        if (physio_path && !allow_overlap && seen_check(preds[2].metadata_json, &ds, idx, n, &ps, &e) == 0 &&
            ps.n_train > 0) {
            fprintf(stderr, "hrcast eval: --physio %s was fitted on %d of the %d workouts in %s: fit it with the "
                    "split the model was trained with, or pass --allow-overlap (labelled)\n", physio_path,
                    ps.n_train, n, split_name);
            rc = 2;
            goto out;
        }
    }
    if (recent_form) {
        if (kind < 0) {
            fprintf(stderr, "hrcast eval: --recent-form needs a split (--split chrono:test, ...): the runs of its "
                            "training part never count, and with --split all every run is in it\n");
            rc = 2;
            goto out;
        }
        hr_info("recent form: measuring the models on the runners' runs outside the training part");
        for (int k = 0; k < n_models; k++) {
            struct form_history h;
            form_history_init(&h);
            if (form_history_from_dataset(&preds[k], &ds, (enum split_kind)kind, idx, n, &h, &e) ||
                form_wrap(&preds[k], &h, 0, &e)) {
                form_history_free(&h);
                cli_error("eval", e.msg);
                goto out;
            }
        }
        size_t l = strlen(split_name);
        snprintf(split_name + l, sizeof split_name - l, ", recent form");
    }
    struct eval_calib_opts co = {kind, part, split_name, athlete, windows, nwin, json, trust_on};
    if (nwin > 0 && !dir) {
        rc = eval_calibrated(&ds, &preds[0], &preds[2], &co, stdout, &e) ? 1 : 0;
        if (rc)
            fprintf(stderr, "hrcast eval: %s\n", e.msg);
        goto out;
    }
    if (nwin > 0) { /* -o DIR: the live numbers on stdout, and the report with its live section */
        static const float sweep[] = {120, 300, 600, 900, 1200, 1800}; /* the figure's windows besides those asked */
        live = malloc(sizeof *live);
        if (!live || eval_live(&ds, &preds[0], &preds[2], &co, sweep, (int)(sizeof sweep / sizeof *sweep), live,
                               &e)) {
            fprintf(stderr, "hrcast eval: %s\n", live ? e.msg : "out of memory");
            free(live);
            live = NULL;
            goto out;
        }
        eval_live_print(live, json, stdout);
        if (live_report_empty_rows(live, 1) == nwin)
            hr_warn("no test workout goes on past the window%s asked: the live rows are empty (the report is "
                    "written)", nwin > 1 ? "s" : "");
    }
    const struct predictor *pp[3] = {&preds[0], &preds[1], &preds[2]};
    /* a physio or constant MODEL evaluated with --baselines: its baseline of the same kind gets a
     * distinct row name, so that the table never shows two rows called "physio" */
    const char *names[3] = {preds[0].kind, strcmp(preds[0].kind, "constant") ? "constant" : "constant-base",
                            strcmp(preds[0].kind, "physio") ? "physio" : "physio-base"};
    hr_info("evaluating on %d workouts", n);
    if (evaluate(&ds, idx, n, pp, names, n_models, seed, dir != NULL, &ev, &e)) {
        cli_error("eval", e.msg);
        goto out;
    }
    char log_path[1100];
    snprintf(log_path, sizeof log_path, "%s.log.jsonl", model_path);
    uint64_t model_hash;
    char model_hash_text[32];
    if (fnv1a64_file(model_path, &model_hash, &e)) {
        cli_error("eval", e.msg);
        goto out;
    }
    fnv1a64_format(model_hash, model_hash_text, sizeof model_hash_text);
    if (!(command = cli_command_line(argc, given))) {
        cli_error("eval", "out of memory");
        goto out;
    }
    struct eval_context cx = {model_path, preds[0].metadata_json, ds_path, split_name,
                              access(log_path, R_OK) == 0 ? log_path : NULL, seed, model_hash_text,
                              seen.checked, seen.n_train, seen.n_val, live, recent_form,
                              physio_path, physio_path ? physio_hash : NULL, command,
                              lstm_precision_name((enum lstm_precision)prec)};
    if (live) {
        /* stdout holds the live numbers; the offline ones go to the report only */
    } else if (json) {
        struct jw w;
        jw_init_file(&w, stdout, 1);
        eval_write_json(&w, &ev, &cx);
        fputc('\n', stdout);
    } else {
        eval_print_table(stdout, &ev, &cx);
    }
    if (dir) {
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "hrcast eval: %s: %s\n", dir, strerror(errno));
            goto out;
        }
        char path[1200];
        path_join(path, sizeof path, dir, "metrics.json");
        struct jw w;
        jw_init_buf(&w, 1);
        eval_write_json(&w, &ev, &cx);
        size_t len;
        char *text = jw_take(&w, &len);
        struct eval_figure figs[EVAL_MAX_FIGURES];
        int nfig = 0;
        if (!text || write_file_atomic(path, text, len, &e)) {
            free(text);
            fprintf(stderr, "hrcast eval: %s\n", text ? e.msg : "out of memory");
            goto out;
        }
        free(text);
        path_join(path, sizeof path, dir, "metrics.md");
        if (eval_write_markdown(path, &ev, &cx, &e) || eval_write_figures(dir, &ds, &ev, &cx, figs, &nfig, &e) ||
            eval_write_html(dir, &ev, &cx, figs, nfig, &e)) {
            cli_error("eval", e.msg);
            goto out;
        }
        hr_info("wrote %s, metrics.md, %d figures and report.html", path_join(path, sizeof path, dir, "metrics.json"),
                nfig);
    }
    rc = 0;
out:
    free(command);
    if (live)
        live_report_free(live);
    free(live);
    evaluation_free(&ev);
    free(idx);
    dataset_close(&ds);
    for (int k = 0; k < 3; k++)
        if (preds[k].impl)
            predictor_free(&preds[k]);
    return rc;
}
