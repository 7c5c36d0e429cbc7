/* xml_write.h — writes struct workout as TCX (Garmin TrainingCenterDatabase v2, speed in
 * ns3:TPX/ns3:Speed) or GPX 1.1 (heart rate and speed in gpxtpx:TrackPointExtension v2).
 * Used by the tests (round trips through the readers) and by the simulator's --emit-files.
 * Times: w->time is written as is when it is absolute; when it looks elapsed (first time < 1e8 s)
 * and w->start_time is a real date, start_time is added. NaN channels are left out of each point;
 * HR is rounded to whole bpm (both formats store integers). GPX has no distance channel, so dist is
 * not written there; a GPX point without a position is written without lat/lon (outside the schema,
 * but our reader accepts it) so that no sample is lost. */
#ifndef HRCAST_IO_XML_WRITE_H
#define HRCAST_IO_XML_WRITE_H
#include <stddef.h>
#include <stdio.h>
#include "io/workout.h"
#include "util/err.h"

enum xml_write_format { XML_WRITE_TCX, XML_WRITE_GPX };

/* Several workouts in one file: TCX one Activity each, GPX one trk each. Returns 0 or -1. */
int tcx_write(FILE *f, const struct workout *const *ws, size_t nw, struct hr_err *e);
int gpx_write(FILE *f, const struct workout *const *ws, size_t nw, struct hr_err *e);
/* One workout to a file, atomically (temp file + rename). */
int xml_write_path(const char *path, enum xml_write_format fmt, const struct workout *w,
                   struct hr_err *e);

#endif
