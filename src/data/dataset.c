/* dataset.c — writing (streamed, temp + rename) and reading (whole into private memory) the .hrd dataset file;
 * the layout is in docs/dataset-format.md. */
#include "data/dataset.h"
#include "data/splits.h"
#include "prep/hr_quality.h"
#include "util/bytebuf.h"
#include "util/fileio.h"
#include "util/log.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DS_MAGIC "HRCDSET"
#define DS_VERSION 2u     /* written; 1 (no HR-quality verdicts) is still read */
#define DS_VERSION_MIN 1u
#define DS_HEADER 64u
#define TAG(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

struct ds_wentry {
    uint64_t offset;
    uint32_t len;
    struct series_meta meta_small; /* strings kept only for athlete; source etc. go into recs */
};

struct dataset_writer {
    struct atomic_file af;
    float step;
    uint64_t pos;          /* bytes written so far */
    struct bytebuf recs;   /* serialised SERI payloads without the split bytes filled */
    struct bytebuf offs;   /* u64 offset of each record inside recs */
    char **athlete;        /* per series (for splits) */
    double *start;
    double *weight;        /* valid heart-rate steps per series (balances the athlete split) */
    int n, cap;
    struct ds_reject reject[DS_MAX_REJECT];
    int n_reject;
    char desc[256];
};

static int pad_to(struct dataset_writer *w, uint64_t align)
{
    static const uint8_t zeros[64];
    uint64_t pad = (align - (w->pos % align)) % align;
    if (pad && fwrite(zeros, 1, pad, w->af.f) != pad)
        return -1;
    w->pos += pad;
    return 0;
}

struct dataset_writer *dataset_writer_open(const char *path, float step, struct hr_err *e)
{
    struct dataset_writer *w = calloc(1, sizeof *w);
    if (!w) {
        hr_fail(e, "%s: out of memory", path);
        return NULL;
    }
    w->step = step;
    bb_init(&w->recs);
    bb_init(&w->offs);
    if (atomic_open(&w->af, path, e)) {
        free(w);
        return NULL;
    }
    uint8_t header[DS_HEADER] = {0};
    if (fwrite(header, 1, sizeof header, w->af.f) != sizeof header) {
        hr_fail(e, "%s: write failed", path);
        dataset_writer_abort(w);
        return NULL;
    }
    w->pos = DS_HEADER;
    return w;
}

int dataset_writer_add(struct dataset_writer *w, const struct series *s, struct hr_err *e)
{
    if (s->step != w->step)
        return hr_fail(e, "%s: series step %.3g s differs from the dataset's %.3g s", w->af.path,
                       s->step, w->step);
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 256;
        char **a = realloc(w->athlete, sizeof(char *) * (size_t)cap);
        if (a)
            w->athlete = a;
        double *st = realloc(w->start, sizeof(double) * (size_t)cap);
        if (st)
            w->start = st;
        double *wt = realloc(w->weight, sizeof(double) * (size_t)cap);
        if (wt)
            w->weight = wt;
        if (!a || !st || !wt)
            return hr_fail(e, "%s: out of memory", w->af.path);
        w->cap = cap;
    }
    if (pad_to(w, 64))
        return hr_fail(e, "%s: write failed: %s", w->af.path, strerror(errno));
    uint64_t offset = w->pos;
    for (int c = 0; c < CH_COUNT; c++) {
        if (s->n && fwrite(s->ch[c], sizeof(float), (size_t)s->n, w->af.f) != (size_t)s->n)
            return hr_fail(e, "%s: write failed: %s", w->af.path, strerror(errno));
        w->pos += (uint64_t)s->n * sizeof(float);
    }
    /* version 2: the HR-quality verdict and the true artifact (simulated data) of each step, u8 each */
    static const uint8_t none[256];
    for (int b = 0; b < 2; b++) {
        const uint8_t *bytes = b == 0 ? s->hr_issue : s->hr_truth;
        for (int k = 0; k < s->n;) {
            size_t chunk = bytes ? (size_t)(s->n - k) : (size_t)(s->n - k < 256 ? s->n - k : 256);
            if (fwrite(bytes ? bytes + k : none, 1, chunk, w->af.f) != chunk)
                return hr_fail(e, "%s: write failed: %s", w->af.path, strerror(errno));
            k += (int)chunk;
        }
        w->pos += (uint64_t)s->n;
    }
    const struct series_meta *m = &s->meta;
    w->athlete[w->n] = strdup(m->athlete);
    if (!w->athlete[w->n])
        return hr_fail(e, "%s: out of memory", w->af.path);
    w->start[w->n] = m->start_time;
    w->weight[w->n] = fmax(1.0, floor((double)m->valid_hr_frac * s->n + 0.5));
    bb_u64(&w->offs, w->recs.len);
    struct bytebuf *b = &w->recs;
    bb_u64(b, offset);
    bb_u32(b, (uint32_t)s->n);
    bb_u8(b, PART_NONE);
    bb_u8(b, PART_NONE);
    bb_u8(b, (uint8_t)m->gender);
    bb_u8(b, (uint8_t)m->has_alt);
    bb_u8(b, (uint8_t)m->has_gps);
    bb_put(b, "\0\0\0", 3);
    bb_f64(b, m->start_time);
    bb_u64(b, (uint64_t)m->id);
    bb_f32(b, m->valid_hr_frac);
    bb_u32(b, (uint32_t)m->n_raw);
    bb_f32(b, m->raw_duration);
    bb_str16(b, m->athlete);
    bb_str16(b, m->sport);
    bb_str16(b, m->device);
    bb_str16(b, m->source);
    bb_str16(b, m->hr_sensor);
    bb_u8(b, (uint8_t)(m->has_hr_truth && s->hr_truth));
    bb_str16(b, m->title);
    if (b->oom || w->offs.oom)
        return hr_fail(e, "%s: out of memory", w->af.path);
    w->n++;
    return 0;
}

void dataset_writer_set_rejects(struct dataset_writer *w, const struct ds_reject *r, int n)
{
    w->n_reject = n < DS_MAX_REJECT ? n : DS_MAX_REJECT;
    memcpy(w->reject, r, sizeof *r * (size_t)w->n_reject);
}

void dataset_writer_set_desc(struct dataset_writer *w, const char *desc)
{
    snprintf(w->desc, sizeof w->desc, "%s", desc);
}

static void writer_free(struct dataset_writer *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->athlete[i]);
    free(w->athlete);
    free(w->start);
    free(w->weight);
    bb_free(&w->recs);
    bb_free(&w->offs);
    free(w);
}

void dataset_writer_abort(struct dataset_writer *w)
{
    if (!w)
        return;
    atomic_abort(&w->af);
    writer_free(w);
}

int dataset_writer_finish(struct dataset_writer *w, uint64_t split_seed, struct hr_err *e)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", w->af.path);
    uint8_t *sa = malloc((size_t)w->n + 1), *sc = malloc((size_t)w->n + 1);
    if (!sa || !sc || compute_splits((const char *const *)w->athlete, w->start, w->weight, w->n, split_seed, sa, sc)) {
        free(sa);
        free(sc);
        dataset_writer_abort(w);
        return hr_fail(e, "%s: out of memory", path);
    }
    int left_out = 0, by_name = 0;
    for (int i = 0; i < w->n; i++)
        if (isnan(w->start[i]))
            left_out += sc[i] == PART_NONE, by_name += sc[i] != PART_NONE;
    char note[256];
    if (chrono_undated_text(left_out, by_name, w->n, note, sizeof note))
        hr_warn("%s", note);
    struct bytebuf idx;
    bb_init(&idx);
    const uint64_t *offs = (const uint64_t *)(void *)w->offs.data;
    for (int i = 0; i < w->n; i++) {
        uint64_t a;
        memcpy(&a, (const uint8_t *)offs + (size_t)i * 8, 8); /* stored little-endian; host is LE */
        uint64_t b = i + 1 < w->n ? 0 : w->recs.len;
        if (i + 1 < w->n)
            memcpy(&b, (const uint8_t *)offs + (size_t)(i + 1) * 8, 8);
        uint8_t *rec = w->recs.data + a;
        rec[12] = sa[i];
        rec[13] = sc[i];
        bb_u32(&idx, TAG('S', 'E', 'R', 'I'));
        bb_u32(&idx, (uint32_t)(b - a));
        bb_put(&idx, rec, b - a);
    }
    free(sa);
    free(sc);
    struct bytebuf rj;
    bb_init(&rj);
    bb_u32(&rj, (uint32_t)w->n_reject);
    for (int i = 0; i < w->n_reject; i++) {
        bb_str16(&rj, w->reject[i].reason);
        bb_u64(&rj, (uint64_t)w->reject[i].count);
    }
    bb_u32(&idx, TAG('R', 'E', 'J', 'C'));
    bb_u32(&idx, (uint32_t)rj.len);
    bb_put(&idx, rj.data, rj.len);
    bb_free(&rj);
    bb_u32(&idx, TAG('D', 'E', 'S', 'C'));
    bb_u32(&idx, (uint32_t)(2 + strlen(w->desc)));
    bb_str16(&idx, w->desc);
    int bad = idx.oom || pad_to(w, 64);
    uint64_t index_offset = w->pos;
    if (!bad && idx.len && fwrite(idx.data, 1, idx.len, w->af.f) != idx.len)
        bad = 1;
    struct bytebuf h;
    bb_init(&h);
    bb_put(&h, DS_MAGIC, 8);
    bb_u32(&h, DS_VERSION);
    bb_u32(&h, (uint32_t)w->n);
    bb_f32(&h, w->step);
    bb_u32(&h, CH_COUNT);
    bb_u64(&h, split_seed);
    bb_u64(&h, index_offset);
    bb_u64(&h, idx.len);
    while (h.len < DS_HEADER)
        bb_u8(&h, 0);
    if (!bad && (h.oom || fseek(w->af.f, 0, SEEK_SET) != 0 || fwrite(h.data, 1, DS_HEADER, w->af.f) != DS_HEADER))
        bad = 1;
    bb_free(&h);
    bb_free(&idx);
    if (bad) {
        dataset_writer_abort(w);
        return hr_fail(e, "%s: write failed: %s", path, strerror(errno));
    }
    int rc = atomic_commit(&w->af, e);
    writer_free(w);
    return rc;
}

/* ------------------------------------------------------------------ reading */

/* The values of series record i that are enumerated or bounded, checked so that a damaged file is refused
 * by name instead of read: until 2026-12-07 only the structure was checked, so a split byte of 7 dropped
 * the workout from every part, a valid-HR fraction of 50 was printed as thousands of per cent, a gender byte 0 wrote a NUL
 * into CSV. Returns 0, or -1 with the reason in why (cap bytes). */
static int check_series(const struct dataset *ds, uint32_t i, uint32_t sl, uint64_t off, const struct series_meta *m,
                        char *why, size_t cap)
{
    for (int k = 0; k < SPLIT_KINDS; k++) {
        unsigned v = ds->split[k][i];
        if (v > PART_TEST && v != PART_NONE) {
            snprintf(why, cap, "%s split part %u is not a part (0 train, 1 validation, 2 test, 255 none)",
                     k == SPLIT_ATHLETE ? "athlete" : "chrono", v);
            return -1;
        }
    }
    if (sl == 0) {
        snprintf(why, cap, "series length 0 is not a length (a stored workout has at least one step)");
        return -1;
    }
    if (m->gender != 'm' && m->gender != 'f' && m->gender != 'u') {
        snprintf(why, cap, "gender byte %u is not m, f or u", (unsigned)(unsigned char)m->gender);
        return -1;
    }
    if ((unsigned)m->has_alt > 1 || (unsigned)m->has_gps > 1) {
        snprintf(why, cap, "%s flag %d is not 0 or 1", (unsigned)m->has_alt > 1 ? "has_alt" : "has_gps",
                 (unsigned)m->has_alt > 1 ? m->has_alt : m->has_gps);
        return -1;
    }
    if (!(m->valid_hr_frac >= 0 && m->valid_hr_frac <= 1)) {
        snprintf(why, cap, "valid-HR fraction %g is not a fraction in [0, 1]", (double)m->valid_hr_frac);
        return -1;
    }
    if (ds->version >= 2) { /* the verdict bytes, and the truth bytes where the record says it has them */
        const uint8_t *v = (const uint8_t *)ds->map + off + (uint64_t)sl * CH_COUNT * sizeof(float);
        for (int b = 0; b < 1 + (m->has_hr_truth != 0); b++, v += sl)
            for (uint32_t k = 0; k < sl; k++)
                if (v[k] >= HRQ_COUNT) {
                    snprintf(why, cap, "%s code %u at step %u is not a verdict code (0 to %d)",
                             b ? "hr_truth" : "hr_issue", v[k], k, HRQ_COUNT - 1);
                    return -1;
                }
    }
    return 0;
}

int dataset_open(const char *path, struct dataset *ds, struct hr_err *e)
{
    memset(ds, 0, sizeof *ds);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return hr_fail(e, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)DS_HEADER) {
        char magic[8];
        int ours = fstat(fd, &st) == 0 && st.st_size >= 8 && read(fd, magic, 8) == 8 && memcmp(magic, DS_MAGIC, 8) == 0;
        close(fd);
        return ours ? hr_fail_at(e, path, (long long)st.st_size, "truncated (the header alone is %u bytes)", DS_HEADER)
                    : hr_fail_at(e, path, 0, "not an hrcast dataset (too short)");
    }
    /* Read whole into private memory rather than mapped shared: a mapping dies of SIGBUS when
     * another process truncates the file while it is open; a private copy cannot change under us.
     * Cost: the file's size in resident memory (docs/dataset-format.md, "Reading"). */
    size_t size = (size_t)st.st_size;
    uint8_t *map = malloc(size);
    if (!map) {
        close(fd);
        return hr_fail(e, "%s: out of memory for %zu bytes", path, size);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, map + got, size - got > ((size_t)1 << 30) ? ((size_t)1 << 30) : size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int err = r < 0 ? errno : 0;
            close(fd);
            free(map);
            return err ? hr_fail(e, "%s: read failed: %s", path, strerror(err))
                       : hr_fail_at(e, path, (long long)got, "file shrank while being read (%zu bytes expected)", size);
        }
        got += (size_t)r;
    }
    close(fd);
    ds->map = map;
    ds->map_len = size;
    const uint8_t *base = map;
    if (memcmp(base, DS_MAGIC, 8) != 0) {
        dataset_close(ds);
        return hr_fail_at(e, path, 0, "not an hrcast dataset (bad magic)");
    }
    struct bytereader r = {base + 8, base + DS_HEADER, 0};
    uint32_t version = br_u32(&r), n = br_u32(&r);
    float step = br_f32(&r);
    uint32_t nch = br_u32(&r);
    uint64_t seed = br_u64(&r), ioff = br_u64(&r), ilen = br_u64(&r);
    if (version < DS_VERSION_MIN || version > DS_VERSION) {
        dataset_close(ds);
        return hr_fail_at(e, path, 8, "dataset version %u is not supported (this hrcast reads %u to %u)", version,
                          DS_VERSION_MIN, DS_VERSION);
    }
    ds->version = (int)version;
    if (nch != CH_COUNT || ioff < DS_HEADER || n > ds->map_len / 16) {
        dataset_close(ds);
        return hr_fail_at(e, path, 12, "corrupt dataset header");
    }
    if (ioff > ds->map_len || ilen > ds->map_len - ioff) {
        /* the index is written last, after the series: a file cut short loses it first */
        size_t len = ds->map_len;
        dataset_close(ds);
        return hr_fail_at(e, path, (long long)len, "truncated: the index ends at byte %llu, the file has %zu bytes",
                          (unsigned long long)ioff + (unsigned long long)ilen, len);
    }
    /* until 2026-12-07 any step > 0 was taken, inf included */
    if (!(step >= DS_STEP_MIN && step <= DS_STEP_MAX)) {
        dataset_close(ds);
        return hr_fail_at(e, path, 16, "grid step %g s is not a step import writes (%g to %g s)", (double)step,
                          (double)DS_STEP_MIN, (double)DS_STEP_MAX);
    }
    ds->n = (int)n;
    ds->step = step;
    ds->split_seed = seed;
    ds->meta = calloc(n ? n : 1, sizeof *ds->meta);
    ds->len = calloc(n ? n : 1, sizeof *ds->len);
    ds->offset = calloc(n ? n : 1, sizeof *ds->offset);
    for (int k = 0; k < SPLIT_KINDS; k++)
        ds->split[k] = calloc(n ? n : 1, 1);
    if (!ds->meta || !ds->len || !ds->offset || !ds->split[0] || !ds->split[1]) {
        dataset_close(ds);
        return hr_fail(e, "%s: out of memory", path);
    }
    struct bytereader ir = {base + ioff, base + ioff + ilen, 0};
    uint32_t seen = 0;
    while (!ir.bad && ir.p < ir.end) {
        uint64_t at = (uint64_t)(ir.p - base);
        uint32_t tag = br_u32(&ir), len = br_u32(&ir);
        if (ir.bad || len > (size_t)(ir.end - ir.p)) {
            dataset_close(ds);
            return hr_fail_at(e, path, (long long)at, "corrupt dataset index");
        }
        struct bytereader s = {ir.p, ir.p + len, 0};
        ir.p += len;
        if (tag == TAG('S', 'E', 'R', 'I')) {
            if (seen >= n) {
                dataset_close(ds);
                return hr_fail_at(e, path, (long long)at, "more series in the index than in the header");
            }
            struct series_meta *m = &ds->meta[seen];
            series_meta_init(m);
            uint64_t off = br_u64(&s);
            uint32_t sl = br_u32(&s);
            ds->split[SPLIT_ATHLETE][seen] = br_u8(&s);
            ds->split[SPLIT_CHRONO][seen] = br_u8(&s);
            m->gender = (char)br_u8(&s);
            m->has_alt = br_u8(&s);
            m->has_gps = br_u8(&s);
            br_skip(&s, 3);
            m->start_time = br_f64(&s);
            m->id = (long long)br_u64(&s);
            m->valid_hr_frac = br_f32(&s);
            m->n_raw = (int)br_u32(&s);
            m->raw_duration = br_f32(&s);
            br_str16(&s, m->athlete, sizeof m->athlete);
            br_str16(&s, m->sport, sizeof m->sport);
            br_str16(&s, m->device, sizeof m->device);
            br_str16(&s, m->source, sizeof m->source);
            uint64_t bytes = (uint64_t)sl * CH_COUNT * sizeof(float);
            if (version >= 2) {
                br_str16(&s, m->hr_sensor, sizeof m->hr_sensor);
                m->has_hr_truth = br_u8(&s) != 0;
                if (s.p < s.end) /* the title: version-2 files written before it existed end here */
                    br_str16(&s, m->title, sizeof m->title);
                bytes += 2 * (uint64_t)sl; /* verdict and truth bytes after the channels */
            }
            if (s.bad || off % 4 || off < DS_HEADER || sl > (1u << 28)) {
                dataset_close(ds);
                return hr_fail_at(e, path, (long long)at, "corrupt series record %u", seen);
            }
            if (off > ds->map_len || bytes > ds->map_len - off) {
                size_t len = ds->map_len;
                dataset_close(ds);
                return hr_fail_at(e, path, (long long)len, "truncated: workout %u's samples end at byte %llu, the file has %zu bytes",
                                  seen, (unsigned long long)off + (unsigned long long)bytes, len);
            }
            char why[160];
            if (check_series(ds, seen, sl, off, m, why, sizeof why)) {
                dataset_close(ds);
                return hr_fail(e, "%s: workout %u: %s", path, seen, why);
            }
            ds->offset[seen] = off;
            ds->len[seen] = (int)sl;
            seen++;
        } else if (tag == TAG('R', 'E', 'J', 'C')) {
            uint32_t cnt = br_u32(&s);
            for (uint32_t i = 0; i < cnt && !s.bad; i++) {
                char reason[DS_REASON_LEN];
                br_str16(&s, reason, sizeof reason);
                long long c = (long long)br_u64(&s);
                if (ds->n_reject < DS_MAX_REJECT) {
                    snprintf(ds->reject[ds->n_reject].reason, DS_REASON_LEN, "%s", reason);
                    ds->reject[ds->n_reject++].count = c;
                }
            }
        } else if (tag == TAG('D', 'E', 'S', 'C')) {
            br_str16(&s, ds->source_desc, sizeof ds->source_desc);
        } /* unknown sections are skipped: room for later versions */
    }
    if (ir.bad || seen != n) {
        dataset_close(ds);
        return hr_fail_at(e, path, (long long)ioff, "corrupt dataset index (%u of %u series)", seen, n);
    }
    return 0;
}

void dataset_close(struct dataset *ds)
{
    free(ds->map);
    free(ds->meta);
    free(ds->len);
    free(ds->offset);
    for (int k = 0; k < SPLIT_KINDS; k++)
        free(ds->split[k]);
    memset(ds, 0, sizeof *ds);
}

void dataset_series(const struct dataset *ds, int i, struct series *out)
{
    memset(out, 0, sizeof *out);
    out->n = ds->len[i];
    out->step = ds->step;
    float *base = (float *)(void *)((uint8_t *)ds->map + ds->offset[i]);
    for (int c = 0; c < CH_COUNT; c++)
        out->ch[c] = base + (size_t)c * (size_t)out->n;
    if (ds->version >= 2) {
        out->hr_issue = (uint8_t *)(base + (size_t)CH_COUNT * (size_t)out->n);
        out->hr_truth = out->hr_issue + out->n;
    }
    out->meta = ds->meta[i];
    out->owns = 0;
}

int *dataset_select(const struct dataset *ds, enum split_kind kind, enum split_part part, int *n)
{
    int *ix = malloc(sizeof(int) * (size_t)(ds->n ? ds->n : 1));
    int k = 0;
    if (!ix) {
        *n = 0;
        return NULL;
    }
    for (int i = 0; i < ds->n; i++)
        if ((int)kind < 0 || ds->split[kind][i] == part)
            ix[k++] = i;
    *n = k;
    return ix;
}

int dataset_chrono_undated(const struct dataset *ds, int *left_out, int *by_name)
{
    *left_out = *by_name = 0;
    for (int i = 0; i < ds->n; i++)
        if (isnan(ds->meta[i].start_time)) {
            *left_out += ds->split[SPLIT_CHRONO][i] == PART_NONE;
            *by_name += ds->split[SPLIT_CHRONO][i] != PART_NONE;
        }
    return *left_out + *by_name;
}

const char *split_part_name(enum split_part p)
{
    switch (p) {
    case PART_TRAIN: return "train";
    case PART_VAL: return "val";
    case PART_TEST: return "test";
    default: return "none";
    }
}

int parse_split_spec(const char *spec, int *kind, int *part)
{
    *kind = SPLIT_ATHLETE;
    *part = PART_TEST;
    if (!strcasecmp(spec, "all")) {
        *kind = -1;
        return 0;
    }
    if (!strcasecmp(spec, "athlete") || !strcasecmp(spec, "chrono")) { /* the kind alone: its test part */
        *kind = tolower((unsigned char)spec[0]) == 'c' ? SPLIT_CHRONO : SPLIT_ATHLETE;
        return 0;
    }
    const char *colon = strchr(spec, ':');
    const char *p = spec;
    if (colon) {
        size_t kl = (size_t)(colon - spec);
        if (kl == 7 && !strncasecmp(spec, "athlete", 7))
            *kind = SPLIT_ATHLETE;
        else if (kl == 6 && !strncasecmp(spec, "chrono", 6))
            *kind = SPLIT_CHRONO;
        else
            return -1;
        p = colon + 1;
    }
    if (!strcasecmp(p, "train"))
        *part = PART_TRAIN;
    else if (!strcasecmp(p, "val") || !strcasecmp(p, "validation"))
        *part = PART_VAL;
    else if (!strcasecmp(p, "test"))
        *part = PART_TEST;
    else
        return -1;
    return 0;
}

int dataset_hr_quality(const struct dataset *ds, int truth, long long *counts)
{
    memset(counts, 0, sizeof *counts * HRQ_COUNT);
    if (ds->version < 2)
        return -1;
    int any_truth = 0;
    for (int i = 0; i < ds->n; i++) {
        if (truth && !ds->meta[i].has_hr_truth)
            continue;
        any_truth = 1;
        struct series s;
        dataset_series(ds, i, &s);
        const uint8_t *v = truth ? s.hr_truth : s.hr_issue;
        for (int k = 0; k < s.n; k++)
            counts[v[k] < HRQ_COUNT ? v[k] : HRQ_HR_GAP]++;
    }
    return truth && !any_truth ? -1 : 0;
}
