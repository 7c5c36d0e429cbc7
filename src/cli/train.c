/* train.c — `hrcast train DATASET -o MODEL.safetensors`: fit the LSTM on a stored split. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/train_interrupt.h"
#include "nn/loss.h"
#include "nn/par.h"
#include "prep/features.h"
#include "train/dist.h"
#include "train/trainer.h"
#include "util/log.h"
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast train DATASET -o MODEL.safetensors [options]\n"
    "\n"
    "Trains the LSTM on the training part of a stored split, validates each epoch (global masked MAE\n"
    "and RMSE in bpm), keeps the best model, logs one JSON line per epoch to MODEL.log.jsonl, and\n"
    "leaves MODEL.resume after each epoch so that --resume continues a killed or interrupted (Ctrl-C) run\n"
    "with the same dataset and options (it says what it keeps and refuses a changed option).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE     model file to write (safetensors, PyTorch names)\n"
    "      --hidden N        LSTM hidden size (128)\n"
    "      --layers N        LSTM layers (2)\n"
    "      --dropout P       dropout between layers (0.4)\n"
    "      --lr X            learning rate (2e-3 for physio-residual, else 5e-4)\n"
    "      --weight-decay X  AdamW weight decay (0 = Adam)\n"
    "      --batch N         sequences per batch (64)\n"
    "      --epochs N        most epochs (30)\n"
    "      --patience N      early stop after N epochs without improvement (5)\n"
    "      --loss L          mse, mae, huber or nll (Gaussian NLL: predicts an uncertainty too)\n"
    "      --features F      default+relalt (the default: 14 inputs defined in seconds, altitude in m\n"
    "                        above the run's start), default (the same with altitude above the sea; the\n"
    "                        default before 2026-12-07), physio-residual (the 14 of default + the\n"
    "                        physiological model's HR, fitted per athlete on the training part;\n"
    "                        the LSTM learns HR minus it and predicts physio + alpha x LSTM, alpha per\n"
    "                        athlete chosen on the validation part), default+physio (the physio HR as an\n"
    "                        input), default+effort (+ averages of speed x grade effort over 30 s to\n"
    "                        30 min), default+pace (+ the workout's median moving speed) or seed11\n"
    "                        (the reference's 11); the list at the end, docs/features.md\n"
    "      --split S         athlete (cold start) or chrono (per-athlete chronological); default: athlete\n"
    "                        when the dataset has 3 or more athletes, else chrono (it says so)\n"
    "      --max-len N       crop training sequences to N steps (1440 = 4 h at 10 s); validation scores\n"
    "                        whole workouts, as eval does\n"
    "      --preroll S       seconds of standing still run before every sequence, in training and\n"
    "                        prediction, so that a prediction starts from a learned rest state (60;\n"
    "                        0 = none: the zero state at the first step, models from before)\n"
    "      --seed S          seed of initialisation, shuffling and dropout (42)\n"
    "      --threads T       compute threads, or auto (the default): the cores this process may use, at\n"
    "                        most 8; the same seed and thread count give the same bytes\n"
    "      --time-budget S   stop after the epoch that passes S seconds (0, the default: none)\n"
    "      --resume          continue from MODEL.resume\n"
    "      --init MODEL      start from MODEL's weights (e.g. pretrained on simulated runners): its feature\n"
    "                        set, size, pre-roll and input normaliser are kept, the output scaling and\n"
    "                        a physiological prior are fitted on this dataset's training part\n"
    "      --keep-flagged    train and validate on every recorded HR step, also those the HR-quality\n"
    "                        stage flagged (cadence lock, dropout, ...; docs/data.md); default: left out\n"
    "      --hr-scale S      athlete (the default): each athlete's mean and sd of HR on their own\n"
    "                        training workouts scale the target, so that the network learns one typical\n"
    "                        heart and each runner's level and range come from their earlier runs (a\n"
    "                        runner the model does not know gets the athletes' average; finetune adds\n"
    "                        theirs; not with physio-residual); none: HR as it is (docs/features.md,\n"
    "                        \"The athlete's HR scale\")\n"
    "  -q, --quiet           only errors\n"
    "  -h, --help            this text\n"
    "\n"
    "examples:\n"
    "  hrcast train sim.hrd -o model.safetensors --epochs 10\n"
    "  hrcast train real.hrd -o real.safetensors --split chrono --loss nll --threads 2\n"
    "  hrcast train sim.hrd -o all-steps.safetensors --keep-flagged\n"
    "  hrcast train real.hrd -o real.safetensors --init sim.safetensors --split chrono\n"
    "\n"
    "Several processes (MPI, data-parallel: the same model as one process): hrcast-mpi, built beside hrcast\n"
    "where Open MPI is installed (docs/performance.md, \"Data-parallel training with MPI\"):\n"
    "  mpirun -np 2 hrcast-mpi train real.hrd -o real.safetensors\n";

static int train_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},  {"hidden", required_argument, 0, 1},
        {"layers", required_argument, 0, 2},    {"dropout", required_argument, 0, 3},
        {"lr", required_argument, 0, 4},        {"batch", required_argument, 0, 5},
        {"epochs", required_argument, 0, 6},    {"patience", required_argument, 0, 7},
        {"loss", required_argument, 0, 8},      {"features", required_argument, 0, 9},
        {"split", required_argument, 0, 10},    {"seed", required_argument, 0, 11},
        {"threads", required_argument, 0, 12},  {"resume", no_argument, 0, 13},
        {"max-len", required_argument, 0, 14},  {"time-budget", required_argument, 0, 15},
        {"weight-decay", required_argument, 0, 16}, {"preroll", required_argument, 0, 17},
        {"keep-flagged", no_argument, 0, 18},   {"init", required_argument, 0, 19},
        {"hr-scale", required_argument, 0, 20}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    char *given_argv[64]; /* the user's order, before getopt permutes argv (for the resume hint) */
    int given_argc = argc < 64 ? argc : 64;
    memcpy(given_argv, argv, sizeof(char *) * (size_t)given_argc);
    struct train_opts o;
    train_opts_default(&o);
    o.threads = nn_threads_auto(); /* --threads auto */
    const char *out = NULL;
    int preroll_given = 0;
    long v;
    double d;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1: if (cli_int("train", "--hidden", optarg, 1, 4096, &v)) return 2; o.hidden = (int)v; o.given |= TO_HIDDEN; break;
        case 2: if (cli_int("train", "--layers", optarg, 1, 8, &v)) return 2; o.layers = (int)v; o.given |= TO_LAYERS; break;
        case 3: if (cli_float("train", "--dropout", optarg, 0, 0.95, &d)) return 2; o.dropout = (float)d; o.given |= TO_DROPOUT; break;
        case 4: if (cli_float("train", "--lr", optarg, 1e-7, 1, &d)) return 2; o.lr = (float)d; o.given |= TO_LR; break;
        case 5: if (cli_int("train", "--batch", optarg, 1, 4096, &v)) return 2; o.batch = (int)v; o.given |= TO_BATCH; break;
        case 6:
            if (cli_int("train", "--epochs", optarg, 0, 100000, &v))
                return 2;
            if (v == 0) {
                fprintf(stderr, "hrcast train: --epochs 0 would write an untrained model; give 1 or more\n");
                return 2;
            }
            o.epochs = (int)v;
            break;
        case 7: if (cli_int("train", "--patience", optarg, 1, 100000, &v)) return 2; o.patience = (int)v; o.given |= TO_PATIENCE; break;
        case 8:
            if (nn_loss_parse(!strcmp(optarg, "nll") ? "gnll" : optarg) < 0) {
                fprintf(stderr, "hrcast train: --loss: '%s' is not mse, mae, huber or nll\n", optarg);
                return 2;
            }
            snprintf(o.loss, sizeof o.loss, "%s", optarg);
            o.given |= TO_LOSS;
            break;
        case 9:
            if (!feature_set_get(optarg)) {
                char names[256];
                fprintf(stderr, "hrcast train: --features: '%s' is not one of %s\n", optarg,
                        feature_set_names(names, sizeof names));
                return 2;
            }
            snprintf(o.features, sizeof o.features, "%s", optarg);
            o.given |= TO_FEATURES;
            break;
        case 10:
            if (!strcmp(optarg, "athlete"))
                o.split = SPLIT_ATHLETE;
            else if (!strcmp(optarg, "chrono"))
                o.split = SPLIT_CHRONO;
            else if (!strcmp(optarg, "auto"))
                o.split = TRAIN_SPLIT_AUTO;
            else {
                fprintf(stderr, "hrcast train: --split: '%s' is not athlete, chrono or auto\n", optarg);
                return 2;
            }
            if (o.split != TRAIN_SPLIT_AUTO)
                o.given |= TO_SPLIT;
            break;
        case 11: if (cli_u64("train", "--seed", optarg, &o.seed)) return 2; o.given |= TO_SEED; break;
        case 12: if (cli_threads("train", optarg, &o.threads)) return 2; o.given |= TO_THREADS; break;
        case 13: o.resume = 1; break;
        case 14: if (cli_int("train", "--max-len", optarg, 2, 1000000, &v)) return 2; o.max_len = (int)v; o.given |= TO_MAX_LEN; break;
        case 15: if (cli_float("train", "--time-budget", optarg, 0, 1e9, &o.time_budget)) return 2; break;
        case 16: if (cli_float("train", "--weight-decay", optarg, 0, 10, &d)) return 2; o.weight_decay = (float)d; o.given |= TO_WEIGHT_DECAY; break;
        case 17: if (cli_float("train", "--preroll", optarg, 0, 3600, &d)) return 2; o.preroll_s = (float)d; preroll_given = 1; break;
        case 18: o.keep_flagged = 1; o.given |= TO_KEEP_FLAGGED; break;
        case 19: o.init_model = optarg; break;
        case 20:
            if (strcmp(optarg, "athlete") && strcmp(optarg, "none")) {
                fprintf(stderr, "hrcast train: --hr-scale: '%s' is not athlete or none\n", optarg);
                return 2;
            }
            o.hr_scale = !strcmp(optarg, "athlete");
            o.given |= TO_HR_SCALE;
            break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_help_features(usage_text);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (!out || optind != argc - 1) {
        if (!out)
            fprintf(stderr, "hrcast train: missing -o MODEL\n");
        return cli_usage(usage_text, 0);
    }
    if (o.init_model && (o.given & (TO_HIDDEN | TO_LAYERS | TO_FEATURES | TO_HR_SCALE | TO_LOSS) || preroll_given)) {
        fprintf(stderr, "hrcast train: --init %s: the model keeps its own feature set, size, pre-roll, HR scale and "
                        "loss; drop --hidden, --layers, --features, --preroll, --hr-scale and --loss\n", o.init_model);
        return 2;
    }
    o.dataset_path = argv[optind];
    o.program = cli_program();
    const char *inputs[2] = {argv[optind], o.init_model};
    int bad_out = cli_check_output("train", out, inputs, 2);
    if (bad_out)
        return bad_out;
    struct dataset ds;
    struct hr_err e = {{0}};
    if (cli_open_dataset("train", usage_text, argv[optind], &ds))
        return 1;
    struct train_result r;
    /* one process: Ctrl-C stops cleanly; under mpirun the ranks could stop at different batches and wait
     * on each other, so there it ends the run as before (the resume file holds the last finished epoch) */
    const int catch_int = dist_size() == 1;
    void (*old_int)(int) = catch_int ? train_interrupt_catch() : SIG_DFL;
    int rc = train_lstm(&ds, &o, out, &r, &e);
    if (catch_int)
        train_interrupt_restore(old_int);
    dataset_close(&ds);
    if (rc && r.interrupted) {
        fprintf(stderr, "hrcast train: interrupted; continue with --resume: ");
        train_interrupt_print_resume(stderr, given_argc, given_argv);
        return 130;
    }
    if (rc) {
        cli_error("train", e.msg);
        return 1;
    }
    hr_info("wrote %s: best epoch %d of %d, validation MAE %.2f bpm, RMSE %.2f bpm (%.0f s)", out, r.best_epoch,
            r.epochs_run, r.best_val_mae, r.best_val_rmse, r.seconds);
    if (dist_size() > 1) {
        double bytes, secs;
        long calls;
        dist_comm_stats(&bytes, &secs, &calls);
        hr_info("%d ranks: %ld reductions, %.0f bytes and %.0f us each on average (rank 0)", dist_size(), calls,
                calls ? bytes / calls : 0.0, calls ? secs / calls * 1e6 : 0.0);
    }
    return 0;
}

/* Under mpirun (build/hrcast-mpi) every rank runs this; a runtime failure on one stops all. */
int cmd_train(int argc, char **argv)
{
    int ranks = dist_launched_ranks();
    if (ranks > 1 && !dist_built_with_mpi()) { /* until 2026-12-07 each process trained the whole model alone */
        fprintf(stderr, "hrcast train: started by mpirun as %d processes, but this hrcast is built without MPI: each "
                        "would train the whole model into the same file; run hrcast-mpi (docs/performance.md, "
                        "\"Data-parallel training with MPI\")\n", ranks);
        return 2;
    }
    if (dist_init(NULL, NULL)) {
        fprintf(stderr, "hrcast train: cannot start MPI\n");
        return 1;
    }
    int rc = train_main(argc, argv);
    if (rc == 1)
        dist_abort(1);
    dist_finalize();
    return rc;
}
