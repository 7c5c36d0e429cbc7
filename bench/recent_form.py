#!/usr/bin/python3
"""recent_form.py — how the constants of the recent form were chosen (src/model/recent_form.h; docs/results.md,
"Recent form"): the shift of a run is the sum of the mean residuals (recorded - predicted, trusted steps, runs
with >= 300 s of them) of the runner's last K runs that started within D days before it, divided by
(their count + PRIOR).

On bench/real.sh's finetuned models (each athlete's model on that athlete's runs), every (K, PRIOR, D) of the
grid below is scored on the VALIDATION runs (the history: earlier validation runs only) and, for the record, on
the TEST runs (the history: validation and earlier test runs, as `hrcast eval --recent-form`); the grid is
ranked on validation, pooled over the five athletes' steps and averaged over the seeds. Also printed: the
same rule without the D limit, "static" (the history frozen at the end of the validation part: what a
model that is never told about new runs would carry), and the rule chosen without the runner (each athlete's
test runs scored with the grid's best on the other four athletes' validation runs).

Reads OUT (a bench/real.sh output folder: real.hrd, models/ft_s*_A.safetensors), runs `hrcast predict`
(HRCAST, default build/hrcast) and `hrcast export --format jsonl` into WORKDIR (a temp folder unless given;
reused when it holds them already; bench/live_trust.py's WORKDIR works) and prints a Markdown table. Needs numpy.
Usage: bench/recent_form.py OUT [WORKDIR]
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
KS = (1, 2, 3, 5, 10)
PRIORS = (0, 1, 2, 3, 5, 10)
DAYS = (3, 7, 14, 28, None)
CHOSEN = (3, 3, 7)
MIN_S = 300


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench/recent_form.py OUT [WORKDIR]")
    out = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="recent_form.")
    hrcast, hrd, models, seeds, _ = open_real_out("recent_form", out, work)
    meta = {}
    for line in open(os.path.join(work, "real.jsonl")):
        w = json.loads(line)
        if w["athlete"] in ATHLETES and w["split_chrono"] in ("val", "test"):
            trusted = np.array([q is None and h is not None for h, q in zip(w["heart_rate"], w["hr_issue"])])
            meta[w["source"]] = (w["athlete"], w["split_chrono"], w["start_time"], w["step_s"], trusted)
    runs = {}  # (seed, athlete) -> [(start, split, pred, rec, trusted)] by start time
    for s in seeds:
        for a in ATHLETES:
            p = os.path.join(work, f"ft_s{s}_{a}.json")
            if not os.path.exists(p):
                subprocess.run([hrcast, "predict", os.path.join(models, f"ft_s{s}_{a}.safetensors"), hrd,
                                "--format", "json", "-q", "-o", p], check=True)
            r = []
            for w in json.load(open(p))["workouts"]:
                m = meta.get(w["source"])
                if not m or m[0] != a:
                    continue
                pred = np.array(w["hr_pred"], float)
                rec = np.array([np.nan if v is None else v for v in w["hr_actual"]], float)
                r.append((m[2], m[1], pred, rec, m[4], m[3]))
            runs[(s, a)] = sorted(r, key=lambda x: x[0])

    def residual(run):
        _, _, pred, rec, trusted, step = run
        if trusted.sum() * step < MIN_S:
            return None
        return float((rec[trusted] - pred[trusted]).mean())

    res = {k: [residual(x) for x in v] for k, v in runs.items()}

    def errors(part, k, prior, days, static=False):
        """{(seed, athlete): (absolute errors with the shift, without)} on the part's runs"""
        out = {}
        for s in seeds:
            for a in ATHLETES:
                hist, e, u = [], [], []
                for run, r in zip(runs[(s, a)], res[(s, a)]):
                    t0, sp, pred, rec = run[:4]
                    if part == "val" and sp != "val":
                        continue
                    if sp == part:
                        h = [x for tt, x in hist if days is None or t0 - tt <= days * 86400][-k:]
                        c = sum(h) / (len(h) + prior) if h else 0.0
                        ok = ~np.isnan(rec)
                        e.append(np.abs(rec[ok] - pred[ok] - c))
                        u.append(np.abs(rec[ok] - pred[ok]))
                    if r is not None and (sp == "val" or not static):
                        hist.append((t0, r))
                out[(s, a)] = (np.concatenate(e), np.concatenate(u))
        return out

    def score(part, k, prior, days, static=False, athletes=ATHLETES):
        """(pooled MAE per seed over `athletes`, {athlete: [change against no shift per seed]})"""
        err = errors(part, k, prior, days, static)
        maes = [np.concatenate([err[(s, a)][0] for a in athletes]).mean() for s in seeds]
        per = {a: [err[(s, a)][0].mean() / err[(s, a)][1].mean() - 1 for s in seeds] for a in athletes}
        return maes, per

    def fmt(maes):
        return f"{np.mean(maes):.2f}" + (f" ± {np.std(maes, ddof=1):.2f}" if len(maes) > 1 else "")

    none_val, _ = score("val", 1, 1e12, None)
    none_test, _ = score("test", 1, 1e12, None)
    grid = [(np.mean(score("val", k, pr, d)[0]), k, pr, d) for k in KS for pr in PRIORS for d in DAYS]
    grid.sort(key=lambda g: g[0])
    print(f"Recent form on {out}'s finetuned models, seeds {', '.join(map(str, seeds))}: MAE bpm, pooled steps, "
          f"mean ± sd over seeds. Without a shift: validation {fmt(none_val)}, test {fmt(none_test)}.")
    print()
    print("| rank on validation | K runs | prior | within D days | validation | test | test per athlete (%) "
          "(" + ", ".join(SHORT) + ") |")
    print("|---|---|---|---|---|---|---|")
    shown = grid[:10] + [g for g in grid[10:] if g[1:] == CHOSEN]
    for g in shown:
        rank = grid.index(g) + 1
        t, per = score("test", g[1], g[2], g[3])
        chosen = " (hrcast's)" if g[1:] == CHOSEN else ""
        print(f"| {rank}{chosen} | {g[1]} | {g[2]} | {g[3] if g[3] else 'any'} | {g[0]:.2f} | {fmt(t)} | " +
              ", ".join(f"{100 * np.mean(per[a]):+.1f}" for a in ATHLETES) + " |")
    t, per = score("test", *CHOSEN, static=True)
    print(f"| static (history frozen after validation) | {CHOSEN[0]} | {CHOSEN[1]} | {CHOSEN[2]} | | {fmt(t)} | " +
          ", ".join(f"{100 * np.mean(per[a]):+.1f}" for a in ATHLETES) + " |")
    t, per = score("test", CHOSEN[0], CHOSEN[1], None, static=True)
    print(f"| static, no day limit | {CHOSEN[0]} | {CHOSEN[1]} | any | | {fmt(t)} | " +
          ", ".join(f"{100 * np.mean(per[a]):+.1f}" for a in ATHLETES) + " |")

    # A runner the rule was not chosen on: for each athlete, the grid ranked on the other four athletes'
    # validation runs only; that athlete's test runs scored with the pick; the five held-out athletes pooled.
    val_err = {g: errors("val", *g) for g in ((k, pr, d) for k in KS for pr in PRIORS for d in DAYS)}
    picks, held = {}, {s: [] for s in seeds}
    for a in ATHLETES:
        others = [b for b in ATHLETES if b != a]
        picks[a] = min(val_err, key=lambda g: np.mean([np.concatenate([val_err[g][(s, b)][0] for b in others]).mean()
                                                       for s in seeds]))
        test_err = errors("test", *picks[a])
        for s in seeds:
            held[s].append(test_err[(s, a)][0])
    loo = [np.concatenate(held[s]).mean() for s in seeds]
    print()
    print("Chosen without the runner (each athlete's rule ranked on the other four's validation runs; test runs "
          f"of the five pooled): **{fmt(loo)}** against {fmt(score('test', *CHOSEN)[0])} with hrcast's rule and "
          f"{fmt(none_test)} without a shift. Picks: " +
          "; ".join(f"{b}: K {picks[a][0]}, prior {picks[a][1]}, {picks[a][2] or 'any'} days"
                    for a, b in zip(ATHLETES, SHORT)) + ".")


if __name__ == "__main__":
    main()
