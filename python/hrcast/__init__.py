"""hrcast — predict a runner's heart rate from pace and terrain, from Python.

A thin ctypes binding of libhrcast.so.0 (the C API of include/hrcast.h): nothing to compile, NumPy in and out.

    import hrcast
    m = hrcast.Model("model.safetensors")
    hr = m.predict(speed, altitude, step=1.0)   # one value per model step (m.step seconds)
    run = m.predict_file("run.fit")             # dict of arrays: time, speed, altitude, hr, hr_actual, ...

Errors raise hrcast.Error with the library's one-line message. The library is found, in this order, at
$HRCAST_LIB; where `make install` recorded it (_libpath.py); three folders above this package
(PREFIX/lib for PREFIX/lib/python3*/*-packages/hrcast); the source tree's build/; the system loader.
"""
import ctypes
import os
import warnings
import weakref

try:
    import numpy as np
except ImportError as exc:  # pragma: no cover - depends on the machine
    raise ImportError("hrcast needs NumPy (Debian: apt-get install python3-numpy; or pip install numpy)") from exc

__all__ = ["Model", "Stream", "Error", "HrcastWarning", "version", "library_path", "bf16_native"]

_SONAME = "libhrcast.so.0"
_API_VERSION = "0.1.0"


class Error(Exception):
    """An error reported by libhrcast (a bad path, a bad model, a file it cannot read)."""


def _gender_byte(gender):
    """'m', 'f' or 'u' (any case; "male"/"female"/"" too) as the C API's char; another raises Error."""
    g = (gender or "u").strip().lower()
    g = {"male": "m", "female": "f", "unknown": "u"}.get(g, g)
    if g not in ("m", "f", "u"):
        raise Error("gender %r is not m, f or u" % (gender,))
    return g.encode()


class _Result(ctypes.Structure):
    # mirrors struct hrcast_result of include/hrcast.h
    _fields_ = [
        ("n", ctypes.c_int),
        ("step_s", ctypes.c_float),
        ("time_s", ctypes.POINTER(ctypes.c_float)),
        ("speed", ctypes.POINTER(ctypes.c_float)),
        ("altitude", ctypes.POINTER(ctypes.c_float)),
        ("hr", ctypes.POINTER(ctypes.c_float)),
        ("hr_sigma", ctypes.POINTER(ctypes.c_float)),
        ("hr_actual", ctypes.POINTER(ctypes.c_float)),
        ("mae", ctypes.c_double),
        ("source", ctypes.c_char * 256),
    ]


def _candidates():
    env = os.environ.get("HRCAST_LIB")
    if env:
        yield env
        return
    try:
        from . import _libpath  # written by make install

        yield _libpath.LIBRARY
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.normpath(os.path.join(here, "..", "..", "..", _SONAME))  # PREFIX/lib
    yield os.path.normpath(os.path.join(here, "..", "..", "build", _SONAME))  # source tree
    yield _SONAME  # the system loader (ldconfig, LD_LIBRARY_PATH)


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            tried.append("%s (%s)" % (path, exc))
            continue
        return lib, path
    raise ImportError("hrcast: cannot load %s; tried: %s. Install hrcast (make install) or set HRCAST_LIB"
                      % (_SONAME, "; ".join(tried)))


_lib, library_path = _load()
_ERRLEN = 1024
_fp = ctypes.POINTER(ctypes.c_float)
_lib.hrcast_version.restype = ctypes.c_char_p
_lib.hrcast_version.argtypes = []
_lib.hrcast_model_load.restype = ctypes.c_void_p
_lib.hrcast_model_load.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
_lib.hrcast_model_free.restype = None
_lib.hrcast_model_free.argtypes = [ctypes.c_void_p]
_lib.hrcast_model_kind.restype = ctypes.c_char_p
_lib.hrcast_model_kind.argtypes = [ctypes.c_void_p]
_lib.hrcast_model_step.restype = ctypes.c_float
_lib.hrcast_model_step.argtypes = [ctypes.c_void_p]
_lib.hrcast_model_card.restype = ctypes.c_char_p
_lib.hrcast_model_card.argtypes = [ctypes.c_void_p]
_lib.hrcast_model_set_int8.restype = ctypes.c_int
_lib.hrcast_model_set_int8.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
_lib.hrcast_model_set_precision.restype = ctypes.c_int
_lib.hrcast_model_set_precision.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
_lib.hrcast_bf16_native.restype = ctypes.c_int
_lib.hrcast_bf16_native.argtypes = []
_lib.hrcast_predict_arrays.restype = ctypes.c_int
_lib.hrcast_predict_arrays.argtypes = [ctypes.c_void_p, _fp, _fp, ctypes.c_int, ctypes.c_float, ctypes.c_char,
                                       ctypes.POINTER(_Result), ctypes.c_char_p, ctypes.c_size_t]
_lib.hrcast_predict_file.restype = ctypes.c_int
_lib.hrcast_predict_file.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.POINTER(_Result)),
                                     ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_size_t]
_lib.hrcast_result_free.restype = None
_lib.hrcast_result_free.argtypes = [ctypes.POINTER(_Result)]
_lib.hrcast_results_free.restype = None
_lib.hrcast_results_free.argtypes = [ctypes.POINTER(_Result), ctypes.c_int]

_PRECISIONS = {"fp32": 0, "bf16": 1, "int8": 2}  # HRCAST_PRECISION_* of hrcast.h


def bf16_native():
    """True when this CPU runs the bf16 products natively (AVX512_BF16), False when they are emulated."""
    return bool(_lib.hrcast_bf16_native())


_lib.hrcast_warnings.restype = ctypes.c_char_p
_lib.hrcast_warnings.argtypes = []
_lib.hrcast_set_stderr_warnings.restype = None
_lib.hrcast_set_stderr_warnings.argtypes = [ctypes.c_int]
_lib.hrcast_set_stderr_warnings(0)  # the library's warnings come as Python warnings instead (_warn_library)


class HrcastWarning(UserWarning):
    """A file that still predicts but is not what it seems (a speed column that looks like km/h, a FIT file cut
    short): libhrcast's warning, one per line of its message."""


def _warn_library():
    """Raises the library's warnings of the last call as HrcastWarning (they went only to stderr until
    2026-12-07, where a program could not see them)."""
    for line in _lib.hrcast_warnings().decode("utf-8", "replace").splitlines():
        if line:
            warnings.warn(line, HrcastWarning, stacklevel=3)


if _lib.hrcast_version().decode() != _API_VERSION:
    raise ImportError("hrcast: %s is version %s, this module expects %s"
                      % (library_path, _lib.hrcast_version().decode(), _API_VERSION))


def version():
    """The version of the loaded libhrcast ("0.1.0")."""
    return _lib.hrcast_version().decode()


def _array(ptr, n):
    if not ptr:
        return None
    return np.ctypeslib.as_array(ptr, shape=(n,)).astype(np.float32, copy=True)


def _result_dict(r):
    n = r.n
    return {
        "time": _array(r.time_s, n),
        "speed": _array(r.speed, n),
        "altitude": _array(r.altitude, n),
        "hr": _array(r.hr, n),
        "hr_sigma": _array(r.hr_sigma, n),
        "hr_actual": _array(r.hr_actual, n),
        "mae": r.mae,
        "step": r.step_s,
        "source": r.source.decode("utf-8", "replace"),
    }


def _path_bytes(path):
    return os.fsencode(os.fspath(path))


class Model:
    """A model file (LSTM, physio or constant) loaded by libhrcast; use it from one thread at a time."""

    def __init__(self, path):
        err = ctypes.create_string_buffer(_ERRLEN)
        self._streams = weakref.WeakSet()  # its open Streams: closed before the model (they borrow it)
        self._m = _lib.hrcast_model_load(_path_bytes(path), err, _ERRLEN)
        _warn_library()
        if not self._m:
            raise Error(err.value.decode("utf-8", "replace"))

    def close(self):
        """Frees the model; its Streams are closed first (a Stream used after raises Error)."""
        for s in list(getattr(self, "_streams", ())):
            s.close()
        if getattr(self, "_m", None):
            _lib.hrcast_model_free(self._m)
            self._m = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if not self._m:
            raise Error("model is closed")
        return self._m

    @property
    def kind(self):
        """"lstm", "physio" or "constant"."""
        return _lib.hrcast_model_kind(self._handle()).decode()

    @property
    def step(self):
        """Seconds per step of the model's grid (every prediction is on it)."""
        return float(_lib.hrcast_model_step(self._handle()))

    @property
    def card(self):
        """The model's metadata (JSON text)."""
        return _lib.hrcast_model_card(self._handle()).decode("utf-8", "replace")

    def set_int8(self, on=True):
        """LSTM models: 8-bit integer products (faster, within a few tenths of a bpm)."""
        self.set_precision("int8" if on else "fp32")

    def set_precision(self, precision):
        """LSTM models: "fp32" (the default), "bf16" (bfloat16 products, FP32 sums: native with AVX512_BF16,
        else emulated with the same numbers; see bf16_native()) or "int8" (8-bit integer products)."""
        if precision not in _PRECISIONS:
            raise ValueError("precision must be one of %s, not %r" % (", ".join(_PRECISIONS), precision))
        err = ctypes.create_string_buffer(_ERRLEN)
        if _lib.hrcast_model_set_precision(self._handle(), _PRECISIONS[precision], err, _ERRLEN):
            raise Error(err.value.decode("utf-8", "replace"))

    def predict(self, speed, altitude=None, step=1.0, gender="u"):
        """Heart rate of a run given as speed (m/s) and altitude (m, optional) sampled every `step` seconds.

        The run is cleaned and resampled onto the model's grid like any file, so the result has one value
        per model step (self.step seconds). Returns a float32 array of bpm, or (hr, sigma) for a model that
        predicts its uncertainty (an LSTM trained with --loss nll, a physio model)."""
        sp = np.ascontiguousarray(speed, dtype=np.float32).ravel()
        alt = None
        if altitude is not None:
            alt = np.ascontiguousarray(altitude, dtype=np.float32).ravel()
            if alt.shape != sp.shape:
                raise Error("altitude has %d samples, speed %d" % (alt.size, sp.size))
        r = _Result()
        err = ctypes.create_string_buffer(_ERRLEN)
        rc = _lib.hrcast_predict_arrays(self._handle(), sp.ctypes.data_as(_fp),
                                        alt.ctypes.data_as(_fp) if alt is not None else None, int(sp.size),
                                        float(step), _gender_byte(gender), ctypes.byref(r), err, _ERRLEN)
        _warn_library()
        if rc:
            raise Error(err.value.decode("utf-8", "replace"))
        try:
            hr = _array(r.hr, r.n)
            sigma = _array(r.hr_sigma, r.n)
        finally:
            _lib.hrcast_result_free(ctypes.byref(r))
        return (hr, sigma) if sigma is not None else hr

    def predict_workouts(self, path):
        """Every workout of a file (FIT, TCX, GPX, CSV, FitRec, seed JSON, Parquet, a dataset): a list of
        dicts as predict_file returns."""
        out = ctypes.POINTER(_Result)()
        count = ctypes.c_int(0)
        err = ctypes.create_string_buffer(_ERRLEN)
        rc = _lib.hrcast_predict_file(self._handle(), _path_bytes(path), ctypes.byref(out), ctypes.byref(count),
                                      err, _ERRLEN)
        _warn_library()
        if rc:
            raise Error(err.value.decode("utf-8", "replace"))
        try:
            return [_result_dict(out[i]) for i in range(count.value)]
        finally:
            _lib.hrcast_results_free(out, count)

    def predict_file(self, path):
        """The one workout of a file, predicted on the model's grid: a dict of float32 arrays "time" (s),
        "speed" (m/s), "altitude" (m), "hr" (predicted bpm), "hr_sigma" (None unless NLL), "hr_actual"
        (recorded bpm, NaN where masked; None when the file has none), and "mae", "step", "source".
        A file holding several workouts raises Error: use predict_workouts."""
        runs = self.predict_workouts(path)
        if len(runs) != 1:
            raise Error("%s: holds %d workouts; use predict_workouts" % (os.fspath(path), len(runs)))
        return runs[0]


_lib.hrcast_stream_open.restype = ctypes.c_void_p
_lib.hrcast_stream_open.argtypes = [ctypes.c_void_p, ctypes.c_char, ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p,
                                    ctypes.c_size_t]
_lib.hrcast_stream_free.restype = None
_lib.hrcast_stream_free.argtypes = [ctypes.c_void_p]
_lib.hrcast_stream_reset.restype = None
_lib.hrcast_stream_reset.argtypes = [ctypes.c_void_p]
_lib.hrcast_stream_push.restype = ctypes.c_int
_lib.hrcast_stream_push.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_float, ctypes.c_float, ctypes.c_float,
                                    ctypes.c_char_p, ctypes.c_size_t]
_lib.hrcast_stream_hr_now.restype = ctypes.c_float
_lib.hrcast_stream_hr_now.argtypes = [ctypes.c_void_p]
_lib.hrcast_stream_steps.restype = ctypes.c_int
_lib.hrcast_stream_steps.argtypes = [ctypes.c_void_p]
_lib.hrcast_stream_predictions.restype = ctypes.c_int
_lib.hrcast_stream_predictions.argtypes = [ctypes.c_void_p, _fp, _fp, _fp, _fp]
_lib.hrcast_stream_forecast.restype = ctypes.c_int
_lib.hrcast_stream_forecast.argtypes = [ctypes.c_void_p, _fp, _fp, ctypes.c_int, _fp, ctypes.c_char_p, ctypes.c_size_t]


class Stream:
    """Live forecasting (docs/live.md): the model fed one sample at a time. push() samples (time s, speed m/s,
    altitude m or NaN, HR bpm or NaN) at any rate; hr_now(), predictions() (what Model.predict_file gives for
    the samples so far) and forecast() of a planned remainder; reset() for a new run. Keeps its Model from
    being garbage-collected; Model.close() closes it (then its methods raise Error("stream is closed"))."""

    def __init__(self, model, gender="u", athlete=None, max_hours=6.0):
        self._s = None
        self._model = model
        err = ctypes.create_string_buffer(_ERRLEN)
        self._s = _lib.hrcast_stream_open(model._handle(), _gender_byte(gender), athlete.encode() if athlete else None,
                                          float(max_hours), err, _ERRLEN)
        _warn_library()
        if not self._s:
            raise Error(err.value.decode("utf-8", "replace"))
        model._streams.add(self)

    def close(self):
        if getattr(self, "_s", None):
            _lib.hrcast_stream_free(self._s)
            self._s = None

    def __del__(self):
        self.close()

    def _handle(self):
        if not self._s:
            raise Error("stream is closed")
        return self._s

    def push(self, time, speed, altitude=float("nan"), hr=float("nan")):
        """One sample; raises Error (the stream unchanged) for a bad one: NaN or backward time, absurd values,
        a gap over 30 min."""
        err = ctypes.create_string_buffer(_ERRLEN)
        if _lib.hrcast_stream_push(self._handle(), float(time), float(speed), float(altitude), float(hr), err,
                                   _ERRLEN):
            raise Error(err.value.decode("utf-8", "replace"))

    def reset(self):
        _lib.hrcast_stream_reset(self._handle())

    def hr_now(self):
        """Predicted HR at the last grid step (NaN before the first sample)."""
        return float(_lib.hrcast_stream_hr_now(self._handle()))

    def predictions(self):
        """Predicted HR of every grid step so far (float32 array)."""
        n = _lib.hrcast_stream_steps(self._handle())
        hr = np.zeros(max(n, 1), dtype=np.float32)
        _lib.hrcast_stream_predictions(self._s, hr.ctypes.data_as(_fp), None, None, None)
        return hr[:n]

    def forecast(self, speed, altitude=None):
        """HR over a planned remainder given per model step (speed m/s; altitude m, None: hold the last)."""
        sp = np.ascontiguousarray(speed, dtype=np.float32).ravel()
        alt = None if altitude is None else np.ascontiguousarray(altitude, dtype=np.float32).ravel()
        if alt is not None and alt.shape != sp.shape:
            raise Error("altitude has %d steps, speed %d" % (alt.size, sp.size))
        out = np.zeros(max(sp.size, 1), dtype=np.float32)
        err = ctypes.create_string_buffer(_ERRLEN)
        if _lib.hrcast_stream_forecast(self._handle(), sp.ctypes.data_as(_fp),
                                       alt.ctypes.data_as(_fp) if alt is not None else None, int(sp.size),
                                       out.ctypes.data_as(_fp), err, _ERRLEN):
            raise Error(err.value.decode("utf-8", "replace"))
        return out[:sp.size]
