#!/usr/bin/python3
"""real_combine.py — what combining bench/real.sh's own models would give on the personalised split:

  - blend by validation: per athlete and seed, HR = w x finetuned LSTM + (1 - w) x per-athlete physio,
    w on the grid 0, 0.05, ..., 1 chosen by MAE on the athlete's chrono validation part (the workouts
    finetune stopped on), applied to the chrono test part;
  - fixed blends (w = 0.5, 0.75), chosen by no data;
  - the seed ensemble: the mean of the seeds' finetuned predictions (and it blended 0.75 / 0.25 with physio);
  - with OTHER (a second bench/real.sh folder on the same import, e.g. another feature set, TRAIN_ARGS): the
    mean of the two folders' finetuned models of the same seed.

Reads OUT (a bench/real.sh output folder with COLD=0 or 1: real.hrd, models/ft_s*_A.safetensors,
models/physio.safetensors = `fit-physio --split chrono`), runs `hrcast predict` (HRCAST, default build/hrcast)
over the dataset and `hrcast export --format jsonl` for the splits, and prints a Markdown table of test MAE
(bpm; pooled over steps with recorded HR, overall = the five athletes pooled; mean ± sd over seeds).
Needs numpy (Debian python3-numpy). Diagnostics only: nothing here is a default of hrcast.
Usage: bench/real_combine.py OUT [WORKDIR [OTHER]]
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
GRID = np.round(np.arange(0, 1.0001, 0.05), 2)


def run(cmd):
    subprocess.run(cmd, check=True)


def predictions(path, splits, athlete):
    """{source: (split, prediction, recorded HR with NaN where masked)} of the athlete's val and test runs."""
    out = {}
    for w in json.load(open(path))["workouts"]:
        a, sp = splits[w["source"]]
        if a != athlete or sp not in ("val", "test"):
            continue
        y = np.array([np.nan if v is None else v for v in w["hr_actual"]], float)
        out[w["source"]] = (sp, np.array(w["hr_pred"], float), y)
    return out


def errors(runs, split, pred_of):
    """Absolute errors over every recorded step of the split's runs; pred_of(source) gives the prediction."""
    e = [np.abs(pred_of(k)[m] - y[m]) for k, (sp, _, y) in runs.items() if sp == split
         for m in [~np.isnan(y)]]
    return np.concatenate(e) if e else np.zeros(0)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench/real_combine.py OUT [WORKDIR [OTHER]]")
    out = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="real_combine.")
    other = os.path.join(sys.argv[3], "models") if len(sys.argv) > 3 else None
    hrcast, hrd, models, seeds, rows = open_real_out("real_combine", out, work)
    splits = {w["source"]: (w["athlete"], w["split_chrono"]) for w in rows}

    def predict(model, name, extra=()):
        p = os.path.join(work, name + ".json")
        if not os.path.exists(p):
            run([hrcast, "predict", model, hrd, "--format", "json", "-q", "-o", p, *extra])
        return p

    rows = {}  # method -> seed -> athlete -> errors
    chosen = {}
    for a in ATHLETES:
        ph = predictions(predict(os.path.join(models, "physio.safetensors"), "physio_" + a, ["--athlete", a]),
                         splits, a)
        fts = {}
        for s in seeds:
            fts[s] = predictions(predict(os.path.join(models, f"ft_s{s}_{a}.safetensors"), f"ft_s{s}_{a}"),
                                 splits, a)
            ft = fts[s]
            mix = lambda w: (lambda k: w * ft[k][1] + (1 - w) * ph[k][1])
            val = [errors(ft, "val", mix(w)).mean() for w in GRID]
            w = float(GRID[int(np.argmin(val))])
            chosen.setdefault(a, []).append(w)
            for name, wt in (("finetuned LSTM (bench/real.sh)", 1.0), ("per-athlete physio (fit-physio)", 0.0),
                             ("blend, w chosen on validation", w), ("blend, w = 0.75", 0.75),
                             ("blend, w = 0.5", 0.5)):
                rows.setdefault(name, {}).setdefault(s, {})[a] = errors(ft, "test", mix(wt))
            if other:
                ot = predictions(predict(os.path.join(other, f"ft_s{s}_{a}.safetensors"), f"other_ft_s{s}_{a}"),
                                 splits, a)
                rows.setdefault("OTHER's finetuned LSTM", {}).setdefault(s, {})[a] = \
                    errors(ft, "test", lambda k: ot[k][1])
                rows.setdefault("mean of OUT's and OTHER's finetuned", {}).setdefault(s, {})[a] = \
                    errors(ft, "test", lambda k: 0.5 * (ft[k][1] + ot[k][1]))
        ens = lambda k: np.mean([fts[s][k][1] for s in seeds], 0)
        for name, f in (("seed ensemble (mean of %d)" % len(seeds), ens),
                        ("seed ensemble, blend w = 0.75", lambda k: 0.75 * ens(k) + 0.25 * ph[k][1])):
            rows.setdefault(name, {}).setdefault(0, {})[a] = errors(fts[seeds[0]], "test", f)

    short = [a.split("-")[0] for a in ATHLETES]
    print("| method | " + " | ".join(short) + " | **overall** |")
    print("|---" * (len(ATHLETES) + 2) + "|")
    for name, by_seed in rows.items():
        cells = []
        for a in ATHLETES + [None]:
            v = [float((np.concatenate([by_seed[s][x] for x in ATHLETES]) if a is None else by_seed[s][a]).mean())
                 for s in by_seed]
            cell = "%.2f" % v[0] if len(v) == 1 else "%.2f ± %.2f" % (np.mean(v), np.std(v, ddof=1))
            cells.append("**%s**" % cell if a is None else cell)
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("w chosen on validation (seeds %s): " % ", ".join(map(str, seeds)) +
          "; ".join(f"{a.split('-')[0]} {', '.join('%.2f' % w for w in chosen[a])}" for a in ATHLETES))


if __name__ == "__main__":
    main()
