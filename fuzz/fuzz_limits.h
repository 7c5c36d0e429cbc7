/* fuzz_limits.h — the read options every fuzz target uses: the server's upload budgets
 * (hr_limits_for_upload), so that memory per input stays bounded and scripts/fuzz.sh can run with
 * -rss_limit_mb: a resource bug then fails like a crash. */
#ifndef HRCAST_FUZZ_LIMITS_H
#define HRCAST_FUZZ_LIMITS_H
#include "io/reader.h"

#define FUZZ_UPLOAD ((size_t)1 << 20)

static inline void fuzz_read_opts(struct read_opts *o)
{
    read_opts_default(o);
    hr_limits_for_upload(&o->lim, FUZZ_UPLOAD);
}

#endif
