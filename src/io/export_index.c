/* export_index.c — see export_index.h: Strava's activities.csv as a sorted table file -> sport, title. */
#include "io/export_index.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One CSV field starting at *p (quotes removed, "" -> "), copied into out (truncated to cap).
 * Returns the separator that ended it: ',', '\n' or 0 at the end of the buffer. */
static int next_field(const uint8_t **p, const uint8_t *end, char *out, size_t cap)
{
    size_t k = 0;
    const uint8_t *s = *p;
    int quoted = s < end && *s == '"';
    if (quoted)
        s++;
    int sep = 0;
    while (s < end) {
        uint8_t c = *s++;
        if (quoted) {
            if (c == '"') {
                if (s < end && *s == '"') {
                    s++;
                } else {
                    quoted = 0;
                    continue;
                }
            }
        } else if (c == ',' || c == '\n') {
            sep = c;
            break;
        } else if (c == '\r') {
            continue;
        }
        if (k + 1 < cap)
            out[k++] = (char)c;
    }
    if (cap)
        out[k] = '\0';
    *p = s;
    return sep;
}

int export_index_looks_like(const uint8_t *buf, size_t n)
{
    size_t line = 0;
    while (line < n && line < 4096 && buf[line] != '\n')
        line++;
    char head[4097];
    memcpy(head, buf, line);
    head[line] = '\0';
    return strstr(head, "Activity ID") != NULL && strstr(head, "Filename") != NULL;
}

void export_sport_name(const char *type, char *out, size_t cap)
{
    static const char *map[][2] = {
        {"Run", "running"},          {"Trail Run", "trail_running"}, {"Virtual Run", "virtual_running"},
        {"Ride", "cycling"},         {"Virtual Ride", "virtual_cycling"},
        {"Mountain Bike Ride", "mountain_biking"}, {"Gravel Ride", "gravel_cycling"},
        {"E-Bike Ride", "e_biking"}, {"Swim", "swimming"}, {"Walk", "walking"}, {"Hike", "hiking"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(type, map[i][0])) {
            snprintf(out, cap, "%s", map[i][1]);
            return;
        }
    size_t k = 0; /* anything else: lower case, spaces as '_' ("Rock Climbing" -> "rock_climbing") */
    for (; type[k] && k + 1 < cap; k++)
        out[k] = type[k] == ' ' ? '_' : (char)tolower((unsigned char)type[k]);
    if (cap)
        out[k] = '\0';
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct export_entry *)a)->file, ((const struct export_entry *)b)->file);
}

int export_index_parse(const uint8_t *buf, size_t n, const char *name, struct export_index *ix,
                       struct hr_err *e)
{
    memset(ix, 0, sizeof *ix);
    const uint8_t *p = buf, *end = buf + n;
    int col_type = -1, col_name = -1, col_file = -1, sep = ',';
    char field[1024];
    for (int c = 0; sep == ','; c++) { /* the header */
        sep = next_field(&p, end, field, sizeof field);
        if (col_type < 0 && !strcmp(field, "Activity Type"))
            col_type = c;
        else if (col_name < 0 && !strcmp(field, "Activity Name"))
            col_name = c;
        else if (col_file < 0 && !strcmp(field, "Filename"))
            col_file = c;
    }
    if (col_type < 0 || col_file < 0)
        return hr_fail_at(e, name, 0, "not a Strava activities.csv (no \"Activity Type\" and \"Filename\" columns)");
    size_t cap = 0;
    while (p < end) {
        struct export_entry row;
        memset(&row, 0, sizeof row);
        char file[1024] = "", type[64] = "";
        sep = ',';
        for (int c = 0; sep == ','; c++) {
            sep = next_field(&p, end, field, sizeof field);
            if (c == col_file)
                snprintf(file, sizeof file, "%s", field);
            else if (c == col_type)
                snprintf(type, sizeof type, "%s", field);
            else if (c == col_name)
                snprintf(row.title, sizeof row.title, "%s", field);
        }
        if (!file[0])
            continue; /* a manual activity: no file */
        export_sport_name(type, row.sport, sizeof row.sport);
        if (ix->n == cap) {
            cap = cap ? cap * 2 : 256;
            struct export_entry *ne = realloc(ix->e, cap * sizeof *ne);
            if (!ne) {
                export_index_free(ix);
                return hr_fail(e, "%s: out of memory", name);
            }
            ix->e = ne;
        }
        row.file = strdup(file);
        if (!row.file) {
            export_index_free(ix);
            return hr_fail(e, "%s: out of memory", name);
        }
        ix->e[ix->n++] = row;
    }
    if (ix->n)
        qsort(ix->e, ix->n, sizeof *ix->e, cmp_entry);
    return 0;
}

const struct export_entry *export_index_find(const struct export_index *ix, const char *relpath)
{
    if (!ix || !ix->n)
        return NULL;
    struct export_entry key = {.file = (char *)relpath};
    return bsearch(&key, ix->e, ix->n, sizeof *ix->e, cmp_entry);
}

void export_index_free(struct export_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        free(ix->e[i].file);
    free(ix->e);
    memset(ix, 0, sizeof *ix);
}

void export_entry_apply(const struct export_entry *en, struct workout *w)
{
    if (en->sport[0])
        workout_set_sport(w, en->sport);
    if (en->title[0])
        workout_set_title(w, en->title);
}
