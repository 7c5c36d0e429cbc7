/* parquet_thrift.h — the Thrift compact protocol, as Parquet uses it for its footer (FileMetaData)
 * and page headers: a bounds-checked decoder over a byte range and a growable-buffer encoder.
 * Only what Parquet needs: structs, lists, maps (skipped), ints, doubles, binary, bools. */
#ifndef HRCAST_IO_PARQUET_THRIFT_H
#define HRCAST_IO_PARQUET_THRIFT_H
#include <stddef.h>
#include <stdint.h>

enum tc_type {
    TC_STOP = 0, TC_TRUE = 1, TC_FALSE = 2, TC_BYTE = 3, TC_I16 = 4, TC_I32 = 5, TC_I64 = 6,
    TC_DOUBLE = 7, TC_BINARY = 8, TC_LIST = 9, TC_SET = 10, TC_MAP = 11, TC_STRUCT = 12
};

#define TC_MAX_DEPTH 32

/* ---- decoder ---- */
struct tc_reader {
    const uint8_t *p, *end, *base; /* base: start of the buffer, for error offsets */
    const char *err;               /* first error (static string), NULL while fine */
    int depth;
    int16_t last_id[TC_MAX_DEPTH]; /* field id delta base of each open struct */
    size_t elems_left;             /* list elements a decoder may still allocate a struct for */
};

void tc_reader_init(struct tc_reader *r, const uint8_t *p, size_t n);
size_t tc_offset(const struct tc_reader *r); /* bytes consumed so far */
uint64_t tc_varint(struct tc_reader *r);
int64_t tc_zigzag(struct tc_reader *r); /* i16/i32/i64 */
double tc_double(struct tc_reader *r);
/* Binary/string: pointer into the buffer (not NUL-terminated) and its length. */
const uint8_t *tc_binary(struct tc_reader *r, size_t *len);
/* Struct traversal: call tc_struct_begin, then tc_field until it returns 0 (STOP), then tc_struct_end.
 * tc_field returns 1 and sets *id, *type for each field; for bool fields *type is TC_TRUE/TC_FALSE. */
void tc_struct_begin(struct tc_reader *r);
int tc_field(struct tc_reader *r, int *id, int *type);
void tc_struct_end(struct tc_reader *r);
/* List header: element type and count (count bounded by the bytes left). */
size_t tc_list(struct tc_reader *r, int *elem_type);
/* Skip a value of the given type (nested structs, lists, maps). */
void tc_skip(struct tc_reader *r, int type);
/* Read an integer field value of any int type; bool fields read as 0/1. */
int64_t tc_int(struct tc_reader *r, int type);

/* ---- encoder ---- */
struct tc_writer {
    uint8_t *buf;
    size_t len, cap;
    int oom;
    int depth;
    int16_t last_id[TC_MAX_DEPTH];
};

void tc_writer_init(struct tc_writer *w);
void tc_writer_free(struct tc_writer *w);
void tc_put_bytes(struct tc_writer *w, const void *p, size_t n);
void tc_put_varint(struct tc_writer *w, uint64_t v);
void tc_field_begin(struct tc_writer *w, int id, int type);
void tc_put_i32(struct tc_writer *w, int id, int32_t v);
void tc_put_i64(struct tc_writer *w, int id, int64_t v);
void tc_put_bool(struct tc_writer *w, int id, int v);
void tc_put_string(struct tc_writer *w, int id, const char *s);
void tc_put_binary(struct tc_writer *w, int id, const void *p, size_t n);
/* A struct field (id > 0) or a struct list element (id == 0): begin ... end (writes STOP). */
void tc_put_struct_begin(struct tc_writer *w, int id);
void tc_put_struct_end(struct tc_writer *w);
/* A list field header; then write n elements (structs via tc_put_struct_begin(w, 0)). */
void tc_put_list_begin(struct tc_writer *w, int id, int elem_type, size_t n);
/* Bare list elements */
void tc_put_elem_i32(struct tc_writer *w, int32_t v);
void tc_put_elem_string(struct tc_writer *w, const char *s);
/* Root struct (a FileMetaData or PageHeader): begin resets field ids; end writes STOP. */
void tc_root_begin(struct tc_writer *w);
void tc_root_end(struct tc_writer *w);

#endif
