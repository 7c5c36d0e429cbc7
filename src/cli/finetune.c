/* finetune.c — `hrcast finetune BASE_MODEL DATASET --athlete A -o PERSONAL.safetensors`: adapt a
 * general LSTM to one athlete from their earlier workouts (src/train/finetune.h). */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/train_interrupt.h"
#include "nn/par.h"
#include "train/finetune.h"
#include "train/trainer.h"
#include "util/log.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast finetune BASE_MODEL DATASET --athlete A -o PERSONAL.safetensors [options]\n"
    "\n"
    "Adapts a general LSTM to one athlete from that athlete's EARLIER workouts: trains on the athlete's\n"
    "part of the chronological split's training part (their first 70 % by date), stops early on the\n"
    "athlete's own validation part (the next 10 %; when empty, the last 15 % of the training part by\n"
    "date) and keeps the best model. The base model, the athlete and the workouts used are written to\n"
    "the model's provenance. The personal model keeps the base's feature set; with a physiological\n"
    "prior (physio-residual or default+physio) a runner the base does not know gets their own\n"
    "physiological parameters, fitted on their training part, and a physio-residual model its\n"
    "alpha (HR = physio + alpha x LSTM) chosen on their validation part. Defaults:\n"
    "docs/personalisation.md.\n"
    "\n"
    "options:\n"
    "      --athlete A       athlete id as stored in the dataset (hrcast info lists them)\n"
    "  -o, --output FILE     personal model to write\n"
    "      --freeze F        what adapts: none (every weight, default), lower (last LSTM layer + head),\n"
    "                        lstm (head only), embedding (an athlete embedding: the first layer's gate\n"
    "                        biases and the output bias; try --lr 5e-3)\n"
    "      --lr X            learning rate (2e-3 for a physio-residual base, else 5e-4)\n"
    "      --epochs N        most epochs (20)\n"
    "      --patience N      early stop after N epochs without improvement (4)\n"
    "      --batch N         sequences per batch (8)\n"
    "      --dropout P       dropout between layers (0.4)\n"
    "      --split S         chrono (default) or athlete (refused: it keeps each athlete in one part,\n"
    "                        so nothing of theirs would be held out)\n"
    "      --seed S          seed of shuffling and dropout (42)\n"
    "      --threads T       compute threads, or auto (the default): the cores this process may use, at\n"
    "                        most 8; the same seed and thread count give the same bytes\n"
    "      --time-budget S   stop after the epoch that passes S seconds (0, the default: none)\n"
    "      --resume          continue a stopped or interrupted (Ctrl-C) run from PERSONAL.safetensors.resume:\n"
    "                        the same base, dataset, athlete and options (it refuses others)\n"
    "      --scale-only      no training: the base (trained with --hr-scale athlete) with the athlete's\n"
    "                        HR scale measured on their training part (and, for a set with a prior,\n"
    "                        their physiological parameters); seconds instead of minutes\n"
    "  -q, --quiet           only errors\n"
    "  -h, --help            this text\n"
    "\n"
    "examples:\n"
    "  hrcast finetune general.safetensors real.hrd --athlete runpandas -o runpandas.safetensors\n"
    "  hrcast finetune general.safetensors real.hrd --athlete runpandas --freeze lower -o p.safetensors\n"
    "  hrcast finetune scaled.safetensors real.hrd --athlete runpandas --scale-only -o quick.safetensors\n";

/* The athlete split keeps each athlete in one part: a finetune on it trains and validates on every workout of
 * the athlete (their training part, its tail validating) or has none to train on, and holds none back for eval
 * (until 2026-12-07 it trained on all 62 of runpandas' runs without a word, and eval's hints then pointed back
 * and forth). Refused, as train refuses an athlete split without a validation part, with the command on the
 * chrono split (the default); 1 after that line, 0 when some of the athlete's workouts lie outside the part. */
static int athlete_split_one_part(const struct dataset *ds, const char *athlete, int argc, char **argv)
{
    int in_train = 0, total = 0;
    for (int i = 0; i < ds->n; i++)
        if (!strcmp(ds->meta[i].athlete, athlete)) {
            total++;
            in_train += ds->split[SPLIT_ATHLETE][i] == PART_TRAIN;
        }
    if (in_train > 0 && in_train < total)
        return 0;
    char *chrono[64];
    int n = 0;
    for (int i = 0; i < argc && n < 64; i++) { /* the same command without --split athlete */
        if (!strcmp(argv[i], "--split") && i + 1 < argc) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--split=", 8))
            chrono[n++] = argv[i];
    }
    char *cmd = cli_command_line(n, chrono);
    char where[160];
    if (in_train)
        snprintf(where, sizeof where, "all %d of %s's workouts are in its training part", total, athlete);
    else
        snprintf(where, sizeof where, "none of %s's %d workouts is in its training part", athlete, total);
    fprintf(stderr, "hrcast finetune: --split athlete keeps each athlete in one part: %s, so the finetune would "
            "%s and hold none back for eval; the chrono split (the default) trains on their first 70 %% by date: "
            "%s\n", where, in_train ? "train and validate on every one" : "have nothing to train on",
            cmd ? cmd : "drop --split athlete");
    free(cmd);
    return 1;
}

int cmd_finetune(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"athlete", required_argument, 0, 1},
        {"freeze", required_argument, 0, 2},   {"lr", required_argument, 0, 3},
        {"epochs", required_argument, 0, 4},   {"patience", required_argument, 0, 5},
        {"batch", required_argument, 0, 6},    {"dropout", required_argument, 0, 7},
        {"split", required_argument, 0, 8},    {"seed", required_argument, 0, 9},
        {"threads", required_argument, 0, 10}, {"time-budget", required_argument, 0, 11},
        {"scale-only", no_argument, 0, 12},    {"resume", no_argument, 0, 13},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    struct finetune_opts o;
    finetune_opts_default(&o);
    o.threads = nn_threads_auto(); /* --threads auto */
    const char *out = NULL;
    long v;
    double d;
    int c, scale_only = 0;
    const char *trains = NULL; /* a training option given (--scale-only trains nothing) */
    char *given_argv[64]; /* the user's order, before getopt permutes argv (for the resume hint) */
    int given_argc = argc < 64 ? argc : 64;
    memcpy(given_argv, argv, sizeof(char *) * (size_t)given_argc);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1: o.athlete = optarg; break;
        case 2:
            trains = "--freeze";
            o.freeze = finetune_freeze_parse(optarg);
            if (o.freeze < 0) {
                fprintf(stderr, "hrcast finetune: --freeze: '%s' is not none, lower, lstm or embedding\n", optarg);
                return 2;
            }
            break;
        case 3: if (cli_float("finetune", "--lr", optarg, 1e-7, 1, &d)) return 2; o.lr = (float)d; o.given |= TO_LR; trains = "--lr"; break;
        case 4:
            if (cli_int("finetune", "--epochs", optarg, 0, 100000, &v))
                return 2;
            if (v == 0) {
                fprintf(stderr, "hrcast finetune: --epochs 0 would write the base model unchanged; give 1 or more (or "
                                "--scale-only, for a base with an HR scale)\n");
                return 2;
            }
            o.epochs = (int)v;
            trains = "--epochs";
            break;
        case 5:
            if (cli_int("finetune", "--patience", optarg, 1, 100000, &v))
                return 2;
            o.patience = (int)v;
            o.given |= TO_PATIENCE;
            trains = "--patience";
            break;
        case 6: if (cli_int("finetune", "--batch", optarg, 1, 4096, &v)) return 2; o.batch = (int)v; o.given |= TO_BATCH; trains = "--batch"; break;
        case 7:
            if (cli_float("finetune", "--dropout", optarg, 0, 0.95, &d))
                return 2;
            o.dropout = (float)d;
            o.given |= TO_DROPOUT;
            trains = "--dropout";
            break;
        case 8:
            if (!strcmp(optarg, "chrono"))
                o.split = SPLIT_CHRONO;
            else if (!strcmp(optarg, "athlete"))
                o.split = SPLIT_ATHLETE;
            else {
                fprintf(stderr, "hrcast finetune: --split: '%s' is not chrono or athlete\n", optarg);
                return 2;
            }
            o.given |= TO_SPLIT;
            break;
        case 9: if (cli_u64("finetune", "--seed", optarg, &o.seed)) return 2; o.given |= TO_SEED; break;
        case 10: if (cli_threads("finetune", optarg, &o.threads)) return 2; break;
        case 11: if (cli_float("finetune", "--time-budget", optarg, 0, 1e9, &o.time_budget)) return 2; break;
        case 12: scale_only = 1; break;
        case 13: o.resume = 1; trains = "--resume"; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_help_features(usage_text);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (scale_only && trains) { /* accepted and recorded before, though nothing is trained */
        fprintf(stderr, "hrcast finetune: --scale-only trains nothing: drop %s\n", trains);
        return 2;
    }
    if (scale_only)
        o.epochs = 0; /* finetune_lstm: the base's weights, the athlete's scale */
    if (!out || !o.athlete || argc - optind != 2) {
        if (!out)
            fprintf(stderr, "hrcast finetune: missing -o MODEL\n");
        if (!o.athlete)
            fprintf(stderr, "hrcast finetune: missing --athlete A\n");
        return cli_usage(usage_text, 0);
    }
    o.base_model = argv[optind];
    o.dataset_path = argv[optind + 1];
    o.program = cli_program();
    const char *inputs[2] = {o.base_model, o.dataset_path};
    int bad_out = cli_check_output("finetune", out, inputs, 2);
    if (bad_out)
        return bad_out;
    struct dataset ds;
    struct hr_err e = {{0}};
    if (cli_open_dataset("finetune", usage_text, o.dataset_path, &ds))
        return 1;
    int bad_athlete = cli_check_dataset_athlete("finetune", &ds, o.dataset_path, o.athlete);
    if (bad_athlete) {
        dataset_close(&ds);
        return bad_athlete;
    }
    if (o.split == SPLIT_ATHLETE && athlete_split_one_part(&ds, o.athlete, given_argc, given_argv)) {
        dataset_close(&ds);
        return 2;
    }
    struct train_result r;
    memset(&r, 0, sizeof r);
    void (*old_int)(int) = train_interrupt_catch();
    int rc = finetune_lstm(&ds, &o, out, &r, &e);
    train_interrupt_restore(old_int);
    dataset_close(&ds);
    if (rc && r.interrupted) {
        fprintf(stderr, "hrcast finetune: interrupted; continue with --resume: ");
        train_interrupt_print_resume(stderr, given_argc, given_argv);
        return 130;
    }
    if (rc) {
        cli_error("finetune", e.msg);
        return 1;
    }
    if (scale_only)
        hr_info("wrote %s: the base with %s's HR scale, validation MAE %.2f bpm, RMSE %.2f bpm on %d workouts", out,
                o.athlete, r.best_val_mae, r.best_val_rmse, r.n_val);
    else
        hr_info("wrote %s: best epoch %d of %d, validation MAE %.2f bpm, RMSE %.2f bpm on %d workouts (%.0f s)", out,
                r.best_epoch, r.epochs_run, r.best_val_mae, r.best_val_rmse, r.n_val, r.seconds);
    return 0;
}
