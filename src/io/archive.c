/* archive.c — see archive.h: walks .zip/.tar(.gz) archives with libarchive, members into memory, each one
 * through io_read_buffer (or, when it is itself an archive, through this walk again). */
#include "io/archive.h"
#include "io/export_index.h"
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

void archive_limits_default(struct archive_limits *l)
{
    l->max_member_bytes = ARCHIVE_MAX_MEMBER_BYTES;
    l->max_total_bytes = ARCHIVE_MAX_TOTAL_BYTES;
    l->max_members = ARCHIVE_MAX_MEMBERS;
    l->max_depth = ARCHIVE_MAX_DEPTH;
}

/* ---- detection: zip magic, or "ustar" at offset 257 of the (gzip-inflated) first block ---- */
static int head_is_archive(const uint8_t *h, size_t n)
{
    if (n >= 4 && h[0] == 'P' && h[1] == 'K' && ((h[2] == 3 && h[3] == 4) || (h[2] == 5 && h[3] == 6)))
        return 1;
    return n >= 262 && memcmp(h + 257, "ustar", 5) == 0;
}

int io_is_archive_buffer(const uint8_t *buf, size_t n)
{
    uint8_t head[512];
    return head_is_archive(head, io_peek(buf, n, head, sizeof head));
}

int io_is_archive_path(const char *path)
{
    gzFile g = gzopen(path, "rb"); /* gzip inflated, anything else as it is */
    if (!g)
        return 0;
    uint8_t head[512];
    int got = gzread(g, head, sizeof head);
    gzclose(g);
    return got > 0 && head_is_archive(head, (size_t)got);
}

/* ---- the walk ---- */
struct walk {
    const struct read_opts *o;
    const struct archive_limits *lim;
    const struct archive_hooks *h;
    workout_sink sink;
    void *sink_ctx;
    struct archive_stats *st;
    struct hr_err *e;
    int sink_stopped;
};

/* what the sink wrapper adds to each workout of one member */
struct member_sink {
    struct walk *w;
    const struct export_entry *entry;
};

static int member_sink(void *ctx, struct workout *wk)
{
    struct member_sink *ms = ctx;
    if (ms->entry)
        export_entry_apply(ms->entry, wk);
    int rc = ms->w->sink(ms->w->sink_ctx, wk);
    if (rc)
        ms->w->sink_stopped = 1;
    return rc;
}

static void member_failed(struct walk *w, const char *fmt, const char *name, const char *why)
{
    char msg[HR_ERR_MSG];
    snprintf(msg, sizeof msg, fmt, name, why);
    w->st->failed++;
    if (w->h && w->h->member_failed)
        w->h->member_failed(w->h->ctx, msg);
}

static struct archive *arc_new(void)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    /* built-in decompressors only (no external programs), the two container formats of exports */
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    return a;
}

/* an archive source: a file or a buffer, opened once per pass */
struct source {
    const char *path;
    const uint8_t *buf;
    size_t n;
};

static struct archive *arc_open(const struct source *src, const char *name, struct hr_err *e)
{
    struct archive *a = arc_new();
    if (!a) {
        hr_fail(e, "%s: out of memory", name);
        return NULL;
    }
    int r = src->path ? archive_read_open_filename(a, src->path, 1 << 16)
                      : archive_read_open_memory(a, src->buf, src->n);
    if (r != ARCHIVE_OK) {
        hr_fail(e, "%s: not a readable archive: %s", name, archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* The member's path as stored, without a leading "./"; NULL when it is unsafe (absolute, "..", empty). */
static const char *safe_name(const char *p)
{
    if (!p)
        return NULL;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    if (!p[0] || p[0] == '/' || p[0] == '\\')
        return NULL;
    for (const char *s = p; *s;) {
        const char *end = s + strcspn(s, "/\\");
        if (end - s == 2 && s[0] == '.' && s[1] == '.')
            return NULL;
        s = *end ? end + 1 : end;
    }
    return p;
}

/* Pictures and documents of an export: never workouts, not worth inflating. */
static int media_name(const char *p)
{
    static const char *ext[] = {".jpg", ".jpeg", ".png", ".gif", ".heic", ".mp4", ".mov", ".pdf", ".html", NULL};
    const char *dot = strrchr(p, '.');
    for (int i = 0; dot && ext[i]; i++)
        if (!strcasecmp(dot, ext[i]))
            return 1;
    return 0;
}

/* Read the current member's data into *buf (grown as needed). 0; 1 when over the member limit
 * (msg says so); -1 on a corrupt member (msg); -2 when the archive's total passed its limit (w->e). */
static int read_member(struct walk *w, struct archive *a, const char *name, uint8_t **buf, size_t *cap,
                       size_t *len, char *msg, size_t msgcap)
{
    *len = 0;
    for (;;) {
        if (*len == *cap) {
            size_t nc = *cap ? *cap * 2 : 1 << 16;
            uint8_t *nb = realloc(*buf, nc);
            if (!nb) {
                snprintf(msg, msgcap, "out of memory");
                return -1;
            }
            *buf = nb;
            *cap = nc;
        }
        la_ssize_t got = archive_read_data(a, *buf + *len, *cap - *len);
        if (got == 0)
            return 0;
        if (got < 0) {
            snprintf(msg, msgcap, "corrupt member: %s", archive_error_string(a));
            return -1;
        }
        *len += (size_t)got;
        w->st->bytes += (uint64_t)got;
        if (w->st->bytes > w->lim->max_total_bytes) {
            hr_fail(w->e, "%s: the archive inflates to more than the total limit of %llu bytes "
                    "(--archive-max-total)", name, (unsigned long long)w->lim->max_total_bytes);
            return -2;
        }
        if (*len > w->lim->max_member_bytes) {
            snprintf(msg, msgcap, "inflates to more than the member limit of %llu bytes (--archive-max-member)",
                     (unsigned long long)w->lim->max_member_bytes);
            return 1;
        }
    }
}

static int walk_source(struct walk *w, const struct source *src, const char *name, int depth);

/* After a failed nested walk: 1 when the whole walk must stop (sink stopped, a whole-archive limit). */
static int walk_must_stop(const struct walk *w)
{
    return w->sink_stopped || w->st->bytes > w->lim->max_total_bytes || w->st->members > w->lim->max_members;
}

/* name is EXPORT_INDEX_NAME at the archive's root or in one folder at its root (an export folder zipped
 * whole: "export_9/activities.csv"); *prefix gets that folder with its '/' ("" at the root). */
static int index_member(const char *name, char *prefix, size_t cap)
{
    const char *slash = strchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    if (strcmp(base, EXPORT_INDEX_NAME) || (slash && strchr(base, '/')) || (size_t)(base - name) >= cap)
        return 0;
    snprintf(prefix, cap, "%.*s", (int)(base - name), name);
    return 1;
}

/* Pass 1: the Strava index at the archive's root or in its one top folder, if there is one (until 2026-12-07
 * only at the root: a zipped export folder had its index read as a workout and its rides kept as runs).
 * 0, or -1 (w->e) when unreadable. */
static int load_index(struct walk *w, const struct source *src, const char *name, struct export_index *ix,
                      char *prefix, size_t cap)
{
    memset(ix, 0, sizeof *ix);
    prefix[0] = '\0';
    struct archive *a = arc_open(src, name, w->e);
    if (!a)
        return -1;
    struct archive_entry *ent;
    int r;
    while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *p = safe_name(archive_entry_pathname(ent));
        if (!p || !index_member(p, prefix, cap) || archive_entry_filetype(ent) != AE_IFREG)
            continue;
        uint8_t *buf = NULL;
        size_t cap = 0, len = 0;
        char msg[HR_ERR_MSG], full[1024];
        snprintf(full, sizeof full, "%s:%s", name, p);
        int rc = read_member(w, a, name, &buf, &cap, &len, msg, sizeof msg);
        if (rc == -2) {
            free(buf);
            archive_read_free(a);
            return -1;
        }
        struct hr_err ie;
        if (rc)
            member_failed(w, "%s: %s", full, msg);
        else if (export_index_looks_like(buf, len) && export_index_parse(buf, len, full, ix, &ie))
            member_failed(w, "%s%s", "", ie.msg);
        free(buf);
        break;
    }
    archive_read_free(a);
    return 0;
}

static int walk_source(struct walk *w, const struct source *src, const char *name, int depth)
{
    struct export_index ix;
    char prefix[256];
    if (load_index(w, src, name, &ix, prefix, sizeof prefix))
        return -1;
    size_t plen = strlen(prefix);
    struct archive *a = arc_open(src, name, w->e);
    if (!a) {
        export_index_free(&ix);
        return -1;
    }
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    int rc = 0, r;
    struct archive_entry *ent;
    while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *raw = archive_entry_pathname(ent);
        int type = archive_entry_filetype(ent);
        if (type == AE_IFDIR)
            continue;
        char full[1024];
        snprintf(full, sizeof full, "%s:%s", name, raw ? raw : "(no name)");
        if (++w->st->members > w->lim->max_members) {
            rc = hr_fail(w->e, "%s: more than %ld members", name, w->lim->max_members);
            break;
        }
        const char *p = safe_name(raw);
        if (!p) {
            member_failed(w, "%s: %s", full, "member name refused (absolute or holding '..')");
            continue;
        }
        if (type != AE_IFREG || archive_entry_hardlink(ent)) {
            member_failed(w, "%s: %s", full, "link member refused (only regular files are read)");
            continue;
        }
        /* the index names members relative to its own folder */
        const struct export_entry *entry = !strncmp(p, prefix, plen) ? export_index_find(&ix, p + plen) : NULL;
        /* with a Strava index, the workouts are the files it lists (profile.csv and the like are not) */
        if ((ix.n && !entry) || media_name(p)) {
            w->st->unsupported++;
            continue;
        }
        struct archive_member m = {full, entry ? entry->sport : "", entry ? entry->title : ""};
        if (w->h && w->h->want && !w->h->want(w->h->ctx, &m)) {
            w->st->skipped++;
            continue;
        }
        if (archive_entry_size_is_set(ent) && (uint64_t)archive_entry_size(ent) > w->lim->max_member_bytes) {
            char why[160];
            snprintf(why, sizeof why, "%lld bytes, over the member limit of %llu bytes (--archive-max-member)",
                     (long long)archive_entry_size(ent), (unsigned long long)w->lim->max_member_bytes);
            member_failed(w, "%s: %s", full, why);
            continue;
        }
        char msg[HR_ERR_MSG];
        int got = read_member(w, a, name, &buf, &cap, &len, msg, sizeof msg);
        if (got == -2) {
            rc = -1;
            break;
        }
        if (got) {
            member_failed(w, "%s: %s", full, msg);
            continue;
        }
        if (io_is_archive_buffer(buf, len)) {
            if (depth >= w->lim->max_depth) {
                char why[96];
                snprintf(why, sizeof why, "archive nested deeper than %d levels: not read", w->lim->max_depth);
                member_failed(w, "%s: %s", full, why);
                continue;
            }
            /* the nested walk needs the bytes while the outer one goes on: hand it this buffer */
            struct source inner = {NULL, buf, len};
            uint8_t *keep = buf;
            buf = NULL;
            cap = 0;
            int nested = walk_source(w, &inner, full, depth + 1);
            free(keep);
            if (nested && walk_must_stop(w)) {
                rc = -1;
                break;
            }
            if (nested) /* an unreadable inner archive: one bad member of this one */
                member_failed(w, "%s%s", "", w->e->msg);
            continue;
        }
        if (io_detect_buffer(buf, len) == FMT_UNKNOWN) {
            w->st->unsupported++;
            continue;
        }
        struct member_sink ms = {w, entry};
        struct hr_err me;
        int read_rc = io_read_buffer(buf, len, full, w->o, member_sink, &ms, &me);
        if (w->sink_stopped) { /* whatever the reader made of it: the consumer wants no more */
            rc = hr_fail(w->e, "%s: stopped by the consumer", full);
            break;
        }
        if (read_rc)
            member_failed(w, "%s%s", "", me.msg);
        else
            w->st->read++;
    }
    if (!rc && r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN)
        rc = hr_fail(w->e, "%s: corrupt archive after %ld members: %s", name, w->st->members,
                     archive_error_string(a));
    free(buf);
    archive_read_free(a);
    export_index_free(&ix);
    return rc;
}

static int walk_start(const struct source *src, const char *name, const struct read_opts *o,
                      const struct archive_limits *lim, const struct archive_hooks *h, workout_sink sink,
                      void *sink_ctx, struct archive_stats *st, struct hr_err *e)
{
    struct read_opts def_o;
    struct archive_limits def_l;
    struct archive_stats def_st;
    struct hr_err def_e;
    if (!o) {
        read_opts_default(&def_o);
        o = &def_o;
    }
    if (!lim) {
        archive_limits_default(&def_l);
        lim = &def_l;
    }
    memset(st ? st : &def_st, 0, sizeof *st);
    struct walk w = {o, lim, h, sink, sink_ctx, st ? st : &def_st, e ? e : &def_e, 0};
    return walk_source(&w, src, name, 1);
}

int io_read_archive(const char *path, const struct read_opts *o, const struct archive_limits *lim,
                    const struct archive_hooks *h, workout_sink sink, void *sink_ctx, struct archive_stats *st,
                    struct hr_err *e)
{
    struct source src = {path, NULL, 0};
    return walk_start(&src, path, o, lim, h, sink, sink_ctx, st, e);
}

int io_read_archive_buffer(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                           const struct archive_limits *lim, const struct archive_hooks *h, workout_sink sink,
                           void *sink_ctx, struct archive_stats *st, struct hr_err *e)
{
    struct source src = {NULL, buf, n};
    return walk_start(&src, name, o, lim, h, sink, sink_ctx, st, e);
}
