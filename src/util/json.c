/* json.c — JSON DOM parser (recursive descent with depth/size limits) and the streaming writer. */
#include "util/json.h"
#include <stdio.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct jp {
    const char *s;
    size_t n, i;
    const char *name;
    struct hr_err *e;
    int depth;
};

static int jp_fail(struct jp *p, const char *why)
{
    return hr_fail_at(p->e, p->name, (long long)p->i, "%s", why);
}

static void skip_ws(struct jp *p)
{
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            p->i++;
        else
            break;
    }
}

static void json_clear(struct json *j)
{
    if (!j)
        return;
    for (size_t k = 0; k < j->n; k++)
        json_clear(&j->items[k]);
    free(j->items);
    free(j->str);
    free(j->key);
    memset(j, 0, sizeof *j);
}

void json_free(struct json *j)
{
    if (!j)
        return;
    json_clear(j);
    free(j);
}

static int hex4(const char *s, const char *end, unsigned *out)
{
    if (end - s < 4)
        return -1;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t json_escape_decode(const char *p, const char *end, char out[4], size_t *out_n, const char **why)
{
    if (end - p < 2) {
        *why = "bad escape at end of string";
        return 0;
    }
    char one;
    switch (p[1]) {
    case '"': one = '"'; break;
    case '\\': one = '\\'; break;
    case '/': one = '/'; break;
    case 'b': one = '\b'; break;
    case 'f': one = '\f'; break;
    case 'n': one = '\n'; break;
    case 'r': one = '\r'; break;
    case 't': one = '\t'; break;
    case 'u': {
        unsigned cp, lo;
        if (end - p < 6) {
            *why = "truncated \\u escape";
            return 0;
        }
        if (hex4(p + 2, end, &cp)) {
            *why = "bad hex digit in \\u escape";
            return 0;
        }
        size_t used = 6;
        if (cp >= 0xD800 && cp < 0xDC00) {
            if (end - p < 12 || p[6] != '\\' || p[7] != 'u') {
                *why = "unpaired high surrogate";
                return 0;
            }
            if (hex4(p + 8, end, &lo)) {
                *why = "bad hex digit in \\u escape";
                return 0;
            }
            if (lo < 0xDC00 || lo > 0xDFFF) {
                *why = "bad low surrogate";
                return 0;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 12;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            *why = "unpaired low surrogate";
            return 0;
        }
        /* \uXXXX takes 6 raw bytes and at most 3 decoded; a pair 12 raw, 4 decoded. */
        *out_n = put_utf8(out, cp);
        return used;
    }
    default:
        *why = "bad escape in string";
        return 0;
    }
    out[0] = one;
    *out_n = 1;
    return 2;
}

/* p->i at the opening quote. The decoded string is never longer than the raw one. */
static int parse_string(struct jp *p, char **out, size_t *out_len)
{
    size_t start = ++p->i, end = start;
    while (end < p->n && p->s[end] != '"') {
        if (p->s[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->n)
        return jp_fail(p, "unterminated string");
    char *o = malloc(end - start + 1);
    if (!o)
        return jp_fail(p, "out of memory");
    size_t k = 0;
    while (p->i < end) {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c < 0x20) {
            free(o);
            return jp_fail(p, "control character in string");
        }
        if (c != '\\') {
            o[k++] = (char)c;
            p->i++;
            continue;
        }
        /* the escape may not run over the closing quote: decode within [i, end) */
        const char *why;
        size_t n, used = json_escape_decode(p->s + p->i, p->s + end, o + k, &n, &why);
        if (!used) {
            p->i++;
            free(o);
            return jp_fail(p, why);
        }
        k += n;
        p->i += used;
    }
    p->i = end + 1;
    o[k] = 0;
    *out = o;
    *out_len = k;
    return 0;
}

static int parse_number(struct jp *p, double *out)
{
    size_t st = p->i, i = p->i;
    if (i < p->n && p->s[i] == '-')
        i++;
    if (i >= p->n || !(p->s[i] >= '0' && p->s[i] <= '9'))
        return jp_fail(p, "bad number");
    if (p->s[i] == '0')
        i++;
    else
        while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    if (i < p->n && p->s[i] == '.') {
        i++;
        if (i >= p->n || !(p->s[i] >= '0' && p->s[i] <= '9'))
            return p->i = i, jp_fail(p, "bad number: digit expected after '.'");
        while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    }
    if (i < p->n && (p->s[i] == 'e' || p->s[i] == 'E')) {
        i++;
        if (i < p->n && (p->s[i] == '+' || p->s[i] == '-'))
            i++;
        if (i >= p->n || !(p->s[i] >= '0' && p->s[i] <= '9'))
            return p->i = i, jp_fail(p, "bad number: digit expected in exponent");
        while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    }
    char tmp[64];
    size_t len = i - st;
    if (len >= sizeof tmp)
        return jp_fail(p, "number too long");
    memcpy(tmp, p->s + st, len);
    tmp[len] = 0;
    *out = strtod(tmp, NULL);
    p->i = i;
    return 0;
}

static int lit(struct jp *p, const char *word)
{
    size_t L = strlen(word);
    if (p->n - p->i < L || memcmp(p->s + p->i, word, L) != 0)
        return jp_fail(p, "unexpected token");
    p->i += L;
    return 0;
}

static int push(struct jp *p, struct json *parent, size_t *cap, struct json **slot)
{
    if (parent->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        struct json *ni = realloc(parent->items, nc * sizeof *ni);
        if (!ni)
            return jp_fail(p, "out of memory");
        parent->items = ni;
        *cap = nc;
    }
    *slot = &parent->items[parent->n];
    memset(*slot, 0, sizeof **slot);
    parent->n++;
    return 0;
}

static int parse_value(struct jp *p, struct json *v);

/* An object key and where it starts, for the duplicate check. */
struct key_at {
    const char *key;
    size_t at;
};

static int cmp_key_at(const void *a, const void *b)
{
    const struct key_at *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* Duplicate keys of a finished object: sorted, then neighbours compared (O(n log n); a pairwise
 * check took 20 s on an 80,000-key object). Fails at the first key, in file order, that repeats an
 * earlier one. at[i] is where member i's key starts. */
static int check_duplicate_keys(struct jp *p, const struct json *v, const size_t *at)
{
    if (v->n < 2)
        return 0;
    struct key_at *k = malloc(v->n * sizeof *k);
    if (!k)
        return jp_fail(p, "out of memory");
    for (size_t i = 0; i < v->n; i++)
        k[i] = (struct key_at){v->items[i].key, at[i]};
    qsort(k, v->n, sizeof *k, cmp_key_at);
    size_t first = SIZE_MAX;
    for (size_t i = 1; i < v->n; i++)
        if (strcmp(k[i - 1].key, k[i].key) == 0 && k[i].at < first)
            first = k[i].at;
    free(k);
    if (first == SIZE_MAX)
        return 0;
    p->i = first;
    return jp_fail(p, "duplicate object key");
}

static int parse_container(struct jp *p, struct json *v, int is_obj)
{
    if (++p->depth > JSON_MAX_DEPTH)
        return jp_fail(p, "nesting too deep");
    v->type = is_obj ? JSON_OBJ : JSON_ARR;
    p->i++;
    size_t cap = 0;
    skip_ws(p);
    char close = is_obj ? '}' : ']';
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        p->depth--;
        return 0;
    }
    size_t *key_at = NULL, key_cap = 0; /* where each member's key starts (objects) */
    int rc = -1;
    for (;;) {
        skip_ws(p);
        struct json *slot = NULL;
        char *key = NULL;
        size_t klen, at = p->i;
        if (is_obj) {
            if (p->i >= p->n || p->s[p->i] != '"') {
                jp_fail(p, "object key expected");
                goto out;
            }
            if (parse_string(p, &key, &klen))
                goto out;
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] != ':') {
                free(key);
                jp_fail(p, "':' expected");
                goto out;
            }
            p->i++;
            if (v->n == key_cap) {
                size_t nc = key_cap ? 2 * key_cap : 16;
                size_t *na = realloc(key_at, nc * sizeof *na);
                if (!na) {
                    free(key);
                    jp_fail(p, "out of memory");
                    goto out;
                }
                key_at = na;
                key_cap = nc;
            }
            key_at[v->n] = at;
        }
        if (push(p, v, &cap, &slot)) {
            free(key);
            goto out;
        }
        slot->key = key;
        if (parse_value(p, slot))
            goto out;
        skip_ws(p);
        if (p->i >= p->n) {
            jp_fail(p, is_obj ? "unterminated object" : "unterminated array");
            goto out;
        }
        char c = p->s[p->i];
        if (c == ',') {
            p->i++;
            continue;
        }
        if (c == close) {
            p->i++;
            break;
        }
        jp_fail(p, is_obj ? "',' or '}' expected" : "',' or ']' expected");
        goto out;
    }
    if (is_obj && check_duplicate_keys(p, v, key_at))
        goto out;
    p->depth--;
    rc = 0;
out:
    free(key_at);
    return rc;
}

static int parse_value(struct jp *p, struct json *v)
{
    skip_ws(p);
    if (p->i >= p->n)
        return jp_fail(p, "value expected");
    char c = p->s[p->i];
    switch (c) {
    case '{': return parse_container(p, v, 1);
    case '[': return parse_container(p, v, 0);
    case '"': v->type = JSON_STR; return parse_string(p, &v->str, &v->str_len);
    case 't': v->type = JSON_BOOL; v->boolean = 1; return lit(p, "true");
    case 'f': v->type = JSON_BOOL; v->boolean = 0; return lit(p, "false");
    case 'n': v->type = JSON_NULL; return lit(p, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            v->type = JSON_NUM;
            return parse_number(p, &v->num);
        }
        return jp_fail(p, "unexpected character");
    }
}

int json_parse(const char *src, size_t len, const char *name, struct json **out, struct hr_err *e)
{
    *out = NULL;
    struct jp p = {src, len, 0, name ? name : "<json>", e, 0};
    if (len > JSON_MAX_INPUT)
        return jp_fail(&p, "JSON text larger than the limit");
    struct json *root = calloc(1, sizeof *root);
    if (!root)
        return jp_fail(&p, "out of memory");
    if (parse_value(&p, root)) {
        json_free(root);
        return -1;
    }
    skip_ws(&p);
    if (p.i != p.n) {
        json_free(root);
        return jp_fail(&p, "trailing characters after JSON value");
    }
    *out = root;
    return 0;
}

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJ || !key)
        return NULL;
    for (size_t k = 0; k < obj->n; k++)
        if (strcmp(obj->items[k].key, key) == 0)
            return &obj->items[k];
    return NULL;
}

double json_num(const struct json *j, double dflt) { return j && j->type == JSON_NUM ? j->num : dflt; }
const char *json_str(const struct json *j, const char *dflt) { return j && j->type == JSON_STR ? j->str : dflt; }
int json_bool(const struct json *j, int dflt) { return j && j->type == JSON_BOOL ? j->boolean : dflt; }
size_t json_len(const struct json *a) { return a && (a->type == JSON_ARR || a->type == JSON_OBJ) ? a->n : 0; }
const struct json *json_at(const struct json *a, size_t i) { return i < json_len(a) ? &a->items[i] : NULL; }
double json_get_num(const struct json *obj, const char *key, double dflt) { return json_num(json_get(obj, key), dflt); }
const char *json_get_str(const struct json *obj, const char *key, const char *dflt) { return json_str(json_get(obj, key), dflt); }

/* ---- writer ---- */

static void jw_write(struct jw *w, const char *s, size_t n)
{
    if (w->err)
        return;
    if (w->f) {
        if (n && fwrite(s, 1, n, w->f) != n)
            w->err = 1;
        return;
    }
    if (w->len + n + 1 > w->cap) {
        size_t nc = w->cap ? w->cap : 256;
        while (w->len + n + 1 > nc)
            nc *= 2;
        char *nb = realloc(w->buf, nc);
        if (!nb) {
            w->err = 1;
            return;
        }
        w->buf = nb;
        w->cap = nc;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = 0;
}

static void jw_puts(struct jw *w, const char *s) { jw_write(w, s, strlen(s)); }

static void indent(struct jw *w)
{
    if (!w->pretty)
        return;
    jw_write(w, "\n", 1);
    for (int k = 0; k < w->depth; k++)
        jw_write(w, "  ", 2);
}

/* Before any value or key: comma and indentation. */
static void pre_value(struct jw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth > 0) {
        if (w->count[w->depth])
            jw_write(w, ",", 1);
        indent(w);
    }
    if (w->count[w->depth] < 255)
        w->count[w->depth]++;
}

void jw_init_buf(struct jw *w, int pretty)
{
    memset(w, 0, sizeof *w);
    w->pretty = pretty;
}

void jw_init_file(struct jw *w, FILE *f, int pretty)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->pretty = pretty;
}

static void open_c(struct jw *w, const char *c)
{
    pre_value(w);
    jw_puts(w, c);
    if (w->depth >= JW_MAX_DEPTH) {
        w->err = 1;
        return;
    }
    w->depth++;
    w->count[w->depth] = 0;
}

static void close_c(struct jw *w, const char *c)
{
    if (w->depth <= 0) {
        w->err = 1;
        return;
    }
    int had = w->count[w->depth] != 0;
    w->depth--;
    if (had)
        indent(w);
    jw_puts(w, c);
}

void jw_obj_begin(struct jw *w) { open_c(w, "{"); }
void jw_obj_end(struct jw *w) { close_c(w, "}"); }
void jw_arr_begin(struct jw *w) { open_c(w, "["); }
void jw_arr_end(struct jw *w) { close_c(w, "]"); }

static void write_escaped(struct jw *w, const char *s, size_t n)
{
    jw_write(w, "\"", 1);
    size_t run = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        const char *esc = NULL;
        char tmp[8];
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", c);
            esc = tmp;
        }
        if (esc) {
            jw_write(w, s + run, k - run);
            jw_puts(w, esc);
            run = k + 1;
        }
    }
    jw_write(w, s + run, n - run);
    jw_write(w, "\"", 1);
}

void jw_key(struct jw *w, const char *key)
{
    pre_value(w);
    write_escaped(w, key, strlen(key));
    jw_write(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = 1;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
    pre_value(w);
    write_escaped(w, s, n);
}

void jw_str(struct jw *w, const char *s)
{
    if (!s) {
        jw_null(w);
        return;
    }
    jw_strn(w, s, strlen(s));
}

void jw_num(struct jw *w, double v)
{
    if (!isfinite(v)) {
        jw_null(w);
        return;
    }
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v)
        snprintf(tmp, sizeof tmp, "%.17g", v);
    pre_value(w);
    jw_puts(w, tmp);
}

void jw_int(struct jw *w, long long v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", v);
    pre_value(w);
    jw_puts(w, tmp);
}

void jw_bool(struct jw *w, int v)
{
    pre_value(w);
    jw_puts(w, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
    pre_value(w);
    jw_puts(w, "null");
}

void jw_raw(struct jw *w, const char *text)
{
    pre_value(w);
    jw_puts(w, text);
}

void jw_value(struct jw *w, const struct json *v)
{
    switch (v ? v->type : JSON_NULL) {
    case JSON_NULL: jw_null(w); break;
    case JSON_BOOL: jw_bool(w, v->boolean); break;
    case JSON_NUM: jw_num(w, v->num); break;
    case JSON_STR: jw_strn(w, v->str, v->str_len); break;
    case JSON_ARR:
        jw_arr_begin(w);
        for (size_t i = 0; i < v->n; i++)
            jw_value(w, &v->items[i]);
        jw_arr_end(w);
        break;
    case JSON_OBJ:
        jw_obj_begin(w);
        for (size_t i = 0; i < v->n; i++) {
            jw_key(w, v->items[i].key);
            jw_value(w, &v->items[i]);
        }
        jw_obj_end(w);
        break;
    }
}

void jw_kv_str(struct jw *w, const char *key, const char *s) { jw_key(w, key); jw_str(w, s); }
void jw_kv_num(struct jw *w, const char *key, double v) { jw_key(w, key); jw_num(w, v); }
void jw_kv_int(struct jw *w, const char *key, long long v) { jw_key(w, key); jw_int(w, v); }
void jw_kv_bool(struct jw *w, const char *key, int v) { jw_key(w, key); jw_bool(w, v); }

char *jw_take(struct jw *w, size_t *len)
{
    if (w->err || w->f || w->depth != 0) {
        jw_free(w);
        return NULL;
    }
    if (!w->buf)
        jw_write(w, "", 0);
    if (!w->buf) {
        w->buf = calloc(1, 1);
        if (!w->buf)
            return NULL;
    }
    char *b = w->buf;
    if (len)
        *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    return b;
}

void jw_free(struct jw *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

int jw_status(const struct jw *w) { return w->err || w->depth != 0 ? -1 : 0; }

double json_float_decimal(float v)
{
    char t[32];
    for (int digits = 6; digits < 9; digits++) {
        snprintf(t, sizeof t, "%.*g", digits, (double)v);
        if ((float)strtod(t, NULL) == v)
            return strtod(t, NULL);
    }
    return v;
}
