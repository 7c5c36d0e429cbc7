/* hr_issue.c — the names of the HR-quality verdict codes (see hr_issue.h). */
#include "io/hr_issue.h"
#include <string.h>

const char *hr_issue_name(enum hr_issue r)
{
    static const char *names[HRQ_COUNT] = {
        "trusted", "hr_gap", "pause", "cadence_lock", "lock_on", "dropout", "stuck", "level_shift", "spike",
    };
    return (unsigned)r < HRQ_COUNT ? names[r] : "?";
}

int hr_issue_parse(const char *name)
{
    for (int r = 0; r < HRQ_COUNT; r++)
        if (!strcmp(name, hr_issue_name((enum hr_issue)r)))
            return r;
    return -1;
}
