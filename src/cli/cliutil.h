/* cliutil.h — small helpers shared by the subcommands: numeric option parsing with clear errors,
 * the common --quiet/--verbose handling, printing a command's help or its one-line usage, error
 * lines without doubled prefixes, and opening a model or a dataset with a message that says what the
 * path is instead (a folder, a recording, the other of model/dataset) and what to run. */
#ifndef HRCAST_CLI_CLIUTIL_H
#define HRCAST_CLI_CLIUTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "data/dataset.h"
#include "model/predictor.h"

/* Parse a number option; on error print "hrcast CMD: --opt: 'text' is not a number..." and return -1. */
int cli_float(const char *cmd, const char *opt, const char *text, double lo, double hi, double *out);
int cli_int(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out);
/* A seed: 0..CLI_U64_MAX (2^53 - 1, what a JSON number holds exactly: seeds are recorded in model cards). */
#define CLI_U64_MAX 9007199254740991ull
int cli_u64(const char *cmd, const char *opt, const char *text, uint64_t *out);
/* --threads of train and finetune: "auto" (nn_threads_auto(): the CPUs this process may use, at most 8) or
 * 1..256; on error one line and -1. */
int cli_threads(const char *cmd, const char *text, int *out);
/* The program as the user invoked it, for hints that must run when pasted: argv[0] when it holds a '/'
 * (e.g. build/hrcast, not on PATH), else "hrcast". main() sets it once. */
void cli_set_program(const char *argv0);
const char *cli_program(void);
/* path as typed into a shell, for such hints: as it is when it holds only safe characters, else
 * single-quoted into buf (cap bytes), which is returned. */
const char *cli_shell_word(const char *path, char *buf, size_t cap);
/* --gender of predict, plot, animate and import: "m", "f" or "u" (unknown: the model's neutral 0) into *out;
 * anything else: one line "hrcast CMD: --gender: ..." and -1. */
int cli_gender(const char *cmd, const char *text, char *out);
/* word on f as typed into a shell: as it is when it holds only safe characters, else single-quoted. */
void cli_shell_word_put(FILE *f, const char *word);
/* "PROGRAM ARG..." (malloc'ed, NULL when out of memory): cli_program() and argv[0..argc) shell-quoted, so that
 * pasting it runs the same command. Pass argv as the user typed it, before getopt_long permutes it. */
char *cli_command_line(int argc, char *const *argv);
/* "20M", "512k", "1G", "1000" -> bytes; -1 when malformed or over max. */
long long cli_size(const char *text, long long max);
/* Parse "1:23:45", "23:45" or seconds; returns -1 on error. */
int cli_duration(const char *text, double *seconds);
/* The input-limit options of every command that reads workout files (docs/data.md "Input limits"):
 * put CLI_LIMIT_OPTIONS in the getopt_long table, CLI_LIMIT_HELP in the help text, and pass each
 * option to cli_limit_option. SIZE takes K, M, G suffixes (powers of 1024). */
enum { CLI_OPT_MAX_INFLATE = 0x1000, CLI_OPT_MAX_SAMPLES, CLI_OPT_MAX_FOOTER };
#define CLI_LIMIT_OPTIONS                                                                                     \
    {"max-inflate", required_argument, 0, CLI_OPT_MAX_INFLATE},                                               \
        {"max-samples", required_argument, 0, CLI_OPT_MAX_SAMPLES},                                           \
        {"max-footer", required_argument, 0, CLI_OPT_MAX_FOOTER}
#define CLI_LIMIT_HELP                                                                                        \
    "      --max-inflate SIZE   most bytes one file may inflate to: gzip, Parquet pages (default 1G)\n"      \
    "      --max-samples N      most samples in one workout (default 1000000)\n"                             \
    "      --max-footer N       most elements a Parquet footer may declare (default 1000000)\n"
struct hr_limits;
/* 1 when c is one of the limit options (its value parsed into lim), 0 when it is not, -1 when the
 * value is bad (one line printed on stderr). */
int cli_limit_option(const char *cmd, int c, const char *arg, struct hr_limits *lim);

/* The -o FILE of a command that reads inputs[0..n) (NULL entries skipped): 0 when it can be written; else
 * one line on stderr and 2 when it names one of the inputs (the same file, under any name: it would be
 * overwritten) or a folder, 1 when its folder does not exist. Checked before any work is done. */
int cli_check_output(const char *cmd, const char *out, const char *const *inputs, int n);

/* --help (to_stdout = 1): the whole text on stdout, returns 0. A usage error (to_stdout = 0): only the
 * synopsis (the text up to its first blank line) and "see 'hrcast CMD --help'" on stderr, returns 2. */
int cli_usage(const char *text, int to_stdout);
/* --help of a command that trains or reads LSTM models: the text, then a "feature sets:" paragraph
 * listing every set that exists (prep/features.h) and the one new models get. Returns 0. */
int cli_help_features(const char *text);
/* "hrcast CMD MODEL DATASET": the synopsis of a usage text, without its options (buf of cap bytes). */
const char *cli_synopsis(const char *usage_text, char *buf, size_t cap);
/* Print "hrcast CMD: MSG" on stderr; a leading "NAME: " in MSG that only repeats a command name
 * (the library's "train: ...") is dropped, unless a file of that name exists. */
void cli_error(const char *cmd, const char *msg);
/* Open a dataset / load a model. On failure print one line on stderr — when PATH is a folder or a
 * recording: that it must be imported first, with the command; when it is a model where a dataset
 * belongs or the other way round: so, with the command's synopsis — and return 1. */
int cli_open_dataset(const char *cmd, const char *usage_text, const char *path, struct dataset *ds);
int cli_load_model(const char *cmd, const char *usage_text, const char *path, struct predictor *p);
/* 0 when athlete is one of the dataset's; else print the valid ones (the first few and a count)
 * and return 2. */
int cli_check_dataset_athlete(const char *cmd, const struct dataset *ds, const char *path, const char *athlete);
/* 0 when the model has per-athlete parameters for athlete; else print the athletes it knows (or
 * that it has none) and return 2. */
int cli_check_model_athlete(const char *cmd, const struct predictor *p, const char *path, const char *athlete);
/* After "FILE: no usable workout (no_time)" from a command that reads recordings: a file without times is a
 * planned route, which `hrcast plan` predicts at a finish time: one line saying so, with the command (until
 * 2026-12-07 the failure stood alone, and predict's help suggested a planned route would do). */
void cli_planned_route_hint(const char *cmd, const char *model, const char *file);
/* Runs that a finetuned model predicts as an athlete it does not know, though it was made for one runner: the
 * same runs imported under another name (--athlete me), a later import from another folder (which names the
 * folder). They are predicted as the athlete they name (on the population's HR scale and prior): whose runs
 * they are, the model cannot tell; cli_other_runner_warn says so and how to predict them as its runner. */
struct other_runner {
    int n, total;      /* runs of an athlete the model does not know; runs counted */
    int names;         /* how many such athletes (first, second: two of them) */
    char first[WK_ATHLETE_LEN], second[WK_ATHLETE_LEN];
    char last[WK_ATHLETE_LEN]; /* the last athlete looked up in the card, and whether the model knows them */
    int last_known;
};
/* Counts one run predicted by p as `athlete` (already the runner it is predicted as: predictor_runner). */
void cli_other_runner_add(struct other_runner *o, const struct predictor *p, const char *athlete);
/* One warning when any run counted names another runner than p's: model_path, the runner, the athletes, the
 * count of `what` ("the runs of mine.hrd"), and `how`: the option that predicts them as p's runner, completed with
 * its name ("--athlete", "--runner"). */
void cli_other_runner_warn(const struct other_runner *o, const struct predictor *p, const char *model_path,
                           const char *what, const char *how);

/* --bf16 / --int8 of predict, eval and serve: cli_precision_flag records want (LSTM_PREC_BF16 or
 * LSTM_PREC_INT8) in *prec; both given: one line, -1. cli_set_precision applies *prec to a loaded model:
 * on failure one line "hrcast CMD: --bf16: reason", returns 2; when warn and bf16 is emulated on this
 * machine, a one-line warning on stderr (unless --quiet). */
int cli_precision_flag(const char *cmd, int *prec, int want);
int cli_set_precision(const char *cmd, struct predictor *p, int prec, const char *path, int warn);

#endif
