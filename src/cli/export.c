/* export.c — `hrcast export DATASET --format csv|jsonl [-o FILE]`: the dataset back out for others. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "data/dataset.h"
#include "util/fileio.h"
#include "util/json.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast export DATASET --format csv|jsonl [-o FILE]\n"
    "\n"
    "Writes every series of a dataset: csv has one row per grid step (workout, athlete, time,\n"
    "speed, altitude, grade, distance, heart_rate; empty heart_rate = masked); jsonl has one JSON\n"
    "object per workout with metadata, splits and arrays (null = masked).\n"
    "\n"
    "options:\n"
    "  -f, --format F   csv or jsonl (default csv)\n"
    "  -o, --output F   file to write (atomically); default stdout\n"
    "  -h, --help       this text\n"
    "\n"
    "examples:\n"
    "  hrcast export real.hrd --format csv -o real.csv\n"
    "  hrcast export real.hrd --format jsonl | head -1\n";

static void write_csv(const struct dataset *ds, FILE *f)
{
    fprintf(f, "workout,athlete,time_s,speed_mps,altitude_m,grade,distance_m,heart_rate_bpm\n");
    for (int i = 0; i < ds->n; i++) {
        struct series s;
        dataset_series(ds, i, &s);
        for (int k = 0; k < s.n; k++) {
            fprintf(f, "%d,%s,%g,%.3f,%.2f,%.4f,%.1f,", i, s.meta.athlete, S_TIME(&s)[k], S_SPEED(&s)[k],
                    S_ALT(&s)[k], S_GRADE(&s)[k], S_DIST(&s)[k]);
            if (isfinite(S_HR(&s)[k]))
                fprintf(f, "%.1f", S_HR(&s)[k]);
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
        jw_kv_str(&w, "athlete", s.meta.athlete);
        jw_kv_str(&w, "sport", s.meta.sport);
        char g[2] = {s.meta.gender, 0};
        jw_kv_str(&w, "gender", g);
        jw_kv_num(&w, "start_time", s.meta.start_time);
        jw_kv_str(&w, "device", s.meta.device);
        jw_kv_str(&w, "source", s.meta.source);
        jw_kv_num(&w, "step_s", s.step);
        jw_kv_str(&w, "split_athlete", ds->split[SPLIT_ATHLETE][i] < 3 ? parts[ds->split[SPLIT_ATHLETE][i]] : "none");
        jw_kv_str(&w, "split_chrono", ds->split[SPLIT_CHRONO][i] < 3 ? parts[ds->split[SPLIT_CHRONO][i]] : "none");
        for (int c = 0; c < CH_COUNT; c++) {
            jw_key(&w, series_channel_name((enum series_channel)c));
            jw_arr_begin(&w);
            for (int k = 0; k < s.n; k++)
                jw_num(&w, s.ch[c][k]);
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
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *format = "csv", *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        if (c == 'f')
            format = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'h')
            return cli_usage(usage_text, 1);
        else
            return cli_usage(usage_text, 0);
    }
    if (optind != argc - 1)
        return cli_usage(usage_text, 0);
    if (strcmp(format, "csv") && strcmp(format, "jsonl")) {
        fprintf(stderr, "hrcast export: --format: '%s' is not csv or jsonl\n", format);
        return 2;
    }
    struct dataset ds;
    struct hr_err e;
    if (dataset_open(argv[optind], &ds, &e)) {
        fprintf(stderr, "hrcast export: %s\n", e.msg);
        return 1;
    }
    struct atomic_file af;
    FILE *f = stdout;
    if (out) {
        if (atomic_open(&af, out, &e)) {
            fprintf(stderr, "hrcast export: %s\n", e.msg);
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
        fprintf(stderr, "hrcast export: %s\n", e.msg);
        return 1;
    }
    return 0;
}
