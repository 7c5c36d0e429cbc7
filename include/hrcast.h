/* hrcast.h — the public C API of libhrcast: load a model file (LSTM, physiological or constant) and
 * predict a runner's heart rate from arrays of speed and altitude, or from a workout file in any format
 * hrcast reads (FIT, TCX, GPX, CSV, FitRec, seed JSON, Parquet; .gz ok). Installed (`make install`):
 * cc prog.c $(pkg-config --cflags --libs hrcast) links the shared libhrcast.so.0, which exports exactly
 * the functions below (src/api/libhrcast.map); in the tree, link build/libhrcast.a and the Makefile's
 * LDLIBS. Thread-safety: a model may be used by one thread at a
 * time; load one per thread. Errors: functions return 0 / non-zero and write one line into err. */
#ifndef HRCAST_H
#define HRCAST_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HRCAST_API_VERSION 1
#define HRCAST_VERSION "0.1.0"

/* The library exports these functions only (built with -fvisibility=hidden). */
#if defined(__GNUC__)
#define HRCAST_EXPORT __attribute__((visibility("default")))
#else
#define HRCAST_EXPORT
#endif

typedef struct hrcast_model hrcast_model;

/* One predicted workout, on the model's time grid. Arrays have n entries; free with hrcast_result_free. */
typedef struct hrcast_result {
    int n;
    float step_s;     /* grid step, seconds */
    float *time_s;    /* elapsed seconds */
    float *speed;     /* m/s after cleaning */
    float *altitude;  /* m */
    float *hr;        /* predicted heart rate, bpm */
    float *hr_sigma;  /* predicted sd in bpm, or NULL when the model has none */
    float *hr_actual; /* recorded heart rate (NaN where masked), or NULL when the input had none */
    double mae;       /* MAE against hr_actual over valid steps, or NaN */
    char source[256];
} hrcast_result;

HRCAST_EXPORT hrcast_model *hrcast_model_load(const char *path, char *err, size_t errlen);
HRCAST_EXPORT void hrcast_model_free(hrcast_model *m);
/* "lstm", "physio" or "constant" */
HRCAST_EXPORT const char *hrcast_model_kind(const hrcast_model *m);
HRCAST_EXPORT float hrcast_model_step(const hrcast_model *m);
/* The model card (metadata) as a JSON text owned by the model. */
HRCAST_EXPORT const char *hrcast_model_card(const hrcast_model *m);
/* The arithmetic of an LSTM's predictions (docs/performance.md): FP32 (the default); BF16, the products in
 * bfloat16 with FP32 sums (vdpbf16ps on a CPU with AVX512_BF16, else emulated in FP32 with the same
 * numbers, slower); INT8, 8-bit integer products. BF16 and INT8 are faster and within a few hundredths
 * of a bpm of FP32 on average. Returns 0, or -1 with err for BF16/INT8 on other kinds of model (FP32 is
 * accepted by every model) or an unknown value. Applies to hrcast_predict_*; streams step in FP32. */
enum { HRCAST_PRECISION_FP32 = 0, HRCAST_PRECISION_BF16 = 1, HRCAST_PRECISION_INT8 = 2 };
HRCAST_EXPORT int hrcast_model_set_precision(hrcast_model *m, int precision, char *err, size_t errlen);
/* 1 when BF16 products run natively here (vdpbf16ps), 0 when they are emulated. */
HRCAST_EXPORT int hrcast_bf16_native(void);
/* = hrcast_model_set_precision(m, on ? HRCAST_PRECISION_INT8 : HRCAST_PRECISION_FP32, ...) */
HRCAST_EXPORT int hrcast_model_set_int8(hrcast_model *m, int on, char *err, size_t errlen);

/* A planned or recorded run given as arrays sampled every step_s seconds (altitude may be NULL; gender
 * 'm', 'f' or 'u', either case; another is refused; a speed outside 0..12 m/s is refused, naming km/h as the
 * likely cause). The run is cleaned and resampled onto the model's grid like any file. */
HRCAST_EXPORT int hrcast_predict_arrays(const hrcast_model *m, const float *speed_mps, const float *altitude_m,
                                        int n, float step_s, char gender, hrcast_result *out, char *err, size_t errlen);
/* Every workout of a file: *out receives an array of *count results (free with hrcast_results_free). */
HRCAST_EXPORT int hrcast_predict_file(const hrcast_model *m, const char *path, hrcast_result **out, int *count,
                                      char *err, size_t errlen);
HRCAST_EXPORT void hrcast_result_free(hrcast_result *r);
HRCAST_EXPORT void hrcast_results_free(hrcast_result *r, int count);

/* The warnings of the calling thread's last hrcast_model_load, hrcast_predict_file, hrcast_predict_arrays or
 * hrcast_stream_open, one per line without the "warning: " prefix ("" when there were none): a file that is not
 * what it seems (a "speed" column that looks like km/h, a FIT file cut short, a lap without distance) still
 * predicts, and says so here. Valid until that thread's next such call. Added 2026-12-07; until then they went
 * only to the host's stderr. */
HRCAST_EXPORT const char *hrcast_warnings(void);
/* Whether the library also prints those warnings on stderr ("warning: ..."; on by default). A program that reads
 * hrcast_warnings (the Python package does, as Python warnings) turns this off. */
HRCAST_EXPORT void hrcast_set_stderr_warnings(int on);

/* The library's version ("0.1.0", = HRCAST_VERSION of the header it was built with): a program or
 * binding loading libhrcast.so at run time checks it matches what it expects. */
HRCAST_EXPORT const char *hrcast_version(void);

/* Live forecasting: a model fed one raw sample at a time (docs/live.md). Samples may come at any rate and at
 * irregular times; they are resampled onto the model's grid exactly as a recording file is, so streaming a
 * file's samples (the stream opened with the file's gender: 'u' for a file that names none) gives
 * hrcast_predict_file's numbers. O(1) work per pushed sample and no allocation after
 * open; deterministic. A stream borrows its model (free the stream first). */
typedef struct hrcast_stream hrcast_stream;

/* Status codes of hrcast_stream_push (the sample is refused, the stream stays as it was). */
enum {
    HRCAST_STREAM_OK = 0,
    HRCAST_STREAM_BAD_TIME = 1,   /* time not finite */
    HRCAST_STREAM_BACKWARDS = 2,  /* time not after the previous sample's */
    HRCAST_STREAM_BAD_VALUE = 3,  /* speed outside [0, 12] m/s or not finite, altitude outside [-450, 9000] m,
                                   * infinite HR (a finite HR outside [30, 230] is taken as unknown) */
    HRCAST_STREAM_GAP = 4,        /* more than 30 min since the previous sample: a new session (reset) */
    HRCAST_STREAM_FULL = 5        /* past max_hours (a feed of any rate is taken: docs/live.md, "Cost") */
};

/* gender 'm', 'f' or 'u' (either case; another is refused); athlete: an id the model holds its own parameters
 * for (a physio model's, an LSTM's HR scale or prior, a finetuned model's runner; NULL or "": the
 * population's, except for a finetuned model, whose runner it is (as hrcast_predict_file predicts with it);
 * another id is refused, naming the model's); max_hours (<= 48) sizes the buffers. NULL with err
 * on failure (an LSTM whose feature set needs the whole workout, default+pace, cannot stream). */
HRCAST_EXPORT hrcast_stream *hrcast_stream_open(const hrcast_model *m, char gender, const char *athlete,
                                                float max_hours, char *err, size_t errlen);
HRCAST_EXPORT void hrcast_stream_free(hrcast_stream *s);
/* Forget every sample (and every pause): a new run with the same model. */
HRCAST_EXPORT void hrcast_stream_reset(hrcast_stream *s);
/* time_s: seconds (any origin, increasing); speed m/s; altitude_m and hr_bpm may be NaN (unknown). */
HRCAST_EXPORT int hrcast_stream_push(hrcast_stream *s, double time_s, float speed_mps, float altitude_m,
                                     float hr_bpm, char *err, size_t errlen);
/* Predicted HR now (the last grid step), NaN before the first sample. */
HRCAST_EXPORT float hrcast_stream_hr_now(hrcast_stream *s);
/* Grid steps so far; hrcast_stream_predictions fills hr (and the grid's speed, altitude and resampled recorded
 * HR where not NULL; step k is at k * hrcast_model_step seconds from the first sample) with that many values:
 * what hrcast_predict_file gives if the run ended now. */
HRCAST_EXPORT int hrcast_stream_steps(const hrcast_stream *s);
HRCAST_EXPORT int hrcast_stream_predictions(hrcast_stream *s, float *hr, float *speed, float *altitude,
                                            float *hr_recorded);
/* Forecast a planned remainder of n grid steps (hrcast_model_step seconds each) after the samples so far:
 * speed m/s, altitude m (NULL: hold the last), hr receives n values. The stream is not changed. */
HRCAST_EXPORT int hrcast_stream_forecast(hrcast_stream *s, const float *speed_mps, const float *altitude_m, int n,
                                         float *hr, char *err, size_t errlen);
/* The same for a constant pace (m/s) on the flat for a number of seconds; hr must hold ceil(seconds /
 * hrcast_model_step(m)) values (60 for 600 s on a 10 s grid, 120 on a 5 s one). A run without altitude (its
 * first sample had none) is level at 0 m: hrcast_stream_forecast's altitudes count from its first known one. */
HRCAST_EXPORT int hrcast_stream_forecast_pace(hrcast_stream *s, float speed_mps, float seconds, float *hr, char *err,
                                              size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
