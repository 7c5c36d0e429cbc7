#!/usr/bin/env python3
"""real_tables.py — the Markdown tables of bench/real.sh (python3, standard library only).

Reads OUT/run.txt, OUT/info.txt, OUT/models/general_s*.safetensors (the card of the general model) and the
JSON that bench/real.sh collected in OUT/json/, and prints on stdout: the personalised table (per athlete and
overall, mean ± sd over seeds: finetuned LSTM, general LSTM, per-athlete physio, constant), the ratio to
per-athlete physio and the goals of issue 14, MAE on all recorded steps next to trusted steps, the cold start
(leave one athlete out), per-kind MAE, and the live rows (eval --calibrate) of the finetuned and of the
cold-start models, kept apart from the offline tables.

Overall = the athletes' test parts pooled: MAE weighted by valid steps (exact: a global masked MAE), per seed,
then mean ± sd over the seeds. The baselines are deterministic (the same for every seed).
Usage: bench/real_tables.py OUT [OUT2 ...] > real.md   (several OUT: runs that shared the work, e.g. COLD=0 and
COLD=only; each file is taken from the first OUT that has it, and each run's settings are printed)
"""
import json
import os
import statistics
import struct
import sys

SHORT = {
    "patricktudor-strava-export": "patricktudor",
    "shaonianche-running-data-sync": "shaonianche",
    "arthurfsy2-workouts-page": "arthurfsy2",
    "runpandas": "runpandas",
    "rikluost-athlete-hr-predict": "rikluost",
}
GOAL_PER_ATHLETE = 0.10   # >= 10 % better than per-athlete physio on each athlete
GOAL_OVERALL = 0.15       # >= 15 % overall
GOAL_OVERALL_MAE = 8.5    # bpm
GOAL_COLD_MAE = 13.0      # bpm, cold start overall


def load(path):
    with open(path) as f:
        return json.load(f)


def kv_file(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def ms(values, digits=2):
    """mean ± sd over seeds (sample sd); one value, or the same value every seed (a deterministic baseline),
    without sd."""
    v = [x for x in values if x is not None]
    if not v:
        return "–"
    if len(set(v)) == 1:
        return f"{v[0]:.{digits}f}"
    return f"{statistics.mean(v):.{digits}f} ± {statistics.stdev(v):.{digits}f}"


def mean(values):
    v = [x for x in values if x is not None]
    return statistics.mean(v) if v else None


def pool(pairs):
    """[(mae, steps), ...] -> step-weighted MAE (None when no steps)."""
    n = sum(s for _, s in pairs if s)
    return sum(m * s for m, s in pairs if s) / n if n else None


def base_key(baselines, kind):
    """The baseline's row name: "physio" / "constant", or "...-base" when MODEL was of the same kind."""
    for k in (kind, kind + "-base"):
        if k in baselines:
            return k
    return None


def card(path):
    try:
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            meta = json.loads(f.read(n)).get("__metadata__", {})
        return meta.get("model_type", "?"), json.loads(meta.get("model", "{}"))
    except (OSError, ValueError, struct.error):
        return "?", {}


def describe_model(outs, seeds):
    def model(s):
        return next((p for p in (os.path.join(o, "models", f"general_s{s}.safetensors") for o in outs)
                     if os.path.exists(p)), "")
    kind, m = card(model(seeds[0]))
    a, t = m.get("architecture", {}), m.get("training", {})
    parts = [f"model_type {kind}"]
    if m.get("features", {}).get("set"):
        parts.append(f"features `{m['features']['set']}`")
    if a.get("num_layers") and a.get("hidden_size"):
        parts.append(f"{a['num_layers']}x{a['hidden_size']} {a.get('type', '')}".rstrip())
    for key, name in (("loss", "loss"),):
        if m.get(key):
            parts.append(f"{name} {m[key]}")
    for key, name in (("batch", "batch"), ("lr", "lr"), ("max_len_steps", "max-len")):
        if key in t:
            parts.append(f"{name} {t[key]:g}" if isinstance(t[key], float) else f"{name} {t[key]}")
    best = [card(model(s))[1].get("training", {}) for s in seeds]
    eps = ", ".join(f"{b.get('best_epoch', '?')}/{b.get('epochs_run', '?')}" for b in best)
    return "; ".join(parts) + f"; best/run epochs per seed: {eps}"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: real_tables.py OUT [OUT2 ...]")
    outs = sys.argv[1:]
    runs = [kv_file(os.path.join(o, "run.txt")) for o in outs]
    pers_i = next((i for i, r in enumerate(runs) if "seeds" in r), 0)
    out, run = outs[pers_i], runs[pers_i]
    athletes = run.get("athletes", " ".join(SHORT)).split()
    seeds = run.get("seeds", "1").split()
    # the cold-start seeds of every OUT (two COLD=only runs with other seeds join), else the personal ones
    cold_seeds = []
    for r in runs:
        cold_seeds += [s for s in r.get("cold_seeds", "").split() if s not in cold_seeds]
    cold_seeds = cold_seeds or seeds
    info = open(os.path.join(out, "info.txt")).read().strip() if os.path.exists(os.path.join(out, "info.txt")) else ""
    p = print

    def j(name):
        for o in outs:
            path = os.path.join(o, "json", name)
            if os.path.exists(path):
                return load(path)
        return None

    # only the seeds whose results exist (a run stopped early, or seeds shared between runs)
    seeds = [s for s in seeds if any(j(f"pers_s{s}_{a}.json") for a in athletes)] or seeds[:1]
    cold_seeds = [s for s in cold_seeds if any(j(f"cold_s{s}_{a}.json") for a in athletes)] or cold_seeds[:1]
    # ---- gather: per seed, per athlete ----
    pers = {s: {a: j(f"pers_s{s}_{a}.json") for a in athletes} for s in seeds}
    base = {a: j(f"base_{a}.json") for a in athletes}
    gen = {s: {a: j(f"gen_s{s}_{a}.json") for a in athletes} for s in seeds}

    def rows_of(s, a):
        """{method: (mae, steps, mae_trusted, steps_trusted)} for one seed and athlete."""
        r = {}
        pj, gj, bj = pers[s][a], gen[s][a], base[a]
        if pj:
            r["ft"] = (pj["mae"], pj["steps"], pj.get("mae_trusted"), pj.get("steps_trusted"))
        if bj:
            b = bj.get("baselines", {})
            for name in ("physio", "constant"):
                key = base_key(b, name)
                if key:
                    t = b[key].get("trusted", {})
                    r[name] = (b[key]["mae"], bj["steps"], t.get("mae"), t.get("steps"))
        if gj:
            r["gen"] = (gj["mae"], gj["steps"], gj.get("mae_trusted"), gj.get("steps_trusted"))
        return r

    data = {s: {a: rows_of(s, a) for a in athletes} for s in seeds}
    methods = [("ft", "LSTM finetuned (default pipeline)"), ("gen", "LSTM general (chrono train of all)"),
               ("physio", "physio, per-athlete fit"), ("constant", "constant (athlete's mean)")]

    def cell(method, a, trusted=False):
        return [data[s][a][method][2 if trusted else 0] if method in data[s][a] else None for s in seeds]

    def overall(method, s, trusted=False):
        pairs = [(data[s][a][method][2], data[s][a][method][3]) if trusted else
                 (data[s][a][method][0], data[s][a][method][1]) for a in athletes if method in data[s][a]]
        if len(pairs) != len(athletes) or any(m is None for m, _ in pairs):
            return None
        return pool(pairs)

    p(f"### Results on main's defaults (`{run.get('command', 'bench/real.sh')}`)")
    p()
    p("```")
    for r in runs:
        p(f"{r.get('command', 'bench/real.sh')}   # {r.get('env', '')}")
        p(f"  date {r.get('date', '?')}, {r.get('machine', '?')}, load {r.get('load_start', '?')} at the start, "
          f"{r.get('load_end', '?')} at the end; wall time {r.get('wall_s', '?')} s; commit {r.get('commit', '?')}")
    targs = " ".join(sorted({r.get("train_args", "") for r in runs} - {""}))
    p(f"model (hrcast train defaults{' + ' + targs if targs else ''}): {describe_model(outs, seeds)}")
    if run.get("finetune_args"):
        p(f"finetune: defaults + {run['finetune_args']}")
    for line in info.splitlines():
        p(line.strip())
    p("```")
    p()
    if run.get("mode") == "quick":
        p("**Quick mode** (1 seed, few epochs): a check that the pipeline runs, not a result.")
        p()
    ns = len(seeds)
    sd_note = f"mean ± sd over {ns} seeds ({', '.join(seeds)})" if ns > 1 else f"one seed ({seeds[0]})"
    p(f"#### Personalised (chrono split): MAE bpm on each athlete's chrono test part, {sd_note}")
    p()
    p("Pipeline: `hrcast train --split chrono` (all ten folders' chrono training parts), `hrcast finetune` per "
      "athlete with its defaults, `hrcast eval --split chrono:test --athlete A --json`. Baselines: `hrcast eval "
      "--baselines`, fitted on the chrono training part's trusted steps (deterministic: no sd). Overall = the five "
      "test parts pooled by steps.")
    p()
    hdr = "| method | " + " | ".join(SHORT.get(a, a) for a in athletes) + " | **overall** |"
    sep = "|---" * (len(athletes) + 2) + "|"
    p(hdr)
    p(sep)
    for m, name in methods:
        cells = [ms(cell(m, a)) for a in athletes]
        p(f"| {name} | " + " | ".join(cells) + f" | **{ms([overall(m, s) for s in seeds])}** |")

    def ratio(m, a=None):
        vals = []
        for s in seeds:
            if a is None:
                x, y = overall(m, s), overall("physio", s)
            else:
                x = data[s][a].get(m, (None,))[0]
                y = data[s][a].get("physio", (None,))[0]
            vals.append(x / y if x is not None and y else None)
        return vals

    def pct(vals):
        v = mean(vals)
        if v is None:
            return "–"
        vs = [x for x in vals if x is not None]
        sd = f" ± {100 * statistics.stdev(vs):.1f}" if len(set(vs)) > 1 else ""
        return f"{v:.3f} ({100 * (v - 1):+.1f}{sd} %)"

    p("| finetuned / per-athlete physio | " + " | ".join(pct(ratio("ft", a)) for a in athletes) +
      f" | **{pct(ratio('ft'))}** |")
    p("| general / per-athlete physio | " + " | ".join(pct(ratio("gen", a)) for a in athletes) +
      f" | **{pct(ratio('gen'))}** |")
    goal = []
    for a in athletes:
        r = mean(ratio("ft", a))
        goal.append("–" if r is None else ("met" if r <= 1 - GOAL_PER_ATHLETE else
                                           f"not met: {100 * abs(1 - r):.1f} % {'better' if r < 1 else 'worse'}"))
    ro, mo = mean(ratio("ft")), mean([overall("ft", s) for s in seeds])
    if ro is None or mo is None:
        og = "–"
    else:
        og = (f"{100 * abs(1 - ro):.1f} % {'better' if ro < 1 else 'worse'} (goal 15 % better: "
              f"{'met' if ro <= 1 - GOAL_OVERALL else 'not met'}); "
              f"{mo:.2f} bpm (goal <= {GOAL_OVERALL_MAE}: {'met' if mo <= GOAL_OVERALL_MAE else 'not met'})")
    p("| goal check (issue 14: >= 10 % better than physio) | " + " | ".join(goal) + f" | {og} |")
    p()

    # ---- recent form (eval --recent-form): offline, each test run shifted by the residuals of the runner's
    # latest earlier runs (no HR of the run itself), a section of its own ----
    pform = {s: {a: j(f"persform_s{s}_{a}.json") for a in athletes} for s in seeds}
    bform = {a: j(f"baseform_{a}.json") for a in athletes}
    if any(pform[s][a] for s in seeds for a in athletes):
        def form_rows(s, a):
            r = {}
            if pform[s][a]:
                r["ft"] = (pform[s][a]["mae"], pform[s][a]["steps"])
            b = (bform[a] or {}).get("baselines", {})
            for name in ("physio", "constant"):
                key = base_key(b, name)
                if key:
                    r[name] = (b[key]["mae"], bform[a]["steps"])
            return r
        fdata = {s: {a: form_rows(s, a) for a in athletes} for s in seeds}

        def fover(m, s):
            pairs = [fdata[s][a][m] for a in athletes if m in fdata[s][a]]
            return pool(pairs) if len(pairs) == len(athletes) else None

        p(f"#### Recent form (`eval --recent-form`): MAE bpm on the same test parts, {sd_note}")
        p()
        p("Each test run's prediction shifted by the model's mean residual on the runner's last 3 runs of the 7 days "
          "before it, averaged with 3 runs' worth of zero (docs/features.md, \"Recent form\"); only runs outside the "
          "chrono training part count (validation and earlier test runs), never the run predicted. Every model gets "
          "the same rule.")
        p()
        p(hdr)
        p(sep)
        fnames = [("ft", "LSTM finetuned + recent form"), ("physio", "physio, per-athlete fit + recent form"),
                  ("constant", "constant (athlete's mean) + recent form")]
        for m, name in fnames:
            cells = [ms([fdata[s][a].get(m, (None,))[0] for s in seeds]) for a in athletes]
            p(f"| {name} | " + " | ".join(cells) + f" | **{ms([fover(m, s) for s in seeds])}** |")

        def fratio(num, den, a=None):
            vals = []
            for s in seeds:
                if a is None:
                    x, y = num(s, None), den(s, None)
                else:
                    x, y = num(s, a), den(s, a)
                vals.append(x / y if x is not None and y else None)
            return vals
        ftf = lambda s, a: fover("ft", s) if a is None else fdata[s][a].get("ft", (None,))[0]
        phf = lambda s, a: fover("physio", s) if a is None else fdata[s][a].get("physio", (None,))[0]
        ft0 = lambda s, a: overall("ft", s) if a is None else data[s][a].get("ft", (None,))[0]
        ph0 = lambda s, a: overall("physio", s) if a is None else data[s][a].get("physio", (None,))[0]
        for name, num, den in (("finetuned + form / finetuned", ftf, ft0),
                               ("finetuned + form / per-athlete physio (no form)", ftf, ph0),
                               ("finetuned + form / per-athlete physio + form", ftf, phf)):
            p(f"| {name} | " + " | ".join(pct(fratio(num, den, a)) for a in athletes) +
              f" | **{pct(fratio(num, den))}** |")
        p()

    p(f"#### All recorded steps and trusted steps: MAE bpm all / trusted (HR-quality stage), {sd_note} (means)")
    p()
    p(hdr)
    p(sep)
    for m, name in methods:
        cells = []
        for a in athletes:
            x, t = mean(cell(m, a)), mean(cell(m, a, True))
            cells.append("–" if x is None or t is None else f"{x:.2f} / {t:.2f}")
        x, t = mean([overall(m, s) for s in seeds]), mean([overall(m, s, True) for s in seeds])
        p(f"| {name} | " + " | ".join(cells) + (f" | **{x:.2f} / {t:.2f}** |" if x is not None and t is not None
                                                  else " | – |"))
    steps = [data[seeds[0]][a].get("ft", (None, None, None, None)) for a in athletes]
    p("| valid HR steps (all / trusted) | " + " | ".join(f"{st[1]} / {st[3]}" for st in steps) +
      f" | {sum(st[1] or 0 for st in steps)} / {sum(st[3] or 0 for st in steps)} |")
    p()

    # ---- cold start ----
    cold = {s: {a: j(f"cold_s{s}_{a}.json") for a in athletes} for s in cold_seeds}
    cphys = {a: j(f"coldphys_{a}.json") for a in athletes}
    cconst = {a: j(f"coldconst_{a}.json") for a in athletes}
    if any(cold[s][a] for s in cold_seeds for a in athletes):
        cs = cold_seeds
        cold_note = (f"mean ± sd over {len(cs)} seeds ({', '.join(cs)})" if len(cs) > 1 else f"one seed ({cs[0]})")
        p(f"#### Cold start (leave one athlete out): MAE bpm on the athlete's chrono test part, {cold_note}")
        p()
        p("The other nine folders (symlinked) imported alone; `hrcast train --split chrono` on them with the same "
          "options; population physio (`fit-physio --split chrono --population-only`) and the constant at the "
          "population mean (`fit-physio --constant`: an unknown athlete gets the global mean) fitted on the same "
          "training parts; `hrcast eval --athlete A` on the held-out athlete's chrono test part.")
        p()
        p(hdr)
        p(sep)

        def cold_overall(src_of_seed):
            vals = []
            for s in cold_seeds:
                pairs = [(src_of_seed(s, a)["mae"], src_of_seed(s, a)["steps"]) for a in athletes
                         if src_of_seed(s, a)]
                vals.append(pool(pairs) if len(pairs) == len(athletes) else None)
            return vals

        rows = [("LSTM cold start (default pipeline)", lambda s, a: cold[s][a]),
                ("physio, population only", lambda s, a: cphys[a]),
                ("constant (population mean)", lambda s, a: cconst[a])]
        for name, src in rows:
            cells = [ms([src(s, a)["mae"] if src(s, a) else None for s in cold_seeds]) for a in athletes]
            p(f"| {name} | " + " | ".join(cells) + f" | **{ms(cold_overall(src))}** |")
        goal = []
        for a in athletes:
            c = mean([cold[s][a]["mae"] if cold[s][a] else None for s in cold_seeds])
            ph = cphys[a]["mae"] if cphys[a] else None
            co = cconst[a]["mae"] if cconst[a] else None
            if c is None or ph is None or co is None:
                goal.append("–")
            else:
                goal.append("met" if c < ph and c < co else
                            "not met (" + ", ".join(x for x, ok in ((f"physio {ph:.2f}", c < ph),
                                                                      (f"constant {co:.2f}", c < co)) if not ok) +
                            " better)")
        co = mean(cold_overall(rows[0][1]))
        og = "–" if co is None else f"{co:.2f} bpm (goal <= {GOAL_COLD_MAE}: {'met' if co <= GOAL_COLD_MAE else 'not met'})"
        p("| goal check (better than both) | " + " | ".join(goal) + f" | {og} |")
        trusted = [(mean([cold[s][a].get("mae_trusted") if cold[s][a] else None for s in cold_seeds])) for a in athletes]
        p("| LSTM cold start, trusted steps | " + " | ".join("–" if t is None else f"{t:.2f}" for t in trusted) +
          " | |")
        # a model with an HR scale, given the runner's scale from their own earlier runs (finetune --scale-only):
        # not a cold start (it reads those runs' HR), so apart from the goal check
        cscale = {s: {a: j(f"coldscale_s{s}_{a}.json") for a in athletes} for s in cold_seeds}
        if any(cscale[s][a] for s in cold_seeds for a in athletes):
            src = lambda s, a: cscale[s][a]
            cells = [ms([src(s, a)["mae"] if src(s, a) else None for s in cold_seeds]) for a in athletes]
            p("| LSTM cold start + the runner's HR scale from their earlier runs (`finetune --scale-only`, no "
              "training; not a cold start) | " + " | ".join(cells) + f" | **{ms(cold_overall(src))}** |")
        # the same models with the runner's recent form (eval --recent-form: their latest earlier runs outside
        # the chrono training part): not a cold start either
        for key, name in (("coldform", "LSTM cold start + recent form (`eval --recent-form`; not a cold start)"),
                          ("coldscaleform", "LSTM cold start + HR scale + recent form (not a cold start)")):
            got = {s: {a: j(f"{key}_s{s}_{a}.json") for a in athletes} for s in cold_seeds}
            if any(got[s][a] for s in cold_seeds for a in athletes):
                src = lambda s, a, got=got: got[s][a]
                cells = [ms([src(s, a)["mae"] if src(s, a) else None for s in cold_seeds]) for a in athletes]
                p(f"| {name} | " + " | ".join(cells) + f" | **{ms(cold_overall(src))}** |")
        p()

    # ---- per kind ----
    kinds = {}
    for s in seeds:
        for a in athletes:
            path = next((x for x in (os.path.join(o, "json", f"kinds_s{s}_{a}.jsonl") for o in outs)
                         if os.path.exists(x)), None)
            if not path:
                continue
            for line in open(path):
                r = json.loads(line)
                k = kinds.setdefault(r["kind"], {}).setdefault(r["model"], {}).setdefault(s, [0, 0.0, 0])
                k[0] += r["steps"]
                k[1] += r["abs"]
                k[2] += r["workouts"]
    if kinds:
        p(f"#### By kind of run: MAE bpm on the five test parts pooled, {sd_note}")
        p()
        p("Kinds from the recording alone (bench/real_kinds.c): treadmill = speed without positions (footpod) or a "
          "sport named treadmill/indoor; steep = climb >= 25 m per km; long = over 2 h; other = none of these "
          "(a run may be in several kinds). Physio and constant: the per-athlete fits of `fit-physio --split chrono`.")
        p()
        models = [("finetuned", "LSTM finetuned"), ("general", "LSTM general"), ("physio", "physio per-athlete"),
                  ("constant", "constant")]
        p("| kind | workouts | steps | " + " | ".join(n for _, n in models) + " | finetuned / physio |")
        p("|---" * (len(models) + 4) + "|")
        for kind in ("treadmill", "steep", "long", "other"):
            if kind not in kinds:
                continue
            first = kinds[kind].get("finetuned", {}).get(seeds[0], [0, 0.0, 0])
            if first[0] == 0:
                p(f"| {kind} | {first[2]} | 0 |" + " – |" * (len(models) + 1))
                continue

            def kmae(mname):
                return [kinds[kind][mname][s][1] / kinds[kind][mname][s][0] if s in kinds[kind].get(mname, {}) and
                        kinds[kind][mname][s][0] else None for s in seeds]

            r = [x / y if x and y else None for x, y in zip(kmae("finetuned"), kmae("physio"))]
            p(f"| {kind} | {first[2]} | {first[0]} | " + " | ".join(ms(kmae(m)) for m, _ in models) + f" | {pct(r)} |")
        p()

    # ---- live: the finetuned models, then the cold-start models ----
    live = {s: {a: j(f"live_s{s}_{a}.json") for a in athletes} for s in seeds}
    live_table(p, live, seeds, athletes,
               f"#### Live forecasting (`eval --calibrate`; NOT comparable with the offline tables above), {sd_note}",
               "The finetuned model of each athlete; the recorded HR of each test run's first W minutes calibrates "
               "the rest, and every error counts only the steps after the window (docs/live.md); {trust}; physio "
               "calibrated: `fit-physio --split chrono` calibrated the same way. Overall = the five athletes "
               "pooled by steps.")
    coldlive = {s: {a: j(f"coldlive_s{s}_{a}.json") for a in athletes} for s in cold_seeds}
    cn = len(cold_seeds)
    live_table(p, coldlive, cold_seeds, athletes,
               "#### Cold start, live (`eval --calibrate` of the leave-one-out models; NOT comparable with the "
               "offline tables above), " + (f"mean ± sd over {cn} seeds ({', '.join(cold_seeds)})" if cn > 1
                                            else f"one seed ({cold_seeds[0]})"),
               "Each athlete's leave-one-out model (it knows none of this runner's runs), calibrated on the first "
               "W minutes of each test run, every error counting only the steps after the window; {trust}; "
               "physio calibrated: the fold's population physio model (`fit-physio --population-only`) "
               "calibrated the same way. Overall = the five athletes pooled by steps.")


def trust_words(t):
    """The trust of an eval --calibrate row in words, from its JSON (None: unknown)."""
    if not t or "tail_s" not in t:
        return "the trust is `eval --calibrate`'s default for the model (nothing learned)"
    k = "never" if t.get("k_steps", 0) < 0 else f"{t.get('k_steps', 0):g}"
    where = f"the window's last {t['tail_s']:g} s" if t["tail_s"] > 0 else f"the window after {t['warm_s']:g} s"
    fade = (f"the shift fading to {100 * t['persist']:g} % with a time constant of {t['tau_s']:g} s"
            if t.get("tau_s", 0) > 0 else "the shift held")
    return f"the trust is {where}, prior {k} steps, {fade}; " + t.get("learned_on", "")


def live_table(p, live, seeds, athletes, heading, text):
    """A live table (windows x model calibrated and uncalibrated, baselines; pooled by steps, mean ± sd over
    seeds) and its per-athlete change; nothing when no JSON exists. text's {trust} names the trust."""
    if not any(live[s][a] for s in seeds for a in athletes):
        return

    def wins(x):
        return x["calibrated"] if "calibrated" in x else [x]

    first = next(live[s][a] for s in seeds for a in athletes if live[s][a])
    labels = [w["label"] for w in wins(first)]
    p(heading)
    p()
    p(text.format(trust=trust_words(wins(first)[0].get("trust"))))
    p()
    cols = [("mae", "LSTM calibrated"), ("uncalibrated", "LSTM uncalibrated"), ("physio", "physio calibrated"),
            ("window_mean", "window mean held"), ("last", "last HR held")]
    p("| window | " + " | ".join(n for _, n in cols) + " |")
    p("|---" * (len(cols) + 1) + "|")

    def val(w, key):
        if key == "mae":
            return w["mae"]
        if key == "uncalibrated":
            return w["uncalibrated"]["mae"]
        return w["baselines"][key]["mae"]

    per_ath = {}
    for wi, label in enumerate(labels):
        row = []
        for key, _ in cols:
            vals = []
            for s in seeds:
                pairs = [(val(wins(live[s][a])[wi], key), wins(live[s][a])[wi]["steps"]) for a in athletes
                         if live[s][a]]
                vals.append(pool(pairs) if len(pairs) == len(athletes) else None)
            row.append(ms(vals))
        p(f"| {label} | " + " | ".join(row) + " |")
        for a in athletes:
            c = mean([wins(live[s][a])[wi]["mae"] if live[s][a] else None for s in seeds])
            u = mean([wins(live[s][a])[wi]["uncalibrated"]["mae"] if live[s][a] else None for s in seeds])
            per_ath.setdefault(a, []).append("–" if c is None or u is None else
                                             f"{c:.2f} vs {u:.2f} ({100 * (c / u - 1):+.1f} %)")
    p()
    p("Per athlete, LSTM calibrated vs uncalibrated (means over seeds):")
    p()
    p("| athlete | " + " | ".join(labels) + " |")
    p("|---" * (len(labels) + 1) + "|")
    for a in athletes:
        p(f"| {SHORT.get(a, a)} | " + " | ".join(per_ath.get(a, [])) + " |")
    p()

if __name__ == "__main__":
    main()
