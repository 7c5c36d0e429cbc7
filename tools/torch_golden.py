#!/usr/bin/python3
"""torch_golden.py — writes the PyTorch reference files under tests/golden/ that tests/test_nn.c
compares against: a small 2-layer LSTM (batch_first, gate order i,f,g,o) + linear head, inputs,
mask, lengths, outputs, masked losses, gradients of every parameter, and one clipped Adam step.
Run with Debian's python3-torch: /usr/bin/python3 tools/torch_golden.py [outdir]"""
import json
import struct
import sys

import torch

torch.manual_seed(1234)
torch.set_num_threads(1)
B, T, F, H, L = 3, 7, 5, 6, 2
LENGTHS = [7, 4, 6]


def save(path, tensors, meta):
    hdr, blobs, off = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dt = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        raw = t.numpy().tobytes()
        hdr[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(hdr).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class Net(torch.nn.Module):
    def __init__(self, out):
        super().__init__()
        self.lstm = torch.nn.LSTM(F, H, num_layers=L, batch_first=True)
        self.fc = torch.nn.Linear(H, out)

    def forward(self, x):
        return self.fc(self.lstm(x)[0])


def masked(kind, pred, y, m, delta=1.5):
    mu = pred[..., 0]
    r = mu - y
    if kind == "mse":
        per = r * r
    elif kind == "mae":
        per = r.abs()
    elif kind == "huber":
        a = r.abs()
        per = torch.where(a < delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    else:
        lv = pred[..., 1]
        per = 0.5 * (lv + r * r * torch.exp(-lv))
    per = torch.where(m > 0, per, torch.zeros_like(per))
    return per.sum() / m.sum()


def make(out, kinds, path):
    net = Net(out)
    with torch.no_grad():
        net.fc.bias[0] = 140.0 / 50  # exercise the bias path with a non-trivial value
    x = torch.randn(B, T, F)
    y = torch.randn(B, T) * 2
    m = (torch.rand(B, T) > 0.25).float()
    for b, n in enumerate(LENGTHS):
        m[b, n:] = 0
        x[b, n:] = 1e3  # beyond the length: must not matter
    tensors = {k: v.clone() for k, v in net.state_dict().items()}
    tensors["x"], tensors["target"], tensors["mask"] = x, y, m
    tensors["lengths"] = torch.tensor(LENGTHS, dtype=torch.int64)
    pred = net(x)
    tensors["y"] = torch.where(m[..., None] >= 0, pred, pred).detach()
    meta = {"B": str(B), "T": str(T), "F": str(F), "H": str(H), "L": str(L), "O": str(out),
            "huber_delta": "1.5", "torch": torch.__version__}
    for kind in kinds:
        net.zero_grad()
        loss = masked(kind, net(x), y, m)
        loss.backward()
        meta["loss." + kind] = repr(loss.item())
        for name, p in net.named_parameters():
            tensors["grad.%s.%s" % (kind, name)] = p.grad.clone()
    # one step: clip to 1.0, Adam lr 1e-2 on the first loss
    net.zero_grad()
    masked(kinds[0], net(x), y, m).backward()
    meta["clip_norm"] = repr(torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0).item())
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    opt.step()
    for name, p in net.named_parameters():
        tensors["adam." + name] = p.detach().clone()
    save(path, tensors, meta)
    print("wrote", path)


if __name__ == "__main__":
    outdir = sys.argv[1] if len(sys.argv) > 1 else "tests/golden"
    make(1, ["mse", "mae", "huber"], outdir + "/lstm_o1.safetensors")
    make(2, ["gnll"], outdir + "/lstm_o2.safetensors")
