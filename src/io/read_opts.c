/* read_opts.c — see read_opts.h: the readers' default options. */
#include "io/read_opts.h"
#include <string.h>

void read_opts_default(struct read_opts *o)
{
    memset(o, 0, sizeof *o);
    o->sample_step = 6.0;
    hr_limits_default(&o->lim);
}
