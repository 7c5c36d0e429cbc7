#!/usr/bin/env python3
"""offset_covariates.py - how much of the per-workout HR offset could the things known BEFORE a run explain?

Inputs: a dataset exported with `hrcast export DATASET --format jsonl` and the predictions of a per-athlete
physiological model on it (`hrcast predict physio.safetensors DATASET -o pred.csv`). For every athlete with
>= 50 workouts: the per-workout mean residual (recorded - predicted HR), its standard deviation, and its
correlation with what is known before the run: hours run in the previous 7 days (load7), the ratio of that
to the 28-day weekly mean (acwr), days since the previous run (gap, capped at 30), hour of day (UTC), season
(cos of the day of year), the run's planned duration (dur) and mean speed (v), the mean offset of the
previous 5 runs (prevoff: earlier HR, allowed), and the position in the athlete's history (idx); and the
in-sample R^2 of all of them together (a least-squares fit scored on its own workouts: an upper bound).
Standard library only. Usage: offset_covariates.py export.jsonl pred.csv"""
import collections
import csv
import json
import math
import sys
import time


def corr(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sx = math.sqrt(sum((a - mx) ** 2 for a in x))
    sy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / (sx * sy + 1e-12)


def r2_all(rows, keys):
    """In-sample R^2 of a least-squares fit of the offset on every covariate at once (optimistic: fitted
    and scored on the same workouts)."""
    X = [[1.0] + [r[k] for k in keys] for r in rows]
    y = [r["off"] for r in rows]
    n = len(X[0])
    A = [[sum(x[i] * x[j] for x in X) + (1e-6 if i == j else 0) for j in range(n)] for i in range(n)]
    b = [sum(x[i] * yy for x, yy in zip(X, y)) for i in range(n)]
    for c in range(n):  # Gaussian elimination with partial pivoting
        p = max(range(c, n), key=lambda r: abs(A[r][c]))
        A[c], A[p], b[c], b[p] = A[p], A[c], b[p], b[c]
        for r in range(c + 1, n):
            f = A[r][c] / A[c][c]
            A[r] = [a - f * q for a, q in zip(A[r], A[c])]
            b[r] -= f * b[c]
    w = [0.0] * n
    for c in range(n - 1, -1, -1):
        w[c] = (b[c] - sum(A[c][k] * w[k] for k in range(c + 1, n))) / A[c][c]
    mean = sum(y) / len(y)
    ss = sum((v - mean) ** 2 for v in y)
    sr = sum((yy - sum(wi * xi for wi, xi in zip(w, x))) ** 2 for x, yy in zip(X, y))
    return 1 - sr / ss


def main(jsonl, pred):
    meta = {}
    for line in open(jsonl):
        d = json.loads(line)
        sp = [s for s in d["speed"] if s is not None]
        meta[d["index"]] = dict(a=d["athlete"], t0=d["start_time"], dur=d["time"][-1] if d["time"] else 0,
                                v=sum(sp) / max(1, len(sp)))
    res = collections.defaultdict(list)
    for r in csv.DictReader(open(pred)):
        if r["hr_actual_bpm"]:
            res[int(r["workout"])].append(float(r["hr_actual_bpm"]) - float(r["hr_pred_bpm"]))
    for w, e in res.items():
        meta[w]["off"] = sum(e) / len(e)
    by = collections.defaultdict(list)
    for m in meta.values():
        if "off" in m and m["t0"] is not None:
            by[m["a"]].append(m)
    for a, ws in sorted(by.items()):
        if len(ws) < 50:
            continue
        ws.sort(key=lambda m: m["t0"])
        rows = []
        for i, m in enumerate(ws):
            prev7 = [p for p in ws[:i] if m["t0"] - p["t0"] < 7 * 86400]
            prev28 = [p for p in ws[:i] if m["t0"] - p["t0"] < 28 * 86400]
            load7 = sum(p["dur"] for p in prev7) / 3600
            load28 = sum(p["dur"] for p in prev28) / 3600 / 4
            gap = (m["t0"] - ws[i - 1]["t0"]) / 86400 if i else 30
            lt = time.gmtime(m["t0"])
            last5 = ws[max(0, i - 5):i]
            rows.append(dict(off=m["off"], load7=load7, acwr=load7 / (load28 + 0.1), gap=min(gap, 30),
                             hour=lt.tm_hour, season=math.cos(2 * math.pi * (lt.tm_yday - 200) / 365),
                             dur=m["dur"] / 3600, v=m["v"],
                             prevoff=sum(p["off"] for p in last5) / max(1, len(last5)), idx=i / len(ws)))
        y = [r["off"] for r in rows]
        mean = sum(y) / len(y)
        sd = math.sqrt(sum((v - mean) ** 2 for v in y) / len(y))
        cs = {k: corr([r[k] for r in rows], y) for k in rows[0] if k != "off"}
        print("%-30s workouts %3d  sd(offset) %4.1f bpm  R2(all, in-sample) %.2f  " % (
              a[:30], len(ws), sd, r2_all(rows, list(cs))) + " ".join("%s %+.2f" % kv for kv in cs.items()))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
