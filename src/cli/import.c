/* import.c — `hrcast import`: files, folders and export archives (.zip, .tar.gz) of
 * FIT/TCX/GPX/CSV/FitRec/seed JSON -> one dataset. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/filewalk.h"
#include "data/filekind.h"
#include "data/ingest.h"
#include "io/archive.h"
#include "io/export_index.h"
#include "util/fileio.h"
#include "io/reader.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/utf8.h"
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *usage_text =
    "usage: hrcast import [options] PATH... -o DATASET\n"
    "\n"
    "Reads workout files (FIT, TCX, GPX, CSV, FitRec/Endomondo lines, seed JSON; .gz read\n"
    "transparently; the format comes from the content), cleans them and resamples them onto a\n"
    "uniform grid, and writes one dataset file. PATH may be files or folders (searched recursively)\n"
    "or bulk-export archives (.zip, .tar.gz), read in place without unpacking: Strava's export (its\n"
    "activities.csv gives each file's sport and title; rides and swims are skipped unread) and Garmin\n"
    "Connect's (archives inside the archive). An archive's athlete is its name (export_123.zip ->\n"
    "export_123) unless --athlete says otherwise. PATH - reads one workout file from standard input\n"
    "(athlete \"stdin\" unless --athlete says otherwise).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE        dataset to write (required; written whole or not at all)\n"
    "      --step S             grid step in seconds (default 10)\n"
    "      --sport NAME         keep this sport: running (default), any, or a name such as cycling\n"
    "      --athlete NAME       athlete for files that name none (default: the PATH's folder name;\n"
    "                           at most 63 bytes, the size of an athlete id)\n"
    "      --athlete-from-dir   athlete = the first folder below each PATH (one folder per runner; a\n"
    "                           longer name is cut to 63 bytes with a warning, two that cut alike refused)\n"
    "      --gender m|f|u       gender for files that state none\n"
    "      --sample-step S      seconds per sample of seed JSON files (default 6)\n"
    "      --csv-speed UNIT     unit of a bare CSV 'speed' column: m/s (default), km/h, mph\n"
    "      --csv-time KIND      CSV time column: auto (default), iso, unix, elapsed\n"
    "      --min-minutes M      reject workouts with less valid heart rate than this (default 5)\n"
    "      --seed N             seed of the stored splits (default 42)\n"
    "      --archive-max-member SIZE  largest archive member read, inflated (default 1G)\n"
    "      --archive-max-total SIZE   most bytes one archive may inflate to (default 32G)\n"
    CLI_LIMIT_HELP
    "  -q, --quiet              only errors\n"
    "  -v, --verbose            also say why each workout was rejected\n"
    "  -h, --help               this text\n"
    "\n"
    "Each unreadable file gets one line 'path: offset: reason' (an archive member:\n"
    "'export.zip:activities/123.fit.gz: offset: reason') and the import goes on. Archive members\n"
    "over the size limits, with absolute or '..' names, or links are refused the same way.\n"
    "Every grid step gets an HR-quality verdict (trusted, or cadence_lock, lock_on, dropout, stuck,\n"
    "level_shift, spike; docs/data.md), stored with the dataset and counted at the end.\n"
    "Exit status: 0 all files read, 1 some files failed or nothing was accepted (then no dataset is\n"
    "written), 2 usage error.\n"
    "\n"
    "examples:\n"
    "  hrcast import ~/Garmin/Activities -o mine.hrd\n"
    "  hrcast import --athlete-from-dir ../shared/data/real -o real.hrd\n"
    "  hrcast import endomondoHR_proper.json.gz --sport run -o fitrec.hrd\n"
    "  hrcast import --max-samples 3000000 --max-inflate 4G big_export.parquet -o big.hrd\n"
    "  hrcast import export_12345.zip -o strava.hrd\n";

static void basename_of(const char *path, char *out, size_t cap)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t k = strlen(tmp);
    while (k > 1 && tmp[k - 1] == '/')
        tmp[--k] = '\0';
    const char *b = basename(tmp);
    char real[PATH_MAX];
    /* "." or ".." (import . in the runner's folder, or a file given without a folder): the folder's own name,
     * not "." */
    if ((!strcmp(b, ".") || !strcmp(b, "..")) && realpath(path, real) && strcmp(real, "/")) {
        snprintf(tmp, sizeof tmp, "%s", real);
        b = basename(tmp);
    }
    snprintf(out, cap, "%s", b);
}

struct import_ctx {
    struct ingest g;
    const char *file_athlete;
    struct progress *pb;
    long long failed; /* unreadable files and archive members */
};

/* A file of an unpacked Strava export: the sport and title of its activities.csv row, then ingest. */
struct indexed_sink {
    struct ingest *g;
    const struct export_entry *entry;
};

static int indexed_sink(void *c, struct workout *w)
{
    struct indexed_sink *s = c;
    export_entry_apply(s->entry, w);
    return ingest_sink(s->g, w);
}

/* The activities.csv of a folder PATH (an unpacked Strava export), or an empty index. */
static void folder_index(const char *dir, const struct read_opts *ro, struct export_index *ix)
{
    char path[4096];
    uint8_t *buf;
    size_t n;
    struct hr_err e;
    memset(ix, 0, sizeof *ix);
    path_join(path, sizeof path, dir, EXPORT_INDEX_NAME);
    if (read_file_all(path, &buf, &n, ro->lim.max_inflate, &e))
        return;
    if (export_index_looks_like(buf, n) && export_index_parse(buf, n, path, ix, &e))
        fprintf(stderr, "%s\n", e.msg);
    free(buf);
}

/* The folder of the unpacked Strava export that file PATH (found under the folder argument ROOT) belongs to:
 * the nearest folder from PATH's own up to ROOT that holds an activities.csv; "" when none (or PATH is ROOT
 * itself, a file argument). A folder of several runners' exports imported at once finds each of them. */
static void export_dir_of(const char *root, const char *path, char *out, size_t cap)
{
    out[0] = '\0';
    size_t root_len = strlen(root);
    while (root_len > 1 && root[root_len - 1] == '/')
        root_len--;
    if (!strcmp(path, root) || strlen(path) >= 4096)
        return;
    char dir[4096], probe[4096 + sizeof "/" EXPORT_INDEX_NAME];
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) < root_len)
            return;
        *slash = '\0';
        path_join(probe, sizeof probe, dir, EXPORT_INDEX_NAME);
        if (access(probe, R_OK) == 0) {
            snprintf(out, cap, "%s", dir);
            return;
        }
    }
}

/* One unreadable file or member: its line on stderr (below the progress bar), counted. */
static void report_failed(struct import_ctx *ctx, const char *msg)
{
    if (ctx->pb->enabled)
        fputc('\n', stderr);
    fprintf(stderr, "%s\n", msg);
    ctx->failed++;
    ingest_count(&ctx->g, REJ_READ_ERROR);
}

static void member_failed(void *c, const char *msg) { report_failed(c, msg); }

/* Members whose index names a sport that is not imported are skipped before parsing. */
static int member_wanted(void *c, const struct archive_member *m)
{
    struct import_ctx *ctx = c;
    if (prep_sport_wanted(m->sport, ctx->g.popts.sport))
        return 1;
    hr_debug("%s: skipped: %s (%s)", m->name, reject_reason_name(REJ_NOT_RUNNING), m->sport);
    ingest_count(&ctx->g, REJ_NOT_RUNNING);
    return 0;
}

/* An archive named on the command line: its name without the archive extensions is the athlete. */
static void archive_athlete(const char *path, char *out, size_t cap)
{
    basename_of(path, out, cap);
    static const char *ext[] = {".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tgz", ".tar", ".zip", NULL};
    size_t n = strlen(out);
    for (int i = 0; ext[i]; i++) {
        size_t k = strlen(ext[i]);
        if (n > k && !strcasecmp(out + n - k, ext[i])) {
            out[n - k] = '\0';
            return;
        }
    }
}


/* The athlete of a file that names none, uncut (out: cap bytes, large): --athlete; with --athlete-from-dir
 * the first folder below PATH; "stdin" for a stream; an archive's name; else PATH's name (a file argument:
 * its folder's). "" when --athlete-from-dir finds the file directly in PATH. */
static void file_athlete_name(const char *athlete, int from_dir, const char *root, const char *path, int stream,
                              int archive, char *out, size_t cap)
{
    out[0] = '\0';
    if (athlete) {
        snprintf(out, cap, "%s", athlete);
        return;
    }
    if (from_dir) {
        first_subdir(root, path, out, cap);
        if (out[0])
            return;
    }
    if (stream) {
        snprintf(out, cap, "stdin"); /* not the name of /dev or of a /dev/fd folder */
        return;
    }
    if (archive && !from_dir) {
        archive_athlete(path, out, cap);
        return;
    }
    basename_of(root, out, cap);
    if (strcmp(path, root) == 0) { /* a file argument: its folder's name */
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s", path);
        basename_of(dirname(tmp), out, cap);
    }
}

/* Athlete ids hold WK_ATHLETE_LEN - 1 bytes. Every name that import derives from a folder or an archive is
 * cut to that on a UTF-8 character boundary with a warning, and two different names that become the same
 * id when cut are refused (exit 2), naming both: until 2026-12-07 they were cut inside a character without
 * a word, and two runners whose folder names share their first 63 bytes were merged into one. */
static int check_athlete_names(const struct file_list *files, char **argv, int from_dir)
{
    char **seen = NULL;
    int n = 0, rc = 0;
    for (int i = 0; i < files->n && !rc; i++) {
        const char *path = files->path[i];
        char full[4096];
        /* a stream is never sniffed here (that would eat its first bytes), nor is a file whose archive-ness
         * cannot change its athlete (--athlete-from-dir) */
        int stream = path_is_stream(path);
        file_athlete_name(NULL, from_dir, argv[files->root[i]], path, stream,
                          !stream && !from_dir && io_is_archive_path(path), full, sizeof full);
        int known = 0;
        for (int k = n - 1; k >= 0 && !known; k--) /* files come folder by folder: the last is the likely one */
            known = strcmp(seen[k], full) == 0;
        if (known)
            continue;
        char **grown = realloc(seen, sizeof *seen * (size_t)(n + 1));
        if (!grown || !(grown[n] = strdup(full))) {
            seen = grown ? grown : seen;
            fprintf(stderr, "hrcast import: out of memory\n");
            rc = 1;
            break;
        }
        seen = grown;
        n++;
    }
    /* refusals first, so that a refused import prints the one line; then the warnings */
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (int i = 0; i < n && !rc; i++) {
            char cut[WK_ATHLETE_LEN];
            if (!utf8_copy(cut, sizeof cut, seen[i]))
                continue;
            if (pass == 1) {
                hr_warn("athlete '%s' is longer than the %d bytes an athlete id holds: stored as '%s'", seen[i],
                        WK_ATHLETE_LEN - 1, cut);
                continue;
            }
            for (int k = 0; k < n && !rc; k++) {
                char other[WK_ATHLETE_LEN];
                utf8_copy(other, sizeof other, seen[k]);
                if (k != i && strcmp(other, cut) == 0) {
                    fprintf(stderr,
                            "hrcast import: athletes '%s' and '%s' are the same id '%s' when cut to the %d bytes "
                            "an athlete id holds: rename a folder (or import them apart with --athlete)\n",
                            seen[k < i ? k : i], seen[k < i ? i : k], cut, WK_ATHLETE_LEN - 1);
                    rc = 2;
                }
            }
        }
    for (int k = 0; k < n; k++)
        free(seen[k]);
    free(seen);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"step", required_argument, 0, 1},
        {"sport", required_argument, 0, 2},    {"athlete", required_argument, 0, 3},
        {"athlete-from-dir", no_argument, 0, 4}, {"gender", required_argument, 0, 5},
        {"sample-step", required_argument, 0, 6}, {"csv-speed", required_argument, 0, 7},
        {"csv-time", required_argument, 0, 8}, {"seed", required_argument, 0, 9},
        {"min-minutes", required_argument, 0, 10}, {"archive-max-member", required_argument, 0, 11},
        {"archive-max-total", required_argument, 0, 12}, {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        CLI_LIMIT_OPTIONS,                     {0, 0, 0, 0}};
    const char *out = NULL, *athlete = NULL;
    int from_dir = 0;
    uint64_t seed = 42;
    struct prep_opts po;
    prep_opts_default(&po);
    struct read_opts ro;
    read_opts_default(&ro);
    long long bad_records = 0; /* FitRec lines a reader skipped (each a workout): read errors */
    ro.bad_records = &bad_records;
    struct archive_limits al;
    archive_limits_default(&al);
    long long size;
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
            if (cli_float("import", "--step", optarg, DS_STEP_MIN, DS_STEP_MAX, &v))
                return 2;
            po.step = (float)v;
            break;
        case 2:
            if (!optarg[0]) { /* "" matched every sport, rides included */
                fprintf(stderr, "hrcast import: --sport: give a sport (running, the default), a part of one "
                                "(trail) or any\n");
                return 2;
            }
            snprintf(po.sport, sizeof po.sport, "%s", optarg);
            break;
        case 3:
            /* refused rather than cut (until 2026-12-07 cut to 63 bytes, inside a character if it fell there) */
            if (strlen(optarg) >= WK_ATHLETE_LEN) {
                fprintf(stderr, "hrcast import: --athlete: '%s' is %zu bytes; an athlete id holds at most %d\n",
                        optarg, strlen(optarg), WK_ATHLETE_LEN - 1);
                return 2;
            }
            athlete = optarg;
            break;
        case 4: from_dir = 1; break;
        case 5:
            if (cli_gender("import", optarg, &po.gender))
                return 2;
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
        case 11:
        case 12:
            if ((size = cli_size(optarg, 1LL << 50)) < 1) {
                fprintf(stderr, "hrcast import: --%s: '%s' is not a size such as 512M or 4G\n",
                        c == 11 ? "archive-max-member" : "archive-max-total", optarg);
                return 2;
            }
            *(c == 11 ? &al.max_member_bytes : &al.max_total_bytes) = (uint64_t)size;
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
    int bad_out = cli_check_output("import", out, (const char *const *)argv + optind, argc - optind);
    if (bad_out)
        return bad_out;
    struct file_list files = {0};
    int bad_paths = 0;
    for (int i = optind; i < argc; i++)
        bad_paths |= file_list_add(&files, argv[i], i) != 0;
    if (files.n == 0) {
        fprintf(stderr, "hrcast import: no files found\n");
        file_list_free(&files);
        return 1;
    }
    int bad_names = athlete ? 0 : check_athlete_names(&files, argv, from_dir);
    if (bad_names) {
        file_list_free(&files);
        return bad_names;
    }
    struct import_ctx ctx;
    struct hr_err e;
    if (ingest_open(&ctx.g, out, &po, &e)) {
        cli_error("import", e.msg);
        file_list_free(&files);
        return 1;
    }
    struct progress pb;
    progress_begin(&pb, "import", files.n);
    ctx.pb = &pb;
    ctx.failed = 0;
    long long unsupported = 0;
    struct export_index ix = {0};
    char ix_dir[4096] = ""; /* the folder whose activities.csv ix holds ("": none) */
    for (int i = 0; i < files.n; i++) {
        const char *path = files.path[i];
        const char *root = argv[files.root[i]];
        char dir[4096];
        export_dir_of(root, path, dir, sizeof dir); /* an unpacked Strava export at or below PATH */
        if (strcmp(dir, ix_dir)) {
            export_index_free(&ix);
            snprintf(ix_dir, sizeof ix_dir, "%s", dir);
            if (dir[0])
                folder_index(dir, &ro, &ix);
        }
        const char *rel = path + strlen(ix_dir);
        while (*rel == '/')
            rel++;
        const struct export_entry *entry = ix_dir[0] ? export_index_find(&ix, rel) : NULL;
        int stream = path_is_stream(path); /* stdin or a pipe: read once, by io_read_path, never sniffed first */
        enum hr_format f = io_detect_path(path); /* FMT_UNKNOWN for a stream, read once below */
        int explicit_file = strcmp(path, argv[files.root[i]]) == 0;
        int archive = f == FMT_UNKNOWN && !stream && io_is_archive_path(path);
        char name[4096];
        file_athlete_name(athlete, from_dir, argv[files.root[i]], path, stream, archive, name, sizeof name);
        utf8_copy(ctx.g.popts.athlete, sizeof ctx.g.popts.athlete, name); /* check_athlete_names warned */
        if (archive) {
            struct archive_hooks hooks = {member_wanted, member_failed, &ctx};
            struct archive_stats ast;
            int arc_rc = io_read_archive(path, &ro, &al, &hooks, ingest_sink, &ctx.g, &ast, &e);
            if (ctx.g.failed)
                goto write_failed;
            if (arc_rc)
                report_failed(&ctx, e.msg);
            unsupported += ast.unsupported;
            for (long k = 0; k < ast.unsupported; k++)
                ingest_count(&ctx.g, REJ_UNSUPPORTED);
            hr_debug("%s: %ld members, %ld read, %ld skipped, %ld failed, %ld not workouts, %.1f MB inflated",
                     path, ast.members, ast.read, ast.skipped, ast.failed, ast.unsupported, (double)ast.bytes / 1e6);
        } else if (ix.n && !entry) {
            unsupported++; /* an unpacked Strava export: the workouts are the files activities.csv lists */
            ingest_count(&ctx.g, REJ_UNSUPPORTED);
        } else if (entry && !member_wanted(&ctx, &(struct archive_member){path, entry->sport, entry->title})) {
            /* counted by member_wanted */
        } else if (f == FMT_UNKNOWN && explicit_file && !stream && file_kind_of(path, NULL) == FILE_KIND_DATASET) {
            /* until 2026-12-07 "unrecognised format (not FIT, TCX, ...)", as if it were no hrcast file */
            char msg[4200];
            snprintf(msg, sizeof msg, "%s: 0: already an hrcast dataset: the other commands (info, train, eval, export, "
                                      "...) take it directly; import reads workout files", path);
            report_failed(&ctx, msg);
        } else if (f == FMT_UNKNOWN && !explicit_file) {
            unsupported++;
            ingest_count(&ctx.g, REJ_UNSUPPORTED);
            hr_debug("%s: skipped: not a format hrcast reads", path);
        } else {
            long long before = ctx.g.workouts_in, bad_before = bad_records;
            if (entry ? io_read_path(path, &ro, indexed_sink, &(struct indexed_sink){&ctx.g, entry}, &e)
                      : io_read_path(path, &ro, ingest_sink, &ctx.g, &e)) {
                if (ctx.g.failed)
                    goto write_failed;
                report_failed(&ctx, e.msg);
            } else if (bad_records > bad_before) {
                /* lines skipped in a file read on (its reader said how many): each a workout not read, counted
                 * as a read error like a bad file, and the exit status says so (it was 0, the count nowhere) */
                ctx.failed += bad_records - bad_before;
                for (long long k = bad_before; k < bad_records; k++)
                    ingest_count(&ctx.g, REJ_READ_ERROR);
            } else if (ctx.g.workouts_in == before && f == FMT_PARQUET) {
                /* a table of no rows: an export's empty split part (one or two athletes have no athlete
                 * validation or test part), not a rejected workout (until 2026-12-07 counted as one) */
                hr_debug("%s: a Parquet table of no rows", path);
            } else if (ctx.g.workouts_in == before) {
                /* read without an error and without a workout (a FIT file with no records: settings, a
                 * course, monitoring; its reader said so): counted, not lost from the totals */
                ingest_count(&ctx.g, REJ_UNSUPPORTED);
            }
        }
        char extra[64];
        snprintf(extra, sizeof extra, "%lld accepted", ctx.g.st.accepted);
        progress_update(&pb, i + 1, extra);
    }
    progress_end(&pb);
    export_index_free(&ix);
    long long accepted = ctx.g.st.accepted;
    double hours = ctx.g.hours;
    struct prep_stats st = ctx.g.st;
    long long hrq[HRQ_COUNT];
    memcpy(hrq, ctx.g.hr_quality, sizeof hrq);
    if (accepted == 0) { /* no dataset rather than an empty one */
        ingest_abort(&ctx.g);
        fprintf(stderr, "hrcast import: no workout was accepted, %s not written; rejected:", out);
        int any = 0;
        for (int r = 0; r < REJ_COUNT; r++)
            if (st.rejected[r]) {
                fprintf(stderr, " %s=%lld", reject_reason_name((enum reject_reason)r), st.rejected[r]);
                any = 1;
            }
        fprintf(stderr, "%s\n", any ? "" : " none");
        if (st.rejected[REJ_NOT_RUNNING])
            fprintf(stderr, "hrcast import: %lld %s a sport other than %s (-v names it); --sport any keeps every "
                    "sport\n", st.rejected[REJ_NOT_RUNNING], st.rejected[REJ_NOT_RUNNING] == 1 ? "states" : "state",
                    po.sport);
        file_list_free(&files);
        return 1;
    }
    char desc[256];
    snprintf(desc, sizeof desc, "hrcast import of %d files (%s%s)", files.n, argv[optind],
             argc - optind > 1 ? ", ..." : "");
    if (ingest_finish(&ctx.g, seed, desc, &e)) {
        cli_error("import", e.msg);
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
        if (ctx.failed)
            fprintf(stderr, "%lld files, archive members or FitRec lines could not be read (see the lines above)\n", ctx.failed);
        if (unsupported)
            fprintf(stderr, "%lld files or archive members skipped: not a format hrcast reads (-v lists them)\n", unsupported);
    }
    file_list_free(&files);
    return ctx.failed || bad_paths ? 1 : 0;
write_failed:
    progress_end(&pb);
    export_index_free(&ix);
    fprintf(stderr, "hrcast import: %s\n", ctx.g.err.msg);
    ingest_abort(&ctx.g);
    file_list_free(&files);
    return 1;
}
