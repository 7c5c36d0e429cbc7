#!/usr/bin/python3
"""live_variants.py — five ideas for the live calibration tried against hrcast's default, on bench/real.sh's
finetuned models (docs/results.md, "Five more calibration ideas"), and why arthurfsy2 loses at 5 minutes.

The default (src/eval/calibrate.c): the window's last 30 s give the offset (mean residual, no prior); h seconds
after the window the prediction is shifted by offset x (0.4 + 0.6 exp(-h / 450)). Tried beside it:

  closing    the residual's trend over the window's last S seconds (a least-squares line): when the gap is
             closing (the recorded HR catching up with the prediction, as in a warm-up or an optical lock-on),
             the shift is capped by the line that closes it at alpha x that rate;
  position   the window's residuals less the residual expected at that time since the start, learned on the
             validation runs (the athlete's own, or the five athletes' pooled; a 30 s moving average), at
             full or half weight: a warm-up the model gets wrong every time is not the day's offset;
  ensemble   the three seeds' finetuned models averaged, then calibrated with the default;
  blend      the LSTM and the per-athlete physiological model averaged (LSTM weight 0.9-0.5), then calibrated
             (the offset is linear: the same as blending the two calibrated predictions);
  negative   a negative offset (the runner under the model) fading to another share and time constant than
             a positive one: a heart still rising, or a sensor not yet locked on, reads low early.

Then arthurfsy2's runs at 5 minutes: how many start far below the prediction (recorded HR over the window's
last 30 s 10 bpm or more under it) on the validation and on the test runs, and what calibrating does to them.

Scores: MAE after the window (5, 10, 20 min) over the five athletes' steps pooled, mean over seeds, the change
against uncalibrated, and that change per athlete (patricktudor, shaonianche, arthurfsy2, runpandas, rikluost);
validation and test. The variants are judged on validation; test only reports. Reads OUT as bench/live_trust.py
does (same WORKDIR layout, so a WORKDIR of live_trust.py is reused). Needs numpy.
Usage: bench/live_variants.py OUT [WORKDIR]
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from live_trust import ATHLETES, WINDOWS, fade, open_runs

PERSONAL = (0.4, 450)  # the default fade of a model that knows the runner (CALIB_PERSONAL_TRUST)
TAIL = 30              # s: the window's last 30 s give the offset
NMAX = 200             # steps of the expected-residual curve (33 min at 10 s)


def window_offset(p, y, w, tail_steps, expected=None, weight=1.0):
    r = y[w - tail_steps:w] - p[w - tail_steps:w]
    if expected is not None:
        r = r - weight * expected[w - tail_steps:w]
    r = r[~np.isnan(r)]
    return float(r.mean()) if len(r) else 0.0


def closing_cap(p, y, w, step, win, shift, o, span, alpha):
    """The shift capped by a line from |o| down to 0 at alpha x the gap's closing rate over the last span s."""
    m = int(span // step)
    r = y[w - m:w] - p[w - m:w]
    t = np.arange(-m, 0) * step
    ok = ~np.isnan(r)
    if ok.sum() < max(2, m // 2) or o == 0:
        return shift
    rate = -np.sign(o) * np.polyfit(t[ok], r[ok], 1)[0] * alpha  # bpm/s toward zero
    if rate <= 0:
        return shift
    h = np.maximum(np.arange(w, len(p)) * step - win, 0)
    return np.sign(o) * np.minimum(np.abs(shift), np.maximum(0, abs(o) - rate * h))


def errors(runs, step, win, calibrate=True, expected=None, weight=1.0, closing=None, negative=None, scale=None):
    """Absolute errors after the window; scale(p, y, w, tail) -> a multiplier of the shift per step after the
    window, or None (bench/live_gain.py's gain)."""
    w = int(np.ceil(win / step - 1e-4))
    tail = int(round(TAIL / step))
    out = []
    for p, y in runs:
        if w >= len(p):
            continue
        shift = 0.0
        if calibrate:
            o = window_offset(p, y, w, tail, expected, weight)
            shift = o * fade((0, 0, 0) + (negative if negative and o < 0 else PERSONAL), len(p), step, win, w)
            if closing:
                shift = closing_cap(p, y, w, step, win, shift, o, *closing)
            m = scale(p, y, w, tail) if scale else None
            if m is not None:
                shift = shift * m
        out.append(np.abs(p[w:] + shift - y[w:])[~np.isnan(y[w:])])
    return np.concatenate(out) if out else np.zeros(0)


def expected_residual(runs):
    s, c = np.zeros(NMAX), np.zeros(NMAX)
    for p, y in runs:
        n = min(len(p), NMAX)
        r = y[:n] - p[:n]
        ok = ~np.isnan(r)
        s[:n][ok] += r[ok]
        c[:n][ok] += 1
    e = np.where(c > 0, s / np.maximum(c, 1), 0.0)
    return np.convolve(np.pad(e, (1, 1), mode="edge"), np.ones(3) / 3, mode="valid")


def print_row(label, split, runs_of, seeds, step, **kw):
    """One table row: runs_of(seed, athlete, split) -> (runs, kwargs of errors); kw: errors' options."""
    cells = []
    for win in WINDOWS:
        cal, unc, per = [], [], {a: [] for a in ATHLETES}
        for s in seeds:
            ec, eu = [], []
            for a in ATHLETES:
                rs, extra = runs_of(s, a, split)
                c, u = errors(rs, step, win, **extra, **kw), errors(rs, step, win, calibrate=False)
                ec.append(c), eu.append(u)
                per[a].append(c.mean() / u.mean() - 1)
            cal.append(np.concatenate(ec).mean()), unc.append(np.concatenate(eu).mean())
        cells.append(f"{np.mean(cal):.2f} ({np.mean(cal) / np.mean(unc) - 1:+.1%}; "
                     + ", ".join(f"{100 * np.mean(per[a]):+.0f}" for a in ATHLETES) + ")")
    print(f"| {label} | {split} | " + " | ".join(cells) + " |", flush=True)


def main():
    if len(sys.argv) == 2:  # a work folder of our own, to read the runs' dates from it
        sys.argv.append(tempfile.mkdtemp(prefix="live_variants."))
    out, _, seeds, step, runs = open_runs("live_variants")
    work = sys.argv[2]

    def row(label, split, runs_of, **kw):
        print_row(label, split, runs_of, seeds, step, **kw)

    plain = lambda s, a, split: (runs[s][a][(split, True)], {})  # noqa: E731
    print(f"live_variants: {out}, finetuned models, seeds {seeds}, step {step} s. MAE bpm after the window, the five "
          "athletes pooled, mean over seeds (change against uncalibrated; per athlete in %)\n")
    print("| calibration | runs | 5 min | 10 min | 20 min |")
    print("|---|---|---|---|---|")
    for split in ("val", "test"):
        row("default (last 30 s, fading to 40 %, 450 s)", split, plain)
    for span in (60, 120, 180):
        for alpha in (0.5, 1.0, 2.0):
            for split in ("val", "test"):
                row(f"closing over {span} s, x{alpha:g}", split, plain, closing=(span, alpha))
    for neg in ((0.2, 150), (0.2, 450), (0.3, 300), (0.4, 150), (0.0, 450), (0.6, 450)):
        for split in ("val", "test"):
            row(f"a negative offset fades to {100 * neg[0]:g} % ({neg[1]} s)", split, plain, negative=neg)
    pooled = {s: expected_residual([x for b in ATHLETES for x in runs[s][b][("val", True)]]) for s in seeds}
    own = {(s, a): expected_residual(runs[s][a][("val", True)]) for s in seeds for a in ATHLETES}
    for label, curve in (("own", lambda s, a: own[(s, a)]), ("pooled", lambda s, a: pooled[s])):
        for weight in (1.0, 0.5):
            for split in ("val", "test"):
                row(f"position, {label} validation curve, weight {weight:g}", split,
                    lambda s, a, sp, curve=curve: (runs[s][a][(sp, True)], {"expected": curve(s, a)}),
                    weight=weight)
    if len(seeds) > 1:
        for split in ("val", "test"):
            ens = {a: [(np.mean([runs[s][a][(split, True)][j][0] for s in seeds], axis=0),
                        runs[seeds[0]][a][(split, True)][j][1]) for j in range(len(runs[seeds[0]][a][(split, True)]))]
                   for a in ATHLETES}
            cells = []
            for win in WINDOWS:
                c = np.concatenate([errors(ens[a], step, win) for a in ATHLETES]).mean()
                u = np.concatenate([errors(ens[a], step, win, calibrate=False) for a in ATHLETES]).mean()
                cells.append(f"{c:.2f} ({c / u - 1:+.1%}; " + ", ".join(
                    f"{100 * (errors(ens[a], step, win).mean() / errors(ens[a], step, win, False).mean() - 1):+.0f}"
                    for a in ATHLETES) + ")")
            print(f"| ensemble of the {len(seeds)} seeds, default | {split} | " + " | ".join(cells) + " |")

    # the calibrated LSTM blended with the calibrated per-athlete physiological model (bench/real.sh's
    # models/physio.safetensors, predicted once into the work folder, in the same order as the LSTM's runs)
    physio_json = os.path.join(work, "physio.json")
    if not os.path.exists(physio_json):
        subprocess.run([os.environ.get("HRCAST", "build/hrcast"), "predict", os.path.join(out, "models",
                        "physio.safetensors"), os.path.join(out, "real.hrd"), "--format", "json", "-q", "-o",
                        physio_json], check=True)
    who = {}
    for line in open(os.path.join(work, "real.jsonl")):
        r = json.loads(line)
        who[r["source"]] = (r["athlete"], r["split_chrono"])
    physio = {}
    for wk in json.load(open(physio_json))["workouts"]:
        if wk["source"] in who:
            physio.setdefault(who[wk["source"]], []).append(np.array(wk["hr_pred"], float))
    for split in ("val", "test"):
        cells = []
        for lstm_weight in (0.9, 0.8, 0.7, 0.5):
            maes = []
            for win in WINDOWS:
                per_seed = []
                for s in seeds:
                    e = []
                    for a in ATHLETES:
                        blend = [(lstm_weight * p + (1 - lstm_weight) * q, y)
                                 for (p, y), q in zip(runs[s][a][(split, True)], physio[(a, split)])]
                        # each calibrated on its own window: a linear blend of the two calibrated predictions
                        e.append(errors(blend, step, win))
                    per_seed.append(np.concatenate(e).mean())
                maes.append(f"{np.mean(per_seed):.2f}")
            cells.append(f"LSTM weight {lstm_weight:g}: " + " / ".join(maes))
        print(f"\nBlended with per-athlete physio, {split} (MAE after 5 / 10 / 20 min, mean over seeds): "
              + "; ".join(cells))

    a = "arthurfsy2-workouts-page"
    w = int(np.ceil(300 / step - 1e-4))
    print(f"\narthurfsy2 at 5 min (seed {seeds[0]}): runs whose window ends 10 bpm or more under the prediction")
    for split in ("val", "test"):
        rs = [(p, y) for p, y in runs[seeds[0]][a][(split, True)] if w < len(p)]
        low = [(p, y) for p, y in rs if window_offset(p, y, w, int(round(TAIL / step))) <= -10]
        rest = [(p, y) for p, y in rs if window_offset(p, y, w, int(round(TAIL / step))) > -10]

        def cal_unc(group):
            if not group:
                return "none"
            c, u = errors(group, step, 300), errors(group, step, 300, calibrate=False)
            return f"{c.mean():.2f} calibrated against {u.mean():.2f} uncalibrated ({len(c)} steps)"
        print(f"- {split}: {len(low)} of {len(rs)} runs: {cal_unc(low)}; the others: {cal_unc(rest)}")
    # by year: the runs of the test part that start low, and when they were run
    start = {}
    for line in open(os.path.join(work, "real.jsonl")):
        r = json.loads(line)
        if r["athlete"] == a:
            start[r["source"]] = (r["split_chrono"], r["start_time"])
    years = {}
    for wk in json.load(open(os.path.join(work, f"ft_s{seeds[0]}_{a}.json")))["workouts"]:
        if wk["source"] not in start:
            continue
        split, t = start[wk["source"]]
        p = np.array(wk["hr_pred"], float)
        y = np.array([np.nan if v is None else v for v in wk["hr_actual"]], float)
        if split in ("val", "test") and w < len(p):
            key = (split, datetime.datetime.fromtimestamp(t, datetime.timezone.utc).year)
            low, n = years.get(key, (0, 0))
            years[key] = (low + (window_offset(p, y, w, int(round(TAIL / step))) <= -10), n + 1)
    print("- by year, low starts / runs: " + ", ".join(f"{sp} {yr}: {lo}/{n}" for (sp, yr), (lo, n) in sorted(years.items())))


if __name__ == "__main__":
    main()
