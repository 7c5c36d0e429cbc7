/* ticks.h — "nice" axis ticks (steps of 1, 2, 2.5 or 5 times a power of ten) and tick labels. */
#ifndef HRCAST_REPORT_TICKS_H
#define HRCAST_REPORT_TICKS_H
#include <stddef.h>

enum tick_style {
    TICK_NUMBER = 0, /* 12.5 */
    TICK_MMSS = 1,   /* value in minutes printed as m:ss (pace 4.5 -> "4:30") */
    TICK_INTEGER = 2, /* counts (epochs): ticks only at whole numbers, steps of 1, 2 or 5 times 10^k */
};

/* The nice step for covering span with about target intervals: the smallest of {1, 2, 2.5, 5, 10}
 * times a power of ten that is >= span/target. 0 for a span that is not positive and finite. */
double nice_step(double span, int target);
/* Tick values inside [lo, hi] (lo <= hi, inclusive up to rounding) at multiples of the nice step
 * (1, 2, 2.5 or 5 times a power of ten) whose tick count inside the range is closest to target+1.
 * Writes at most max values, returns how many; *step gets the step (may be NULL). lo == hi gives
 * the one tick lo. */
int nice_ticks(double lo, double hi, int target, double *ticks, int max, double *step);
/* The same with whole-number steps only (1, 2, 5, 10, 20, 25, 50, ...: no 2.5 and nothing below 1),
 * for counts such as epochs; ticks are whole numbers. */
int nice_ticks_integer(double lo, double hi, int target, double *ticks, int max, double *step);
/* Ticks for an axis of the given style: nice_ticks, nice_ticks_integer for TICK_INTEGER, and for TICK_MMSS
 * (values in minutes) steps of whole seconds or minutes a clock reads (1, 2, 5, 10, 15, 20, 30 s, 1, 2, 5, ...
 * min), so that no two m:ss labels are the same. */
int axis_style_ticks(double lo, double hi, int target, enum tick_style style, double *ticks, int max, double *step);
/* Digits after the decimal point needed to show multiples of step exactly (0..9). */
int tick_decimals(double step);
/* Label for a tick value: no "-0", decimals from step. */
void tick_label(double v, double step, enum tick_style style, char *buf, size_t n);

#endif
