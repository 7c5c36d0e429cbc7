#!/usr/bin/python3
"""torch_predict.py — runs an hrcast LSTM model file in PyTorch and checks it against hrcast.

The model file is safetensors (8-byte little-endian header length, a JSON header of
{name: {dtype, shape, data_offsets}} plus "__metadata__", then the raw little-endian data), read here
by hand with struct/json, so only torch is needed (Debian's python3-torch, no safetensors package).
Its tensors are the state_dict of torch.nn.LSTM(batch_first=True) named `lstm` and torch.nn.Linear
named `fc`; the JSON card in __metadata__["model"] holds the feature names and the normaliser.

Check (what `make parity` runs):
    hrcast predict MODEL.safetensors run.fit --format json --inputs -q > pred.json
    /usr/bin/python3 tools/torch_predict.py MODEL.safetensors pred.json
normalises each workout's raw feature rows ("inputs") with the card, runs torch and compares with
hrcast's "hr_pred": prints the max abs difference in bpm, exits 1 above --tol (1e-3 bpm).

From Python:
    import sys; sys.path.insert(0, "tools")
    from torch_predict import load_model, predict
    net, card = load_model("model.safetensors")       # strict load_state_dict, eval mode
    rows = [[...14 raw feature values...], ...]       # [T, F] in card["features"]["names"] order,
                                                      # e.g. hrcast predict ... --inputs
    hr, sigma = predict(net, card, rows)              # torch tensors [T] in bpm (sigma None for MSE)
"""
import argparse
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def read_safetensors(path):
    """Returns ({name: tensor}, {metadata key: str}) of a safetensors file."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > len(buf) - 8:
        raise ValueError(f"{path}: header length {n} past the end of the file")
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    data = memoryview(buf)[8 + n:]
    tensors = {}
    for name, info in header.items():
        dt = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = info["shape"]
        numel = math.prod(shape)
        if not 0 <= begin <= end <= len(data) or end - begin != numel * torch.empty((), dtype=dt).element_size():
            raise ValueError(f"{path}: tensor {name}: offsets {begin}-{end} do not fit {info['dtype']} {shape}")
        raw = bytearray(data[begin:end])  # little-endian on disk; torch on x86/arm64 is too
        t = torch.frombuffer(raw, dtype=dt) if numel else torch.empty(0, dtype=dt)
        tensors[name] = t.reshape(shape)
    return tensors, meta


class HRCastLSTM(torch.nn.Module):
    """The network of an hrcast LSTM model file: LSTM then a linear head on every step."""

    def __init__(self, arch):
        super().__init__()
        self.lstm = torch.nn.LSTM(arch["input_size"], arch["hidden_size"], arch["num_layers"], batch_first=True)
        self.fc = torch.nn.Linear(arch["hidden_size"], arch["output_size"])

    def forward(self, x):  # [B, T, F] normalised -> [B, T, O]
        return self.fc(self.lstm(x)[0])


def load_model(path):
    """Returns (net in eval mode, card dict) of an hrcast LSTM model file; the state_dict loads strictly."""
    tensors, meta = read_safetensors(path)
    if meta.get("model_type") != "lstm":
        raise ValueError(f"{path}: model_type {meta.get('model_type')!r} is not an hrcast LSTM")
    card = json.loads(meta["model"])
    if card.get("format") != "hrcast-lstm-1":
        raise ValueError(f"{path}: model format {card.get('format')!r} is not hrcast-lstm-1")
    arch = card["architecture"]
    if arch.get("gate_order", "i,f,g,o") != "i,f,g,o" or not arch.get("batch_first", True):
        raise ValueError(f"{path}: gate order / layout not PyTorch's")
    net = HRCastLSTM(arch)
    # the network's tensors; a model with a prior (default+physio, physio-residual) also carries it (prior.*),
    # which is not a parameter
    net.load_state_dict({k: v.float() for k, v in tensors.items() if k.split(".")[0] in ("lstm", "fc")}, strict=True)
    return net.eval(), card


def rest_row(card, row0):
    """The pre-roll row: the first row with every speed and effort column and grade 0 (hrcast's
    features_rest_row)."""
    return [0.0 if n.startswith(("speed", "effort")) or n == "grade" else v
            for n, v in zip(card["features"]["names"], row0)]


def blend_alpha(card, athlete):
    """A physio-residual model's alpha for athlete (the card's "blend": per athlete, else the population's);
    None for other models."""
    b = card.get("blend")
    if b is None:
        return None
    return float(b.get("athletes", {}).get(athlete or "", b["alpha"]))


def predict(net, card, rows, athlete=""):
    """rows: [T, F] raw (un-normalised) feature values. Returns (hr [T], sigma [T] or None) in bpm.
    A model with "preroll_steps" P first runs P rest rows (rest_row), whose outputs are dropped.
    A physio-residual model (card "blend") predicts physio_prior_hr + alpha * network; a model with an HR scale
    (card "hr_scale") maps the network's output to the athlete's scale."""
    rows = [[math.nan if v is None else v for v in r] for r in rows]
    P = int(card.get("preroll_steps", 0)) if rows else 0
    x = torch.tensor([rest_row(card, rows[0])] * P + rows, dtype=torch.float32)
    nz = card["normalizer"]
    x = (x - torch.tensor(nz["mean"], dtype=torch.float32)) / torch.tensor(nz["std"], dtype=torch.float32)
    with torch.no_grad():
        y = net(x.reshape(1, -1, x.shape[-1]))[0][P:]
    sigma = torch.exp(0.5 * y[:, 1]) if y.shape[1] == 2 else None
    alpha = blend_alpha(card, athlete)
    if alpha is not None:
        prior = torch.tensor(rows, dtype=torch.float32)[:, card["features"]["names"].index("physio_prior_hr")]
        return prior + torch.tensor(alpha, dtype=torch.float32) * y[:, 0], sigma
    s = card.get("hr_scale")
    if s is not None:  # the athlete's HR scale: mean + sd * (network - pop_mean) / pop_sd
        mean, sd, _ = s["athletes"].get(athlete or "", [s["pop_mean"], s["pop_sd"], 0])
        f32 = lambda v: torch.tensor(v, dtype=torch.float32)
        hr = f32(mean) + f32(sd) * (y[:, 0] - f32(s["pop_mean"])) / f32(s["pop_sd"])
        return hr, (sigma * f32(sd) / f32(s["pop_sd"]) if sigma is not None else None)
    return y[:, 0], sigma


def main():
    ap = argparse.ArgumentParser(description="Compare PyTorch with hrcast on `hrcast predict --inputs` output.")
    ap.add_argument("model", help="hrcast LSTM model file (.safetensors)")
    ap.add_argument("predictions", help="JSON of `hrcast predict MODEL FILE --format json --inputs` ('-': stdin)")
    ap.add_argument("--tol", type=float, default=1e-3, help="largest allowed |torch - hrcast| in bpm (1e-3)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    net, card = load_model(a.model)
    with (sys.stdin if a.predictions == "-" else open(a.predictions)) as f:
        pred = json.load(f)
    worst, steps, workouts = 0.0, 0, 0
    for w in pred["workouts"]:
        if "inputs" not in w:
            sys.exit(f"torch_predict: {w.get('source')}: no \"inputs\" (run hrcast predict with --inputs)")
        if len(w["inputs"]) == 0:
            continue
        hr, sigma = predict(net, card, w["inputs"], w.get("athlete", ""))
        ref = torch.tensor([math.nan if v is None else v for v in w["hr_pred"]], dtype=torch.float64)
        d = (hr.double() - ref).abs()
        if sigma is not None and "hr_sigma" in w:
            sref = torch.tensor([math.nan if v is None else v for v in w["hr_sigma"]], dtype=torch.float64)
            d = torch.maximum(d, (sigma.double() - sref).abs())
        if torch.isnan(d).any():  # NaN on one side only is a mismatch; on both, agreement
            both = torch.isnan(hr.double()) & torch.isnan(ref)
            if not bool(both[torch.isnan(d)].all()):
                worst = math.inf
            d = torch.nan_to_num(d, nan=0.0)
        worst = max(worst, float(d.max()))
        steps += len(w["hr_pred"])
        workouts += 1
    ok = workouts > 0 and worst <= a.tol
    print(f"torch_predict: {workouts} workouts, {steps} steps, max |torch - hrcast| = {worst:.3g} bpm "
          f"(tolerance {a.tol:g}): {'OK' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
