#!/usr/bin/python3
"""live_gain.py — issue 15's "offset (and gain)": does the day's offset scale with the effort? Tried against
hrcast's default live calibration on bench/real.sh's finetuned models (docs/results.md, "A gain in the live
calibration").

The default (src/eval/calibrate.c): the window's last 30 s give the offset o (mean residual, no prior); h seconds
after the window the prediction is shifted by o x (0.4 + 0.6 exp(-h / 450)). A heart that beats 8 bpm over the
model at 150 bpm may beat more than 8 over it at 175: if the day's error is a gain on the heart rate above some
floor R rather than a constant, the shift at step t should be scaled by (p(t) - R) / (p_w - R), p the prediction
and p_w its mean over the window's last 30 s (the steps the offset was measured on); the ratio is clipped to
[0.5, 2]. R -> minus infinity is the default. Tried: R 0, 40, 60, 80, 100 bpm, and R the runner's resting HR
as the model sees it (the 5th percentile of the prediction over the athlete's validation runs).

Scores: MAE after the window (5, 10, 20 min) over the five athletes' steps pooled, mean over seeds, the change
against uncalibrated and that change per athlete (patricktudor, shaonianche, arthurfsy2, runpandas, rikluost);
validation (to judge) and test (to report). Reads OUT as bench/live_trust.py does. Needs numpy.
Usage: bench/live_gain.py OUT [WORKDIR]
"""
import sys
import tempfile

import numpy as np
from live_trust import ATHLETES, WINDOWS, fade, open_runs

PERSONAL = (0.4, 450)  # CALIB_PERSONAL_TRUST's fade
TAIL = 30              # s


def errors(runs, step, win, floor=None, calibrate=True):
    w = int(np.ceil(win / step - 1e-4))
    tail = int(round(TAIL / step))
    out = []
    for p, y in runs:
        if w >= len(p):
            continue
        shift = 0.0
        if calibrate:
            r = y[w - tail:w] - p[w - tail:w]
            ok = ~np.isnan(r)
            o = float(r[ok].mean()) if ok.any() else 0.0
            shift = o * fade((0, 0, 0) + PERSONAL, len(p), step, win, w)
            if floor is not None and ok.any():
                pw = float(p[w - tail:w][ok].mean())
                if pw - floor > 1:
                    shift = shift * np.clip((p[w:] - floor) / (pw - floor), 0.5, 2.0)
        out.append(np.abs(p[w:] + shift - y[w:])[~np.isnan(y[w:])])
    return np.concatenate(out) if out else np.zeros(0)


def main():
    if len(sys.argv) == 2:
        sys.argv.append(tempfile.mkdtemp(prefix="live_gain."))
    out, _, seeds, step, runs = open_runs("live_gain")
    # the runner's resting HR as the model sees it: the 5th percentile of its predictions on their validation runs
    rest = {(s, a): float(np.percentile(np.concatenate([p for p, _ in runs[s][a][("val", True)]]), 5))
            for s in seeds for a in ATHLETES}
    print(f"live_gain: {out}, finetuned models, seeds {seeds}, step {step} s. MAE bpm after the window, the five "
          "athletes pooled, mean over seeds (change against uncalibrated; per athlete in %)")
    print("resting HR as the models see it (5th percentile of the validation predictions, seed "
          f"{seeds[0]}): " + ", ".join(f"{a.split('-')[0]} {rest[(seeds[0], a)]:.0f}" for a in ATHLETES) + "\n")
    print("| calibration | runs | 5 min | 10 min | 20 min |")
    print("|---|---|---|---|---|")
    variants = [("default (additive)", lambda s, a: None)]
    variants += [(f"gain above {f} bpm", lambda s, a, f=f: float(f)) for f in (0, 40, 60, 80, 100)]
    variants += [("gain above the runner's resting HR", lambda s, a: rest[(s, a)])]
    for label, floor_of in variants:
        for split in ("val", "test"):
            cells = []
            for win in WINDOWS:
                cal, unc, per = [], [], {a: [] for a in ATHLETES}
                for s in seeds:
                    ec, eu = [], []
                    for a in ATHLETES:
                        rs = runs[s][a][(split, True)]
                        c, u = errors(rs, step, win, floor_of(s, a)), errors(rs, step, win, calibrate=False)
                        ec.append(c), eu.append(u)
                        per[a].append(c.mean() / u.mean() - 1)
                    cal.append(np.concatenate(ec).mean()), unc.append(np.concatenate(eu).mean())
                cells.append(f"{np.mean(cal):.2f} ({np.mean(cal) / np.mean(unc) - 1:+.1%}; "
                             + ", ".join(f"{100 * np.mean(per[a]):+.0f}" for a in ATHLETES) + ")")
            print(f"| {label} | {split} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
