/* csv.c — header-driven CSV reader (one workout per file). Separator ',', ';' or tab (the most
 * frequent in the header line), RFC 4180 quotes ("" inside quotes, newlines allowed in quoted fields).
 *
 * Columns are matched by name: lower-cased, a unit in () or [] split off ("speed (km/h)"), then only
 * letters and digits kept ("heart_rate" -> "heartrate"). Recognised names (highest priority wins):
 *   time      timestamp, datetime, time, date_time, utc_time  |  elapsed, elapsed_time, secs, seconds, sec
 *             (time_ms, timestamp_ms, elapsed_ms: milliseconds)
 *   hr        heart_rate, heartrate, hr, bpm, pulse (value <= 0 -> missing)
 *   speed     enhanced_speed, speed, velocity (+ unit suffix forms speed_kmh, speed_ms, speed_mph)
 *   pace      pace ("4:30" = min:s, or a number) — used only when there is no speed column
 *   distance  distance, dist, dist_m, distance_km, ...      altitude  enhanced_altitude, altitude, ele, elevation, alt
 *   position  lat/latitude/position_lat, lon/lng/long/longitude/position_long
 * Units: a unit in the name wins (km/h, kph, m/s, mph, km, mi, ft, min/km, s/km, min/mi, s/mi). A bare
 * speed is m/s unless read_opts.csv_speed says otherwise (a warning names --csv-speed when its median
 * is above 7 m/s, i.e. looks like km/h). A bare pace number < 30 is decimal minutes per km, else
 * seconds per km. A speed column with a pace unit ("speed (min/km)") is read as a pace, a pace column
 * with a speed unit as a speed. On a time column the unit is a time: s, ms, min or h ("ms" is
 * milliseconds there, m/s elsewhere); a known unit that does not fit its column ("elapsed (km/h)",
 * "speed (s)", "altitude (mph)") refuses the file with one line naming the field; an unknown one
 * ("time (UTC)", "hr (bpm)") is ignored. Positions whose magnitude exceeds 360 are FIT semicircles.
 * Time, unless read_opts.csv_time forces it: a value with a date ("2021-08-04 23:12:41+00:00",
 * ISO 8601, zone optional = UTC) is absolute; "h:mm:ss" is elapsed (a fall from 22:00 or later to
 * before 02:00 is a clock time passing midnight: a day is added); a number >= 1e17 is Unix ns, >= 1e14
 * Unix us, >= 1e11 Unix ms, >= 1e8 Unix seconds, else elapsed seconds, except that a bare `time` whose
 * samples are 500..60000 apart (median) and that would last over a day as seconds is elapsed ms (with a
 * warning; a shorter one gets a warning naming 'time (ms)'). Columns named elapsed/secs/seconds are
 * elapsed seconds. A `date` column (YYYY-MM-DD) beside a time of day (h:mm:ss) makes each row's time
 * absolute, date + time of day in UTC (not with --csv-time elapsed nor in the export layout).
 * A number with a time unit is converted to seconds first, then >= 1e8 s is Unix time.
 * The mode is fixed by the first data row. Absolute time sets start_time; elapsed leaves it NaN.
 * hrcast's own export layout: a `workout` column splits the file into workouts (a new one whenever
 * its value changes); then the columns id, athlete, sport, gender, device, hr_sensor, title, start_time
 * (Unix s) and step_s are read from each workout's first row, `time_s` (elapsed) is made absolute with start_time, and the
 * workout is marked as a clean grid of step_s (prep keeps it as it is); an `hr_issue` column carries the
 * stored HR-quality verdict of each step (empty = trusted, a reason name of io/hr_issue.h, or
 * `unassessed` for a dataset that had none: then prep assesses them). Without a `workout` column
 * those names are ignored, as before.
 * Values: numbers, or in a file separated by ';' or tabs numbers with one decimal comma ("3,25").
 * Missing markers: empty, NA, N/A, nan, null, None, -, --. A row whose time is missing or unreadable,
 * or with an unreadable value, is skipped and counted (one summary warning). Rows are read in file
 * order; a workout whose times mostly run backwards gets a warning (prep drops each sample earlier
 * than the one before, so it is then rejected as no_time). At most MAXF (4096) fields of a row are
 * read; a header with more says so (in the no-time-column error, or a warning). */
#include "io/hr_issue.h"
#include "io/read_opts.h"
#include "io/reader.h"
#include "io/text_util.h"
#include "util/log.h"
#include "util/median.h"
#include "util/utf8.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum role {
    R_NONE, R_TIME, R_ELAPSED, R_DATE, R_HR, R_SPEED, R_PACE, R_DIST, R_ALT, R_LAT, R_LON,
    R_SAMPLE_END, /* roles above are per-sample numbers, below hrcast-export metadata (text) */
    R_WORKOUT = R_SAMPLE_END, R_ID, R_ATHLETE, R_SPORT, R_GENDER, R_START, R_STEP, R_DEVICE, R_SENSOR, R_TITLE, R_ISSUE,
    R_COUNT
};
enum unit {
    U_NONE, U_MS, U_KMH, U_MPH, U_M, U_KM, U_MI, U_FT, U_MIN_KM, U_S_KM, U_MIN_MI, U_S_MI, U_S, U_MSEC, U_MIN,
    U_HOUR
};
enum unit_kind { UK_NONE, UK_SPEED, UK_PACE, UK_LENGTH, UK_TIME };

struct name_rule {
    const char *name;
    enum role role;
    int prio;
    enum unit unit;
};

static const struct name_rule k_names[] = {
    {"timestamp", R_TIME, 3, U_NONE},      {"datetime", R_TIME, 3, U_NONE},
    {"utctime", R_TIME, 3, U_NONE},        {"time", R_TIME, 2, U_NONE},
    {"elapsed", R_ELAPSED, 2, U_S},        {"elapsedtime", R_ELAPSED, 2, U_S},
    {"elapsedsecs", R_ELAPSED, 2, U_S},    {"elapsedseconds", R_ELAPSED, 2, U_S},
    {"timeelapsed", R_ELAPSED, 2, U_S},    {"times", R_ELAPSED, 2, U_S},
    {"elapsedms", R_ELAPSED, 2, U_MSEC},   {"elapsedtimems", R_ELAPSED, 2, U_MSEC},
    {"timems", R_TIME, 2, U_MSEC},         {"timestampms", R_TIME, 3, U_MSEC},
    {"secs", R_ELAPSED, 1, U_S},           {"date", R_DATE, 1, U_NONE},
    {"seconds", R_ELAPSED, 1, U_S},        {"sec", R_ELAPSED, 1, U_S},
    {"heartrate", R_HR, 3, U_NONE},        {"heartratebpm", R_HR, 3, U_NONE},
    {"hr", R_HR, 2, U_NONE},               {"bpm", R_HR, 2, U_NONE},
    {"pulse", R_HR, 1, U_NONE},            {"enhancedspeed", R_SPEED, 3, U_MS},
    {"speed", R_SPEED, 2, U_NONE},         {"speedms", R_SPEED, 2, U_MS},
    {"speedmps", R_SPEED, 2, U_MS},        {"speedkmh", R_SPEED, 2, U_KMH},
    {"speedkph", R_SPEED, 2, U_KMH},       {"speedmph", R_SPEED, 2, U_MPH},
    {"velocity", R_SPEED, 1, U_NONE},      {"pace", R_PACE, 2, U_NONE},
    {"distance", R_DIST, 2, U_NONE},       {"dist", R_DIST, 2, U_NONE},
    {"distm", R_DIST, 2, U_M},             {"distancem", R_DIST, 2, U_M},
    {"distancemeters", R_DIST, 2, U_M},    {"distkm", R_DIST, 2, U_KM},
    {"distancekm", R_DIST, 2, U_KM},       {"enhancedaltitude", R_ALT, 3, U_NONE},
    {"altitude", R_ALT, 2, U_NONE},        {"altitudem", R_ALT, 2, U_M},
    {"elevation", R_ALT, 2, U_NONE},       {"ele", R_ALT, 2, U_NONE},
    {"alt", R_ALT, 1, U_NONE},             {"lat", R_LAT, 2, U_NONE},
    {"latitude", R_LAT, 2, U_NONE},        {"positionlat", R_LAT, 2, U_NONE},
    {"lon", R_LON, 2, U_NONE},             {"lng", R_LON, 2, U_NONE},
    {"long", R_LON, 2, U_NONE},            {"longitude", R_LON, 2, U_NONE},
    {"positionlong", R_LON, 2, U_NONE},    {"positionlon", R_LON, 2, U_NONE},
    {"workout", R_WORKOUT, 1, U_NONE},     {"id", R_ID, 1, U_NONE},
    {"athlete", R_ATHLETE, 1, U_NONE},     {"sport", R_SPORT, 1, U_NONE},
    {"gender", R_GENDER, 1, U_NONE},       {"starttime", R_START, 1, U_NONE},
    {"steps", R_STEP, 1, U_NONE},          {"device", R_DEVICE, 1, U_NONE},
    {"hrsensor", R_SENSOR, 1, U_NONE},     {"title", R_TITLE, 1, U_NONE},
    {"hrissue", R_ISSUE, 1, U_NONE},
};

static const struct {
    const char *name;
    enum unit unit;
} k_units[] = {
    {"km/h", U_KMH}, {"kmh", U_KMH},  {"kph", U_KMH},      {"km/hr", U_KMH},  {"m/s", U_MS},
    {"ms", U_MS},    {"mps", U_MS},   {"mph", U_MPH},      {"m", U_M},        {"meters", U_M},
    {"metres", U_M}, {"km", U_KM},    {"mi", U_MI},        {"miles", U_MI},   {"ft", U_FT},
    {"feet", U_FT},  {"min/km", U_MIN_KM}, {"s/km", U_S_KM}, {"sec/km", U_S_KM}, {"min/mi", U_MIN_MI},
    {"min/mile", U_MIN_MI}, {"s/mi", U_S_MI}, {"sec/mi", U_S_MI}, {"s/mile", U_S_MI}, {"sec/mile", U_S_MI},
    {"s", U_S},      {"sec", U_S},    {"secs", U_S},       {"seconds", U_S},
};

/* Units of a time column, looked up before k_units there ("ms" is milliseconds on a time column). */
static const struct {
    const char *name;
    enum unit unit;
} k_time_units[] = {
    {"s", U_S},           {"sec", U_S},         {"secs", U_S},          {"second", U_S},   {"seconds", U_S},
    {"ms", U_MSEC},       {"msec", U_MSEC},     {"msecs", U_MSEC},      {"millisecond", U_MSEC},
    {"milliseconds", U_MSEC}, {"min", U_MIN},   {"mins", U_MIN},        {"minute", U_MIN}, {"minutes", U_MIN},
    {"h", U_HOUR},        {"hr", U_HOUR},       {"hrs", U_HOUR},        {"hour", U_HOUR},  {"hours", U_HOUR},
};

struct column {
    int index; /* field index, -1 when absent */
    int prio;
    enum unit unit;
};

struct field {
    const char *s, *e;
};

/* Split the name into a normalised base (letters and digits) and a unit from () or []. */
static void normalise_header(const char *s, const char *e, char *base, size_t bcap, char *unit, size_t ucap)
{
    size_t b = 0, u = 0;
    int in_unit = 0;
    for (const char *p = s; p < e; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c == '(' || c == '[') {
            in_unit = 1;
            continue;
        }
        if (c == ')' || c == ']') {
            in_unit = 0;
            continue;
        }
        if (in_unit) {
            if (c != ' ' && u + 1 < ucap)
                unit[u++] = c;
        } else if (((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) && b + 1 < bcap) {
            base[b++] = c;
        }
    }
    base[b] = unit[u] = '\0';
}

static enum unit_kind unit_kind(enum unit u)
{
    switch (u) {
    case U_MS: case U_KMH: case U_MPH: return UK_SPEED;
    case U_MIN_KM: case U_S_KM: case U_MIN_MI: case U_S_MI: return UK_PACE;
    case U_M: case U_KM: case U_MI: case U_FT: return UK_LENGTH;
    case U_S: case U_MSEC: case U_MIN: case U_HOUR: return UK_TIME;
    default: return UK_NONE;
    }
}

/* The unit text of a column of role r; U_NONE when the text is no unit we know ("utc", "bpm"). */
static enum unit unit_from_text(const char *u, enum role r)
{
    if (r == R_TIME || r == R_ELAPSED || r == R_PACE)
        for (size_t i = 0; i < sizeof k_time_units / sizeof k_time_units[0]; i++)
            if (strcmp(u, k_time_units[i].name) == 0) {
                enum unit t = k_time_units[i].unit;
                if (r == R_PACE) /* "pace (s)", "pace (min)": per km, as a bare pace */
                    return t == U_S ? U_S_KM : t == U_MIN ? U_MIN_KM : t;
                return t;
            }
    for (size_t i = 0; i < sizeof k_units / sizeof k_units[0]; i++)
        if (strcmp(u, k_units[i].name) == 0)
            return k_units[i].unit;
    return U_NONE;
}

/* Whether a unit of kind k fits a column of role r (an unknown unit always does: it is ignored). */
static int unit_fits(enum role r, enum unit_kind k, const char **want)
{
    switch (r) {
    case R_TIME: case R_ELAPSED: *want = "a time column takes s, ms, min or h"; return k == UK_TIME;
    case R_SPEED: case R_PACE:
        *want = "a speed or pace column takes m/s, km/h, mph, min/km, s/km, min/mi or s/mi";
        return k == UK_SPEED || k == UK_PACE;
    case R_DIST: case R_ALT: *want = "a distance or altitude column takes m, km, mi or ft"; return k == UK_LENGTH;
    default: *want = "this column takes no unit"; return 0;
    }
}

static double time_scale(enum unit u)
{
    switch (u) {
    case U_MSEC: return 1e-3;
    case U_MIN: return 60.0;
    case U_HOUR: return 3600.0;
    default: return 1.0;
    }
}

/* One record starting at p: fields into f (at most maxf kept, *nf = all seen). Returns the position
 * after the record's line end; *lines gets the count of newlines consumed. */
static const char *split_record(const char *p, const char *end, char sep, struct field *f, int maxf, int *nf,
                                long *lines, int *bad_quote)
{
    int k = 0;
    *lines = 0;
    *bad_quote = 0;
    for (;;) {
        const char *s, *e;
        if (p < end && *p == '"') {
            s = ++p;
            for (;;) {
                if (p >= end) {
                    *bad_quote = 1;
                    e = p;
                    break;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        p += 2;
                        continue;
                    }
                    e = p++;
                    break;
                }
                if (*p == '\n')
                    (*lines)++;
                p++;
            }
            while (p < end && *p != sep && *p != '\n')
                p++; /* junk after the closing quote is ignored */
        } else {
            s = p;
            while (p < end && *p != sep && *p != '\n')
                p++;
            e = p;
            if (e > s && e[-1] == '\r' && (p >= end || *p == '\n'))
                e--;
        }
        if (k < maxf) {
            f[k].s = s;
            f[k].e = e;
        }
        if (k < INT_MAX)
            k++;
        if (p < end && *p == sep) {
            p++;
            continue;
        }
        if (p < end) { /* '\n' */
            p++;
            (*lines)++;
        }
        *nf = k;
        return p;
    }
}

static int is_missing(const char *s, const char *e)
{
    s = tu_skip_ws(s, e);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (s == e)
        return 1;
    static const char *const words[] = {"na", "n/a", "nan", "null", "none", "-", "--"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (tu_ieq(s, e, words[i]))
            return 1;
    return 0;
}

/* TM_DATE_CLOCK: a time of day (h:mm:ss) with a separate date column, combined into absolute UTC time */
enum time_mode { TM_UNSET, TM_ISO, TM_UNIX, TM_UNIX_MS, TM_UNIX_US, TM_UNIX_NS, TM_ELAPSED, TM_CLOCK, TM_DATE_CLOCK };

/* Whether a mode's times are absolute (they set the workout's start time). */
static int time_is_absolute(enum time_mode m)
{
    return m == TM_ISO || m == TM_UNIX || m == TM_UNIX_MS || m == TM_UNIX_US || m == TM_UNIX_NS || m == TM_DATE_CLOCK;
}

static int has_date(const char *s, const char *e)
{
    s = tu_skip_ws(s, e);
    return e - s >= 10 && tu_is_digit(s[0]) && tu_is_digit(s[3]) && s[4] == '-';
}

/* scale: seconds per unit of a number; stated: the header gave the unit (then the unit, not the
 * magnitude, says whether a large number is Unix ms). */
static enum time_mode detect_time(const char *s, const char *e, enum role role, double scale, int stated)
{
    if (has_date(s, e))
        return TM_ISO;
    for (const char *p = s; p < e; p++)
        if (*p == ':')
            return TM_CLOCK;
    double v;
    if (!tu_parse_number_span(s, e, &v))
        return TM_UNSET;
    if (role == R_ELAPSED)
        return TM_ELAPSED;
    if (stated)
        return v * scale >= 1e8 ? TM_UNIX : TM_ELAPSED;
    /* Unix time by its size (the seconds of 1973..5138 in each unit; until 2026-12-07 microseconds were
     * read as milliseconds, a date in the year 55000) */
    return v >= 1e17 ? TM_UNIX_NS : v >= 1e14 ? TM_UNIX_US : v >= 1e11 ? TM_UNIX_MS : v >= 1e8 ? TM_UNIX : TM_ELAPSED;
}

#define DAY_S 86400.0

/* A date cell that is a calendar date alone (YYYY-MM-DD: midnight UTC), not a full timestamp. */
static int bare_date(const char *s, const char *e)
{
    double day;
    return !is_missing(s, e) && tu_parse_iso8601(s, e, &day) && fmod(day, DAY_S) == 0 && !memchr(s, ':', (size_t)(e - s));
}

/* A time of day beside a date: h:mm:ss, or hh:mm (two parts are hours and minutes here, not the minutes and
 * seconds of an elapsed time: until 2026-12-07 07:00 was read as 00:07:00); never negative. */
static int parse_time_of_day(const char *s, const char *e, double *t)
{
    int colons = 0;
    for (const char *q = s; q < e; q++)
        colons += *q == ':';
    if (!tu_parse_clock(s, e, t) || *t < 0)
        return 0;
    if (colons == 1)
        *t *= 60;
    return 1;
}

static int parse_time(enum time_mode m, const char *s, const char *e, double scale, double *t)
{
    switch (m) {
    case TM_ISO: return tu_parse_iso8601(s, e, t);
    case TM_CLOCK: return tu_parse_clock(s, e, t);
    case TM_DATE_CLOCK: return parse_time_of_day(s, e, t);
    case TM_UNIX_MS:
    case TM_UNIX_US:
    case TM_UNIX_NS:
        if (!tu_parse_number_span(s, e, t))
            return 0;
        *t /= m == TM_UNIX_MS ? 1e3 : m == TM_UNIX_US ? 1e6 : 1e9;
        return 1;
    default:
        if (!tu_parse_number_span(s, e, t))
            return 0;
        *t *= scale;
        return isfinite(*t);
    }
}

static double speed_scale(enum unit u)
{
    switch (u) {
    case U_KMH: return 1.0 / 3.6;
    case U_MPH: return 0.44704;
    default: return 1.0;
    }
}

static double length_scale(enum unit u)
{
    switch (u) {
    case U_KM: return 1000.0;
    case U_MI: return 1609.344;
    case U_FT: return 0.3048;
    default: return 1.0;
    }
}

/* A value's number: as written, or, in a file separated by ';' or tabs (a European spreadsheet's export),
 * with one decimal comma ("3,25"; no dot, so not "1.234,5"). Returns 0 when unreadable. */
static int csv_number(const char *s, const char *e, char sep, double *v)
{
    if (tu_parse_number_span(s, e, v))
        return 1;
    char buf[64];
    size_t n = (size_t)(e - s), commas = 0;
    if (sep == ',' || n >= sizeof buf)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            return 0;
        commas += s[i] == ',';
        buf[i] = s[i] == ',' ? '.' : s[i];
    }
    return commas == 1 && tu_parse_number_span(buf, buf + n, v);
}

/* Pace text -> m/s (NaN when stopped). Returns 0 when unreadable. */
static int pace_to_speed(const char *s, const char *e, enum unit u, char sep, double *speed)
{
    double secs;
    int clock = 0;
    for (const char *p = s; p < e; p++)
        clock |= *p == ':';
    if (clock) {
        if (!tu_parse_clock(s, e, &secs))
            return 0;
    } else {
        double v;
        if (!csv_number(s, e, sep, &v))
            return 0;
        if (u == U_MIN_KM || u == U_MIN_MI || (u == U_NONE && v < 30))
            secs = v * 60.0;
        else
            secs = v;
    }
    double per = (u == U_MIN_MI || u == U_S_MI) ? 1609.344 : 1000.0;
    *speed = secs >= 1.0 ? per / secs : NAN;
    return 1;
}

/* A short keyword field's text (a sport, a gender, a header name) without its quotes. Names that hrcast
 * writes itself (athlete, device, HR sensor, title) are read by field_free_text, as written. */
static void field_text(const struct field *f, char *dst, size_t cap)
{
    const char *s = f->s, *e = f->e;
    if (e - s >= 2 && *s == '"' && e[-1] == '"')
        s++, e--;
    tu_copy_text(dst, cap, s, e);
}

/* A free-text field (a title, an athlete's or a device's name) as written: the splitter has removed the
 * outer quotes; doubled quotes inside are made single, backslashes kept (export writes RFC 4180: until
 * 2026-12-07 names came back with doubled quotes and without backslashes). */
static void field_free_text(const struct field *f, char *dst, size_t cap)
{
    const char *s = f->s, *e = f->e;
    size_t j = 0;
    for (; s < e && j + 1 < cap; s++) {
        if (*s == '"' && s + 1 < e && s[1] == '"')
            s++;
        dst[j++] = *s;
    }
    if (s < e) /* cut: never inside a UTF-8 character (until 2026-12-07 it could be) */
        j = utf8_cut_back(dst, j, *s);
    if (cap)
        dst[j] = '\0';
}

/* The metadata of a workout in hrcast's export layout, from its first row. */
static void read_meta(struct workout *w, const struct field *f, const struct column *col, double *start)
{
    char t[WK_ATHLETE_LEN];
    double v;
    *start = NAN;
    /* below 9e18: casting a larger double (1e300) to long long is undefined */
    if (col[R_ID].index >= 0 && tu_parse_number_span(f[col[R_ID].index].s, f[col[R_ID].index].e, &v) && v >= 0 &&
        v < 9e18)
        w->id = (long long)v;
    if (col[R_ATHLETE].index >= 0)
        field_free_text(&f[col[R_ATHLETE].index], w->athlete, sizeof w->athlete);
    if (col[R_SPORT].index >= 0) {
        field_text(&f[col[R_SPORT].index], t, sizeof t);
        workout_set_sport(w, t);
    }
    if (col[R_DEVICE].index >= 0)
        field_free_text(&f[col[R_DEVICE].index], w->device, sizeof w->device);
    if (col[R_SENSOR].index >= 0)
        field_free_text(&f[col[R_SENSOR].index], w->hr_sensor, sizeof w->hr_sensor);
    if (col[R_TITLE].index >= 0) {
        char title[4 * WK_TITLE_LEN];
        field_free_text(&f[col[R_TITLE].index], title, sizeof title);
        workout_set_title(w, title);
    }
    if (col[R_GENDER].index >= 0) {
        field_text(&f[col[R_GENDER].index], t, sizeof t);
        w->gender = t[0] == 'm' || t[0] == 'f' ? t[0] : 'u';
    }
    if (col[R_START].index >= 0 && tu_parse_number_span(f[col[R_START].index].s, f[col[R_START].index].e, &v))
        *start = v;
    if (col[R_STEP].index >= 0 && tu_parse_number_span(f[col[R_STEP].index].s, f[col[R_STEP].index].e, &v) &&
        v > 0 && v <= 3600)
        w->grid_step = (float)v;
    w->has_hr_issue = col[R_ISSUE].index >= 0; /* until a row says unassessed */
}

/* The stored verdict of one row (hrcast's export): empty = trusted, a reason name, or "unassessed"
 * (returned as HRQ_COUNT). -1 when the name is unknown. */
static int read_issue(const struct field *f)
{
    char t[32];
    field_text(f, t, sizeof t);
    if (!t[0])
        return HRQ_TRUSTED;
    if (!strcmp(t, "unassessed"))
        return HRQ_COUNT;
    return hr_issue_parse(t);
}

static double position(double v, int is_lat)
{
    if (fabs(v) > 360.0)
        v *= 180.0 / 2147483648.0;
    if (is_lat ? fabs(v) > 90.0 : fabs(v) > 180.0)
        return NAN;
    return v;
}

/* h:mm:ss that falls from CLOCK_LATE_S or later (and under a day) to under CLOCK_EARLY_S is a time of day
 * passing midnight. */
#define CLOCK_LATE_S (22 * 3600.0)
#define CLOCK_EARLY_S (2 * 3600.0)

/* A bare speed column (no unit, no --csv-speed) whose median moving speed is above this many m/s
 * (25 km/h, faster than a marathon world record) probably holds km/h: one warning names the option. */
#define BARE_SPEED_WARN_MS 7.0

/* What emit checks once per file: warn_speed asks for the bare-speed check; each warned_* is set once. */
struct emit_checks {
    int warn_speed, warned_speed, warned_backwards;
    int guess_ms; /* a bare number time column (no unit, not forced elapsed): elapsed_ms_check applies */
};

/* An elapsed time column without a unit whose samples are ELAPSED_MS_STEP_MIN..MAX apart (median) holds
 * milliseconds (0.5 to 60 s between samples), not seconds (8 min to 17 h between samples: no recording
 * of a run); read as ms when, as seconds, it would also last more than ELAPSED_MS_SPAN_S (a day). */
#define ELAPSED_MS_STEP_MIN 500.0
#define ELAPSED_MS_STEP_MAX 60000.0
#define ELAPSED_MS_SPAN_S 86400.0

/* Elapsed milliseconds in a bare time column ("time" 0, 1000, 2000, ...): made seconds with a warning
 * where the evidence is clear (step and length), else a warning naming the unit to state. Until
 * 2026-12-07 they were read as seconds: a 20 min run became a 48 h workout with an HR step every 1000 s. */
static void elapsed_ms_check(struct workout *w)
{
    if (w->n < 2)
        return;
    float *d = malloc((w->n - 1) * sizeof *d);
    if (!d)
        return;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < w->n; i++) {
        if (i)
            d[i - 1] = (float)(w->time[i] - w->time[i - 1]);
        if (isfinite(w->time[i]))
            lo = fmin(lo, w->time[i]), hi = fmax(hi, w->time[i]);
    }
    double step = median_above(d, w->n - 1, 0.0f, NAN);
    free(d);
    if (!(step >= ELAPSED_MS_STEP_MIN && step <= ELAPSED_MS_STEP_MAX))
        return;
    if (hi - lo > ELAPSED_MS_SPAN_S) {
        for (size_t i = 0; i < w->n; i++)
            w->time[i] *= 1e-3;
        hr_warn("%s: the time column has no unit and its samples are %.0f apart (median), %.0f h in all as seconds: "
                "read as elapsed milliseconds (%.1f min); name the column 'time (s)' if it holds seconds",
                w->source, step, (hi - lo) / 3600.0, (hi - lo) / 60000.0);
    } else {
        hr_warn("%s: the time column has no unit and its samples are %.0f s apart (median); if it holds "
                "milliseconds, name the column 'time (ms)'",
                w->source, step);
    }
}

/* The warnings about one workout's content, at most one of each kind per file. */
static void check_workout(const struct workout *w, struct emit_checks *ck)
{
    if (!ck->warned_backwards) {
        size_t back = 0, fwd = 0;
        double prev = NAN;
        for (size_t i = 0; i < w->n; i++) {
            double t = w->time[i];
            if (!isfinite(t))
                continue;
            if (isfinite(prev))
                back += t < prev, fwd += t > prev;
            prev = t;
        }
        if (back > fwd) {
            hr_warn("%s: the times run backwards (%zu of %zu steps go back in time): rows must be in increasing "
                    "time order (a row earlier than the one before is dropped as clock_backwards)",
                    w->source, back, back + fwd);
            ck->warned_backwards = 1;
        }
    }
    if (ck->warn_speed && !ck->warned_speed) {
        double med = median_above(w->speed, w->n, 0.0f, NAN); /* the moving speeds' median */
        if (med > BARE_SPEED_WARN_MS) {
            hr_warn("%s: the speed column has no unit and is read as m/s, but its median is %.1f m/s (%.0f km/h); "
                    "if it holds km/h, name the column 'speed (km/h)' (or 'speed (mph)'), or import the file with "
                    "--csv-speed km/h",
                    w->source, med, med * 3.6);
            ck->warned_speed = 1;
        }
    }
}

/* Hand one finished workout to the sink; returns the sink's answer (non-zero: stop). */
static int emit(struct workout *w, enum time_mode tmode, double start, const char *name, const char *key,
                struct emit_checks *ck, workout_sink sink, void *ctx)
{
    int absolute = time_is_absolute(tmode);
    w->start_time = absolute ? w->time[0] : key ? start : NAN;
    if (key)
        snprintf(w->source, sizeof w->source, "%.400s#workout %.60s", name, key);
    else
        snprintf(w->source, sizeof w->source, "%s", name);
    if (tmode == TM_ELAPSED && ck->guess_ms)
        elapsed_ms_check(w);
    check_workout(w, ck);
    return sink(ctx, w);
}

int csv_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o, workout_sink sink,
             void *ctx, struct hr_err *e)
{
    struct read_opts def;
    if (!o) {
        read_opts_default(&def);
        o = &def;
    }
    if (!name)
        name = "<input>";
    const char *p = (const char *)buf, *end = p + n;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    long line = 1;
    /* Skip blank lines before the header. */
    for (;;) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q == '\n') {
            p = q + 1;
            line++;
            continue;
        }
        if (q >= end)
            return hr_fail(e, "%s: line %ld: empty file (no header line)", name, line);
        break;
    }
    /* Separator: the most frequent of , ; tab in the header line, outside quotes. */
    int cnt[3] = {0, 0, 0}, inq = 0;
    for (const char *q = p; q < end && (inq || *q != '\n'); q++) {
        if (*q == '"')
            inq = !inq;
        else if (!inq)
            cnt[0] += *q == ',', cnt[1] += *q == ';', cnt[2] += *q == '\t';
    }
    char sep = cnt[0] >= cnt[1] && cnt[0] >= cnt[2] ? ',' : cnt[1] >= cnt[2] ? ';' : '\t';

    enum { MAXF = 4096 };
    struct field *f = malloc(MAXF * sizeof *f);
    if (!f)
        return hr_fail(e, "%s: out of memory", name);
    int nh;
    long lines;
    int badq;
    long header_line = line;
    p = split_record(p, end, sep, f, MAXF, &nh, &lines, &badq);
    line += lines;
    int nh_all = nh; /* fields beyond MAXF are not read: a header with more says so below */
    char too_wide[160] = "";
    if (nh > MAXF) {
        nh = MAXF;
        snprintf(too_wide, sizeof too_wide,
                 " among the first %d fields: the header has %d, more than the %d-field limit", MAXF, nh_all, MAXF);
    }
    struct column col[R_COUNT];
    enum unit stated[R_SAMPLE_END]; /* the unit the header text gives (U_NONE: none or unknown) */
    char utext[R_SAMPLE_END][32];
    for (int r = 0; r < R_COUNT; r++)
        col[r] = (struct column){-1, 0, U_NONE};
    for (int r = 0; r < R_SAMPLE_END; r++)
        stated[r] = U_NONE, utext[r][0] = '\0';
    for (int i = 0; i < nh; i++) {
        char base[64], unit[32];
        normalise_header(f[i].s, f[i].e, base, sizeof base, unit, sizeof unit);
        for (size_t k = 0; k < sizeof k_names / sizeof k_names[0]; k++) {
            if (strcmp(base, k_names[k].name) != 0)
                continue;
            enum role r = k_names[k].role;
            if (col[r].index < 0 || k_names[k].prio > col[r].prio) {
                enum unit u = unit[0] ? unit_from_text(unit, r) : U_NONE;
                col[r] = (struct column){i, k_names[k].prio, u != U_NONE ? u : k_names[k].unit};
                if (r < R_SAMPLE_END) {
                    stated[r] = u;
                    snprintf(utext[r], sizeof utext[r], "%s", unit);
                }
            }
            break;
        }
    }
    /* Which time column. */
    enum role trole = R_NONE;
    if (col[R_TIME].index >= 0 && (o->csv_time != CSV_TIME_ELAPSED || col[R_ELAPSED].index < 0))
        trole = R_TIME;
    else if (col[R_ELAPSED].index >= 0)
        trole = R_ELAPSED;
    if (trole == R_NONE) {
        free(f);
        return hr_fail(e,
                       "%s: line %ld: no time column%s (looked for timestamp, time, datetime, elapsed, secs, seconds)",
                       name, header_line, too_wide);
    }
    int usable = 0;
    for (int r = R_HR; r < R_SAMPLE_END; r++)
        usable |= col[r].index >= 0;
    int wcol = col[R_WORKOUT].index; /* hrcast's export layout: metadata columns and several workouts */
    if (wcol < 0)
        for (int r = R_WORKOUT; r < R_COUNT; r++)
            col[r].index = -1;
    if (!usable) {
        free(f);
        return hr_fail(e, "%s: line %ld: no usable column%s (heart rate, speed, pace, distance, altitude or position)",
                       name, header_line, too_wide);
    }
    /* A unit we know that does not fit the column it stands on: refused, not misread. Checked on the
     * columns that are read: the chosen time column, pace only without speed. */
    for (int r = R_TIME; r < R_SAMPLE_END; r++) {
        const char *want;
        if (col[r].index < 0 || stated[r] == U_NONE || (r <= R_ELAPSED && r != (int)trole) ||
            (r == R_PACE && col[R_SPEED].index >= 0) || unit_fits((enum role)r, unit_kind(stated[r]), &want))
            continue;
        char hdr[64];
        field_text(&f[col[r].index], hdr, sizeof hdr);
        free(f);
        return hr_fail(e, "%s: line %ld: field %d '%s': unit '%s' does not fit this column (%s)", name, header_line,
                       col[r].index + 1, hdr, utext[r], want);
    }
    if (too_wide[0])
        hr_warn("%s: line %ld: fields after the %d-field limit are not read (the header has %d)", name, header_line,
                MAXF, nh_all);
    enum time_mode tmode = TM_UNSET;
    switch (o->csv_time) {
    case CSV_TIME_ISO: tmode = TM_ISO; break;
    case CSV_TIME_UNIX: tmode = TM_UNIX; break;
    case CSV_TIME_ELAPSED: tmode = TM_UNSET; break; /* elapsed seconds or h:mm:ss, decided below */
    default: break;
    }
    int force_elapsed = o->csv_time == CSV_TIME_ELAPSED;
    double tscale = time_scale(col[trole].unit);
    int tstated = col[trole].unit != U_NONE;
    /* Speed and pace: each column read by its unit's kind (a speed column in min/km is a pace). */
    int spd_is_pace = unit_kind(col[R_SPEED].unit) == UK_PACE;
    int pace_is_speed = unit_kind(col[R_PACE].unit) == UK_SPEED;
    double spd_scale = speed_scale(col[R_SPEED].unit != U_NONE ? col[R_SPEED].unit
                                   : o->csv_speed == CSV_SPEED_KMH ? U_KMH
                                   : o->csv_speed == CSV_SPEED_MPH ? U_MPH
                                                                   : U_MS);
    double pace_scale = speed_scale(col[R_PACE].unit);
    struct emit_checks ck = {0, 0, 0, 0};
    ck.guess_ms = trole == R_TIME && !tstated && !force_elapsed && wcol < 0;
    ck.warn_speed = col[R_SPEED].index >= 0 && col[R_SPEED].unit == U_NONE && o->csv_speed == CSV_SPEED_AUTO;
    double dist_scale = length_scale(col[R_DIST].unit), alt_scale = length_scale(col[R_ALT].unit);
    int maxcol = 0;
    for (int r = 0; r < R_COUNT; r++)
        if (col[r].index > maxcol)
            maxcol = col[r].index;

    struct workout w;
    workout_init(&w);
    char key[64] = "";
    size_t klen = 0;
    double start = NAN;
    int stopped = 0;
    w.max_n = o->lim.max_samples;
    long long bad = 0;
    long first_bad_line = 0;
    const char *first_bad = NULL;
    int rc = 0;
    int tcol = col[trole].index;
    /* a date column beside a time of day (h:mm:ss) makes the times absolute; not with --csv-time elapsed,
     * nor in hrcast's export layout (its start_time says it) */
    int dcol = force_elapsed || wcol >= 0 || trole != R_TIME ? -1 : col[R_DATE].index; /* an elapsed column is no
                                                                                          * time of day */
    double clock_prev = NAN, clock_days = 0; /* h:mm:ss read as a time of day: the days it rolled over */
    while (p < end) {
        long row_line = line;
        int nf;
        p = split_record(p, end, sep, f, MAXF, &nf, &lines, &badq);
        line += lines;
        if (nf == 1 && !badq && tu_skip_ws(f[0].s, f[0].e) == f[0].e)
            continue; /* blank line */
        const char *why = NULL;
        double t = NAN;
        if (badq)
            why = "unterminated quote";
        else if (nf <= tcol || nf <= maxcol)
            why = "too few fields";
        else if (is_missing(f[tcol].s, f[tcol].e))
            why = "missing time";
        if (!why && tmode == TM_UNSET) {
            tmode = detect_time(f[tcol].s, f[tcol].e, force_elapsed ? R_ELAPSED : trole, tscale, tstated);
            if (tmode == TM_UNSET)
                why = "unreadable time";
            else if (tmode == TM_CLOCK && dcol >= 0 && bare_date(f[dcol].s, f[dcol].e))
                tmode = TM_DATE_CLOCK; /* until 2026-12-07 the date column was ignored: no start time; a "date"
                                        * column holding a full timestamp beside elapsed h:mm:ss stays ignored */
        }
        if (!why && !parse_time(tmode, f[tcol].s, f[tcol].e, tscale, &t))
            why = "unreadable time";
        if (!why && tmode == TM_DATE_CLOCK) {
            double day;
            if (is_missing(f[dcol].s, f[dcol].e) || !tu_parse_iso8601(f[dcol].s, f[dcol].e, &day) ||
                fmod(day, DAY_S) != 0)
                why = "unreadable date (YYYY-MM-DD)";
            else if (!(t < DAY_S))
                why = "time of day 24:00:00 or later beside a date";
            else
                t += day;
        }
        if (!why && tmode == TM_CLOCK) {
            /* a watch's clock time passing midnight (23:59:58, 00:00:03): the next day, not the clock
             * going back 24 hours (elapsed h:mm:ss never falls from 22 h to under 2 h) */
            if (isfinite(clock_prev) && clock_prev >= CLOCK_LATE_S && clock_prev < DAY_S && t < CLOCK_EARLY_S)
                clock_days += DAY_S;
            clock_prev = t;
            t += clock_days;
        }
        int issue = HRQ_TRUSTED;
        if (!why && col[R_ISSUE].index >= 0 && (issue = read_issue(&f[col[R_ISSUE].index])) < 0)
            why = "unknown hr_issue (a verdict name of docs/data.md, empty or unassessed)";
        double v[R_SAMPLE_END];
        for (int r = R_HR; r < R_SAMPLE_END && !why; r++) {
            v[r] = NAN;
            int c = col[r].index;
            if (c < 0 || is_missing(f[c].s, f[c].e))
                continue;
            if ((r == R_PACE && !pace_is_speed) || (r == R_SPEED && spd_is_pace)) {
                if (!pace_to_speed(f[c].s, f[c].e, col[r].unit, sep, &v[r]))
                    why = "unreadable pace";
            } else if (!csv_number(f[c].s, f[c].e, sep, &v[r])) {
                why = "unreadable number";
            }
        }
        if (why) {
            if (!bad) {
                first_bad = why;
                first_bad_line = row_line;
            }
            bad++;
            continue;
        }
        size_t flen = wcol >= 0 ? (size_t)(f[wcol].e - f[wcol].s) : 0;
        if (wcol >= 0 && (w.n == 0 || flen != klen || memcmp(f[wcol].s, key, strlen(key)))) {
            if (w.n > 0 && emit(&w, tmode, start, name, key, &ck, sink, ctx)) {
                stopped = 1;
                break;
            }
            workout_reset(&w);
            clock_prev = NAN;
            clock_days = 0;
            klen = flen; /* the key is compared by its length and (up to 63) first bytes */
            size_t kn = flen < sizeof key - 1 ? flen : sizeof key - 1;
            memcpy(key, f[wcol].s, kn);
            key[kn] = '\0';
            read_meta(&w, f, col, &start);
        }
        if (wcol >= 0 && isfinite(start) && !time_is_absolute(tmode))
            t += start; /* elapsed seconds of the export, made absolute */
        long k = workout_push(&w, t);
        if (k < 0) {
            char why[160];
            rc = hr_fail(e, "%s: line %ld: %s", name, row_line, workout_grow_why(&w, k, why, sizeof why));
            break;
        }
        if (!isnan(v[R_HR]) && v[R_HR] > 0)
            w.hr[k] = (float)v[R_HR];
        if (issue == HRQ_COUNT)
            w.has_hr_issue = 0; /* exported from a dataset without verdicts */
        else
            w.hr_issue[k] = (uint8_t)issue;
        if (col[R_SPEED].index >= 0)
            w.speed[k] = (float)(spd_is_pace ? v[R_SPEED] : v[R_SPEED] * spd_scale);
        else if (col[R_PACE].index >= 0)
            w.speed[k] = (float)(pace_is_speed ? v[R_PACE] * pace_scale : v[R_PACE]);
        w.dist[k] = (float)(v[R_DIST] * dist_scale);
        w.alt[k] = (float)(v[R_ALT] * alt_scale);
        w.lat[k] = position(v[R_LAT], 1);
        w.lon[k] = position(v[R_LON], 0);
        if (isnan(w.lat[k]) || isnan(w.lon[k]))
            w.lat[k] = w.lon[k] = NAN;
    }
    free(f);
    if (rc) {
        workout_free(&w);
        return rc;
    }
    if (bad)
        hr_warn("%s: %lld bad row%s skipped (first: line %ld: %s)", name, bad, bad == 1 ? "" : "s",
                first_bad_line, first_bad);
    if (w.n == 0 && !stopped) {
        workout_free(&w);
        return hr_fail(e, "%s: line %ld: no readable data rows", name, bad ? first_bad_line : line);
    }
    if (!stopped)
        emit(&w, tmode, start, name, wcol >= 0 ? key : NULL, &ck, sink, ctx);
    workout_free(&w);
    return 0;
}
