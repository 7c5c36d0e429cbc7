"""real_out.py — opening a bench/real.sh output folder for the Python diagnostics (bench/real_combine.py,
bench/live_trust.py): the finetuned models' seeds, and the import's workouts as `hrcast export --format jsonl`
rows (written once into the work folder)."""
import json
import os
import subprocess
import sys


def open_real_out(name, out, work, cold=False):
    """(hrcast, real.hrd path, models folder, seeds, [export rows without the series]) of OUT; exits with one
    line when OUT holds no finetuned model (cold: no leave-one-out model, OUT/loo/ATHLETE/cold_sS.safetensors,
    and the models folder is OUT/loo)."""
    os.makedirs(work, exist_ok=True)
    hrcast = os.environ.get("HRCAST", "build/hrcast")
    hrd, models = os.path.join(out, "real.hrd"), os.path.join(out, "loo" if cold else "models")
    if cold:
        seeds = sorted({int(f[len("cold_s"):-len(".safetensors")]) for d in os.listdir(models)
                        for f in os.listdir(os.path.join(models, d))
                        if f.startswith("cold_s") and f.endswith(".safetensors")} if os.path.isdir(models) else ())
    else:
        seeds = sorted({int(f.split("_")[1][1:]) for f in os.listdir(models)
                        if f.startswith("ft_s") and f.endswith(".safetensors")})
    if not seeds:
        sys.exit(f"{name}: {models}: " + ("no ATHLETE/cold_s*.safetensors (run bench/real.sh with COLD=1 or only)"
                                          if cold else "no ft_s*_ATHLETE.safetensors (run bench/real.sh with COLD=0 or 1)"))
    jsonl = os.path.join(work, "real.jsonl")
    if not os.path.exists(jsonl):
        subprocess.run([hrcast, "export", hrd, "--format", "jsonl", "-o", jsonl], check=True)
    rows = []
    for line in open(jsonl):
        w = json.loads(line)
        rows.append({k: w[k] for k in ("source", "athlete", "split_chrono", "step_s")})
    return hrcast, hrd, models, seeds, rows
