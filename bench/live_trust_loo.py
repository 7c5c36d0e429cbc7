#!/usr/bin/python3
"""live_trust_loo.py — does the default trust generalise to a runner it was not chosen on? (docs/results.md,
"A runner the trust was not chosen on").

For each of the five athletes A, the family "last M, prior k, fade" of bench/live_trust.py is ranked on the
validation runs of the OTHER four athletes (pooled, the three windows and the seeds averaged), and A's test runs
are scored with the trust it picks, next to hrcast's default (chosen on all five) and uncalibrated. Pooled over
the five held-out athletes this estimates what a new runner gets from the selection procedure.

Reads OUT as bench/live_trust.py does (finetuned models; with --cold, the leave-one-out cold-start models) and
writes / reuses `hrcast predict` output in WORKDIR (the same files as bench/live_trust.py's).
Usage: bench/live_trust_loo.py [--cold] OUT [WORKDIR]
"""
import numpy as np
from live_trust import ATHLETES, FAMILY, WINDOWS, errors, offset, open_runs


def main():
    out, cold, seeds, step, by_seed = open_runs("live_trust_loo")
    # (seed, athlete, split): the athlete's own runs under the athlete's model
    runs = {(s, a, sp): by_seed[s][a][(sp, True)] for s in seeds for a in ATHLETES for sp in ("val", "test")}
    trusts = [(0, 60 * m, k) + f for m, k, f in FAMILY]
    # absolute-error sums and counts per (seed, athlete, split, window, trust index; -1 uncalibrated)
    sums = {}
    for s in seeds:
        for a in ATHLETES:
            for sp in ("val", "test"):
                r = runs.get((s, a, sp), [])
                for win in WINDOWS:
                    e = errors(r, step, win, None)
                    sums[(s, a, sp, win, -1)] = (e.sum(), len(e))
                    offs = {}
                    for ti, t in enumerate(trusts):
                        if t[:3] not in offs:
                            offs[t[:3]] = [offset(x, step, win, t) for x in r]
                        e = errors(r, step, win, t, offs[t[:3]])
                        sums[(s, a, sp, win, ti)] = (e.sum(), len(e))

    def mae(athletes, sp, win, ti, s):
        return (sum(sums[(s, x, sp, win, ti)][0] for x in athletes) /
                max(1, sum(sums[(s, x, sp, win, ti)][1] for x in athletes)))

    default = trusts.index((0, 30, 0) + ((0.8, 150) if cold else (0.4, 450)))
    pooled = {name: {} for name in ("picked on the other four", "default", "uncalibrated")}
    print(f"live_trust_loo: {out}: " + ("leave-one-out cold-start models" if cold else "finetuned models")
          + f", seeds {seeds}; per held-out athlete, MAE bpm after the window at 5 / 10 / 20 min (mean over seeds)\n")
    print("| held-out athlete | trust picked on the other four's validation runs | picked | default | uncalibrated |")
    print("|---|---|---|---|---|")
    for a in ATHLETES:
        others = [x for x in ATHLETES if x != a]
        score = [np.mean([mae(others, "val", w, ti, s) / mae(others, "val", w, -1, s) - 1
                          for w in WINDOWS for s in seeds]) for ti in range(len(trusts))]
        best = int(np.argmin(score))
        cells = []
        for name, ti in zip(pooled, (best, default, -1)):
            cells.append(" / ".join(f"{np.mean([mae([a], 'test', w, ti, s) for s in seeds]):.2f}" for w in WINDOWS))
            for w in WINDOWS:
                for s in seeds:
                    acc = pooled[name].setdefault((w, s), [0.0, 0])
                    acc[0] += sums[(s, a, "test", w, ti)][0]
                    acc[1] += sums[(s, a, "test", w, ti)][1]
        t = trusts[best]
        words = f"last {t[1]:g} s, k {t[2]}, " + ("held" if t[4] <= 0 else f"fading to {100 * t[3]:g} % ({t[4]:g} s)")
        print(f"| {a} | {words} | " + " | ".join(cells) + " |")
    print("\nPooled over the five held-out athletes' test steps (mean over seeds), 5 / 10 / 20 min:")
    for name, acc in pooled.items():
        print(f"- {name}: " + " / ".join(f"{np.mean([acc[(w, s)][0] / acc[(w, s)][1] for s in seeds]):.2f}"
                                        for w in WINDOWS))


if __name__ == "__main__":
    main()
