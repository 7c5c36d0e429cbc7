/* fit_write.h — the FIT encoder: writes workouts as a valid FIT activity file (14-byte header with
 * CRC, file_id, event start/stop, one record per sample, then per leg a lap and a session, and an
 * activity message, closing data CRC). Used by tests, `simulate --emit-files` and the web tests.
 *
 * Times: w->time is Unix seconds; values before 1990 are taken as elapsed seconds and are placed after
 * w->start_time (or 2020-01-01T00:00:00Z when that is unknown). FIT stores whole seconds, so times are
 * rounded. Resolution: speed 1 mm/s, distance 1 cm, altitude 0.2 m, position ~1e-7 degrees, HR 1 bpm.
 * NaN samples are written as the FIT "invalid" value, which the reader turns back into NaN. */
#ifndef HRCAST_IO_FIT_WRITE_H
#define HRCAST_IO_FIT_WRITE_H
#include <stddef.h>
#include <stdint.h>
#include "io/workout.h"
#include "util/err.h"

/* CRC-16 of the FIT protocol (reflected polynomial 0xA001, start 0); feed crc=0 first. */
uint16_t fit_crc16(uint16_t crc, const void *data, size_t n);

/* Encode one or more legs (nlegs > 1 makes a multisport file: one session per leg) into a
 * malloc'ed buffer. Sport from each leg's w->sport ("running", "running/treadmill", "cycling", ...),
 * device from the first leg's w->device (file_id product_name). */
int fit_encode(const struct workout *const *legs, size_t nlegs, uint8_t **out, size_t *len,
               struct hr_err *e);
int fit_encode_workout(const struct workout *w, uint8_t **out, size_t *len, struct hr_err *e);

/* Encode and write atomically to path. */
int fit_write_file(const char *path, const struct workout *const *legs, size_t nlegs,
                   struct hr_err *e);
int fit_write_workout(const char *path, const struct workout *w, struct hr_err *e);

#endif
