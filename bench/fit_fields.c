/* fit_fields.c — which profile fields and channels FIT files carry (issue 14: "report how many workouts
 * carry each field"), for bench/fit_fields.sh. For each FIT file named on the command line (.fit or .fit.gz)
 * it walks every message with the project's FIT walker (src/io/fit_decode.c) and prints one tab-separated
 * line: the path, then 0/1 for each column of the header line it prints first. A field counts when one
 * message holds a valid value (not the base type's invalid one; and above 0, except gender and temperature,
 * so that a zero written for "not set", or a cadence of 0 without a sensor, does not count):
 *   user_profile (message 3): gender 1, age 2, weight 4, resting_heart_rate 8, default_max_heart_rate 11 or
 *                             default_max_running_heart_rate 9
 *   zones_target (message 7): max_heart_rate 1, threshold_heart_rate 2
 *   hr_zone (message 8):      any high_bpm 1 (the watch's heart-rate zones)
 *   record (message 20):      heart_rate 3, cadence 4, power 7, temperature 13; developer fields (a Stryd's
 *                             power) are not read
 * A file that is not FIT, or is broken, prints "path<TAB>error: reason" and is counted apart.
 * With --series first (bench/channel_residuals.sh), it prints instead one line per record that holds a
 * cadence or a temperature: path, seconds since the file's first timed record, cadence in steps per minute
 * (both feet, as hrcast stores it), temperature in C, speed in m/s (enhanced_speed, else speed; to check the
 * alignment with hrcast's grid); NaN where a field is absent. */
#include "io/fit_internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_BYTES (256u << 20)

enum col { C_GENDER = 0, C_AGE, C_WEIGHT, C_REST, C_MAXHR_PROFILE, C_MAXHR_ZONES, C_THRESHOLD, C_HR_ZONES,
           C_HR, C_CADENCE, C_POWER, C_TEMPERATURE, C_COUNT };
static const char *col_name[C_COUNT] = {"gender", "age", "weight", "resting_hr", "max_hr_profile", "max_hr_zones",
                                        "threshold_hr", "hr_zones", "hr", "cadence", "power", "temperature"};

struct seen {
    int has[C_COUNT];
};

static void mark(struct seen *s, const struct fit_msg *m, uint8_t num, enum col c)
{
    double v;
    if (fit_get(m, num, &v) && (v > 0 || c == C_GENDER || c == C_TEMPERATURE))
        s->has[c] = 1;
}

static int on_message(void *ctx, const struct fit_msg *m)
{
    struct seen *s = ctx;
    switch (m->def->global) {
    case 3:
        mark(s, m, 1, C_GENDER);
        mark(s, m, 2, C_AGE);
        mark(s, m, 4, C_WEIGHT);
        mark(s, m, 8, C_REST);
        mark(s, m, 9, C_MAXHR_PROFILE);
        mark(s, m, 11, C_MAXHR_PROFILE);
        break;
    case 7:
        mark(s, m, 1, C_MAXHR_ZONES);
        mark(s, m, 2, C_THRESHOLD);
        break;
    case 8:
        mark(s, m, 1, C_HR_ZONES);
        break;
    case FIT_MESG_RECORD:
        mark(s, m, 3, C_HR);
        mark(s, m, 4, C_CADENCE);
        mark(s, m, 7, C_POWER);
        mark(s, m, 13, C_TEMPERATURE);
        break;
    default:
        break;
    }
    return 0;
}

struct series { /* --series: the file being printed */
    const char *path;
    double t0;
    int timed;
};

static int on_record(void *ctx, const struct fit_msg *m)
{
    struct series *s = ctx;
    double ts, v, cad = NAN, temp = NAN, speed = NAN;
    if (m->def->global != FIT_MESG_RECORD || !fit_get(m, 253, &ts))
        return 0;
    if (!s->timed) {
        s->t0 = ts;
        s->timed = 1;
    }
    if (fit_get(m, 4, &v)) /* strides per minute of one foot */
        cad = 2 * v;
    if (fit_get(m, 13, &v))
        temp = v;
    if (fit_get(m, 73, &v) || fit_get(m, 6, &v)) /* mm/s */
        speed = v / 1000;
    if (!isnan(cad) || !isnan(temp))
        printf("%s\t%.0f\t%.1f\t%.1f\t%.3f\n", s->path, ts - s->t0, cad, temp, speed);
    return 0;
}

/* The whole file, inflated when gzip (gzread reads plain files as they are); NULL and a reason. */
static uint8_t *slurp(const char *path, size_t *n, const char **why)
{
    gzFile f = gzopen(path, "rb");
    if (!f) {
        *why = "cannot open";
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            *why = "out of memory";
            break;
        }
        if (len == cap) {
            if (cap >= MAX_BYTES) {
                *why = "larger than 256 MiB inflated";
                free(buf);
                buf = NULL;
                break;
            }
            uint8_t *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = b;
            cap *= 2;
        }
        int r = gzread(f, buf + len, (unsigned)(cap - len));
        if (r < 0) {
            *why = "read or inflate error";
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    gzclose(f);
    *n = len;
    return buf;
}

int main(int argc, char **argv)
{
    int series = argc > 1 && !strcmp(argv[1], "--series");
    if (series) {
        for (int i = 2; i < argc; i++) {
            size_t n = 0;
            const char *why = "";
            uint8_t *buf = slurp(argv[i], &n, &why);
            struct series s = {argv[i], 0, 0};
            struct hr_err e = {{0}};
            if (!buf || fit_walk(buf, n, argv[i], on_record, &s, &e))
                fprintf(stderr, "%s: %s\n", argv[i], buf ? e.msg : why);
            free(buf);
        }
        return 0;
    }
    printf("path");
    for (int c = 0; c < C_COUNT; c++)
        printf("\t%s", col_name[c]);
    putchar('\n');
    for (int i = 1; i < argc; i++) {
        size_t n = 0;
        const char *why = "";
        uint8_t *buf = slurp(argv[i], &n, &why);
        struct seen s;
        struct hr_err e = {{0}};
        memset(&s, 0, sizeof s);
        if (!buf) {
            printf("%s\terror: %s\n", argv[i], why);
            continue;
        }
        if (fit_walk(buf, n, argv[i], on_message, &s, &e)) {
            printf("%s\terror: %s\n", argv[i], e.msg);
            free(buf);
            continue;
        }
        free(buf);
        printf("%s", argv[i]);
        for (int c = 0; c < C_COUNT; c++)
            printf("\t%d", s.has[c]);
        putchar('\n');
    }
    return 0;
}
