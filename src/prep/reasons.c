/* reasons.c — names of the rejection and masking reasons (the words docs/data.md and `hrcast info` use). */
#include "prep/prep.h"

const char *reject_reason_name(enum reject_reason r)
{
    static const char *names[REJ_COUNT] = {
        "not_running", "no_time", "no_hr", "no_speed", "too_short",
        "low_valid_hr", "duplicate", "read_error", "unsupported_format", "not_moving",
    };
    return (unsigned)r < REJ_COUNT ? names[r] : "?";
}

const char *mask_reason_name(enum mask_reason r)
{
    static const char *names[MASK_COUNT] = {
        "hr_out_of_range", "hr_spike", "hr_gap", "pause",
        "clock_backwards", "clock_glitch", "speed_spike",
        "alt_out_of_range", "alt_spike", "alt_level_shift", "alt_climb_rate", "moving_gap",
    };
    return (unsigned)r < MASK_COUNT ? names[r] : "?";
}
