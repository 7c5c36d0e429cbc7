/* cliutil.c — see cliutil.h. */
#include "cli/cliutil.h"
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
    for (int i = 0; i < n; i++)
        s = s * 60 + parts[i];
    *seconds = s;
    return 0;
}

int cli_usage(const char *text, int to_stdout)
{
    fputs(text, to_stdout ? stdout : stderr);
    return to_stdout ? 0 : 2;
}

long long cli_size(const char *text, long long max)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || !(v >= 0))
        return -1;
    double mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024, end++;
    else if (*end == 'm' || *end == 'M')
        mult = 1024.0 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        mult = 1024.0 * 1024 * 1024, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        return -1;
    double b = v * mult;
    return b > (double)max ? -1 : (long long)b;
}
