/* svg.h — writing a display list as a standalone SVG 1.1 document (atomic). */
#ifndef HRCAST_REPORT_SVG_H
#define HRCAST_REPORT_SVG_H
#include "report/draw.h"
#include "util/err.h"

int svg_write(const struct drawing *d, const char *path, struct hr_err *e);

#endif
