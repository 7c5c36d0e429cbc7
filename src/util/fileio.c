/* fileio.c — whole-file reads with transparent gzip, and temp-file-plus-rename writes. */
#include "util/fileio.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int is_gzip(const uint8_t *buf, size_t n) { return n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b; }

int path_is_stream(const char *path)
{
    if (!strcmp(path, "-"))
        return 1;
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

const char *path_display_name(const char *path) { return strcmp(path, "-") ? path : "stdin"; }

/* The next capacity of a buffer that must hold more than cap bytes, never past limit. */
static size_t grow_cap(size_t cap, size_t limit)
{
    return cap > limit / 2 ? limit : cap * 2;
}

static int over_limit(struct hr_err *e, const char *what, size_t limit)
{
    return hr_fail(e, "%s: inflated data exceeds the %zu-byte limit (--max-inflate)", what, limit);
}

/* Read up to limit bytes of f into a malloc'ed buffer (+1 byte); *too_big when f goes on past limit. */
static int read_stream(FILE *f, const char *path, size_t limit, uint8_t **out, size_t *len, int *too_big,
                       struct hr_err *e)
{
    size_t cap = limit < (1 << 16) ? limit : (1 << 16), n = 0;
    uint8_t *buf = malloc(cap + 1);
    *too_big = 0;
    if (!buf)
        return hr_fail(e, "%s: out of memory", path);
    for (;;) {
        if (n == cap) {
            if (cap >= limit) {
                /* full: one more byte tells whether the file goes on past the limit */
                *too_big = fgetc(f) != EOF;
                break;
            }
            cap = grow_cap(cap, limit);
            uint8_t *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                return hr_fail(e, "%s: out of memory", path);
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        int rc = hr_fail(e, "%s: %zu: read error: %s", path, n, strerror(errno ? errno : EIO));
        free(buf);
        return rc;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

static int gunzip_named(const char *what, const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
                        size_t max_len, struct hr_err *e);

int read_file_all(const char *path, uint8_t **out, size_t *len, size_t max_len, struct hr_err *e)
{
    *out = NULL;
    *len = 0;
    int from_stdin = !strcmp(path, "-");
    path = path_display_name(path);
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return hr_fail(e, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
    /* A gzip file is read whole and inflated in memory, exactly as an upload is (gunzip_buffer): every
     * member, zero padding ignored, trailing bytes and a cut stream refused. Its compressed size is at most
     * the inflated limit plus deflate's worst-case growth (5 bytes a 16 KiB block) and the headers, so that
     * much is read before the kind is known (from the bytes read: a pipe cannot be rewound). */
    size_t raw_limit = max_len + max_len / 1024 + 4096;
    if (raw_limit < max_len)
        raw_limit = SIZE_MAX - 1;
    uint8_t *raw = NULL;
    size_t n = 0;
    int too_big = 0;
    int rc = read_stream(f, path, raw_limit, &raw, &n, &too_big, e);
    if (!from_stdin)
        fclose(f);
    if (rc)
        return rc;
    int gz = is_gzip(raw, n);
    if (too_big || (!gz && n > max_len)) {
        free(raw);
        return hr_fail(e, "%s: file larger than the %zu-byte limit (--max-inflate)", path, max_len);
    }
    if (!gz) {
        *out = raw;
        *len = n;
        return 0;
    }
    rc = gunzip_named(path, raw, n, out, len, max_len, e);
    free(raw);
    return rc;
}

/* What follows the end of a gzip member at p (k bytes): 0 = nothing, or zero padding only (gzip(1)
 * ignores a tape's zero padding silently), 1 = another member, -1 = bytes that are not a gzip member
 * (gzip(1) warns "trailing garbage ignored"; we refuse them rather than guess what they were). */
static int after_member(const uint8_t *p, size_t k)
{
    if (is_gzip(p, k))
        return 1;
    for (size_t i = 0; i < k; i++)
        if (p[i])
            return -1;
    return 0;
}

int gunzip_buffer(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len, size_t max_len,
                  struct hr_err *e)
{
    return gunzip_named("gzip", in, n, out, out_len, max_len, e);
}

/* gunzip_buffer, its errors prefixed with what (a file's path, or "gzip" for an upload). */
static int gunzip_named(const char *what, const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
                        size_t max_len, struct hr_err *e)
{
    *out = NULL;
    *out_len = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return hr_fail(e, "%s: cannot initialise zlib", what);
    size_t cap = n < max_len / 4 ? n * 4 + 1024 : max_len, len = 0;
    if (cap > max_len)
        cap = max_len;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) {
        inflateEnd(&zs);
        return hr_fail(e, "%s: out of memory", what);
    }
    size_t used = 0; /* input bytes handed to zlib so far; (used - zs.avail_in) consumed */
    enum { OK, NOMEM, LIMIT, JUNK, CORRUPT } why = OK;
    /* Every member of a multi-member file (gzip -c a >f; gzip -c b >>f; what gzread and gzip -d read)
     * is inflated into the same buffer, under one max_len for all of them together. */
    for (;;) {
        if (zs.avail_in == 0 && used < n) {
            size_t k = n - used > (1u << 30) ? (1u << 30) : n - used;
            zs.next_in = (Bytef *)in + used;
            zs.avail_in = (uInt)k;
            used += k;
        }
        if (len == cap && cap < max_len) {
            cap = grow_cap(cap, max_len);
            uint8_t *nb = realloc(buf, cap + 1);
            if (!nb) {
                why = NOMEM;
                break;
            }
            buf = nb;
        }
        /* full: inflate into a one-byte probe to tell whether the data go on past the limit */
        uint8_t probe;
        int full = len == cap;
        zs.next_out = full ? &probe : buf + len;
        zs.avail_out = full ? 1u : (uInt)(cap - len > (1u << 30) ? (1u << 30) : cap - len);
        uInt before = zs.avail_out;
        int r = inflate(&zs, Z_NO_FLUSH);
        size_t got = before - zs.avail_out;
        if (full && got) {
            why = LIMIT;
            break;
        }
        len += got;
        if (r == Z_STREAM_END) {
            size_t at = used - zs.avail_in, left = n - at;
            int next = after_member(in + at, left);
            if (next == 0)
                break;
            if (next < 0) {
                why = JUNK;
                break;
            }
            if (inflateReset(&zs) != Z_OK) {
                why = CORRUPT;
                break;
            }
            continue;
        }
        if (r != Z_OK) {
            why = CORRUPT;
            break;
        }
    }
    size_t at = used - zs.avail_in;
    inflateEnd(&zs);
    if (why != OK) {
        free(buf);
        if (why == NOMEM)
            return hr_fail(e, "%s: out of memory", what);
        if (why == LIMIT)
            return over_limit(e, what, max_len);
        if (why == JUNK)
            return hr_fail(e, "%s: %zu: %zu trailing bytes after the gzip data are not a gzip member", what,
                           at, n - at);
        return hr_fail(e, "%s: %zu: corrupt or truncated gzip data", what, at);
    }
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return 0;
}

/* The process umask, read without changing it (umask(2) would, racing other threads). */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    unsigned mask = 022;
    if (f) {
        char line[128];
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Umask: %o", &mask) == 1)
                break;
        fclose(f);
    }
    return (mode_t)mask;
}

/* The folder holding path ("." when path has no slash), into dir (cap bytes). */
static void folder_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, cap, ".");
    else if (slash == path)
        snprintf(dir, cap, "/");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* The temp files of the atomic writes in progress, so that a process ended by SIGINT, SIGTERM, SIGHUP or SIGPIPE
 * removes them (atomic_cleanup_on_signals): until 2026-12-07 a Ctrl-C during `simulate` left a 3 GB
 * "big.hrd.tmp.XXXXXX" behind. Slots are taken under a lock; the handler only reads them. */
#define ATOMIC_TRACKED 32
static char tracked_tmp[ATOMIC_TRACKED][1100];
static volatile sig_atomic_t tracked_used[ATOMIC_TRACKED];
static pthread_mutex_t tracked_lock = PTHREAD_MUTEX_INITIALIZER;

static void track_tmp(const char *tmp)
{
    pthread_mutex_lock(&tracked_lock);
    for (int i = 0; i < ATOMIC_TRACKED; i++)
        if (!tracked_used[i]) {
            memcpy(tracked_tmp[i], tmp, sizeof tracked_tmp[i]);
            tracked_used[i] = 1;
            break;
        }
    pthread_mutex_unlock(&tracked_lock);
}

static void untrack_tmp(const char *tmp)
{
    pthread_mutex_lock(&tracked_lock);
    for (int i = 0; i < ATOMIC_TRACKED; i++)
        if (tracked_used[i] && !strcmp(tracked_tmp[i], tmp)) {
            tracked_used[i] = 0;
            break;
        }
    pthread_mutex_unlock(&tracked_lock);
}

static void on_stop_signal(int sig)
{
    for (int i = 0; i < ATOMIC_TRACKED; i++)
        if (tracked_used[i])
            unlink(tracked_tmp[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

void atomic_cleanup_on_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue; /* ignored (nohup, a background job): stays ignored */
        signal(sigs[i], on_stop_signal);
    }
}

int atomic_open(struct atomic_file *a, const char *path, struct hr_err *e)
{
    a->f = NULL;
    a->tmp[0] = '\0';
    a->direct = 0;
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path)
        return hr_fail(e, "%.200s...: path too long", path);
    struct stat sb;
    /* a process's own descriptor (/dev/stdout, /dev/fd/3, /proc/self/fd/1): written at its end, as the shell
     * opened it (`>>` appends); with stdout redirected to a file the rename replaced the /dev/stdout link */
    int own_fd = !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/stderr") || !strncmp(path, "/dev/fd/", 8) ||
                 !strncmp(path, "/proc/", 6);
    if (own_fd || (stat(path, &sb) == 0 && (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode) ||
                                            S_ISBLK(sb.st_mode)))) {
        /* a device or a pipe: nothing to make atomic, and renaming over it would replace it */
        if (!(a->f = fopen(path, own_fd ? "ab" : "wb")))
            return hr_fail(e, "%s: cannot open: %s", path, strerror(errno));
        a->direct = 1;
        return 0;
    }
    char real[PATH_MAX];
    struct stat lb;
    if (lstat(path, &lb) == 0 && S_ISLNK(lb.st_mode) && realpath(path, real) &&
        snprintf(a->path, sizeof a->path, "%s", real) < (int)sizeof a->path)
        path = a->path; /* a link to a file: the file is replaced, the link kept (it was replaced by a file) */
    /* created exclusively (O_CREAT|O_EXCL: a planted file or symlink makes it fail, never followed),
     * with an unpredictable name, in the target's folder so that the rename stays on one file system */
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.XXXXXX", path);
    int fd = mkostemp(a->tmp, O_CLOEXEC);
    if (fd < 0) {
        int rc = hr_fail(e, "%s: cannot create a temp file next to it: %s", path, strerror(errno));
        a->tmp[0] = '\0';
        return rc;
    }
    /* mkstemp makes it 0600; give it the mode fopen would have (0666 less the umask) */
    if (fchmod(fd, 0666 & ~current_umask()) != 0 || !(a->f = fdopen(fd, "wb"))) {
        int rc = hr_fail(e, "%s: cannot open the temp file: %s", a->tmp, strerror(errno));
        close(fd);
        unlink(a->tmp);
        a->tmp[0] = '\0';
        return rc;
    }
    track_tmp(a->tmp);
    return 0;
}

int sync_folder_of(const char *path, struct hr_err *e)
{
    char dir[1100];
    folder_of(path, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return hr_fail(e, "%s: cannot open its folder to sync it: %s", path, strerror(errno));
    int bad = fsync(fd) != 0 && errno != EINVAL; /* EINVAL: a folder that cannot be synced (some FS) */
    int err = errno;
    close(fd);
    if (bad)
        return hr_fail(e, "%s: cannot sync its folder: %s", path, strerror(err));
    return 0;
}

int atomic_commit(struct atomic_file *a, struct hr_err *e)
{
    if (!a->f)
        return hr_fail(e, "%s: not open", a->path);
    if (a->direct) {
        int bad = ferror(a->f) || fflush(a->f) != 0;
        int err = bad ? (errno ? errno : EIO) : 0;
        if (fclose(a->f) != 0 && !bad)
            err = errno, bad = 1;
        a->f = NULL;
        return bad ? hr_fail(e, "%s: write failed: %s", a->path, strerror(err)) : 0;
    }
    int err = 0;
    if (ferror(a->f))
        err = EIO;
    else if (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0)
        err = errno;
    if (fclose(a->f) != 0 && !err)
        err = errno;
    a->f = NULL;
    if (err) {
        unlink(a->tmp);
        untrack_tmp(a->tmp);
        return hr_fail(e, "%s: write failed: %s", a->path, strerror(err));
    }
    if (rename(a->tmp, a->path) != 0) {
        int rc = hr_fail(e, "%s: cannot rename temp file: %s", a->path, strerror(errno));
        unlink(a->tmp);
        untrack_tmp(a->tmp);
        return rc;
    }
    untrack_tmp(a->tmp);
    /* the rename itself is durable only once the folder is synced */
    return sync_folder_of(a->path, e);
}

void atomic_abort(struct atomic_file *a)
{
    if (a->f) {
        fclose(a->f);
        a->f = NULL;
    }
    if (a->tmp[0]) {
        unlink(a->tmp);
        untrack_tmp(a->tmp);
    }
}

FILE *open_log_file(const char *path, int append)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, append ? "a" : "w");
    if (!f)
        close(fd);
    return f;
}

int write_file_atomic(const char *path, const void *data, size_t n, struct hr_err *e)
{
    struct atomic_file a;
    if (atomic_open(&a, path, e))
        return -1;
    if (n && fwrite(data, 1, n, a.f) != n) {
        atomic_abort(&a);
        return hr_fail(e, "%s: write failed", path);
    }
    return atomic_commit(&a, e);
}

char *path_join(char *buf, size_t cap, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    snprintf(buf, cap, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
    return buf;
}
