#!/usr/bin/python3
"""torch_train.py — the PyTorch peer of train_bench.c: same model, data sizes, masked MSE, clip 1.0,
Adam; or inference under no_grad; or (inferbf16) inference with the model and inputs in bfloat16; or
(infer8) inference of the model after PyTorch's dynamic int8
quantization (torch.quantization.quantize_dynamic of the LSTM and the head, qint8 weights).
Prints "torch <mode> threads=N median_ms=X".
Usage: torch_train.py [train|infer|infer8|inferbf16] threads iters warmup [B T]"""
import sys
import time

import torch

mode = sys.argv[1] if len(sys.argv) > 1 else "train"
threads, iters, warm = (int(a) for a in (sys.argv[2:5] + ["1", "5", "1"][len(sys.argv[2:5]):]))
B = int(sys.argv[5]) if len(sys.argv) > 5 else 64
T = int(sys.argv[6]) if len(sys.argv) > 6 else 500
torch.set_num_threads(threads)
torch.manual_seed(0)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(14, 128, num_layers=2, batch_first=True)
        self.fc = torch.nn.Linear(128, 1)

    def forward(self, x):
        return self.fc(self.lstm(x)[0])[..., 0]


net = Net()
if mode == "infer8":
    net = torch.quantization.quantize_dynamic(net.eval(), {torch.nn.LSTM, torch.nn.Linear}, dtype=torch.qint8)
dtype = torch.float32
if mode == "inferbf16":  # the model and its inputs in bfloat16 (PyTorch's own bf16 CPU path)
    net, dtype = net.to(torch.bfloat16), torch.bfloat16
opt = torch.optim.Adam(net.parameters(), lr=1e-3) if mode == "train" else None
x = (torch.rand(B, T, 14) - 0.5).to(dtype)
y = torch.rand(B, T)
m = (torch.rand(B, T) > 0.1).float()
times = []
for it in range(iters + warm):
    t0 = time.perf_counter()
    if mode == "train":
        opt.zero_grad()
        p = net(x)
        loss = (((p - y) ** 2) * m).sum() / m.sum()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
    else:
        with torch.no_grad():
            net(x)
    times.append((time.perf_counter() - t0) * 1e3)
t = sorted(times[warm:])
print("torch %s threads=%d median_ms=%.2f" % (mode, threads, t[len(t) // 2]))
