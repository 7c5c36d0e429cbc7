/* import.c — `hrcast import`: files and folders of FIT/TCX/GPX/CSV/FitRec/seed JSON -> one dataset. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/filewalk.h"
#include "data/ingest.h"
#include "io/reader.h"
#include "util/log.h"
#include "util/progress.h"
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *usage_text =
    "usage: hrcast import [options] PATH... -o DATASET\n"
    "\n"
    "Reads workout files (FIT, TCX, GPX, CSV, FitRec/Endomondo lines, seed JSON; .gz read\n"
    "transparently; the format comes from the content), cleans them and resamples them onto a\n"
    "uniform grid, and writes one dataset file. PATH may be files or folders (searched recursively).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE        dataset to write (required; written whole or not at all)\n"
    "      --step S             grid step in seconds (default 10)\n"
    "      --sport NAME         keep this sport: running (default), any, or a name such as cycling\n"
    "      --athlete NAME       athlete for files that name none (default: the PATH's folder name)\n"
    "      --athlete-from-dir   athlete = the first folder below each PATH (one folder per runner)\n"
    "      --gender m|f|u       gender for files that state none\n"
    "      --sample-step S      seconds per sample of seed JSON files (default 6)\n"
    "      --csv-speed UNIT     unit of a bare CSV 'speed' column: m/s (default), km/h, mph\n"
    "      --csv-time KIND      CSV time column: auto (default), iso, unix, elapsed\n"
    "      --min-minutes M      reject workouts with less valid heart rate than this (default 5)\n"
    "      --seed N             seed of the stored splits (default 42)\n"
    CLI_LIMIT_HELP
    "  -q, --quiet              only errors\n"
    "  -v, --verbose            also say why each workout was rejected\n"
    "  -h, --help               this text\n"
    "\n"
    "Each unreadable file gets one line 'path: offset: reason' and the import goes on.\n"
    "Every grid step gets an HR-quality verdict (trusted, or cadence_lock, lock_on, dropout, stuck,\n"
    "level_shift, spike; docs/data.md), stored with the dataset and counted at the end.\n"
    "Exit status: 0 all files read, 1 some files failed or nothing was accepted (then no dataset is\n"
    "written), 2 usage error.\n"
    "\n"
    "examples:\n"
    "  hrcast import ~/Garmin/Activities -o mine.hrd\n"
    "  hrcast import --athlete-from-dir ../shared/data/real -o real.hrd\n"
    "  hrcast import endomondoHR_proper.json.gz --sport run -o fitrec.hrd\n"
    "  hrcast import --max-samples 3000000 --max-inflate 4G big_export.parquet -o big.hrd\n";

struct import_ctx {
    struct ingest g;
    const char *file_athlete;
};

static void basename_of(const char *path, char *out, size_t cap)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t k = strlen(tmp);
    while (k > 1 && tmp[k - 1] == '/')
        tmp[--k] = '\0';
    snprintf(out, cap, "%s", basename(tmp));
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"step", required_argument, 0, 1},
        {"sport", required_argument, 0, 2},    {"athlete", required_argument, 0, 3},
        {"athlete-from-dir", no_argument, 0, 4}, {"gender", required_argument, 0, 5},
        {"sample-step", required_argument, 0, 6}, {"csv-speed", required_argument, 0, 7},
        {"csv-time", required_argument, 0, 8}, {"seed", required_argument, 0, 9},
        {"min-minutes", required_argument, 0, 10}, {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        CLI_LIMIT_OPTIONS,                     {0, 0, 0, 0}};
    const char *out = NULL, *athlete = NULL;
    int from_dir = 0;
    uint64_t seed = 42;
    struct prep_opts po;
    prep_opts_default(&po);
    struct read_opts ro;
    read_opts_default(&ro);
    double v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qvh", opts, NULL)) != -1) {
        int lr = cli_limit_option("import", c, optarg, &ro.lim);
        if (lr < 0)
            return 2;
        if (lr > 0)
            continue;
        switch (c) {
        case 'o': out = optarg; break;
        case 1:
            if (cli_float("import", "--step", optarg, 0.5, 600, &v))
                return 2;
            po.step = (float)v;
            break;
        case 2: snprintf(po.sport, sizeof po.sport, "%s", optarg); break;
        case 3: athlete = optarg; break;
        case 4: from_dir = 1; break;
        case 5:
            if (strcmp(optarg, "m") && strcmp(optarg, "f") && strcmp(optarg, "u")) {
                fprintf(stderr, "hrcast import: --gender: '%s' is not m, f or u\n", optarg);
                return 2;
            }
            po.gender = optarg[0];
            break;
        case 6:
            if (cli_float("import", "--sample-step", optarg, 0.1, 3600, &ro.sample_step))
                return 2;
            break;
        case 7:
            if (!strcasecmp(optarg, "m/s") || !strcasecmp(optarg, "ms"))
                ro.csv_speed = CSV_SPEED_MS;
            else if (!strcasecmp(optarg, "km/h") || !strcasecmp(optarg, "kmh"))
                ro.csv_speed = CSV_SPEED_KMH;
            else if (!strcasecmp(optarg, "mph"))
                ro.csv_speed = CSV_SPEED_MPH;
            else {
                fprintf(stderr, "hrcast import: --csv-speed: '%s' is not m/s, km/h or mph\n", optarg);
                return 2;
            }
            break;
        case 8:
            if (!strcasecmp(optarg, "auto"))
                ro.csv_time = CSV_TIME_AUTO;
            else if (!strcasecmp(optarg, "iso"))
                ro.csv_time = CSV_TIME_ISO;
            else if (!strcasecmp(optarg, "unix"))
                ro.csv_time = CSV_TIME_UNIX;
            else if (!strcasecmp(optarg, "elapsed"))
                ro.csv_time = CSV_TIME_ELAPSED;
            else {
                fprintf(stderr, "hrcast import: --csv-time: '%s' is not auto, iso, unix or elapsed\n", optarg);
                return 2;
            }
            break;
        case 9:
            if (cli_u64("import", "--seed", optarg, &seed))
                return 2;
            break;
        case 10:
            if (cli_float("import", "--min-minutes", optarg, 0, 600, &v))
                return 2;
            po.min_valid_s = (float)(v * 60);
            break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'v': hr_log_set_level(HR_LOG_DEBUG); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (!out || optind >= argc) {
        fprintf(stderr, "hrcast import: %s\n", !out ? "missing -o DATASET" : "missing PATH");
        return cli_usage(usage_text, 0);
    }
    struct file_list files = {0};
    int bad_paths = 0;
    for (int i = optind; i < argc; i++)
        bad_paths |= file_list_add(&files, argv[i], i) != 0;
    if (files.n == 0) {
        fprintf(stderr, "hrcast import: no files found\n");
        file_list_free(&files);
        return 1;
    }
    struct import_ctx ctx;
    struct hr_err e;
    if (ingest_open(&ctx.g, out, &po, &e)) {
        fprintf(stderr, "hrcast import: %s\n", e.msg);
        file_list_free(&files);
        return 1;
    }
    struct progress pb;
    progress_begin(&pb, "import", files.n);
    long long failed = 0, unsupported = 0;
    for (int i = 0; i < files.n; i++) {
        const char *path = files.path[i];
        char name[WK_ATHLETE_LEN] = "";
        if (athlete)
            snprintf(name, sizeof name, "%s", athlete);
        else if (from_dir)
            first_subdir(argv[files.root[i]], path, name, sizeof name);
        if (!name[0]) {
            char base[256];
            basename_of(argv[files.root[i]], base, sizeof base);
            if (strcmp(path, argv[files.root[i]]) == 0) { /* a file argument: its folder's name */
                char tmp[4096];
                snprintf(tmp, sizeof tmp, "%s", path);
                basename_of(dirname(tmp), base, sizeof base);
            }
            snprintf(name, sizeof name, "%s", base);
        }
        snprintf(ctx.g.popts.athlete, sizeof ctx.g.popts.athlete, "%s", name);
        enum hr_format f = io_detect_path(path);
        int explicit_file = strcmp(path, argv[files.root[i]]) == 0;
        if (f == FMT_UNKNOWN && !explicit_file) {
            unsupported++;
            ingest_count(&ctx.g, REJ_UNSUPPORTED);
            hr_debug("%s: skipped: not a format hrcast reads", path);
        } else if (io_read_path(path, &ro, ingest_sink, &ctx.g, &e)) {
            if (ctx.g.failed) {
                fprintf(stderr, "hrcast import: %s\n", ctx.g.err.msg);
                ingest_abort(&ctx.g);
                file_list_free(&files);
                return 1;
            }
            if (pb.enabled)
                fputc('\n', stderr);
            fprintf(stderr, "%s\n", e.msg);
            failed++;
            ingest_count(&ctx.g, REJ_READ_ERROR);
        }
        char extra[64];
        snprintf(extra, sizeof extra, "%lld accepted", ctx.g.st.accepted);
        progress_update(&pb, i + 1, extra);
    }
    progress_end(&pb);
    long long accepted = ctx.g.st.accepted;
    double hours = ctx.g.hours;
    struct prep_stats st = ctx.g.st;
    long long hrq[HRQ_COUNT];
    memcpy(hrq, ctx.g.hr_quality, sizeof hrq);
    if (accepted == 0) { /* no dataset rather than an empty one */
        ingest_abort(&ctx.g);
        fprintf(stderr, "hrcast import: no workout was accepted, %s not written; rejected:", out);
        for (int r = 0; r < REJ_COUNT; r++)
            if (st.rejected[r])
                fprintf(stderr, " %s=%lld", reject_reason_name((enum reject_reason)r), st.rejected[r]);
        fprintf(stderr, "\n");
        file_list_free(&files);
        return 1;
    }
    char desc[256];
    snprintf(desc, sizeof desc, "hrcast import of %d files (%s%s)", files.n, argv[optind],
             argc - optind > 1 ? ", ..." : "");
    if (ingest_finish(&ctx.g, seed, desc, &e)) {
        fprintf(stderr, "hrcast import: %s\n", e.msg);
        file_list_free(&files);
        return 1;
    }
    if (hr_log_get_level() >= HR_LOG_INFO) {
        fprintf(stderr, "imported %lld workouts (%.1f h) from %d files into %s\n", accepted, hours, files.n, out);
        fprintf(stderr, "rejected:");
        int any = 0;
        for (int r = 0; r < REJ_COUNT; r++)
            if (st.rejected[r]) {
                fprintf(stderr, " %s=%lld", reject_reason_name((enum reject_reason)r), st.rejected[r]);
                any = 1;
            }
        fprintf(stderr, "%s\n", any ? "" : " none");
        fprintf(stderr, "HR quality (grid steps):");
        for (int r = 0; r < HRQ_COUNT; r++)
            fprintf(stderr, " %s=%lld", hr_issue_name((enum hr_issue)r), hrq[r]);
        fprintf(stderr, "\n");
        if (failed)
            fprintf(stderr, "%lld files could not be read (see the lines above)\n", failed);
        if (unsupported)
            fprintf(stderr, "%lld files skipped: not a format hrcast reads (-v lists them)\n", unsupported);
    }
    file_list_free(&files);
    return failed || bad_paths ? 1 : 0;
}
