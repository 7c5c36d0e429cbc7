#!/usr/bin/python3
"""live_recent.py — the runner's recent form and the live calibration together (tried for issue 15; docs/results.md,
"Recent form under the live calibration").

The default live calibration (src/eval/calibrate.c) shifts the prediction by the window's offset o (the mean
residual over its last 30 s) faded to 40 % with a time constant of 450 s: h seconds after the window the shift is
o x (0.4 + 0.6 exp(-h / 450)), so 60 % of it returns to the model's own level. `--recent-form`
(src/model/recent_form.h) moves that level by the model's mean residual on the runner's last 3 runs of the 7 days
before (averaged with 3 runs' worth of zero; runs outside the training part only). Together, the calibration
fades toward the recent form instead of toward 0:

    shift(h) = rf + (o - rf) x (persist + (1 - persist) exp(-h / 450)),

rf the recent-form shift, with persist 0.4 (the default), 0.5 and 0.6 (a level that is better known may deserve
less of the window's offset). Only earlier runs' HR enters rf, and the window's HR enters o.

Scores: MAE after the window (5, 10, 20 min; 0 min: offline, recent form alone) over the five athletes' steps
pooled, mean ± sd over seeds, the change against the same models uncalibrated, and that change per athlete
(patricktudor, shaonianche, arthurfsy2, runpandas, rikluost); validation (to judge) and test (to report).
The recent form is computed here as recent_form.h says, over each runner's validation and test runs by start time
(recorded HR steps, at least 300 s of them). Reads OUT as bench/live_trust.py does. Needs numpy.
Usage: bench/live_recent.py OUT [WORKDIR]
"""
import json
import os
import sys
import tempfile

import numpy as np
from live_trust import ATHLETES, open_runs

TAIL = 30                       # s: the window's last 30 s give the offset
TAU = 450                       # s: the default fade's time constant
FORM_RUNS, FORM_DAYS, FORM_PRIOR, FORM_MIN_S = 3, 7.0, 3.0, 300.0


def recent_shifts(work, seeds, step):
    """{(seed, athlete, split): [rf of each run, in open_runs' order]}."""
    meta = {}
    for line in open(os.path.join(work, "real.jsonl")):
        r = json.loads(line)
        meta[r["source"]] = (r["athlete"], r["split_chrono"], r["start_time"])
    out = {}
    for s in seeds:
        for a in ATHLETES:
            wks = json.load(open(os.path.join(work, f"ft_s{s}_{a}.json")))["workouts"]
            own = []
            for w in wks:
                who, sp, t0 = meta[w["source"]]
                if who != a or sp not in ("val", "test"):
                    continue
                p = np.array(w["hr_pred"], float)
                y = np.array([np.nan if v is None else v for v in w["hr_actual"]], float)
                ok = ~np.isnan(y) & ~np.isnan(p)
                res = float((y - p)[ok].mean()) if ok.sum() * step >= FORM_MIN_S else None
                own.append((sp, t0, res))
            for sp, t0, _ in own:
                prev = sorted((t, r) for q, t, r in own if r is not None and t < t0 and t0 - t <= FORM_DAYS * 86400)
                prev = prev[-FORM_RUNS:]
                out.setdefault((s, a, sp), []).append(sum(r for _, r in prev) / (len(prev) + FORM_PRIOR))
    return out


def errors(runs, shifts, step, win, persist):
    """Absolute errors after the window: persist None = uncalibrated; the rf shift applied when shifts given."""
    w = int(np.ceil(win / step - 1e-4))
    tail = int(round(TAIL / step))
    out = []
    for j, (p, y) in enumerate(runs):
        if w >= len(p):
            continue
        rf = shifts[j] if shifts is not None else 0.0
        shift = np.full(len(p) - w, rf)
        if persist is not None and w > 0:
            r = (y - p)[w - tail:w]
            r = r[~np.isnan(r)]
            if len(r):
                h = np.maximum(np.arange(w, len(p)) * step - win, 0)
                shift = rf + (float(r.mean()) - rf) * (persist + (1 - persist) * np.exp(-h / TAU))
        out.append(np.abs(p[w:] + shift - y[w:])[~np.isnan(y[w:])])
    return np.concatenate(out) if out else np.zeros(0)


def main():
    if len(sys.argv) == 2:
        sys.argv.append(tempfile.mkdtemp(prefix="live_recent."))
    out, _, seeds, step, runs = open_runs("live_recent")
    rf = recent_shifts(sys.argv[2], seeds, step)
    for s in seeds:
        for a in ATHLETES:
            for sp in ("val", "test"):
                assert len(rf[(s, a, sp)]) == len(runs[s][a][(sp, True)]), (s, a, sp)
    print(f"live_recent: {out}, finetuned models, seeds {seeds}, step {step} s. MAE bpm after the window, the five "
          "athletes pooled, mean ± sd over seeds (change against uncalibrated; per athlete in %)\n")
    print("| calibration | runs | offline (0 min) | 5 min | 10 min | 20 min |")
    print("|---|---|---|---|---|---|")
    variants = [("uncalibrated", False, None), ("recent form alone", True, None),
                ("default (fades toward 0)", False, 0.4)]
    variants += [(f"default, fading toward the recent form, {100 * p:g} %", True, p) for p in (0.4, 0.5, 0.6)]
    for label, use_rf, persist in variants:
        for sp in ("val", "test"):
            cells = []
            for win in (0,) + tuple(int(x) for x in (300, 600, 1200)):
                if win == 0 and persist is not None:
                    cells.append("")
                    continue
                cal, unc, per = [], [], {a: [] for a in ATHLETES}
                for s in seeds:
                    ec, eu = [], []
                    for a in ATHLETES:
                        rs = runs[s][a][(sp, True)]
                        c = errors(rs, rf[(s, a, sp)] if use_rf else None, step, win, persist)
                        u = errors(rs, None, step, win, None)
                        ec.append(c), eu.append(u)
                        per[a].append(c.mean() / u.mean() - 1)
                    cal.append(np.concatenate(ec).mean()), unc.append(np.concatenate(eu).mean())
                sd = f" ± {np.std(cal, ddof=1):.2f}" if len(seeds) > 1 else ""
                cells.append(f"{np.mean(cal):.2f}{sd} ({np.mean(cal) / np.mean(unc) - 1:+.1%}; "
                             + ", ".join(f"{100 * np.mean(per[a]):+.0f}" for a in ATHLETES) + ")")
            print(f"| {label} | {sp} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
