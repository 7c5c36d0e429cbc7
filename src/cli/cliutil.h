/* cliutil.h — small helpers shared by the subcommands: numeric option parsing with clear errors,
 * the common --quiet/--verbose handling, and printing a command's help. */
#ifndef HRCAST_CLI_CLIUTIL_H
#define HRCAST_CLI_CLIUTIL_H
#include <stdint.h>

/* Parse a number option; on error print "hrcast CMD: --opt: 'text' is not a number..." and return -1. */
int cli_float(const char *cmd, const char *opt, const char *text, double lo, double hi, double *out);
int cli_int(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out);
int cli_u64(const char *cmd, const char *opt, const char *text, uint64_t *out);
/* The program as the user invoked it, for hints that must run when pasted: argv[0] when it holds a '/'
 * (e.g. build/hrcast, not on PATH), else "hrcast". main() sets it once. */
void cli_set_program(const char *argv0);
const char *cli_program(void);
/* "20M", "512k", "1G", "1000" -> bytes; -1 when malformed or over max. */
long long cli_size(const char *text, long long max);
/* Parse "1:23:45", "23:45" or seconds; returns -1 on error. */
int cli_duration(const char *text, double *seconds);
/* Print usage text to stdout (for --help) or stderr and return the exit code (0 / 2). */
int cli_usage(const char *text, int to_stdout);

#endif
