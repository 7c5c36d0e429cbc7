#!/usr/bin/python3
"""channel_residuals.py - would the recorded channels hrcast does not use as inputs (cadence, the watch's
temperature) explain what the finetuned LSTM gets wrong? (issue 14: "other recorded channels ... may be
inputs where present, with an ablation that shows what they add"; docs/results.md, "Cadence and temperature").

For each athlete and seed: the per-step residual (recorded - predicted HR) of the athlete's finetuned model,
and a ridge regression of it on causal features of each step, fitted on the athlete's validation runs (or
training + validation) and scored on their chrono test runs:
  speed only       intercept, speed, its exponential averages over 30 s, 2 and 10 min, elapsed hours;
  + cad, temp      the same plus cadence (and whether it is recorded), its averages over 30 s, 2 and 10 min,
                   cadence x speed, the temperature and its 10-min average.
What the channels add is the difference between the two rows (the intercept and speed terms alone already
move the level, which is not the channels' doing). Also the correlation of each run's mean residual with
its mean temperature (train / validation / test runs). A linear correction is a bound from below on what an
LSTM with the channels as inputs could do, not the same thing; it is cheap and needs no new dataset format.

Inputs: SERIES (bench/fit_fields --series over the athletes' FIT files), EXPORT (hrcast export --format
jsonl of the dataset), and for each seed S and athlete A a file PRED_DIR/pred_sS_A.csv (hrcast predict of
that athlete's finetuned model on the dataset). Needs numpy.
Usage: channel_residuals.py SERIES EXPORT PRED_DIR SEEDS ATHLETE...   (SEEDS: "1 2 3")
"""
import collections
import csv
import json
import sys

import numpy as np

STEP = 10.0


def ema(x, tau):
    a, out, m = STEP / tau, np.empty_like(x), x[0]
    for i, v in enumerate(x):
        m += a * (v - m)
        out[i] = m
    return out


def load_series(path):
    ser = collections.defaultdict(list)
    for line in open(path):
        p, t, cad, temp, speed = line.rstrip("\n").split("\t")
        ser[p].append((float(t), float(cad), float(temp), float(speed)))
    return {p: np.array(v) for p, v in ser.items()}


def runs_of(pred_csv, athlete, meta, series):
    """{part: [(base, channels, residual, mean temp)]} for the athlete's runs that have a series."""
    rows = collections.defaultdict(list)
    for r in csv.DictReader(open(pred_csv)):
        w = int(r["workout"])
        if meta[w][0] == athlete:
            rows[w].append((float(r["time_s"]), float(r["speed_mps"] or "nan"), float(r["hr_pred_bpm"]),
                            float(r["hr_actual_bpm"] or "nan"), r["source"]))
    out, align = collections.defaultdict(list), []
    for w, rs in rows.items():
        src = rs[0][4]
        if src not in series:
            continue
        s = series[src]
        t = np.array([r[0] for r in rs])
        k = np.clip(np.searchsorted(s[:, 0], t, side="right") - 1, 0, len(s) - 1)
        cad, temp, fspeed = s[k, 1], s[k, 2], s[k, 3]
        speed = np.nan_to_num(np.array([r[1] for r in rs]))
        res = np.array([r[3] - r[2] for r in rs])
        ok = np.isfinite(fspeed) & (speed > 0)
        if ok.sum() > 20:
            align.append(np.corrcoef(speed[ok], fspeed[ok])[0, 1])
        cad = np.where(np.isfinite(cad) & (cad > 60), cad, 0.0)
        have_temp = np.isfinite(temp)
        temp = np.where(have_temp, temp, np.nanmean(temp) if have_temp.any() else 20.0)
        base = np.stack([np.ones_like(speed), speed, ema(speed, 30), ema(speed, 120), ema(speed, 600), t / 3600], 1)
        chan = np.stack([cad / 100, (cad > 0).astype(float), ema(cad, 30) / 100, ema(cad, 120) / 100,
                         ema(cad, 600) / 100, cad * speed / 300, temp / 10, ema(temp, 600) / 10], 1)
        m = np.isfinite(res)
        if m.sum():
            out[meta[w][1]].append((base[m], chan[m], res[m], temp[have_temp].mean() if have_temp.any() else np.nan))
    return out, (np.median(align) if align else np.nan)


def corrected_mae(runs, fit_parts, use_channels):
    def stack(parts):
        sel = [r for p in parts for r in runs.get(p, [])]
        x = np.concatenate([np.concatenate([r[0], r[1]], 1) if use_channels else r[0] for r in sel])
        return x, np.concatenate([r[2] for r in sel])
    x, y = stack(fit_parts)
    w = np.linalg.solve(x.T @ x + np.eye(x.shape[1]), x.T @ y)
    xt, yt = stack(["test"])
    return float(np.abs(yt - xt @ w).mean())


def corr_cell(values):
    v = np.array(values, dtype=float)
    return "%+.2f" % v[np.isfinite(v)].mean() if np.isfinite(v).any() else "n/a"


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    series, export, pred_dir, seeds, athletes = (load_series(sys.argv[1]), sys.argv[2], sys.argv[3],
                                                 sys.argv[4].split(), sys.argv[5:])
    meta = {}
    for line in open(export):
        d = json.loads(line)
        meta[d["index"]] = (d["athlete"], d["split_chrono"])
    print("| athlete | runs with a series (train/val/test) | speed alignment | test MAE | fitted on val: speed only "
          "| + cad, temp | fitted on train+val: speed only | + cad, temp | corr(run offset, mean temp) train / val / test |")
    print("|---|---|---|---|---|---|---|---|---|")
    for a in athletes:
        cells = collections.defaultdict(list)
        for s in seeds:
            runs, align = runs_of(f"{pred_dir}/pred_s{s}_{a}.csv", a, meta, series)
            if not runs.get("test") or not runs.get("val"):
                break
            cells["n"] = ["%d/%d/%d" % tuple(len(runs.get(p, [])) for p in ("train", "val", "test"))]
            cells["align"].append(align)
            cells["raw"].append(float(np.abs(np.concatenate([r[2] for r in runs["test"]])).mean()))
            for parts in (["val"], ["train", "val"]):
                for use in (0, 1):
                    cells["+".join(parts) + str(use)].append(corrected_mae(runs, parts, use))
            for p in ("train", "val", "test"):
                off = np.array([[r[2].mean(), r[3]] for r in runs.get(p, []) if np.isfinite(r[3])])
                cells["corr" + p].append(np.corrcoef(off[:, 0], off[:, 1])[0, 1] if len(off) > 5 else np.nan)
        if not cells["raw"]:
            print(f"| {a} | no runs with cadence or temperature in val and test | | | | | | | |")
            continue

        def ms(k, fmt="%.2f"):
            v = np.array(cells[k])
            return (fmt % v.mean()) + (" ± " + fmt % v.std(ddof=1) if len(v) > 1 else "")
        print(f"| {a} | {cells['n'][0]} | {np.mean(cells['align']):.3f} | {ms('raw')} | {ms('val0')} | {ms('val1')} "
              f"| {ms('train+val0')} | {ms('train+val1')} | "
              + " / ".join(corr_cell(cells["corr" + p]) for p in ("train", "val", "test")) + " |")
    print(f"\n(mean ± sd over seeds {', '.join(seeds)}; speed alignment: the median correlation of hrcast's grid "
          "speed with the FIT record's speed at the same time, a check that the series line up)")


if __name__ == "__main__":
    main()
