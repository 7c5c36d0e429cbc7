/* stream.h — the live predictor: a model fed one raw sample at a time (time, speed, altitude, HR), resampled
 * onto the model's grid incrementally with the batch path's own pieces (resample_channel on a bounded window
 * of raw samples, grade_at, features_row, physio_step, lstm_stepper), so that streaming a recording equals
 * predicting it (tests/test_stream.c). Steps become final once no later sample can change them; the model
 * state advances over final steps only, and "now" runs a copy of the state over the few provisional steps at
 * the end, as the batch path would if the recording ended now. Everything is allocated at open. */
#ifndef HRCAST_MODEL_STREAM_H
#define HRCAST_MODEL_STREAM_H
#include "model/predictor.h"

enum stream_status {
    STREAM_OK = 0,
    STREAM_BAD_TIME = 1,   /* time not finite */
    STREAM_BACKWARDS = 2,  /* time not after the previous sample's */
    STREAM_BAD_VALUE = 3,  /* speed, altitude or HR not finite or outside what a runner records */
    STREAM_GAP = 4,        /* a gap longer than prep's split_gap (30 min): a separate session */
    STREAM_FULL = 5,       /* past the capacity given at open */
    STREAM_UNSUPPORTED = 6 /* a model the stream cannot run (feature set needs the whole workout) */
};

struct hr_stream;

/* max_hours: the longest run the stream will take (its buffers are sized for it). gender 'm', 'f', 'u';
 * athlete: the id whose own parameters the model holds (physio, constant, the LSTM's prior and HR scale), or
 * NULL/"" for the population's (a finetuned model's own runner's, as predictor_predict). */
struct hr_stream *hr_stream_open(const struct predictor *p, char gender, const char *athlete, float max_hours,
                                 struct hr_err *e);
void hr_stream_free(struct hr_stream *s);
void hr_stream_reset(struct hr_stream *s);
/* A sample; altitude and hr may be NaN (unknown). Returns STREAM_OK, or a status with e filled and the
 * state as before the call. */
int hr_stream_push(struct hr_stream *s, double time_s, float speed, float alt, float hr, struct hr_err *e);
/* Grid steps so far (as the batch path would make of the samples pushed). */
int hr_stream_steps(const struct hr_stream *s);
/* Predictions for every step so far (hr has hr_stream_steps entries); also the grid's speed, altitude and
 * resampled HR where the pointers are not NULL. Returns the number of steps. */
int hr_stream_predict(struct hr_stream *s, float *hr, float *speed, float *alt, float *hr_rec);
/* The predicted HR at the last step (NaN before the first sample). */
float hr_stream_now(struct hr_stream *s);
/* The planned remainder: n steps on the model's grid (speed m/s; alt m or NULL to hold the last altitude)
 * appended after the steps so far; hr receives the n forecast values. The state is not changed. */
int hr_stream_forecast(struct hr_stream *s, const float *speed, const float *alt, int n, float *hr, struct hr_err *e);
float hr_stream_step(const struct hr_stream *s);

#endif
