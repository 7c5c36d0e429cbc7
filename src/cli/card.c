/* card.c — `hrcast card MODEL [-o README.md] [--metrics FILE]`: the Hugging Face model card of a
 * model file (src/eval/model_card.c), with the evaluation numbers of `hrcast eval -o DIR` when a
 * metrics.json for this model is found beside it or given. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "eval/model_card.h"
#include "model/predictor.h"
#include "util/fileio.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/log.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *usage_text =
    "usage: hrcast card MODEL [-o README.md] [--metrics metrics.json] [--license ID]\n"
    "\n"
    "Writes the model card of MODEL (an LSTM, physio or constant model file) in the Hugging Face\n"
    "format: a YAML header (library_name, tags, licence, model-index with the metrics) and Markdown:\n"
    "architecture, parameter count, features and the no-leakage statement, training data and\n"
    "provenance, evaluation, intended use and limits, how to load it in Python (docs/model-card.md).\n"
    "The evaluation comes from a metrics.json written by `hrcast eval -o DIR`: --metrics, or else\n"
    "MODEL's directory/metrics.json; either must carry this model file's hash (model_hash), so another\n"
    "model's numbers are refused (exit 2).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  write there (atomically) instead of stdout\n"
    "      --metrics FILE the metrics.json of `hrcast eval -o DIR` to include\n"
    "      --no-metrics   do not look for a metrics.json\n"
    "      --license ID   the Hub licence id for the header (default: a placeholder to fill in)\n"
    "  -q, --quiet        no messages\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  hrcast eval model-dir/model.safetensors sim.hrd --baselines -o model-dir/\n"
    "  hrcast card model-dir/model.safetensors -o model-dir/README.md\n"
    "  hrcast card physio.safetensors --metrics eval/metrics.json --license cc-by-4.0\n";

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* 0 when the metrics text (a metrics.json of `hrcast eval`) carries this model file's hash; else -1 with
 * the reason in why. */
static int metrics_match(const char *metrics_path, const char *text, size_t len, const char *model_hash,
                         char *why, size_t cap)
{
    struct json *j = NULL;
    struct hr_err e = {{0}};
    if (json_parse(text, len, metrics_path, &j, &e)) {
        snprintf(why, cap, "%s", e.msg);
        return -1;
    }
    const char *hash = json_get_str(j, "model_hash", NULL);
    int rc = 0;
    if (!hash) {
        snprintf(why, cap, "%s does not identify the model it evaluated (no model_hash: written by an older hrcast); "
                 "run hrcast eval MODEL DATASET -o DIR again", metrics_path);
        rc = -1;
    } else if (strcmp(hash, model_hash)) {
        snprintf(why, cap, "%s is the evaluation of another model (%s, model_hash %s; this file's is %s): evaluate "
                 "this model with hrcast eval MODEL DATASET -o DIR", metrics_path, json_get_str(j, "model", "?"), hash,
                 model_hash);
        rc = -1;
    }
    json_free(j);
    return rc;
}

/* MODEL's directory/metrics.json when it exists and is the evaluation of this model file; NULL otherwise. */
static char *find_metrics(const char *model, const char *model_hash, char *path, size_t cap)
{
    const char *slash = strrchr(model, '/');
    if (slash)
        snprintf(path, cap, "%.*s/metrics.json", (int)(slash - model), model);
    else
        snprintf(path, cap, "metrics.json");
    if (access(path, R_OK) != 0)
        return NULL;
    uint8_t *text = NULL;
    size_t len = 0;
    struct hr_err e = {{0}};
    char why[HR_ERR_MSG];
    if (read_file_all(path, &text, &len, 64u << 20, &e)) {
        hr_warn("%s", e.msg);
        return NULL;
    }
    if (metrics_match(path, (const char *)text, len, model_hash, why, sizeof why)) {
        hr_warn("%s: not included", why);
        free(text);
        return NULL;
    }
    return (char *)text;
}

int cmd_card(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"metrics", required_argument, 0, 1},
                                         {"no-metrics", no_argument, 0, 2},      {"license", required_argument, 0, 3},
                                         {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL, *metrics_path = NULL, *license = NULL;
    int no_metrics = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1: metrics_path = optarg; break;
        case 2: no_metrics = 1; break;
        case 3:
            if (!model_card_license_ok(optarg)) { /* not echoed: it may hold a newline */
                fprintf(stderr, "hrcast card: --license: not a licence id like mit, apache-2.0 or cc-by-4.0 (only "
                                "letters, digits, '.', '-' and '+', at most 64)\n");
                return 2;
            }
            license = optarg;
            break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (argc - optind != 1)
        return cli_usage(usage_text, 0);
    const char *model = argv[optind];
    int bad_out = cli_check_output("card", out, (const char *const[]){model, metrics_path}, 2);
    if (bad_out)
        return bad_out;
    struct hr_err e = {{0}};
    struct predictor p;
    if (cli_load_model("card", usage_text, model, &p)) /* the whole check: shapes, card, normaliser */
        return 1;
    predictor_free(&p);
    struct safetensors st;
    if (st_read_file(model, 0, &st, &e)) {
        cli_error("card", e.msg);
        return 1;
    }
    char found[1200], model_hash[32];
    char *metrics = NULL;
    const char *metrics_name = NULL;
    int rc = 1;
    uint64_t h;
    if (fnv1a64_file(model, &h, &e)) {
        cli_error("card", e.msg);
        goto out;
    }
    fnv1a64_format(h, model_hash, sizeof model_hash);
    if (metrics_path) {
        uint8_t *text = NULL;
        size_t len;
        char why[HR_ERR_MSG];
        if (read_file_all(metrics_path, &text, &len, 64u << 20, &e)) {
            cli_error("card", e.msg);
            goto out;
        }
        metrics = (char *)text;
        metrics_name = metrics_path;
        if (metrics_match(metrics_path, metrics, len, model_hash, why, sizeof why)) {
            fprintf(stderr, "hrcast card: %s\n", why);
            rc = 2;
            goto out;
        }
    } else if (!no_metrics && (metrics = find_metrics(model, model_hash, found, sizeof found))) {
        metrics_name = found;
    }
    if (metrics)
        hr_info("including the evaluation in %s", metrics_name);
    else
        hr_info("no metrics.json for %s: the card says how to add an evaluation", model);
    struct stat sb;
    struct model_card_opts o = {.model_file = base_name(model),
                                .file_bytes = stat(model, &sb) == 0 ? (long long)sb.st_size : 0,
                                .metrics_json = metrics,
                                .metrics_name = metrics_name ? base_name(metrics_name) : NULL,
                                .license = license};
    char *text = NULL;
    size_t len = 0;
    if (model_card_render(&st, &o, &text, &len, &e)) {
        cli_error("card", e.msg);
        goto out;
    }
    if (out) {
        if (write_file_atomic(out, text, len, &e)) {
            cli_error("card", e.msg);
            free(text);
            goto out;
        }
        hr_info("wrote %s", out);
    } else if (fwrite(text, 1, len, stdout) != len) {
        fprintf(stderr, "hrcast card: stdout: write error\n");
        free(text);
        goto out;
    }
    free(text);
    rc = 0;
out:
    free(metrics);
    st_free(&st);
    return rc;
}
