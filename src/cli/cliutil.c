/* cliutil.c — see cliutil.h. */
#include "cli/cliutil.h"
#include "model/model_athletes.h"
#include "cli/commands.h"
#include "data/filekind.h"
#include "nn/lstm.h"
#include "nn/par.h"
#include "util/json.h"
#include "util/log.h"
#include "io/limits.h"
#include "prep/features.h"
#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program = "hrcast"; /* set once by main(), read-only after */

void cli_set_program(const char *argv0)
{
    program = argv0 && strchr(argv0, '/') ? argv0 : "hrcast";
}

const char *cli_program(void) { return program; }

int cli_float(const char *cmd, const char *opt, const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "hrcast %s: %s: '%s' is not a number in [%g, %g]\n", cmd, opt, text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_int(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "hrcast %s: %s: '%s' is not an integer in [%ld, %ld]\n", cmd, opt, text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_u64(const char *cmd, const char *opt, const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    /* at most 2^53 - 1: a seed is recorded in JSON (model cards, metrics.json), whose numbers are exact only that
     * far; until 2026-12-07 18446744073709551615 was recorded as -1, which --seed then refused */
    if (end == text || *end || errno || text[0] == '-' || v > CLI_U64_MAX) {
        fprintf(stderr, "hrcast %s: %s: '%s' is not an integer from 0 to %llu\n", cmd, opt, text,
                (unsigned long long)CLI_U64_MAX);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_duration(const char *text, double *seconds)
{
    /* up to three fields of digits separated by ':', the last with an optional fraction: "2:59:59", "4:15",
     * "90", "4:15.5" (strtod took "0x4", " 4", "+4" and "1e3", and a fourth field was dropped unread) */
    double parts[3];
    int n = 0;
    const char *p = text;
    for (;;) {
        if (n == 3 || !isdigit((unsigned char)*p))
            return -1;
        double v = 0;
        for (; isdigit((unsigned char)*p); p++)
            v = v * 10 + (*p - '0');
        if (*p == '.') {
            p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            for (double f = 0.1; isdigit((unsigned char)*p); p++, f /= 10)
                v += f * (*p - '0');
            if (*p)
                return -1; /* a fraction only in the last field */
        }
        if (!isfinite(v))
            return -1;
        parts[n++] = v;
        if (!*p)
            break;
        if (*p != ':')
            return -1;
        p++;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && !(parts[i] < 60))
            return -1; /* minutes and seconds after a ':' are below 60: "2:59:60", "4:75" are not times */
        s = s * 60 + parts[i];
    }
    *seconds = s;
    return 0;
}

const char *cli_synopsis(const char *usage_text, char *buf, size_t cap)
{
    const char *p = usage_text;
    if (!strncmp(p, "usage: ", 7))
        p += 7;
    size_t n = 0;
    while (p[n] && p[n] != '\n' && strncmp(p + n, " [", 2) && strncmp(p + n, " -", 2))
        n++;
    snprintf(buf, cap, "%.*s", (int)n, p);
    return buf;
}

int cli_usage(const char *text, int to_stdout)
{
    if (to_stdout) {
        fputs(text, stdout);
        return 0;
    }
    const char *end = strstr(text, "\n\n");
    fprintf(stderr, "%.*s\n", end ? (int)(end - text) : (int)strcspn(text, "\n"), text);
    char syn[256];
    cli_synopsis(text, syn, sizeof syn);
    size_t cmd_len = strcspn(syn + (strncmp(syn, "hrcast ", 7) ? 0 : 7), " ");
    fprintf(stderr, "see '%.*s --help' for the options and examples\n", (int)(7 + cmd_len), syn);
    return 2;
}

int cli_help_features(const char *text)
{
    char names[256];
    fputs(text, stdout);
    printf("\nfeature sets (docs/features.md; a model file names its own):\n  %s\n  new models: %s\n",
           feature_set_names(names, sizeof names), FEATURE_SET_DEFAULT);
    return 0;
}

void cli_error(const char *cmd, const char *msg)
{
    size_t n = strcspn(msg, ": ");
    char word[32];
    /* a file that happens to be called "train" keeps its name in the message */
    if (n && n < sizeof word && !strncmp(msg + n, ": ", 2) &&
        snprintf(word, sizeof word, "%.*s", (int)n, msg) > 0 &&
        access(word, F_OK) != 0)
        for (const struct command *c = hr_commands; c->name; c++)
            if (!strcmp(c->name, word)) {
                msg += n + 2;
                break;
            }
    fprintf(stderr, "hrcast %s: %s\n", cmd, msg);
}

int cli_gender(const char *cmd, const char *text, char *out)
{
    if (strcmp(text, "m") && strcmp(text, "f") && strcmp(text, "u")) {
        fprintf(stderr, "hrcast %s: --gender: '%s' is not m, f or u\n", cmd, text);
        return -1;
    }
    *out = text[0];
    return 0;
}

void cli_shell_word_put(FILE *f, const char *word)
{
    if (word[0] && strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+,:=@%") ==
                       strlen(word)) {
        fputs(word, f);
        return;
    }
    fputc('\'', f);
    for (const char *c = word; *c; c++) {
        if (*c == '\'')
            fputs("'\\''", f); /* end the quote, an escaped quote, quote again */
        else
            fputc(*c, f);
    }
    fputc('\'', f);
}

/* path as typed into a shell (cli_shell_word_put), cut to cap bytes */
const char *cli_shell_word(const char *path, char *buf, size_t cap)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (m) {
        cli_shell_word_put(m, path);
        fclose(m);
    }
    snprintf(buf, cap, "%s", text ? text : path);
    free(text);
    return buf;
}

char *cli_command_line(int argc, char *const *argv)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (!m)
        return NULL;
    cli_shell_word_put(m, cli_program());
    for (int i = 0; i < argc; i++) {
        fputc(' ', m);
        cli_shell_word_put(m, argv[i]);
    }
    if (fclose(m) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* "runs/" -> "runs", "a/run.fit.gz" -> "run": a name for the dataset an import would write */
static void dataset_name_for(const char *path, char *buf, size_t cap)
{
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/')
        tmp[--n] = 0;
    const char *base = strrchr(tmp, '/');
    base = base && base[1] ? base + 1 : tmp;
    snprintf(buf, cap, "%s", base);
    char *dot = strchr(buf, '.');
    if (dot && dot != buf)
        *dot = 0;
    if (!buf[0] || !strcmp(buf, ".") || !strcmp(buf, ".."))
        snprintf(buf, cap, "runs");
}

/* One line for a path that is not what cmd wanted (want: "a dataset" or "a model"); 0 when the path
 * is of no kind we can explain (the caller prints the library's message). */
static int explain_wrong_kind(const char *cmd, const char *usage_text, const char *path, const char *want)
{
    enum hr_format fmt = FMT_UNKNOWN;
    enum file_kind k = file_kind_of(path, &fmt);
    char phrase[64], syn[256], q[1100], name[256], qn[600];
    const char *what = file_kind_phrase(k, fmt, phrase, sizeof phrase);
    cli_synopsis(usage_text, syn, sizeof syn);
    int want_model = !strcmp(want, "a model");
    if (k == FILE_KIND_FOLDER || k == FILE_KIND_RECORDING) {
        dataset_name_for(path, name, sizeof name);
        strcat(name, ".hrd");
        if (want_model)
            fprintf(stderr, "hrcast %s: %s is %s, not a model (usage: %s); to make one: %s import %s -o %s, "
                            "then %s train %s -o model.safetensors\n", cmd, path, what, syn, cli_program(),
                    cli_shell_word(path, q, sizeof q), cli_shell_word(name, qn, sizeof qn), cli_program(),
                    cli_shell_word(name, qn, sizeof qn));
        else /* the program as invoked (build/hrcast before make install), so that the hint runs as printed */
            fprintf(stderr, "hrcast %s: %s is %s, not a dataset; import it first: %s import %s -o %s\n", cmd, path,
                    what, cli_program(), cli_shell_word(path, q, sizeof q), cli_shell_word(name, qn, sizeof qn));
        return 1;
    }
    if ((want_model && k == FILE_KIND_DATASET) || (!want_model && k == FILE_KIND_MODEL)) {
        fprintf(stderr, "hrcast %s: %s is %s, not %s (usage: %s; are the arguments swapped?)\n", cmd, path, what, want,
                syn);
        return 1;
    }
    return 0;
}

int cli_open_dataset(const char *cmd, const char *usage_text, const char *path, struct dataset *ds)
{
    struct hr_err e = {{0}};
    if (dataset_open(path, ds, &e) == 0)
        return 0;
    if (!explain_wrong_kind(cmd, usage_text, path, "a dataset"))
        cli_error(cmd, e.msg);
    return 1;
}

int cli_load_model(const char *cmd, const char *usage_text, const char *path, struct predictor *p)
{
    struct hr_err e = {{0}};
    if (predictor_load(path, p, &e) == 0)
        return 0;
    if (!explain_wrong_kind(cmd, usage_text, path, "a model"))
        cli_error(cmd, e.msg);
    return 1;
}

#define CLI_LIST_MAX 12

/* "a, b, c, ... and 40 more" into buf from n names */
static void list_names(const char *const *names, int n, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < n && i < CLI_LIST_MAX && o < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", names[i]);
    if (n > CLI_LIST_MAX && o < cap)
        snprintf(buf + o, cap - o, ", ... and %d more", n - CLI_LIST_MAX);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

int cli_check_dataset_athlete(const char *cmd, const struct dataset *ds, const char *path, const char *athlete)
{
    const char **ids = malloc(sizeof *ids * (size_t)(ds->n ? ds->n : 1));
    if (!ids) {
        fprintf(stderr, "hrcast %s: out of memory\n", cmd);
        return 1;
    }
    int n = 0;
    for (int i = 0; i < ds->n; i++) {
        if (!strcmp(ds->meta[i].athlete, athlete)) {
            free(ids);
            return 0;
        }
        ids[n++] = ds->meta[i].athlete;
    }
    qsort(ids, (size_t)n, sizeof *ids, cmp_str);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (ids[i][0] && (u == 0 || strcmp(ids[u - 1], ids[i])))
            ids[u++] = ids[i];
    char list[1024];
    list_names(ids, u, list, sizeof list);
    fprintf(stderr, "hrcast %s: --athlete: '%s' is not an athlete of %s; its %d athlete(s): %s%s\n", cmd, athlete, path,
            u, u ? list : "(none named)", u > CLI_LIST_MAX ? " (hrcast info lists them all)" : "");
    free(ids);
    return 2;
}

int cli_check_output(const char *cmd, const char *out, const char *const *inputs, int n)
{
    if (!out || !strcmp(out, "-"))
        return 0;
    struct stat so;
    if (stat(out, &so) == 0) {
        if (S_ISDIR(so.st_mode)) {
            fprintf(stderr, "hrcast %s: -o %s is a folder: give a file name in it\n", cmd, out);
            return 2;
        }
        for (int i = 0; i < n; i++) {
            struct stat si;
            if (inputs[i] && stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
                fprintf(stderr, "hrcast %s: -o %s is the input %s: it would be overwritten; write to another "
                                "file\n", cmd, out, inputs[i]);
                return 2;
            }
        }
        return 0;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return 0; /* the current folder */
    if (slash == dir)
        slash[1] = '\0'; /* "/x": the root */
    else
        *slash = '\0';
    struct stat sd;
    if (stat(dir, &sd) != 0 || !S_ISDIR(sd.st_mode)) {
        fprintf(stderr, "hrcast %s: -o %s: the folder %s does not exist\n", cmd, out, dir);
        return 1;
    }
    return 0;
}

int cli_check_model_athlete(const char *cmd, const struct predictor *p, const char *path, const char *athlete)
{
    char why[1200];
    int rc = model_has_athlete(p, athlete, why, sizeof why, NULL);
    if (rc < 0) {
        fprintf(stderr, "hrcast %s: out of memory\n", cmd);
        return 1;
    }
    if (rc == 0)
        fprintf(stderr, "hrcast %s: --athlete: %s %s\n", cmd, path, why);
    return rc ? 0 : 2;
}

void cli_planned_route_hint(const char *cmd, const char *model, const char *file)
{
    char m[1100], f[1100];
    fprintf(stderr, "hrcast %s: %s has no times, as a planned route has: %s reads recorded runs (or a CSV of elapsed "
            "times); hrcast plan predicts a route at a finish time, e.g. 45:00: %s plan %s --course %s "
            "--target-time 45:00\n", cmd, file, cmd, cli_program(), cli_shell_word(model, m, sizeof m),
            cli_shell_word(file, f, sizeof f));
}

void cli_other_runner_add(struct other_runner *o, const struct predictor *p, const char *athlete)
{
    o->total++;
    if (!p->finetuned || !p->finetuned_athlete[0] || !athlete || !athlete[0] ||
        !strcmp(athlete, p->finetuned_athlete))
        return;
    if (strcmp(athlete, o->last)) { /* runs of one athlete come together: one look-up each */
        snprintf(o->last, sizeof o->last, "%s", athlete);
        o->last_known = model_has_athlete(p, athlete, NULL, 0, NULL) != 0;
    }
    if (o->last_known)
        return; /* a runner the model holds parameters for: predicted as them, rightly */
    o->n++;
    if (!strcmp(athlete, o->first) || !strcmp(athlete, o->second))
        return;
    if (o->names == 0)
        snprintf(o->first, sizeof o->first, "%s", athlete);
    else if (o->names == 1)
        snprintf(o->second, sizeof o->second, "%s", athlete);
    if (o->names < 2)
        o->names++;
    else
        o->names = 3; /* three or more */
}

void cli_other_runner_warn(const struct other_runner *o, const struct predictor *p, const char *model_path,
                           const char *what, const char *how)
{
    if (o->n == 0)
        return;
    char who[2 * WK_ATHLETE_LEN + 32];
    if (o->names == 1)
        snprintf(who, sizeof who, "'%s'", o->first);
    else
        snprintf(who, sizeof who, "'%s', '%s'%s", o->first, o->second, o->names > 2 ? " and others" : "");
    char word[3 * WK_ATHLETE_LEN];
    char count[160];
    if (o->total == 1)
        snprintf(count, sizeof count, "the run names");
    else
        snprintf(count, sizeof count, "%d of the %d %s name%s", o->n, o->total, what, o->n == 1 ? "s" : "");
    hr_warn("%s was finetuned for runner '%s', but %s another athlete (%s), whom it does not know: predicted as "
            "that, on the population's HR scale and prior; if they are %s's runs, add %s %s", model_path,
            p->finetuned_athlete, count, who, p->finetuned_athlete, how,
            cli_shell_word(p->finetuned_athlete, word, sizeof word));
}

/* "64M", "1G", "123456": a byte count with an optional K/M/G suffix (powers of 1024). */
static int parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || errno || text[0] == '-')
        return -1;
    int shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10;
    else if (*end == 'm' || *end == 'M')
        shift = 20;
    else if (*end == 'g' || *end == 'G')
        shift = 30;
    if (shift)
        end++;
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int cli_limit_option(const char *cmd, int c, const char *arg, struct hr_limits *lim)
{
    uint64_t v;
    long n;
    switch (c) {
    case CLI_OPT_MAX_INFLATE:
        if (parse_size(arg, &v) || v < 1024 || v > SIZE_MAX / 2) {
            fprintf(stderr, "hrcast %s: --max-inflate: '%s' is not a size of at least 1K (e.g. 64M, 2G)\n", cmd, arg);
            return -1;
        }
        lim->max_inflate = (size_t)v;
        return 1;
    case CLI_OPT_MAX_SAMPLES:
        if (cli_int(cmd, "--max-samples", arg, 2, 1000000000L, &n))
            return -1;
        lim->max_samples = (size_t)n;
        return 1;
    case CLI_OPT_MAX_FOOTER:
        if (cli_int(cmd, "--max-footer", arg, 16, 100000000L, &n))
            return -1;
        lim->max_footer = (size_t)n;
        return 1;
    default: return 0;
    }
}

long long cli_size(const char *text, long long max)
{
    uint64_t v;
    if (parse_size(text, &v) || v > (uint64_t)max)
        return -1;
    return (long long)v;
}

int cli_precision_flag(const char *cmd, int *prec, int want)
{
    if (*prec != LSTM_PREC_FP32 && *prec != want) {
        fprintf(stderr, "hrcast %s: --bf16 and --int8 exclude each other: pick one\n", cmd);
        return -1;
    }
    *prec = want;
    return 0;
}

int cli_set_precision(const char *cmd, struct predictor *p, int prec, const char *path, int warn)
{
    struct hr_err e = {{0}};
    const char *flag = prec == LSTM_PREC_BF16 ? "--bf16" : "--int8";
    if (prec == LSTM_PREC_FP32)
        return 0;
    if (predictor_set_precision(p, prec, path, &e)) {
        fprintf(stderr, "hrcast %s: %s: %s\n", cmd, flag, e.msg);
        return 2;
    }
    char why[160];
    if (warn && hr_log_get_level() >= HR_LOG_WARN && predictor_precision_emulated(prec, why, sizeof why))
        fprintf(stderr, "hrcast %s: warning: %s: %s; its products are emulated in FP32 (no faster than FP32, the same results "
                "within rounding)\n", cmd, flag, why);
    return 0;
}

int cli_threads(const char *cmd, const char *text, int *out)
{
    if (!strcmp(text, "auto")) {
        *out = nn_threads_auto();
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < 1 || v > 256) {
        fprintf(stderr, "hrcast %s: --threads: '%s' is not auto or an integer in [1, 256]\n", cmd, text);
        return -1;
    }
    *out = (int)v;
    return 0;
}
