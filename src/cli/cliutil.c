/* cliutil.c — see cliutil.h. */
#include "cli/cliutil.h"
#include "io/limits.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program = "hrcast"; /* set once by main(), read-only after */

void cli_set_program(const char *argv0)
{
    program = argv0 && strchr(argv0, '/') ? argv0 : "hrcast";
}

const char *cli_program(void) { return program; }

int cli_float(const char *cmd, const char *opt, const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "hrcast %s: %s: '%s' is not a number in [%g, %g]\n", cmd, opt, text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_int(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "hrcast %s: %s: '%s' is not an integer in [%ld, %ld]\n", cmd, opt, text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_u64(const char *cmd, const char *opt, const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (end == text || *end || errno || text[0] == '-') {
        fprintf(stderr, "hrcast %s: %s: '%s' is not a non-negative integer\n", cmd, opt, text);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_duration(const char *text, double *seconds)
{
    double parts[3];
    int n = 0;
    const char *p = text;
    while (n < 3) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || !isfinite(v) || v < 0)
            return -1;
        parts[n++] = v;
        if (*end == ':') {
            p = end + 1;
            continue;
        }
        if (*end)
            return -1;
        break;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && !(parts[i] < 60))
            return -1; /* minutes and seconds after a ':' are below 60: "2:59:60", "4:75" are not times */
        s = s * 60 + parts[i];
    }
    *seconds = s;
    return 0;
}

int cli_usage(const char *text, int to_stdout)
{
    fputs(text, to_stdout ? stdout : stderr);
    return to_stdout ? 0 : 2;
}

/* "64M", "1G", "123456": a byte count with an optional K/M/G suffix (powers of 1024). */
static int parse_size(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || errno || text[0] == '-')
        return -1;
    int shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10;
    else if (*end == 'm' || *end == 'M')
        shift = 20;
    else if (*end == 'g' || *end == 'G')
        shift = 30;
    if (shift)
        end++;
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int cli_limit_option(const char *cmd, int c, const char *arg, struct hr_limits *lim)
{
    uint64_t v;
    long n;
    switch (c) {
    case CLI_OPT_MAX_INFLATE:
        if (parse_size(arg, &v) || v < 1024 || v > SIZE_MAX / 2) {
            fprintf(stderr, "hrcast %s: --max-inflate: '%s' is not a size of at least 1K (e.g. 64M, 2G)\n", cmd, arg);
            return -1;
        }
        lim->max_inflate = (size_t)v;
        return 1;
    case CLI_OPT_MAX_SAMPLES:
        if (cli_int(cmd, "--max-samples", arg, 2, 1000000000L, &n))
            return -1;
        lim->max_samples = (size_t)n;
        return 1;
    case CLI_OPT_MAX_FOOTER:
        if (cli_int(cmd, "--max-footer", arg, 16, 100000000L, &n))
            return -1;
        lim->max_footer = (size_t)n;
        return 1;
    default: return 0;
    }
}

long long cli_size(const char *text, long long max)
{
    uint64_t v;
    if (parse_size(text, &v) || v > (uint64_t)max)
        return -1;
    return (long long)v;
}
