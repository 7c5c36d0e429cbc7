#!/usr/bin/env python3
# serve_model.py — writes a small hrcast model file for the server tests, e2e test and bench: a
# physio model with the literature defaults of src/model/physio.c (offset 80, gain 24, tau 58 s,
# drift 4, grade_k 1, hr0 90, rmse 12), no athletes, step 10 s. Trained on nothing.
# Usage: tests/serve_model.py OUT.safetensors [constant|constant-sim0001]   ("constant": mean 142, sd 9
# instead; "constant-sim0001": that, and mean 150 for the athlete sim0001, whom the model then knows)
import json, struct, sys

out = sys.argv[1]
kind = sys.argv[2] if len(sys.argv) > 2 else "physio"
if kind == "physio":
    name, shape, values = "physio.population", [8], [80, 24, 58, 4, 1, 90, 12, 0]
    card = {"step": 10, "athletes": [], "note": "test model: literature defaults, not trained"}
else:
    name, shape, values = "constant.population", [2], [142, 9]
    card = {"step": 10, "athletes": [], "note": "test model"}
data = struct.pack("<%df" % len(values), *values)
header = {name: {"dtype": "F32", "shape": shape, "data_offsets": [0, len(data)]}}
if kind == "constant-sim0001":
    kind, card["athletes"] = "constant", ["sim0001"]
    header["constant.athletes"] = {"dtype": "F32", "shape": [1, 2], "data_offsets": [len(data), len(data) + 8]}
    data += struct.pack("<2f", 150, 20)
header["__metadata__"] = {"model_type": kind, "step": "10", "model": json.dumps(card)}
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + data)
