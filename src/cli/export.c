/* export.c — `hrcast export DATASET --format csv|jsonl|parquet [-o FILE|DIR]`: the dataset back out for
 * others, with the HR-quality verdict of every step (docs/data.md). */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "data/dataset.h"
#include "prep/hr_quality.h"
#include "data/parquet_write.h"
#include "io/parquet/parquet_card.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "util/fileio.h"
#include "util/csv_field.h"
#include "util/json.h"
#include "util/log.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast export DATASET --format csv|jsonl|parquet [-o FILE|DIR]\n"
    "\n"
    "Writes every series of a dataset:\n"
    "  csv      one row per grid step: workout, id, athlete, sport, gender, device, hr_sensor,\n"
    "           title, start_time, step_s, time_s, speed_mps, altitude_m, grade, distance_m, heart_rate_bpm,\n"
    "           hr_issue (empty heart_rate = masked, empty altitude = none recorded; hr_issue: empty =\n"
    "           trusted, else the HR-quality reason, unassessed for a dataset without verdicts)\n"
    "  jsonl    one JSON object per workout: metadata, splits and arrays (null = masked) and\n"
    "           \"hr_issue\": per step null (trusted HR) or the HR-quality reason (docs/data.md;\n"
    "           \"hr_truth\" too for simulate --artifacts), matched by time with \"start_time\"\n"
    "           (epoch s) + index x \"step_s\"\n"
    "  parquet  a Hugging Face style folder DIR/data/{train,validation,test}.parquet (the stored\n"
    "           athlete-disjoint split) plus DIR/README.md, the dataset card (docs/parquet.md);\n"
    "           hr_issue is a list of verdict codes (0 trusted, 3 cadence_lock, ...)\n"
    "Every format imports back (`hrcast import FILE|DIR --step S`, S the dataset's step) to the same\n"
    "workouts, series, metadata and HR-quality verdicts (kept as stored, not assessed again); the\n"
    "stored splits are drawn again (--seed). Only jsonl carries hr_truth (the true artifacts of\n"
    "simulate --artifacts): csv and parquet drop it.\n"
    "\n"
    "options:\n"
    "  -f, --format F   csv, jsonl or parquet (default csv)\n"
    "  -o, --output F   file to write (atomically); default stdout; a folder for parquet\n"
    "      --codec C    parquet compression: snappy (default), zstd, gzip, none\n"
    "  -q, --quiet      only errors\n"
    "  -h, --help       this text\n"
    "\n"
    "examples:\n"
    "  hrcast export real.hrd --format csv -o real.csv\n"
    "  hrcast export real.hrd --format jsonl | head -1\n"
    "  hrcast export real.hrd --format parquet -o real-parquet/\n"
    "  hrcast import real.csv -o again.hrd\n";

/* What import does by default, as docs/data.md "Cleaning rules" states it. The dataset does not record the
 * options import ran with, so the card says so rather than state defaults as facts (until 2026-12-07 it said
 * "running only", "less than 5 minutes" and "gaps longer than 60 s are pauses: speed 0" whatever the
 * dataset held; moving gaps keep their speed and 15-60 s stops can be pauses). */
static const char *cleaning_rules[] = {
    "import's defaults, as hrcast's docs/data.md states them; the options an import ran with (--sport, "
    "--min-minutes) are not recorded in the dataset, so where they differ this list does not know: the sports "
    "above and the counts below are what this dataset holds",
    "sport filter: running by default (files that state no sport are kept, as `unknown`); --sport any keeps all",
    "heart rate 0 or outside 30-230 bpm is masked; a sample > 25 bpm away from both neighbours that agree is masked",
    "speed from the device, else from distance, else from GPS (moves under 2 m ignored as jitter); steps above "
    "12 m/s are interpolated",
    "pauses: a recording gap over which the runner did not move (over 60 s, or 15-60 s when the recorded "
    "distance says so) has speed 0 and heart rate masked, nothing interpolated across",
    "a gap over 60 s over which the distance went on at 0.5-12 m/s (a sparse recording) keeps the gap's mean "
    "speed, heart rate masked",
    "gaps longer than 30 min split the recording; the part with the most valid heart rate is kept",
    "resampled onto a uniform grid (bin means, bounded interpolation); grade from smoothed altitude",
    "rejected (default 5 minutes, import --min-minutes): less valid heart rate than that, or fewer moving steps "
    "(faster than 0.5 m/s) than that; or less than 50 % of the non-pause steps with valid heart rate",
    "rejected: same athlete and start time as a workout already accepted (duplicate)",
};

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "Sports, by workouts: cycling 3, running 40" from the rows (a sport stored empty is "unknown"); *running
 * set when some are runs. */
static void describe_sports(const struct dataset *ds, char *out, size_t cap, int *running)
{
    *running = 0;
    const char **sp = malloc(sizeof *sp * (size_t)(ds->n ? ds->n : 1));
    if (!sp) {
        out[0] = '\0';
        return;
    }
    for (int i = 0; i < ds->n; i++)
        sp[i] = ds->meta[i].sport;
    qsort(sp, (size_t)ds->n, sizeof *sp, cmp_str_ptr);
    size_t len = (size_t)snprintf(out, cap, "Sports, by workouts:");
    for (int i = 0, run; i < ds->n; i += run) {
        for (run = 1; i + run < ds->n && !strcmp(sp[i + run], sp[i]); run++)
            ;
        *running |= sport_is_running(sp[i]);
        if (len < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s %s %d", i ? "," : "", sp[i][0] ? sp[i] : "unknown", run);
    }
    free(sp);
}

static int export_parquet(const struct dataset *ds, const char *dir, int codec, struct hr_err *e)
{
    char path[1200];
    path_join(path, sizeof path, dir, "data");
    if ((mkdir(dir, 0755) && errno != EEXIST) || (mkdir(path, 0755) && errno != EEXIST))
        return hr_fail(e, "%s: %s", path, strerror(errno));
    static const char *names[3] = {"train", "validation", "test"};
    struct pq_card_split splits[3];
    char rel[3][64];
    struct pq_write_opts o;
    pq_write_opts_default(&o);
    o.codec = codec;
    o.rows_per_group = 1000;
    for (int p = 0; p < 3; p++) {
        int n;
        int *idx = dataset_select(ds, SPLIT_ATHLETE, (enum split_part)p, &n);
        struct series *v = calloc((size_t)(n ? n : 1), sizeof *v);
        const struct series **sp = calloc((size_t)(n ? n : 1), sizeof *sp);
        if (!idx || !v || !sp) {
            free(idx); free(v); free(sp);
            return hr_fail(e, "export: out of memory");
        }
        long long steps = 0;
        char (*ath)[WK_ATHLETE_LEN] = calloc((size_t)(n ? n : 1), sizeof *ath);
        int na = 0;
        for (int i = 0; i < n; i++) {
            dataset_series(ds, idx[i], &v[i]);
            sp[i] = &v[i];
            steps += v[i].n;
            int k = 0;
            while (ath && k < na && strcmp(ath[k], v[i].meta.athlete))
                k++;
            if (ath && k == na)
                snprintf(ath[na++], WK_ATHLETE_LEN, "%s", v[i].meta.athlete);
        }
        free(ath);
        snprintf(rel[p], sizeof rel[p], "data/%s.parquet", names[p]);
        path_join(path, sizeof path, dir, rel[p]);
        int rc = parquet_write_series(path, sp, n, &o, e);
        free(idx);
        free(v);
        free(sp);
        if (rc)
            return -1;
        struct stat st;
        splits[p] = (struct pq_card_split){names[p], rel[p], n, steps, stat(path, &st) == 0 ? (long long)st.st_size : 0, na};
    }
    struct pq_card_count counts[DS_MAX_REJECT];
    for (int i = 0; i < ds->n_reject; i++)
        counts[i] = (struct pq_card_count){ds->reject[i].reason, ds->reject[i].count};
    /* the rule as src/data/splits.c applies it, and what it gave here (until 2026-12-07 "athlete-disjoint
     * 70/15/15 by athlete" also when 2 athletes put everything in train) */
    double valid[3] = {0}, all = 0;
    for (int i = 0; i < ds->n; i++) {
        double v = (double)ds->meta[i].valid_hr_frac * ds->len[i];
        all += v;
        if (ds->split[SPLIT_ATHLETE][i] < 3)
            valid[ds->split[SPLIT_ATHLETE][i]] += v;
    }
    char split_desc[512];
    int n = snprintf(split_desc, sizeof split_desc,
                     "hrcast's stored athlete-disjoint split (seed %llu): every athlete's workouts in one part, the "
                     "parts balanced toward 70/15/15 %% of the valid heart-rate steps; with 1 or 2 athletes all are "
                     "train. Here: train %.1f %%, validation %.1f %%, test %.1f %% of the valid heart-rate steps.",
                     (unsigned long long)ds->split_seed, all > 0 ? 100 * valid[0] / all : 0,
                     all > 0 ? 100 * valid[1] / all : 0, all > 0 ? 100 * valid[2] / all : 0);
    if (splits[1].n_series == 0 && splits[2].n_series == 0 && n > 0 && (size_t)n < sizeof split_desc)
        snprintf(split_desc + n, sizeof split_desc - (size_t)n,
                 " There is no athlete-disjoint validation or test part.");
    char sports[1024];
    int running;
    describe_sports(ds, sports, sizeof sports, &running);
    struct pq_card card = {
        .pretty_name = NULL, .license = NULL, .source_desc = ds->source_desc, .split_desc = split_desc,
        .contents = sports, .running = running,
        .step_s = ds->step, .splits = splits, .n_splits = 3, .rules = cleaning_rules,
        .n_rules = (int)(sizeof cleaning_rules / sizeof *cleaning_rules), .rejects = counts,
        .n_rejects = ds->n_reject, .hrcast_version = HRCAST_VERSION,
    };
    path_join(path, sizeof path, dir, "README.md");
    return parquet_card_write(path, &card, e);
}


/* Floats as %.9g: read back, every value is the same float (the round trip is exact). */
static void write_csv(const struct dataset *ds, FILE *f)
{
    fprintf(f, "workout,id,athlete,sport,gender,device,hr_sensor,title,start_time,step_s,time_s,speed_mps,altitude_m,grade,"
               "distance_m,heart_rate_bpm,hr_issue\n");
    for (int i = 0; i < ds->n; i++) {
        struct series s;
        dataset_series(ds, i, &s);
        char start[40] = "";
        if (isfinite(s.meta.start_time))
            snprintf(start, sizeof start, "%.17g", s.meta.start_time);
        for (int k = 0; k < s.n; k++) {
            /* the metadata columns repeat on every row of a workout */
            fprintf(f, "%d,%lld,", i, s.meta.id);
            csv_field(f, s.meta.athlete);
            fputc(',', f);
            csv_field(f, s.meta.sport);
            fprintf(f, ",%c,", s.meta.gender);
            csv_field(f, s.meta.device);
            fputc(',', f);
            csv_field(f, s.meta.hr_sensor);
            fputc(',', f);
            csv_field(f, s.meta.title);
            fprintf(f, ",%s,%g,", start, s.step);
            fprintf(f, "%.9g,%.9g,", S_TIME(&s)[k], S_SPEED(&s)[k]);
            if (s.meta.has_alt) /* empty when no altitude was recorded (not the 0 filler) */
                fprintf(f, "%.9g", S_ALT(&s)[k]);
            fprintf(f, ",%.9g,%.9g,", S_GRADE(&s)[k], S_DIST(&s)[k]);
            if (isfinite(S_HR(&s)[k]))
                fprintf(f, "%.9g", S_HR(&s)[k]);
            fputc(',', f); /* the verdict: empty = trusted; a dataset without verdicts says so */
            if (!s.hr_issue)
                fputs("unassessed", f);
            else if (s.hr_issue[k] != HRQ_TRUSTED)
                fputs(hr_issue_name((enum hr_issue)s.hr_issue[k]), f);
            fputc('\n', f);
        }
    }
}

static void write_jsonl(const struct dataset *ds, FILE *f)
{
    static const char *parts[] = {"train", "val", "test"};
    for (int i = 0; i < ds->n; i++) {
        struct series s;
        dataset_series(ds, i, &s);
        struct jw w;
        jw_init_file(&w, f, 0);
        jw_obj_begin(&w);
        jw_kv_int(&w, "index", i);
        jw_kv_int(&w, "id", s.meta.id);
        jw_kv_str(&w, "athlete", s.meta.athlete);
        jw_kv_str(&w, "sport", s.meta.sport);
        char g[2] = {s.meta.gender, 0};
        jw_kv_str(&w, "gender", g);
        jw_kv_num(&w, "start_time", s.meta.start_time);
        jw_kv_str(&w, "device", s.meta.device);
        jw_kv_str(&w, "source", s.meta.source);
        jw_kv_str(&w, "title", s.meta.title);
        jw_kv_num(&w, "step_s", s.step);
        jw_kv_str(&w, "split_athlete", ds->split[SPLIT_ATHLETE][i] < 3 ? parts[ds->split[SPLIT_ATHLETE][i]] : "none");
        jw_kv_str(&w, "split_chrono", ds->split[SPLIT_CHRONO][i] < 3 ? parts[ds->split[SPLIT_CHRONO][i]] : "none");
        for (int c = 0; c < CH_COUNT; c++) {
            jw_key(&w, series_channel_name((enum series_channel)c));
            jw_arr_begin(&w);
            int none = c == CH_ALT && !s.meta.has_alt; /* no altitude recorded: null, not the 0 filler */
            for (int k = 0; k < s.n; k++)
                jw_num(&w, none ? NAN : s.ch[c][k]);
            jw_arr_end(&w);
        }
        if (s.hr_issue)
            jw_kv_str(&w, "hr_sensor", s.meta.hr_sensor);
        for (int t = 0; t < 2 && s.hr_issue; t++) { /* per step: null = trusted, else the reason */
            if (t == 1 && !s.meta.has_hr_truth)
                break;
            const uint8_t *v = t ? s.hr_truth : s.hr_issue;
            jw_key(&w, t ? "hr_truth" : "hr_issue");
            jw_arr_begin(&w);
            for (int k = 0; k < s.n; k++)
                jw_str(&w, v[k] == HRQ_TRUSTED ? NULL : hr_issue_name((enum hr_issue)v[k]));
            jw_arr_end(&w);
        }
        jw_obj_end(&w);
        fputc('\n', f);
    }
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},
                                         {"codec", required_argument, 0, 1},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *format = "csv", *out = NULL;
    int c, codec = -1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qh", opts, NULL)) != -1) {
        if (c == 'f')
            format = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 1) {
            if ((codec = pq_codec_parse(optarg)) < 0) {
                fprintf(stderr, "hrcast export: --codec: '%s' is not snappy, zstd, gzip or none\n", optarg);
                return 2;
            }
        } else if (c == 'q')
            hr_log_set_level(HR_LOG_QUIET);
        else if (c == 'h')
            return cli_usage(usage_text, 1);
        else
            return cli_usage(usage_text, 0);
    }
    if (optind != argc - 1)
        return cli_usage(usage_text, 0);
    if (strcmp(format, "csv") && strcmp(format, "jsonl") && strcmp(format, "parquet")) {
        fprintf(stderr, "hrcast export: --format: '%s' is not csv, jsonl or parquet\n", format);
        return 2;
    }
    if (codec >= 0 && strcmp(format, "parquet")) { /* it was ignored without a word */
        fprintf(stderr, "hrcast export: --codec applies to --format parquet only (for %s, compress the output: "
                        "hrcast export DATA --format %s | gzip > out.%s.gz)\n", format, format, format);
        return 2;
    }
    if (!strcmp(format, "parquet") && !out) {
        fprintf(stderr, "hrcast export: --format parquet needs -o DIR\n");
        return 2;
    }
    if (strcmp(format, "parquet")) { /* parquet's -o is a folder */
        int bad_out = cli_check_output("export", out, (const char *const[]){argv[optind]}, 1);
        if (bad_out)
            return bad_out;
    }
    struct dataset ds;
    struct hr_err e;
    if (cli_open_dataset("export", usage_text, argv[optind], &ds))
        return 1;
    if (!strcmp(format, "parquet")) {
        struct pq_write_opts po;
        pq_write_opts_default(&po);
        int rc = export_parquet(&ds, out, codec >= 0 ? codec : po.codec, &e);
        dataset_close(&ds);
        if (rc) {
            cli_error("export", e.msg);
            return 1;
        }
        hr_info("wrote %s/data/{train,validation,test}.parquet and %s/README.md", out, out);
        return 0;
    }
    struct atomic_file af;
    FILE *f = stdout;
    if (out) {
        if (atomic_open(&af, out, &e)) {
            cli_error("export", e.msg);
            dataset_close(&ds);
            return 1;
        }
        f = af.f;
    }
    if (!strcmp(format, "csv"))
        write_csv(&ds, f);
    else
        write_jsonl(&ds, f);
    dataset_close(&ds);
    if (out && atomic_commit(&af, &e)) {
        cli_error("export", e.msg);
        return 1;
    }
    return 0;
}
