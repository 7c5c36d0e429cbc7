/* parquet_card.c — renders the Hugging Face dataset card for an hrcast Parquet export
 * (see parquet_card.h): YAML header (configs/data_files per split, dataset_info features and
 * splits, size category), then the columns, units, cleaning rules with counts, and how to load it. */
#include "io/parquet/parquet_card.h"
#include "util/fileio.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sb {
    char *p;
    size_t len, cap;
    int oom;
};

static void sbf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sbf(struct sb *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 4096;
        while (cap <= b->len + (size_t)n)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
}

/* YAML-safe scalar: double-quoted with escapes. */
static void yq(struct sb *b, const char *s)
{
    sbf(b, "\"");
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            sbf(b, "\\%c", ch);
        else if (ch < 0x20)
            sbf(b, " ");
        else
            sbf(b, "%c", ch);
    }
    sbf(b, "\"");
}

static const char *size_category(long long n)
{
    if (n < 1000)
        return "n<1K";
    if (n < 10000)
        return "1K<n<10K";
    if (n < 100000)
        return "10K<n<100K";
    if (n < 1000000)
        return "100K<n<1M";
    return "1M<n<10M";
}

static const struct {
    const char *name, *dtype, *doc;
    int seq;
} FEATURES[] = {
    {"id", "int64", "source id of the recording (-1/null when the source had none)", 0},
    {"athlete", "string", "athlete identifier as found in the source (pseudonymous)", 0},
    {"sport", "string", "sport as recorded, lower case", 0},
    {"title", "string", "the activity's name as the runner set it (Strava, GPX trk/name), null when none", 0},
    {"gender", "string", "\"male\", \"female\" or null", 0},
    {"device", "string", "recording device, null when unknown", 0},
    {"hr_sensor", "string", "\"strap\" or \"wrist\", null when the file did not say", 0},
    {"start_time", "float64", "Unix seconds of the first sample, null when unknown", 0},
    {"step_s", "float32", "grid step in seconds", 0},
    {"time", "float32", "elapsed seconds of each step", 1},
    {"speed", "float32", "metres per second", 1},
    {"altitude", "float32", "metres; null list when the recording had no altitude", 1},
    {"grade", "float32", "slope as a fraction (0.05 = 5 % uphill)", 1},
    {"distance", "float32", "cumulative metres", 1},
    {"heart_rate", "float32", "beats per minute; NaN where masked by cleaning (never a target there)", 1},
    {"hr_issue", "int32",
     "HR-quality verdict per step: 0 trusted, 1 hr_gap, 2 pause, 3 cadence_lock, 4 lock_on, 5 dropout, 6 stuck, "
     "7 level_shift, 8 spike (hrcast docs/data.md); null list when not assessed", 1},
};
#define N_FEATURES ((int)(sizeof FEATURES / sizeof *FEATURES))

int parquet_card_render(const struct pq_card *c, char **out, size_t *len, struct hr_err *e)
{
    struct sb b = {0};
    long long total = 0, steps = 0;
    for (int i = 0; i < c->n_splits; i++) {
        total += c->splits[i].n_series;
        steps += c->splits[i].n_steps;
    }
    const char *title = c->pretty_name ? c->pretty_name : "hrcast heart-rate series";
    sbf(&b, "---\n");
    if (c->license && *c->license)
        sbf(&b, "license: %s\n", c->license);
    else
        sbf(&b, "# license: fill in the licence of the source data (https://huggingface.co/docs/hub/repositories-licenses)\n");
    sbf(&b, "pretty_name: ");
    yq(&b, title);
    sbf(&b, "\ntags:\n- heart-rate\n%s- time-series\n- sports\n", c->running ? "- running\n" : "");
    sbf(&b, "task_categories:\n- time-series-forecasting\n");
    sbf(&b, "size_categories:\n- %s\n", size_category(total));
    sbf(&b, "configs:\n- config_name: default\n  data_files:\n");
    for (int i = 0; i < c->n_splits; i++) {
        sbf(&b, "  - split: %s\n    path: ", c->splits[i].name);
        yq(&b, c->splits[i].path);
        sbf(&b, "\n");
    }
    sbf(&b, "dataset_info:\n  features:\n");
    for (int i = 0; i < N_FEATURES; i++) {
        if (FEATURES[i].seq)
            sbf(&b, "  - name: %s\n    sequence: %s\n", FEATURES[i].name, FEATURES[i].dtype);
        else
            sbf(&b, "  - name: %s\n    dtype: %s\n", FEATURES[i].name, FEATURES[i].dtype);
    }
    sbf(&b, "  splits:\n");
    long long bytes = 0;
    for (int i = 0; i < c->n_splits; i++) {
        sbf(&b, "  - name: %s\n    num_examples: %lld\n", c->splits[i].name, c->splits[i].n_series);
        if (c->splits[i].n_bytes > 0)
            sbf(&b, "    num_bytes: %lld\n", c->splits[i].n_bytes);
        bytes += c->splits[i].n_bytes;
    }
    if (bytes > 0)
        sbf(&b, "  download_size: %lld\n", bytes);
    sbf(&b, "---\n\n# %s\n\n", title);
    /* the sports as the rows hold them: until 2026-12-07 "Running workouts" whatever they were */
    sbf(&b, "Workouts cleaned and resampled onto a uniform %g s grid by "
            "hrcast%s%s: one row per workout, the per-step channels as lists.\n\n",
        (double)c->step_s, c->hrcast_version ? " " : "", c->hrcast_version ? c->hrcast_version : "");
    if (c->contents && *c->contents)
        sbf(&b, "%s\n\n", c->contents);
    if (c->source_desc && *c->source_desc)
        sbf(&b, "Source: %s\n\n", c->source_desc);
    sbf(&b, "%lld workouts, %lld time steps in all.\n\n", total, steps);
    sbf(&b, "## Splits\n\n");
    if (c->split_desc && *c->split_desc)
        sbf(&b, "%s\n\n", c->split_desc);
    sbf(&b, "| split | file | workouts | steps | athletes |\n|---|---|---:|---:|---:|\n");
    for (int i = 0; i < c->n_splits; i++) {
        const struct pq_card_split *s = &c->splits[i];
        sbf(&b, "| %s | `%s` | %lld | %lld | ", s->name, s->path, s->n_series, s->n_steps);
        if (s->n_athletes > 0)
            sbf(&b, "%lld |\n", s->n_athletes);
        else
            sbf(&b, "- |\n");
    }
    sbf(&b, "\n## Columns\n\nUnits: seconds, metres, metres per second, beats per minute.\n\n"
            "| column | type | meaning |\n|---|---|---|\n");
    for (int i = 0; i < N_FEATURES; i++)
        sbf(&b, "| `%s` | %s%s%s | %s |\n", FEATURES[i].name, FEATURES[i].seq ? "list<" : "", FEATURES[i].dtype,
            FEATURES[i].seq ? ">" : "", FEATURES[i].doc);
    sbf(&b, "\nAll lists of one row have the same length. The Parquet key/value metadata says "
            "`hrcast.layout = hrcast-series-v1` and `hrcast.speed_unit = m/s`.\n\n");
    sbf(&b, "## Cleaning\n\n");
    if (c->n_rules == 0 && c->n_rejects == 0)
        sbf(&b, "No cleaning rules were recorded for this export.\n");
    for (int i = 0; i < c->n_rules; i++)
        sbf(&b, "- %s\n", c->rules[i]);
    /* the dataset's counts hold workouts set aside and, named "mask:RULE", samples masked or dropped */
    for (int masks = 0; masks < 2; masks++) {
        int header = 0;
        for (int i = 0; i < c->n_rejects; i++) {
            if ((strncmp(c->rejects[i].reason, "mask:", 5) == 0) != masks)
                continue;
            if (!header++)
                sbf(&b, masks ? "\nSamples masked or dropped within the workouts kept, by rule:\n\n| rule | samples "
                                "|\n|---|---:|\n"
                              : "\nWorkouts set aside, by rule:\n\n| rule | workouts |\n|---|---:|\n");
            sbf(&b, "| %s | %lld |\n", masks ? c->rejects[i].reason + 5 : c->rejects[i].reason, c->rejects[i].count);
        }
    }
    sbf(&b, "\n## Loading\n\nWith the `datasets` library (from the Hub, or from a local copy of this folder):\n\n"
            "```python\nfrom datasets import load_dataset\n"
            "ds = load_dataset(\"parquet\", data_files={");
    for (int i = 0; i < c->n_splits; i++)
        sbf(&b, "%s\"%s\": \"%s\"", i ? ", " : "", c->splits[i].name, c->splits[i].path);
    sbf(&b, "})\n# or: load_dataset(\"USER/REPO\") once uploaded\n"
            "row = ds[\"%s\"][0]\nprint(row[\"sport\"], len(row[\"heart_rate\"]))\n```\n\n",
        c->n_splits ? c->splits[0].name : "train");
    sbf(&b, "With pandas (pyarrow engine):\n\n```python\nimport numpy as np, pandas as pd\n"
            "df = pd.read_parquet(\"%s\")\nhr = np.asarray(df.loc[0, \"heart_rate\"])  # NaN = masked\n"
            "speed_kmh = np.asarray(df.loc[0, \"speed\"]) * 3.6\n```\n\n",
        c->n_splits ? c->splits[0].path : "data/train.parquet");
    sbf(&b, "hrcast itself reads these files back: `hrcast import %s ...`.\n\n",
        c->n_splits ? c->splits[0].path : "data/train.parquet");
    sbf(&b, "## Licence\n\n%s\n",
        c->license && *c->license ? "See the `license` field above."
                                  : "Not set: the exporter does not know the terms of the source data. "
                                    "Fill in the `license` field of the YAML header before publishing.");
    if (b.oom) {
        free(b.p);
        return hr_fail(e, "dataset card: out of memory");
    }
    *out = b.p;
    *len = b.len;
    return 0;
}

int parquet_card_write(const char *path, const struct pq_card *c, struct hr_err *e)
{
    char *s;
    size_t n;
    if (parquet_card_render(c, &s, &n, e))
        return -1;
    int rc = write_file_atomic(path, s, n, e);
    free(s);
    return rc;
}
