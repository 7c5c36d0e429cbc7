/* hr_quality.h — the heart-rate quality stage: a verdict per grid step saying whether the recorded HR
 * there can be trusted as a target, and if not, the named reason (cadence lock, lock-on, dropout,
 * stuck value, level shift, spike) next to the masks of prep (no HR: gap or pause).
 * The rules look at the recording only (HR, cadence, speed, time), never at a model's prediction;
 * thresholds are in seconds and bpm so that any grid step means the same. docs/data.md explains each. */
#ifndef HRCAST_PREP_HR_QUALITY_H
#define HRCAST_PREP_HR_QUALITY_H
#include <stdint.h>

/* One byte per grid step. Codes are stored in dataset files: append, never renumber. */
enum hr_issue {
    HRQ_TRUSTED = 0,  /* recorded HR, no rule fired: a target */
    HRQ_HR_GAP,       /* no HR at this step (no sample close enough, out of range, dropped sample) */
    HRQ_PAUSE,        /* inside a recording pause */
    HRQ_CADENCE_LOCK, /* the reading follows the step rate, not the heart */
    HRQ_LOCK_ON,      /* the first minutes, before the sensor found the heart (or a dry strap) */
    HRQ_DROPOUT,      /* the reading falls far and abruptly, the pace does not explain it, back within minutes */
    HRQ_STUCK,        /* the very same value for minutes */
    HRQ_LEVEL_SHIFT,  /* an abrupt step the pace does not explain, longer than a dropout (or up), then returns */
    HRQ_SPIKE,        /* a short excursion (seconds) away from the surrounding level and back */
    HRQ_COUNT
};

/* First code that marks a recorded (non-NaN) HR the rules distrust. */
#define HRQ_FIRST_FLAG HRQ_CADENCE_LOCK

const char *hr_issue_name(enum hr_issue r);
/* Code of a name, -1 when unknown. */
int hr_issue_parse(const char *name);
/* 1 when the step has a recorded HR the quality rules flagged (so: not a trusted target). */
static inline int hr_issue_flagged(uint8_t v) { return v >= HRQ_FIRST_FLAG && v < HRQ_COUNT; }

/* Fill verdict[n] for a grid series: steps with NaN hr get HRQ_HR_GAP unless verdict already says
 * HRQ_PAUSE; steps with HR get HRQ_TRUSTED or the first rule that fires (the order of the enum after
 * HRQ_PAUSE). cad (steps per minute) may be NULL or NaN where not recorded. step: seconds per step.
 * strap: the file says the HR came from a chest strap (an electrical sensor: a long stretch on the
 * step rate without an abrupt start or end is then taken as the heart's own). */
void hr_quality_assess(const float *hr, const float *speed, const float *cad, int n, float step, int strap,
                       uint8_t *verdict);

#endif
