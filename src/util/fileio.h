/* fileio.h — whole-file reading (gzip read transparently) and atomic writes (temp file + rename). */
#ifndef HRCAST_UTIL_FILEIO_H
#define HRCAST_UTIL_FILEIO_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "util/err.h"

/* Read a whole file, inflating it if it is gzip. *out is malloc'ed (+1 NUL byte not counted). The path
 * "-" reads standard input. */
int read_file_all(const char *path, uint8_t **out, size_t *len, size_t max_len, struct hr_err *e);
/* Inflate a gzip buffer held in memory (for uploads): every member of a multi-member file, at most
 * max_len bytes for all of them together (the error names --max-inflate). Zero padding after the last
 * member is ignored (as gzip -d does); any other trailing bytes are refused. *out as read_file_all's. */
int gunzip_buffer(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len, size_t max_len,
                  struct hr_err *e);
int is_gzip(const uint8_t *buf, size_t n);
/* 1 when path can be read only once, front to back: "-" (standard input), a pipe, a terminal, a
 * /dev/fd/N of a process substitution. Such a file is read whole before its kind is looked at. A path
 * that does not exist is not one (opening it reports the error). */
int path_is_stream(const char *path);
/* The name messages give a path: "stdin" for "-", else the path itself. */
const char *path_display_name(const char *path);
/* dir and name joined by one '/' (none added when dir ends with one: `-o rep1/` wrote "rep1//metrics.json"
 * until 2026-12-07) into buf (cap bytes, cut to fit); returns buf. */
char *path_join(char *buf, size_t cap, const char *dir, const char *name);

/* Atomic write: a temp file "<path>.tmp.XXXXXX" created exclusively (mkostemp: O_CREAT|O_EXCL, so a
 * planted file or symlink is never followed) in the target's folder; atomic_commit checks fflush and
 * fsync, renames it onto path and fsyncs the folder. The file appears whole or not at all. */
struct atomic_file {
    FILE *f;
    char path[1024];
    char tmp[1100];  /* "" when direct */
    int direct;      /* the target is a device or a pipe (/dev/null, /dev/stdout, a FIFO): written in place,
                      * never replaced by a rename (until 2026-12-07 `-o /dev/null` replaced the device node
                      * with a regular file) */
};
int atomic_open(struct atomic_file *a, const char *path, struct hr_err *e);
int atomic_commit(struct atomic_file *a, struct hr_err *e); /* fflush+fsync+close+rename */
void atomic_abort(struct atomic_file *a);                   /* close and unlink the temp file */
/* SIGINT, SIGTERM, SIGHUP and SIGPIPE (a log or output pipe closed early: `2>&1 | head`) (unless ignored) unlink
 * the temp files of the atomic writes in progress, then end
 * the process as the signal would have. Called once by the command-line program's main(); a handler a command
 * installs later (train's Ctrl-C, serve's sigwait) takes over that signal. */
void atomic_cleanup_on_signals(void);
/* fsync the folder holding path (after a rename into it). */
int sync_folder_of(const char *path, struct hr_err *e);
/* A log written as it goes (not atomically): opened for append (or truncated), created 0666 less the
 * umask, never through a symlink (O_NOFOLLOW). NULL with errno set on failure. */
FILE *open_log_file(const char *path, int append);
/* Write a whole buffer atomically. */
int write_file_atomic(const char *path, const void *data, size_t n, struct hr_err *e);

#endif
