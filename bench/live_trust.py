#!/usr/bin/python3
"""live_trust.py — which steps of the window, and how strong a prior, estimate the day's offset best
(docs/live.md, "Calibration from the HR so far"; docs/results.md, "Which part of the window to trust").

The offset of a run is the mean residual (recorded - predicted) over the window's counted steps, shrunk by a
prior of k steps; h seconds after the window it has faded to offset x (persist + (1 - persist) exp(-h / tau))
(src/eval/calibrate.c; tau 0: held). This script scores, on bench/real.sh's finetuned models (each athlete's
model on that athlete's chrono test runs), the errors after windows of 5, 10 and 20 minutes for:

  - trusts LEARNED on validation runs by the grid of `calib_learn` (warm-ups 0-480 s and tails of 30, 60,
    120 and 300 s, each with k in 0, 3, 10, 30, 100, 300 and never, each held or fading to 20-80 % with a
    time constant of 150, 450 or 900 s):
      all     on the whole chrono validation part, every athlete's runs, predicted by the athlete's model
              (what `eval --trust-on all` learns),
      own     on the athlete's own validation runs (`eval --trust-on athlete`),
      pooled  on the five athletes' own validation runs together, each predicted by its own model (one
              trust for every finetuned model);
  - FIXED trusts: the two earlier defaults (warm-up 180 s, k 10; the window's last 120 s, k 10), hrcast's
    default now (the last 30 s, k 0, fading to 40 % with a time constant of 450 s) and the best members of
    the family "last M, k, fade" ranked on the VALIDATION runs (pooled own, the three windows and the seeds
    averaged): the family is ranked on validation, the test columns only report.

With --cold, the same for models that know none of the runners: each athlete's leave-one-out cold-start
model (OUT from bench/real.sh with COLD=1 or only: loo/A/cold_sS.safetensors) on that athlete's runs; the
"pooled own" validation runs rank the family for a general model, and the default row is the general default
(the last 30 s, k 0, fading to 80 % over 150 s; the finetuned default is listed beside it). Last, for
windows of 2-30 min, the family's best on validation for each window alone, and its test MAE.

Env TAILS: the family's tails in seconds (default 30,60,120,300; TAILS=10,20,30,60,120,300 adds the
shortest the 10 s grid allows, docs/results.md "Shorter tails").

Reads OUT (a bench/real.sh output folder with COLD=0 or 1: real.hrd, models/ft_s*_A.safetensors), runs
`hrcast predict` (HRCAST, default build/hrcast) and `hrcast export --format jsonl` into WORKDIR (a temp
folder unless given; reused when it holds them already) and prints Markdown tables: MAE after the window
pooled over the five athletes' steps, mean ± sd over seeds, the change against uncalibrated, and that
change per athlete. Needs numpy. Diagnostics: the default itself lives in src/eval/calibrate.h.
Usage: bench/live_trust.py [--cold] OUT [WORKDIR]
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
# calib_learn's grid: (warm-up s, tail s), and the fades (persist, tau s; tau 0: held)
LEARN_STARTS = [(w, 0) for w in (0, 60, 120, 180, 300, 480)] + [(0, t) for t in (30, 60, 120, 300)]
FADES = [(1, 0)] + [(p, tau) for p in (0.2, 0.4, 0.6, 0.8) for tau in (150, 450, 900)]
# the family "last m minutes, prior k, fade"; TAILS (seconds, comma-separated) widens or narrows its tails
TAIL_MINUTES = tuple(float(t) / 60 for t in os.environ.get("TAILS", "30,60,120,300").split(","))
FAMILY = [(m, k, f) for m in TAIL_MINUTES for k in (0, 3, 10, 30) for f in FADES]


def first_step(step, window, warm, tail):
    a = int(np.ceil(warm / step - 1e-4))
    if tail > 0 and window > tail:
        a = max(a, int(np.ceil((window - tail) / step - 1e-4)))
    return a


def offset(run, step, window, trust):
    warm, tail, k = trust[:3]
    if k is NEVER:
        return 0.0
    p, y = run
    w = min(int(np.ceil(window / step - 1e-4)), len(p))
    r = y[first_step(step, window, warm, tail):w] - p[first_step(step, window, warm, tail):w]
    r = r[~np.isnan(r)]
    return float(r.sum() / (len(r) + k)) if len(r) + k > 0 else 0.0


def fade(trust, n, step, window, w):
    """The fade of the steps w..n-1 (calib_shift: h = i x step - window)."""
    persist, tau = trust[3:]
    if tau <= 0:
        return np.ones(n - w)
    h = np.maximum(np.arange(w, n) * step - window, 0)
    return persist + (1 - persist) * np.exp(-h / tau)


def errors(runs, step, window, trust, offsets=None):
    """Absolute errors after the window over runs [(pred, rec)], shifted by each run's offset, faded (trust
    None: uncalibrated); offsets: the runs' offsets when already computed."""
    w = int(np.ceil(window / step - 1e-4))
    out = []
    for j, (p, y) in enumerate(runs):
        if w >= len(p):
            continue
        o = 0.0 if not trust else offsets[j] if offsets is not None else offset((p, y), step, window, trust)
        shift = o * fade(trust, len(p), step, window, w) if trust else 0.0
        out.append(np.abs(p[w:] + shift - y[w:])[~np.isnan(y[w:])])
    return np.concatenate(out) if out else np.zeros(0)


def learn(runs, step, window):
    best, best_mae = (0, 0, NEVER, 1, 0), np.inf
    for warm, tail in LEARN_STARTS:
        if warm >= window or tail >= window:
            continue
        for k in KS:
            offs = [offset(r, step, window, (warm, tail, k)) for r in runs]
            for f in (FADES if k is not NEVER else FADES[:1]):
                e = errors(runs, step, window, (warm, tail, k) + f, offs)
                if len(e) and e.mean() < best_mae - 1e-9:
                    best, best_mae = (warm, tail, k) + f, e.mean()
    return best


def open_runs(name):
    """Parses `[--cold] OUT [WORKDIR]` from the command line, predicts (or reuses WORKDIR's predictions) and
    returns (out, cold, seeds, step, runs): runs[s][a][(split, own)] = [(pred, rec)] of athlete a's model (seed
    s) on the split's runs, own: a's runs only; ("val", False): every athlete's validation runs."""
    args = sys.argv[1:]
    cold = bool(args) and args[0] == "--cold"
    args = args[1:] if cold else args
    if not args:
        sys.exit(f"usage: bench/{name}.py [--cold] OUT [WORKDIR]")
    out = args[0]
    work = args[1] if len(args) > 1 else tempfile.mkdtemp(prefix=f"{name}.")
    hrcast, hrd, models, seeds, rows = open_real_out(name, out, work, cold)
    kind = "cold" if cold else "ft"
    splits = {w["source"]: (w["athlete"], w["split_chrono"]) for w in rows}
    step = rows[0]["step_s"]
    runs = {}
    for s in seeds:
        for a in ATHLETES:
            p = os.path.join(work, f"{kind}_s{s}_{a}.json")
            model = os.path.join(models, a, f"cold_s{s}.safetensors") if cold else \
                os.path.join(models, f"ft_s{s}_{a}.safetensors")
            if not os.path.exists(p):
                subprocess.run([hrcast, "predict", model, hrd, "--format", "json", "-q", "-o", p], check=True)
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
    return out, cold, seeds, step, runs


def main():
    out, cold, seeds, step, runs = open_runs("live_trust")

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

    # the family "last m minutes, prior k, fade", ranked on the pooled own validation runs
    def name(m, k, f):
        return f"last {60 * m:g} s, k {k}, " + ("held" if f[1] <= 0 else f"fading to {100 * f[0]:g} % ({f[1]:g} s)")
    rank = []
    val = {s: [x for b in ATHLETES for x in runs[s][b][("val", True)]] for s in seeds}
    unc_val = {(s, win): errors(val[s], step, win, None).mean() for s in seeds for win in WINDOWS}
    for m, k in sorted({(m, k) for m, k, _ in FAMILY}):
        offs = {(s, win): [offset(r, step, win, (0, 60 * m, k)) for r in val[s]] for s in seeds for win in WINDOWS}
        for f in FADES:
            rel = [errors(val[s], step, win, (0, 60 * m, k) + f, offs[(s, win)]).mean() / unc_val[(s, win)] - 1
                   for win in WINDOWS for s in seeds]
            rank.append((float(np.mean(rel)), m, k, f))
    rank.sort()
    # the default of the model's kind (src/eval/calibrate.h: CALIB_GENERAL_TRUST, CALIB_PERSONAL_TRUST)
    personal, general = (0.5, 0, (0.4, 450)), (0.5, 0, (0.8, 150))
    default, other = (general, personal) if cold else (personal, general)
    fixed = [("first default: warm-up 180 s, k 10", (180, 0, 10, 1, 0)),
             ("second default: last 120 s, k 10", (0, 120, 10, 1, 0)),
             ("**default: " + name(*default) + "**", (0, 60 * default[0], default[1]) + default[2]),
             (("finetuned" if cold else "general") + " model's default: " + name(*other),
              (0, 60 * other[0], other[1]) + other[2])]
    fixed += [(name(m, k, f) + f" (validation rank {i + 1})", (0, 60 * m, k) + f)
              for i, (_, m, k, f) in enumerate(rank[:4]) if (m, k, f) not in (default, other)]
    default_rank = [i + 1 for i, (_, m, k, f) in enumerate(rank) if (m, k, f) == default]

    def row(label, res):
        cells = []
        for win in WINDOWS:
            cal, unc, per = res[win]
            sd = np.std(cal, ddof=1) if len(cal) > 1 else 0.0
            cells.append(f"{np.mean(cal):.2f} ± {sd:.2f} ({np.mean(cal) / np.mean(unc) - 1:+.1%})")
        worst = " / ".join(", ".join(f"{100 * np.mean(res[win][2][a]):+.0f}" for a in ATHLETES) for win in WINDOWS)
        return f"| {label} | " + " | ".join(cells) + f" | {worst} |"

    print(f"live_trust: {out}: " + ("leave-one-out cold-start models" if cold else "finetuned models")
          + f", seeds {seeds}, step {step} s; MAE bpm after the window, the five athletes' test "
          "steps pooled, mean ± sd over seeds (change against uncalibrated); per athlete: change in % at 5 / 10 / "
          f"20 min ({', '.join(SHORT)})\n")
    print("| trust | calibrated 5 min | calibrated 10 min | calibrated 20 min | per athlete (%) |")
    print("|---|---|---|---|---|")
    unc = score(lambda s, a, w: None)
    print("| uncalibrated | " + " | ".join(f"{np.mean(unc[w][1]):.2f}" for w in WINDOWS) + " | |")
    for label, mode in (("learned on all validation runs (`--trust-on all`)", "all"),
                       ("learned on the athlete's own (`--trust-on athlete`)", "own"),
                       ("learned on the five athletes' own, pooled", "pooled")):
        print(row(label, learned[mode]))
    for label, t in fixed:
        print(row(label, score(lambda s, a, w, t=t: t)))
    print(f"\nThe family \"last M, prior k, fade\" ({len(rank)} members) on the pooled own validation runs (mean "
          "change against uncalibrated over the three windows and the seeds), best first:")
    print("; ".join(f"{name(m, k, f)}: {r:+.1%}" for r, m, k, f in rank[:8]))
    print(f"\nThe default ranks {default_rank[0]} of {len(rank)}; held (no fade), the best is "
          + next(f"{name(m, k, f)} ({r:+.1%})" for r, m, k, f in rank if f[1] <= 0) + ".")

    # a trust per window length: the family's best on the pooled own validation runs of that window alone
    print("\nA trust per window length (the family's best on validation for that window alone; test MAE, the five "
          "athletes pooled, mean over seeds, against the default's):")
    test = {s: [x for b in ATHLETES for x in runs[s][b][("test", True)]] for s in seeds}
    dflt = (0, 60 * default[0], default[1]) + default[2]
    for win in (120, 300, 600, 900, 1200, 1800):
        unc = {s: errors(val[s], step, win, None).mean() for s in seeds}
        best = min(((float(np.mean([errors(val[s], step, win, (0, 60 * m, k) + f).mean() / unc[s] - 1 for s in seeds])),
                     m, k, f) for m, k, f in FAMILY), key=lambda x: x[0])
        t_best = np.mean([errors(test[s], step, win, (0, 60 * best[1], best[2]) + best[3]).mean() for s in seeds])
        t_def = np.mean([errors(test[s], step, win, dflt).mean() for s in seeds])
        print(f"- {win / 60:g} min: {name(*best[1:])} (validation {best[0]:+.1%}): test {t_best:.2f} against {t_def:.2f}")


if __name__ == "__main__":
    main()
