/* csv_field.h — one CSV field written as RFC 4180 wants it: quoted when it holds a separator, a quote or a
 * line break (a file name such as "race, 2024.tcx" must not shift the columns after it). */
#ifndef HRCAST_UTIL_CSV_FIELD_H
#define HRCAST_UTIL_CSV_FIELD_H
#include <stdio.h>

void csv_field(FILE *f, const char *s);

#endif
