/* xml_roundtrip.h — the body shared by the TCX and GPX fuzz targets: parse the input with XR_READ;
 * every workout it yields is written back with XR_WRITE and read again, and the reader must accept the
 * writer's output and find the same number of points. Define XR_READ and XR_WRITE, then include. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "io/reader.h"
#include "io/xml_write.h"
#include "util/log.h"

static int count(void *ctx, struct workout *w)
{
    *(size_t *)ctx += w->n;
    return 0;
}

static int rewrite(void *ctx, struct workout *w)
{
    (void)ctx;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return 1;
    const struct workout *ws[1] = {w};
    struct hr_err e;
    int rc = XR_WRITE(f, ws, 1, &e);
    fclose(f);
    size_t n = 0;
    if (rc == 0 && XR_READ((const uint8_t *)buf, len, "again", NULL, count, &n, &e) != 0)
        abort(); /* our own output must read back */
    if (rc == 0 && n != w->n)
        abort();
    free(buf);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_log_set_level(HR_LOG_QUIET);
    struct hr_err e;
    XR_READ(data, size, "fuzz", NULL, rewrite, NULL, &e);
    return 0;
}
