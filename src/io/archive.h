/* archive.h — bulk-export archives read in place (.zip, .tar, .tar.gz, .tgz; libarchive): every member is
 * streamed into memory, never unpacked to disk, and handed to the same readers as a file
 * (io_read_buffer) under the name "export.zip:activities/123.fit.gz", so that a bad member is reported
 * as "export.zip:activities/123.fit.gz: offset: reason" and the walk goes on. Archives inside the archive
 * (Garmin Connect's export) are read the same way, to a depth. A Strava activities.csv at an archive's
 * root gives each member its sport and title (io/export_index.h) before the member is read.
 * Budgets (DESIGN.md): a member's inflated size is checked against max_member_bytes (from its header
 * before anything is read, and again while inflating, since headers can lie), the archive's total
 * inflated size against max_total_bytes, members against max_members, nesting against max_depth. A member
 * over its limit is refused with one line naming the limit; the total or member count over its limit
 * stops the archive. Member names that are absolute, hold "..", or are links are refused. */
#ifndef HRCAST_IO_ARCHIVE_H
#define HRCAST_IO_ARCHIVE_H
#include <stddef.h>
#include <stdint.h>
#include "io/reader.h"

#define ARCHIVE_MAX_MEMBER_BYTES ((uint64_t)HR_LIMIT_INFLATE) /* 1 GiB per member (--archive-max-member) */
#define ARCHIVE_MAX_TOTAL_BYTES ((uint64_t)32 << 30) /* 32 GiB inflated per archive (--archive-max-total) */
#define ARCHIVE_MAX_MEMBERS 1000000L                 /* members per archive, nested ones included */
#define ARCHIVE_MAX_DEPTH 3                          /* an archive in an archive in an archive */

struct archive_limits {
    uint64_t max_member_bytes, max_total_bytes;
    long max_members;
    int max_depth;
};
void archive_limits_default(struct archive_limits *l);

/* What the index says of a member before it is read. */
struct archive_member {
    const char *name;  /* "export.zip:activities/123.fit.gz" */
    const char *sport; /* from activities.csv ("running", "cycling", ...), "" when unknown */
    const char *title; /* the activity's name from activities.csv, "" when unknown */
};

struct archive_hooks {
    /* Before a member is read: return 0 to skip it (counted in skipped). NULL: read every member. */
    int (*want)(void *ctx, const struct archive_member *m);
    /* One member could not be read (corrupt, refused, over a limit): its one-line message. */
    void (*member_failed)(void *ctx, const char *msg);
    void *ctx;
};

struct archive_stats {
    long members;     /* regular files seen */
    long read;        /* handed to a reader without error */
    long skipped;     /* refused by hooks.want (e.g. not running) */
    long failed;      /* member_failed lines */
    long unsupported; /* not a format hrcast reads (activities.csv, pictures, summaries) */
    uint64_t bytes;   /* inflated bytes read */
};

/* 1 when the file is a .zip or a (compressed) tar archive, judged from its first bytes. */
int io_is_archive_path(const char *path);
/* 1 when a buffer held in memory is one. */
int io_is_archive_buffer(const uint8_t *buf, size_t n);

/* Read every member of an archive file. Each workout goes to sink with sport and title (source: the
 * member as "archive:member") from the index where it has them. Returns 0 when the archive was walked to
 * its end (members may have failed: see st), -1 with e when the archive itself is unreadable, a limit on
 * the whole archive was passed, or the sink stopped. */
int io_read_archive(const char *path, const struct read_opts *o, const struct archive_limits *lim,
                    const struct archive_hooks *h, workout_sink sink, void *sink_ctx, struct archive_stats *st,
                    struct hr_err *e);
/* The same for an archive held in memory (a nested one, a fuzz input); name is used in messages. */
int io_read_archive_buffer(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                           const struct archive_limits *lim, const struct archive_hooks *h, workout_sink sink,
                           void *sink_ctx, struct archive_stats *st, struct hr_err *e);

#endif
