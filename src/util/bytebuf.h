/* bytebuf.h — a growable byte buffer with little-endian put/get helpers (file formats, indexes). */
#ifndef HRCAST_UTIL_BYTEBUF_H
#define HRCAST_UTIL_BYTEBUF_H
#include <stddef.h>
#include <stdint.h>

struct bytebuf {
    uint8_t *data;
    size_t len, cap;
    int oom; /* set when an allocation failed; later puts are ignored */
};

void bb_init(struct bytebuf *b);
void bb_free(struct bytebuf *b);
void bb_put(struct bytebuf *b, const void *p, size_t n);
void bb_u8(struct bytebuf *b, uint8_t v);
void bb_u16(struct bytebuf *b, uint16_t v);
void bb_u32(struct bytebuf *b, uint32_t v);
void bb_u64(struct bytebuf *b, uint64_t v);
void bb_f32(struct bytebuf *b, float v);
void bb_f64(struct bytebuf *b, double v);
void bb_str16(struct bytebuf *b, const char *s); /* u16 length + bytes */

/* Bounded reader over a byte range; any read past the end sets bad and yields zeros. */
struct bytereader {
    const uint8_t *p, *end;
    int bad;
};
uint8_t br_u8(struct bytereader *r);
uint16_t br_u16(struct bytereader *r);
uint32_t br_u32(struct bytereader *r);
uint64_t br_u64(struct bytereader *r);
float br_f32(struct bytereader *r);
double br_f64(struct bytereader *r);
/* Copy a u16-length string into dst (cap bytes, NUL-terminated, truncated). */
void br_str16(struct bytereader *r, char *dst, size_t cap);
void br_skip(struct bytereader *r, size_t n);

#endif
