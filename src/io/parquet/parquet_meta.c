/* parquet_meta.c — decodes FileMetaData and PageHeader (parquet.thrift) from compact Thrift.
 * Unknown fields are skipped, so files from newer writers (statistics, indexes, ...) still read. */
#include "io/parquet/parquet_meta.h"
#include "io/parquet/parquet_thrift.h"
#include <stdlib.h>
#include <string.h>


/* Charge k list elements against the footer's element budget (each allocates a struct). */
static int take_elems(struct tc_reader *r, size_t k)
{
    if (k > r->elems_left) {
        r->err = r->err ? r->err : PQ_FOOTER_OVER_LIMIT;
        return -1;
    }
    r->elems_left -= k;
    return 0;
}

static char *dup_bin(struct tc_reader *r)
{
    size_t n;
    const uint8_t *s = tc_binary(r, &n);
    if (r->err)
        return NULL;
    char *d = malloc(n + 1);
    if (!d) {
        r->err = "out of memory";
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* LogicalType union: only the kinds the reader cares about. */
static void decode_logical(struct tc_reader *r, struct pq_schema_elem *s)
{
    int id, t;
    tc_struct_begin(r);
    while (tc_field(r, &id, &t)) {
        if ((id == 1 || id == 4 || id == 12) && t == TC_STRUCT) { /* STRING, ENUM, JSON */
            s->is_string = 1;
            tc_skip(r, t);
        } else if (id == 8 && t == TC_STRUCT) { /* TIMESTAMP { isAdjustedToUTC, unit } */
            int id2, t2;
            tc_struct_begin(r);
            while (tc_field(r, &id2, &t2)) {
                if (id2 == 2 && t2 == TC_STRUCT) {
                    int id3, t3;
                    tc_struct_begin(r);
                    while (tc_field(r, &id3, &t3)) {
                        s->ts_div = id3 == 1 ? 1000 : id3 == 2 ? 1000000 : id3 == 3 ? 1000000000 : 0;
                        tc_skip(r, t3);
                    }
                    tc_struct_end(r);
                } else {
                    tc_skip(r, t2);
                }
            }
            tc_struct_end(r);
        } else {
            tc_skip(r, t);
        }
    }
    tc_struct_end(r);
}

static void decode_schema_elem(struct tc_reader *r, struct pq_schema_elem *s)
{
    int id, t;
    memset(s, 0, sizeof *s);
    s->type = PQ_NO_TYPE;
    s->converted = PQ_CT_NONE;
    tc_struct_begin(r);
    while (tc_field(r, &id, &t)) {
        switch (id) {
        case 1: s->type = (int)tc_int(r, t); break;
        case 2: s->type_length = (int)tc_int(r, t); break;
        case 3: s->repetition = (int)tc_int(r, t); break;
        case 4: {
            size_t n;
            const uint8_t *p = tc_binary(r, &n);
            if (n >= PQ_NAME_LEN)
                n = PQ_NAME_LEN - 1;
            if (p)
                memcpy(s->name, p, n);
            s->name[n] = '\0';
            break;
        }
        case 5: s->num_children = (int)tc_int(r, t); break;
        case 6: s->converted = (int)tc_int(r, t); break;
        case 10:
            if (t == TC_STRUCT)
                decode_logical(r, s);
            else
                tc_skip(r, t);
            break;
        default: tc_skip(r, t); break;
        }
    }
    tc_struct_end(r);
    if (s->converted == PQ_CT_UTF8 || s->converted == 4 /* ENUM */ || s->converted == 19 /* JSON */)
        s->is_string = 1;
    if (s->converted == PQ_CT_TIMESTAMP_MILLIS)
        s->ts_div = 1000;
    if (s->converted == PQ_CT_TIMESTAMP_MICROS)
        s->ts_div = 1000000;
}

static void decode_column_meta(struct tc_reader *r, struct pq_column_chunk *c)
{
    int id, t;
    c->has_meta = 1;
    tc_struct_begin(r);
    while (tc_field(r, &id, &t)) {
        switch (id) {
        case 1: c->type = (int)tc_int(r, t); break;
        case 3: {
            if (t != TC_LIST) {
                tc_skip(r, t);
                break;
            }
            int et;
            size_t n = tc_list(r, &et);
            if (c->path || n > 64 || et != TC_BINARY) {
                r->err = r->err ? r->err : "bad path_in_schema";
                break;
            }
            if (take_elems(r, n))
                break;
            c->path = calloc(n ? n : 1, sizeof *c->path);
            if (!c->path) {
                r->err = "out of memory";
                break;
            }
            for (size_t i = 0; i < n && !r->err; i++) {
                c->path[i] = dup_bin(r);
                if (c->path[i])
                    c->path_len = (int)i + 1;
            }
            break;
        }
        case 4: c->codec = (int)tc_int(r, t); break;
        case 5: c->num_values = tc_int(r, t); break;
        case 7: c->total_compressed_size = tc_int(r, t); break;
        case 9: c->data_page_offset = tc_int(r, t); break;
        case 11: c->dictionary_page_offset = tc_int(r, t); break;
        default: tc_skip(r, t); break;
        }
    }
    tc_struct_end(r);
}

static void decode_column_chunk(struct tc_reader *r, struct pq_column_chunk *c)
{
    int id, t;
    memset(c, 0, sizeof *c);
    c->dictionary_page_offset = -1;
    tc_struct_begin(r);
    while (tc_field(r, &id, &t)) {
        if (id == 1 && t == TC_BINARY) {
            size_t n;
            (void)tc_binary(r, &n);
            if (!r->err)
                r->err = "column chunk in another file (file_path) is not supported";
        } else if (id == 3 && t == TC_STRUCT && !c->has_meta) {
            decode_column_meta(r, c);
        } else {
            tc_skip(r, t);
        }
    }
    tc_struct_end(r);
}

static void decode_row_group(struct tc_reader *r, struct pq_row_group *g)
{
    int id, t;
    memset(g, 0, sizeof *g);
    tc_struct_begin(r);
    while (tc_field(r, &id, &t)) {
        if (id == 1 && t == TC_LIST && !g->cols) {
            int et;
            size_t n = tc_list(r, &et);
            if (et != TC_STRUCT) {
                r->err = r->err ? r->err : "bad column chunk list";
                break;
            }
            if (take_elems(r, n))
                break;
            g->cols = calloc(n ? n : 1, sizeof *g->cols);
            if (!g->cols) {
                r->err = "out of memory";
                break;
            }
            for (size_t i = 0; i < n && !r->err; i++) {
                decode_column_chunk(r, &g->cols[i]);
                g->n_cols = (int)i + 1;
            }
        } else if (id == 3) {
            g->num_rows = tc_int(r, t);
        } else {
            tc_skip(r, t);
        }
    }
    tc_struct_end(r);
}

static void decode_kv(struct tc_reader *r, struct pq_kv *kv)
{
    int id, t;
    tc_struct_begin(r);
    while (tc_field(r, &id, &t)) {
        if (id == 1 && t == TC_BINARY && !kv->key)
            kv->key = dup_bin(r);
        else if (id == 2 && t == TC_BINARY && !kv->value)
            kv->value = dup_bin(r);
        else
            tc_skip(r, t);
    }
    tc_struct_end(r);
}

int pq_meta_decode(const uint8_t *p, size_t n, size_t max_elems, struct pq_file_meta *m, const char **why,
                   size_t *at)
{
    struct tc_reader r;
    tc_reader_init(&r, p, n);
    r.elems_left = max_elems;
    memset(m, 0, sizeof *m);
    int id, t, et;
    int seen_schema = 0;
    tc_struct_begin(&r);
    while (tc_field(&r, &id, &t)) {
        if (id == 1) {
            m->version = (int)tc_int(&r, t);
        } else if (id == 2 && t == TC_LIST && !seen_schema) {
            seen_schema = 1;
            size_t k = tc_list(&r, &et);
            if (et != TC_STRUCT) {
                r.err = r.err ? r.err : "bad schema list";
                break;
            }
            if (take_elems(&r, k))
                break;
            m->schema = calloc(k ? k : 1, sizeof *m->schema);
            if (!m->schema) {
                r.err = "out of memory";
                break;
            }
            for (size_t i = 0; i < k && !r.err; i++) {
                decode_schema_elem(&r, &m->schema[i]);
                m->n_schema = (int)i + 1;
            }
        } else if (id == 3) {
            m->num_rows = tc_int(&r, t);
        } else if (id == 4 && t == TC_LIST && !m->rgs) {
            size_t k = tc_list(&r, &et);
            if (et != TC_STRUCT) {
                r.err = r.err ? r.err : "bad row group list";
                break;
            }
            if (take_elems(&r, k))
                break;
            m->rgs = calloc(k ? k : 1, sizeof *m->rgs);
            if (!m->rgs) {
                r.err = "out of memory";
                break;
            }
            for (size_t i = 0; i < k && !r.err; i++) {
                decode_row_group(&r, &m->rgs[i]);
                m->n_rgs = (int)i + 1;
            }
        } else if (id == 5 && t == TC_LIST && !m->kv) {
            size_t k = tc_list(&r, &et);
            if (et != TC_STRUCT) {
                r.err = r.err ? r.err : "bad key/value list";
                break;
            }
            if (take_elems(&r, k))
                break;
            m->kv = calloc(k ? k : 1, sizeof *m->kv);
            if (!m->kv) {
                r.err = "out of memory";
                break;
            }
            for (size_t i = 0; i < k && !r.err; i++) {
                decode_kv(&r, &m->kv[i]);
                m->n_kv = (int)i + 1;
            }
        } else if (id == 6 && t == TC_BINARY && !m->created_by) {
            m->created_by = dup_bin(&r);
        } else {
            tc_skip(&r, t);
        }
    }
    tc_struct_end(&r);
    if (!r.err && !seen_schema)
        r.err = "footer has no schema";
    if (r.err) {
        *why = r.err;
        *at = tc_offset(&r);
        pq_meta_free(m);
        return -1;
    }
    return 0;
}

void pq_meta_free(struct pq_file_meta *m)
{
    for (int g = 0; g < m->n_rgs; g++) {
        for (int c = 0; c < m->rgs[g].n_cols; c++) {
            for (int i = 0; i < m->rgs[g].cols[c].path_len; i++)
                free(m->rgs[g].cols[c].path[i]);
            free(m->rgs[g].cols[c].path);
        }
        free(m->rgs[g].cols);
    }
    free(m->rgs);
    for (int i = 0; i < m->n_kv; i++) {
        free(m->kv[i].key);
        free(m->kv[i].value);
    }
    free(m->kv);
    free(m->schema);
    free(m->created_by);
    memset(m, 0, sizeof *m);
}

const char *pq_meta_kv(const struct pq_file_meta *m, const char *key)
{
    for (int i = 0; i < m->n_kv; i++)
        if (m->kv[i].key && strcmp(m->kv[i].key, key) == 0)
            return m->kv[i].value ? m->kv[i].value : "";
    return NULL;
}

static void decode_data_header(struct tc_reader *r, struct pq_page_header *h, int v2)
{
    int id, t;
    tc_struct_begin(r);
    while (tc_field(r, &id, &t)) {
        if (!v2) {
            switch (id) {
            case 1: h->num_values = (int32_t)tc_int(r, t); break;
            case 2: h->encoding = (int)tc_int(r, t); break;
            case 3: h->def_encoding = (int)tc_int(r, t); break;
            case 4: h->rep_encoding = (int)tc_int(r, t); break;
            default: tc_skip(r, t); break;
            }
        } else {
            switch (id) {
            case 1: h->num_values = (int32_t)tc_int(r, t); break;
            case 2: h->num_nulls = (int32_t)tc_int(r, t); break;
            case 3: h->num_rows = (int32_t)tc_int(r, t); break;
            case 4: h->encoding = (int)tc_int(r, t); break;
            case 5: h->def_len = (int32_t)tc_int(r, t); break;
            case 6: h->rep_len = (int32_t)tc_int(r, t); break;
            case 7: h->is_compressed = (int)tc_int(r, t); break;
            default: tc_skip(r, t); break;
            }
        }
    }
    tc_struct_end(r);
}

int pq_page_header_decode(const uint8_t *p, size_t n, struct pq_page_header *h, const char **why)
{
    struct tc_reader r;
    tc_reader_init(&r, p, n);
    memset(h, 0, sizeof *h);
    h->type = -1;
    h->is_compressed = 1;
    h->def_encoding = h->rep_encoding = PQ_RLE;
    int id, t, seen = 0;
    tc_struct_begin(&r);
    while (tc_field(&r, &id, &t)) {
        switch (id) {
        case 1: h->type = (int)tc_int(&r, t); break;
        case 2: h->uncompressed_size = (int32_t)tc_int(&r, t); break;
        case 3: h->compressed_size = (int32_t)tc_int(&r, t); break;
        case 5:
        case 7:
        case 8:
            if (t != TC_STRUCT || seen) {
                tc_skip(&r, t);
                break;
            }
            seen = 1;
            if (id == 7) { /* DictionaryPageHeader: num_values, encoding, is_sorted */
                int id2, t2;
                tc_struct_begin(&r);
                while (tc_field(&r, &id2, &t2)) {
                    if (id2 == 1)
                        h->num_values = (int32_t)tc_int(&r, t2);
                    else if (id2 == 2)
                        h->encoding = (int)tc_int(&r, t2);
                    else
                        tc_skip(&r, t2);
                }
                tc_struct_end(&r);
            } else {
                decode_data_header(&r, h, id == 8);
            }
            break;
        default: tc_skip(&r, t); break;
        }
    }
    tc_struct_end(&r);
    if (!r.err && (h->compressed_size < 0 || h->uncompressed_size < 0 || h->num_values < 0 ||
                   h->def_len < 0 || h->rep_len < 0 || h->num_nulls < 0))
        r.err = "negative size in page header";
    if (r.err) {
        *why = r.err;
        return -1;
    }
    h->header_len = tc_offset(&r);
    return 0;
}
