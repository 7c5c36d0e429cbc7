/* limits.c — default values of the input budgets (see limits.h). */
#include "io/limits.h"

void hr_limits_default(struct hr_limits *l)
{
    l->max_inflate = HR_LIMIT_INFLATE;
    l->max_samples = HR_LIMIT_SAMPLES;
    l->max_footer = HR_LIMIT_FOOTER;
}

void hr_limits_for_upload(struct hr_limits *l, size_t max_upload)
{
    hr_limits_default(l);
    size_t inflate = max_upload <= HR_LIMIT_INFLATE / HR_LIMIT_UPLOAD_INFLATE_FACTOR
                         ? max_upload * HR_LIMIT_UPLOAD_INFLATE_FACTOR
                         : HR_LIMIT_INFLATE;
    l->max_inflate = inflate > HR_LIMIT_UPLOAD_INFLATE_MIN ? inflate : HR_LIMIT_UPLOAD_INFLATE_MIN;
    l->max_samples = HR_LIMIT_UPLOAD_SAMPLES;
    l->max_footer = HR_LIMIT_UPLOAD_FOOTER;
}
