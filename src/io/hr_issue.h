/* hr_issue.h — the names and codes of the HR-quality verdicts (enum hr_issue): what a grid step's
 * recorded heart rate is judged to be. The rules that decide them live in prep/hr_quality.c; the codes
 * and names live here, below prep, so that readers (which bring stored verdicts of hrcast's own exports
 * back in) and writers can use them without including prep. */
#ifndef HRCAST_IO_HR_ISSUE_H
#define HRCAST_IO_HR_ISSUE_H
#include <stdint.h>

/* One byte per grid step. Codes are stored in dataset files and in the Parquet export: append, never
 * renumber. */
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

/* "trusted", "hr_gap", "pause", "cadence_lock", ...; "?" for a code out of range. */
const char *hr_issue_name(enum hr_issue r);
/* Code of a name, -1 when unknown. */
int hr_issue_parse(const char *name);
/* 1 when the step has a recorded HR the quality rules flagged (so: not a trusted target). */
static inline int hr_issue_flagged(uint8_t v) { return v >= HRQ_FIRST_FLAG && v < HRQ_COUNT; }

#endif
