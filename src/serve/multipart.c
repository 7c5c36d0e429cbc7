/* multipart.c — locating the uploaded file in a multipart/form-data body (see multipart.h). */
#include "serve/multipart.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

int multipart_boundary(const char *ct, char *out, size_t cap)
{
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return -1;
    const char *b = strcasestr(ct, "boundary=");
    if (!b)
        return -1;
    b += 9;
    int quoted = *b == '"';
    b += quoted;
    size_t k = 0;
    while (b[k] && (quoted ? b[k] != '"' : (b[k] != ';' && b[k] != ' ' && b[k] != '\t')))
        k++;
    if (k == 0 || k > 70 || k + 1 > cap)
        return -1;
    memcpy(out, b, k);
    out[k] = '\0';
    return 0;
}

static const uint8_t *find(const uint8_t *h, size_t hn, const void *needle, size_t nn)
{
    return nn <= hn ? memmem(h, hn, needle, nn) : NULL;
}

/* Value of name="..." (or name=token) inside one header line [p, end). */
static int header_param(const uint8_t *p, const uint8_t *end, const char *param, char *out, size_t cap)
{
    size_t pl = strlen(param);
    for (const uint8_t *q = p; q + pl + 1 < end; q++) {
        if (strncasecmp((const char *)q, param, pl) != 0 || q[pl] != '=')
            continue;
        if (q > p && q[-1] != ' ' && q[-1] != ';' && q[-1] != '\t')
            continue; /* "filename=" must not match "name=" */
        const uint8_t *v = q + pl + 1;
        int quoted = v < end && *v == '"';
        v += quoted;
        size_t k = 0;
        while (v + k < end && (quoted ? v[k] != '"' : (v[k] != ';' && v[k] != ' ')))
            k++;
        size_t c = k < cap - 1 ? k : cap - 1;
        memcpy(out, v, c);
        out[c] = '\0';
        return 1;
    }
    return 0;
}

/* One part after the delimiter at *pos: its name, filename and data; *pos moves to the next delimiter.
 * 1 for a part, 0 at the end, -1 with e filled on a malformed body. */
struct part {
    char name[64], filename[128];
    const uint8_t *data;
    size_t len;
};

static int next_part(const uint8_t **pos, const uint8_t *end, const char *delim, int dl, struct part *pt,
                     struct hr_err *e)
{
    const uint8_t *p = *pos;
    if (!p)
        return 0;
    p += dl;
    if (end - p >= 2 && p[0] == '-' && p[1] == '-')
        return 0; /* closing delimiter */
    const uint8_t *hdr = find(p, (size_t)(end - p), "\r\n", 2);
    if (!hdr)
        return 0;
    hdr += 2;
    const uint8_t *hend = find(hdr, (size_t)(end - hdr), "\r\n\r\n", 4);
    if (!hend)
        return hr_fail(e, "upload: multipart part without header end");
    const uint8_t *data = hend + 4;
    char tail[84];
    int tl = snprintf(tail, sizeof tail, "\r\n%s", delim);
    const uint8_t *next = find(data, (size_t)(end - data), tail, (size_t)tl);
    if (!next)
        return hr_fail(e, "upload: multipart part not closed (truncated upload?)");
    pt->name[0] = pt->filename[0] = '\0';
    /* headers: lines between hdr and hend */
    for (const uint8_t *line = hdr; line < hend;) {
        const uint8_t *le = find(line, (size_t)(hend - line), "\r\n", 2);
        if (!le)
            le = hend;
        if ((size_t)(le - line) > 20 && strncasecmp((const char *)line, "content-disposition:", 20) == 0) {
            header_param(line, le, "name", pt->name, sizeof pt->name);
            header_param(line, le, "filename", pt->filename, sizeof pt->filename);
        }
        line = le + 2;
    }
    pt->data = data;
    pt->len = (size_t)(next - data);
    *pos = next + 2;
    return 1;
}

static int first_delim(const uint8_t *body, size_t n, const char *boundary, char *delim, int *dl,
                       const uint8_t **pos, struct hr_err *e)
{
    *dl = snprintf(delim, 80, "--%s", boundary);
    if (*dl < 3 || *dl >= 80)
        return hr_fail(e, "upload: bad multipart boundary");
    *pos = find(body, n, delim, (size_t)*dl);
    return 0;
}

int multipart_find_file(const uint8_t *body, size_t n, const char *boundary, struct multipart_file *f,
                        struct hr_err *e)
{
    char delim[80];
    int dl, rc;
    const uint8_t *pos;
    memset(f, 0, sizeof *f);
    if (first_delim(body, n, boundary, delim, &dl, &pos, e))
        return -1;
    int have_named = 0;
    struct multipart_file named;
    struct part pt;
    while ((rc = next_part(&pos, body + n, delim, dl, &pt, e)) == 1) {
        if (!strcmp(pt.name, MULTIPART_RECENT_FIELD))
            continue; /* the runner's earlier runs, not the workout (multipart_find_all) */
        if (pt.filename[0]) {
            f->data = pt.data;
            f->len = pt.len;
            snprintf(f->filename, sizeof f->filename, "%s", pt.filename);
            return 0;
        }
        if (!have_named && !strcmp(pt.name, "file")) {
            have_named = 1;
            named.data = pt.data;
            named.len = pt.len;
            named.filename[0] = '\0';
        }
    }
    if (rc < 0)
        return -1;
    if (have_named) {
        *f = named;
        return 0;
    }
    return hr_fail(e, "upload: no file in the multipart form");
}

int multipart_find_all(const uint8_t *body, size_t n, const char *boundary, const char *field,
                       struct multipart_file *out, int max, int *count, struct hr_err *e)
{
    char delim[80];
    int dl, rc;
    const uint8_t *pos;
    *count = 0;
    if (first_delim(body, n, boundary, delim, &dl, &pos, e))
        return -1;
    struct part pt;
    while ((rc = next_part(&pos, body + n, delim, dl, &pt, e)) == 1) {
        if (strcmp(pt.name, field) || pt.len == 0)
            continue; /* an empty file input sends an empty part */
        if (*count == max)
            return hr_fail(e, "upload: more than %d '%s' files in the form", max, field);
        out[*count].data = pt.data;
        out[*count].len = pt.len;
        snprintf(out[*count].filename, sizeof out[*count].filename, "%s", pt.filename);
        (*count)++;
    }
    return rc < 0 ? -1 : 0;
}
