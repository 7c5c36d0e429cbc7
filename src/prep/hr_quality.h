/* hr_quality.h — the heart-rate quality stage: a verdict per grid step saying whether the recorded HR
 * there can be trusted as a target, and if not, the named reason (cadence lock, lock-on, dropout,
 * stuck value, level shift, spike) next to the masks of prep (no HR: gap or pause).
 * The rules look at the recording only (HR, cadence, speed, time), never at a model's prediction;
 * thresholds are in seconds and bpm so that any grid step means the same. docs/data.md explains each. */
#ifndef HRCAST_PREP_HR_QUALITY_H
#define HRCAST_PREP_HR_QUALITY_H
#include <stdint.h>

#include "io/hr_issue.h" /* enum hr_issue, the verdict codes and names */

/* Fill verdict[n] for a grid series: steps with NaN hr get HRQ_HR_GAP unless verdict already says
 * HRQ_PAUSE; steps with HR get HRQ_TRUSTED or the first rule that fires (the order of the enum after
 * HRQ_PAUSE). cad (steps per minute) may be NULL or NaN where not recorded. step: seconds per step.
 * strap: the file says the HR came from a chest strap (an electrical sensor: a long stretch on the
 * step rate without an abrupt start or end is then taken as the heart's own). */
void hr_quality_assess(const float *hr, const float *speed, const float *cad, int n, float step, int strap,
                       uint8_t *verdict);

#endif
