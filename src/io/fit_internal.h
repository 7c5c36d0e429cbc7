/* fit_internal.h — private to the FIT reader and writer: protocol constants (base types, message and
 * field numbers), the message walker (fit_decode.c) and the profile tables (fit_profile.c).
 * Numbers follow the public FIT protocol description and Profile; see fit.c for how they are used. */
#ifndef HRCAST_IO_FIT_INTERNAL_H
#define HRCAST_IO_FIT_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "io/fit_write.h"
#include "util/err.h"

/* Seconds between the Unix epoch and the FIT epoch 1989-12-31T00:00:00Z. */
#define FIT_EPOCH_UNIX 631065600.0

/* Base types (byte 3 of a field definition). Bit 7 marks multi-byte ("endian") types. */
enum fit_base {
    FIT_ENUM = 0x00, FIT_SINT8 = 0x01, FIT_UINT8 = 0x02, FIT_SINT16 = 0x83, FIT_UINT16 = 0x84,
    FIT_SINT32 = 0x85, FIT_UINT32 = 0x86, FIT_STRING = 0x07, FIT_FLOAT32 = 0x88, FIT_FLOAT64 = 0x89,
    FIT_UINT8Z = 0x0A, FIT_UINT16Z = 0x8B, FIT_UINT32Z = 0x8C, FIT_BYTE = 0x0D, FIT_SINT64 = 0x8E,
    FIT_UINT64 = 0x8F, FIT_UINT64Z = 0x90,
};

/* Global message numbers used here. */
enum fit_mesg {
    FIT_MESG_FILE_ID = 0, FIT_MESG_SPORT = 12, FIT_MESG_SESSION = 18, FIT_MESG_LAP = 19,
    FIT_MESG_RECORD = 20, FIT_MESG_EVENT = 21, FIT_MESG_DEVICE_INFO = 23, FIT_MESG_ACTIVITY = 34,
    FIT_MESG_FIELD_DESCRIPTION = 206, FIT_MESG_DEVELOPER_DATA_ID = 207,
};
#define FIT_FIELD_TIMESTAMP 253

/* One field of a definition message. */
struct fit_field {
    uint8_t num, size, base;
    uint16_t offset; /* byte offset inside the data message content */
};

/* A definition bound to a local message type (0..15). */
struct fit_def {
    int defined;
    int big_endian;
    uint16_t global;
    uint8_t nfields;
    uint32_t size;      /* content bytes of one data message, developer fields included */
    uint8_t slot[256];  /* field number -> index + 1 into field[], 0 when absent */
    struct fit_field field[255];
};

/* One data message handed to the walker's callback. */
struct fit_msg {
    const struct fit_def *def;
    const uint8_t *data;  /* def->size bytes */
    long long offset;     /* of the record header byte, from the start of the buffer */
    uint32_t timestamp;   /* field 253 or compressed header, resolved; valid when has_ts */
    int has_ts;
    int file_index;       /* 0 for the first FIT file of a chain, 1 for the next, ... */
};

/* Called for each data message; return 0 to go on, non-zero to stop (the walker returns that value). */
typedef int (*fit_msg_fn)(void *ctx, const struct fit_msg *m);

/* Walk every data message of every FIT file chained in buf. CRC problems are warnings
 * ("name: offset: ..."); structural problems (truncated, bad header, undefined local type) fail. */
int fit_walk(const uint8_t *buf, size_t n, const char *name, fit_msg_fn fn, void *ctx,
             struct hr_err *e);

/* Numeric field value: 1 when the field is present and valid (not its base type's invalid value),
 * else 0. The first element is read when the field holds an array. */
int fit_get(const struct fit_msg *m, uint8_t num, double *v);
/* Field num as an integer in [lo, hi]: 1 when present and in range (truncated toward zero), else 0.
 * Every integer taken from a field goes through this (a FLOAT64 field may hold 1e300). */
int fit_get_int(const struct fit_msg *m, uint8_t num, long long lo, long long hi, long long *out);
/* Raw bytes of a field (size in *len); NULL when absent. */
const uint8_t *fit_get_bytes(const struct fit_msg *m, uint8_t num, size_t *len);

/* Profile names (fit_profile.c). NULL when the number is not known. */
const char *fit_sport_name(unsigned sport);
const char *fit_sub_sport_name(unsigned sub_sport);
const char *fit_manufacturer_name(unsigned manufacturer);
const char *fit_garmin_product_name(unsigned product);
/* Reverse: "running", "run", "running/treadmill" -> sport / sub_sport numbers (0 = generic). */
void fit_sport_from_name(const char *name, unsigned *sport, unsigned *sub_sport);

#endif
