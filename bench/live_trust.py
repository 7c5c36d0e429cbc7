#!/usr/bin/python3
"""live_trust.py — which steps of the window, and how strong a prior, estimate the day's offset best
(docs/live.md, "Calibration from the HR so far"; docs/results.md, "Which part of the window to trust").

The offset of a run is the mean residual (recorded - predicted) over the window's counted steps, shrunk by a
prior of k steps (src/eval/calibrate.c). This script scores, on bench/real.sh's finetuned models (each
athlete's model on that athlete's chrono test runs), the errors after windows of 5, 10 and 20 minutes for:

  - trusts LEARNED on validation runs by the grid of `calib_learn` (warm-ups 0-480 s and tails of 60, 120
    and 300 s, each with k in 0, 3, 10, 30, 100, 300 and never):
      all     on the whole chrono validation part, every athlete's runs, predicted by the athlete's model
              (what `eval --trust-on all` learns),
      own     on the athlete's own validation runs (`eval --trust-on athlete`),
      pooled  on the five athletes' own validation runs together, each predicted by its own model (one
              trust for every finetuned model);
  - FIXED trusts: the old default (warm-up 180 s, k 10), hrcast's default now (the window's last 120 s,
    k 10) and the other members of the family "last M minutes, k" ranked on the VALIDATION runs (pooled
    own, the three windows and the seeds averaged): the family is ranked on validation, the test columns
    only report.

Reads OUT (a bench/real.sh output folder with COLD=0 or 1: real.hrd, models/ft_s*_A.safetensors), runs
`hrcast predict` (HRCAST, default build/hrcast) and `hrcast export --format jsonl` into WORKDIR (a temp
folder unless given; reused when it holds them already) and prints Markdown tables: MAE after the window
pooled over the five athletes' steps, mean ± sd over seeds, the change against uncalibrated, and that
change per athlete. Needs numpy. Diagnostics: the default itself lives in src/eval/calibrate.h.
Usage: bench/live_trust.py OUT [WORKDIR]
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from real_out import open_real_out

ATHLETES = ["patricktudor-strava-export", "shaonianche-running-data-sync", "arthurfsy2-workouts-page",
            "runpandas", "rikluost-athlete-hr-predict"]
SHORT = ["patricktudor", "shaonianche", "arthurfsy2", "runpandas", "rikluost"]
WINDOWS = (300, 600, 1200)
NEVER = None
KS = (0, 3, 10, 30, 100, 300, NEVER)
# calib_learn's grid: (warm-up s, tail s)
LEARN_STARTS = [(w, 0) for w in (0, 60, 120, 180, 300, 480)] + [(0, t) for t in (60, 120, 300)]
FAMILY = [(m, k) for m in (0.5, 1, 2, 3, 5, 8) for k in (3, 10, 30, 100)]  # last m minutes, prior k


def first_step(step, window, warm, tail):
    a = int(np.ceil(warm / step - 1e-4))
    if tail > 0 and window > tail:
        a = max(a, int(np.ceil((window - tail) / step - 1e-4)))
    return a


def offset(run, step, window, trust):
    warm, tail, k = trust
    if k is NEVER:
        return 0.0
    p, y = run
    w = min(int(np.ceil(window / step - 1e-4)), len(p))
    r = y[first_step(step, window, warm, tail):w] - p[first_step(step, window, warm, tail):w]
    r = r[~np.isnan(r)]
    return float(r.sum() / (len(r) + k)) if len(r) + k > 0 else 0.0


def errors(runs, step, window, trust):
    """Absolute errors after the window over runs [(pred, rec)], shifted by each run's offset (trust None:
    uncalibrated)."""
    w = int(np.ceil(window / step - 1e-4))
    out = [np.abs(p[w:] + (offset((p, y), step, window, trust) if trust else 0.0) - y[w:])[~np.isnan(y[w:])]
           for p, y in runs if w < len(p)]
    return np.concatenate(out) if out else np.zeros(0)


def learn(runs, step, window):
    best, best_mae = (0, 0, NEVER), np.inf
    for warm, tail in LEARN_STARTS:
        if warm >= window or tail >= window:
            continue
        for k in KS:
            e = errors(runs, step, window, (warm, tail, k))
            if len(e) and e.mean() < best_mae - 1e-9:
                best, best_mae = (warm, tail, k), e.mean()
    return best


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench/live_trust.py OUT [WORKDIR]")
    out = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="live_trust.")
    hrcast, hrd, models, seeds, rows = open_real_out("live_trust", out, work)
    splits = {w["source"]: (w["athlete"], w["split_chrono"]) for w in rows}
    step = rows[0]["step_s"]
    # runs[s][a][split][own]: (pred, rec) of athlete a's model on the split's runs (own: a's runs only)
    runs = {}
    for s in seeds:
        for a in ATHLETES:
            p = os.path.join(work, f"ft_s{s}_{a}.json")
            if not os.path.exists(p):
                subprocess.run([hrcast, "predict", os.path.join(models, f"ft_s{s}_{a}.safetensors"), hrd,
                                "--format", "json", "-q", "-o", p], check=True)
            d = {("val", True): [], ("val", False): [], ("test", True): []}
            for w in json.load(open(p))["workouts"]:
                who, sp = splits[w["source"]]
                if sp not in ("val", "test"):
                    continue
                run = (np.array(w["hr_pred"], float), np.array([np.nan if v is None else v for v in w["hr_actual"]],
                                                                float))
                if sp == "val":
                    d[("val", False)].append(run)
                if who == a:
                    d[(sp, True)].append(run)
            runs.setdefault(s, {})[a] = d

    def score(trust_of):
        """{window: (per-seed pooled MAE, per-seed pooled uncalibrated MAE, {athlete: [change per seed]})};
        trust_of(seed, athlete, window) gives the trust."""
        res = {}
        for win in WINDOWS:
            cal, unc, per = [], [], {a: [] for a in ATHLETES}
            for s in seeds:
                ec, eu = [], []
                for a in ATHLETES:
                    t = runs[s][a][("test", True)]
                    c, u = errors(t, step, win, trust_of(s, a, win)), errors(t, step, win, None)
                    ec.append(c), eu.append(u)
                    per[a].append(c.mean() / u.mean() - 1)
                cal.append(np.concatenate(ec).mean()), unc.append(np.concatenate(eu).mean())
            res[win] = (cal, unc, per)
        return res

    learned = {}
    for mode in ("all", "own", "pooled"):
        cache = {}

        def trust_of(s, a, win, mode=mode, cache=cache):
            key = (s, win) if mode == "pooled" else (s, a, win)
            if key not in cache:
                if mode == "pooled":
                    r = [x for b in ATHLETES for x in runs[s][b][("val", True)]]
                else:
                    r = runs[s][a][("val", mode == "own")]
                    if mode == "own" and len(r) < 3:  # as eval --trust-on athlete
                        r = runs[s][a][("val", False)]
                cache[key] = learn(r, step, win)
            return cache[key]
        learned[mode] = score(trust_of)

    # the family "last m minutes, prior k", ranked on the pooled own validation runs
    rank = []
    for m, k in FAMILY:
        rel = []
        for win in WINDOWS:
            for s in seeds:
                r = [x for b in ATHLETES for x in runs[s][b][("val", True)]]
                rel.append(errors(r, step, win, (0, 60 * m, k)).mean() / errors(r, step, win, None).mean() - 1)
        rank.append((float(np.mean(rel)), m, k))
    rank.sort()
    fixed = [("old default: warm-up 180 s, k 10", (180, 0, 10)),
             ("**default: last 120 s, k 10**", (0, 120, 10))]
    fixed += [(f"last {m:g} min, k {k} (validation rank {i + 1})", (0, 60 * m, k))
              for i, (_, m, k) in enumerate(rank[:4]) if (m, k) != (2, 10)]

    def row(name, res):
        cells = []
        for win in WINDOWS:
            cal, unc, per = res[win]
            sd = np.std(cal, ddof=1) if len(cal) > 1 else 0.0
            cells.append(f"{np.mean(cal):.2f} ± {sd:.2f} ({np.mean(cal) / np.mean(unc) - 1:+.1%})")
        worst = " / ".join(", ".join(f"{100 * np.mean(res[win][2][a]):+.0f}" for a in ATHLETES) for win in WINDOWS)
        return f"| {name} | " + " | ".join(cells) + f" | {worst} |"

    print(f"live_trust: {out}: seeds {seeds}, step {step} s; MAE bpm after the window, the five athletes' test "
          "steps pooled, mean ± sd over seeds (change against uncalibrated); per athlete: change in % at 5 / 10 / "
          f"20 min ({', '.join(SHORT)})\n")
    print("| trust | calibrated 5 min | calibrated 10 min | calibrated 20 min | per athlete (%) |")
    print("|---|---|---|---|---|")
    unc = score(lambda s, a, w: None)
    print("| uncalibrated | " + " | ".join(f"{np.mean(unc[w][1]):.2f}" for w in WINDOWS) + " | |")
    for name, mode in (("learned on all validation runs (`--trust-on all`)", "all"),
                       ("learned on the athlete's own (`--trust-on athlete`)", "own"),
                       ("learned on the five athletes' own, pooled", "pooled")):
        print(row(name, learned[mode]))
    for name, t in fixed:
        print(row(name, score(lambda s, a, w, t=t: t)))
    print("\nThe family \"last M min, prior k\" on the pooled own validation runs (mean change against "
          "uncalibrated over the three windows and the seeds), best first:")
    print(", ".join(f"last {m:g} min k {k}: {r:+.1%}" for r, m, k in rank[:8]))


if __name__ == "__main__":
    main()
