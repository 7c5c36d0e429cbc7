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
from live_trust import ATHLETES, open_runs
from live_variants import print_row


def gain_above(floor):
    """The shift's multiplier after the window: (p(t) - floor) / (p_w - floor), clipped to [0.5, 2]; p_w the
    prediction's mean over the window's last 30 s where HR was recorded (the steps the offset is measured on)."""
    def scale(p, y, w, tail):
        ok = ~np.isnan(y[w - tail:w] - p[w - tail:w])
        if floor is None or not ok.any():
            return None
        pw = float(p[w - tail:w][ok].mean())
        return np.clip((p[w:] - floor) / (pw - floor), 0.5, 2.0) if pw - floor > 1 else None
    return scale


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
            print_row(label, split, lambda s, a, sp, f=floor_of: (runs[s][a][(sp, True)], {"scale": gain_above(f(s, a))}),
                      seeds, step)


if __name__ == "__main__":
    main()
