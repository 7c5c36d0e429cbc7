/* assets.h — the web page's files (everything under web/) embedded in the binary. The table is generated at build
 * time by tools/embed.sh into $(BUILD)/gen/assets.c; the server serves them from memory. */
#ifndef HRCAST_SERVE_ASSETS_H
#define HRCAST_SERVE_ASSETS_H
#include <stddef.h>

struct serve_asset {
    const char *path; /* URL path, "/index.html", "/vendor/uPlot.iife.min.js", ... */
    const char *mime;
    const unsigned char *data;
    size_t len;
};

extern const struct serve_asset serve_assets[]; /* ends with a {NULL} entry */

#endif
