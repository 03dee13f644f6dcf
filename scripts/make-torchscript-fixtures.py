#!/usr/bin/env python3
"""Makes the TorchScript cells the workbench's tests load (core/src/test/resources/torchscript).

Run with Debian's PyTorch 1.13 (`apt-get install python3-torch python3-numpy`, then
`/usr/bin/python3 scripts/make-torchscript-fixtures.py`). The build never runs this script: its
outputs are committed. Every cell follows the workbench's contract: `forward(z, x)` returns the
next z, with z's shape and dtype; `NAME.npz` holds the input `x` and the starting point `z0`.
"""
import io
import os
import zipfile

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "core", "src", "test", "resources", "torchscript")


class MlpCell(nn.Module):
    """tanh(z Wᵀ + x Uᵀ + b): the workbench's built-in MLP cell, so the two can be compared."""

    def __init__(self, d, p, gain):
        super().__init__()
        self.W = nn.Linear(d, d, bias=False)
        self.U = nn.Linear(p, d)
        with torch.no_grad():
            self.W.weight.normal_(0, gain / d ** 0.5)
            self.U.weight.normal_(0, 1 / p ** 0.5)
            self.U.bias.normal_(0, 0.1)

    def forward(self, z, x):
        return torch.tanh(self.W(z) + self.U(x))


class ConvCell(nn.Module):
    """A 2-channel image cell: few channels, where float32 input gradients are wrong on oneDNN."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        with torch.no_grad():
            self.conv.weight.mul_(0.5)

    def forward(self, z, x):
        return torch.tanh(self.conv(z) + x)


class GatedInjectionCell(nn.Module):
    """x is injected through its own small network and gates the update: x̃ is far from x."""

    def __init__(self, d, p):
        super().__init__()
        self.W = nn.Linear(d, d, bias=False)
        self.encode = nn.Sequential(nn.Linear(p, 2 * p), nn.Tanh(), nn.Linear(2 * p, d))
        self.gate = nn.Linear(p, d)
        with torch.no_grad():
            self.W.weight.normal_(0, 0.6 / d ** 0.5)

    def forward(self, z, x):
        g = torch.sigmoid(self.gate(x))
        return g * torch.tanh(self.W(z) + self.encode(x)) + (1 - g) * 0.5 * z


class SequenceCell(nn.Module):
    """A cell over sequences (B, T, ·): each position sees its own state and the one before it,
    so it accepts any length T (for ./deq sweep-length)."""

    def __init__(self, d, p):
        super().__init__()
        self.W = nn.Linear(d, d, bias=False)
        self.V = nn.Linear(d, d, bias=False)
        self.U = nn.Linear(p, d)
        with torch.no_grad():
            self.W.weight.normal_(0, 0.5 / d ** 0.5)
            self.V.weight.normal_(0, 0.5 / d ** 0.5)

    def forward(self, z, x):
        previous = torch.nn.functional.pad(z, (0, 0, 1, 0))[:, :-1, :]
        return torch.tanh(self.W(z) + self.V(previous) + self.U(x))


class ArityOne(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = nn.Linear(4, 4)

    def forward(self, z):
        return self.W(z)


class WrongShape(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = nn.Linear(4, 2)

    def forward(self, z, x):
        return self.W(z)


class WrongDtype(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = nn.Linear(4, 4)

    def forward(self, z, x):
        return self.W(z).double()


class NonFinite(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = nn.Linear(4, 4)

    def forward(self, z, x):
        return self.W(z) + 1.0 / z


class NoParameters(nn.Module):
    def forward(self, z, x):
        return torch.tanh(0.5 * z + x)


def save(module, name, example):
    scripted = torch.jit.script(module)
    scripted.save(os.path.join(OUT, name + ".pt"))
    if example is not None:
        z0, x = example
        np.savez(os.path.join(OUT, name + ".npz"), x=x.numpy(), z0=z0.numpy())
    return scripted


def newer_pytorch(source, target):
    """A copy of a TorchScript file whose archive claims a file format no PyTorch reads yet."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("/version") or item.filename.endswith("/.data/version"):
                data = b"99\n"
            zout.writestr(item, data)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(16)
    b, d, p = 8, 24, 6

    mlp = MlpCell(d, p, 0.8)
    x = torch.randn(b, p)
    save(mlp, "mlp", (torch.zeros(b, d), x))

    # The same cell at the benchmark's size, with its weights as the built-in cell's .npz problem.
    bench = MlpCell(256, 64, 0.8)
    xb = torch.randn(64, 64)
    save(bench, "mlp256", (torch.zeros(64, 256), xb))
    np.savez(
        os.path.join(OUT, "mlp256-weights.npz"),
        W=bench.W.weight.detach().numpy(),
        U=bench.U.weight.detach().numpy(),
        b=bench.U.bias.detach().numpy(),
        x=xb.numpy(),
    )

    conv = ConvCell(2)
    save(conv, "conv2", (torch.zeros(2, 2, 8, 8), torch.randn(2, 2, 8, 8)))

    gated = GatedInjectionCell(d, p)
    save(gated, "gated", (torch.zeros(b, d), torch.randn(b, p)))
    # Regression targets for training: the gated cell's own equilibrium from other weights.
    teacher = GatedInjectionCell(d, p)
    xs = torch.randn(64, p)
    with torch.no_grad():
        z = torch.zeros(64, d)
        for _ in range(200):
            z = teacher(z, xs)
    np.savez(os.path.join(OUT, "gated-train.npz"), x=xs.numpy(), y=z.numpy())

    four = (torch.zeros(3, 4), torch.randn(3, 4))
    save(ArityOne(), "bad-arity", four)
    save(WrongShape(), "bad-shape", four)
    save(WrongDtype(), "bad-dtype", four)
    save(NonFinite(), "bad-nonfinite", four)
    save(NoParameters(), "no-parameters", four)
    torch.save(MlpCell(4, 4, 0.5).state_dict(), os.path.join(OUT, "bad-state-dict.pt"))
    newer_pytorch(os.path.join(OUT, "no-parameters.pt"), os.path.join(OUT, "bad-newer.pt"))

    # Reference figures PyTorch computes, for the tests to compare the engine with.
    with torch.no_grad():
        z = torch.zeros(b, d)
        for _ in range(300):
            z = mlp(z, x)
    np.savez(os.path.join(OUT, "mlp-pytorch.npz"), equilibrium=z.numpy(), f_at_z0=mlp(torch.zeros(b, d), x).detach().numpy())

    # Last, so that adding it left the fixtures above unchanged.
    save(SequenceCell(16, 4), "sequence", (torch.zeros(4, 12, 16), torch.randn(4, 12, 4)))
    # The small MLP cell's weights as the built-in cell's .npz problem (no random draws).
    np.savez(
        os.path.join(OUT, "mlp-weights.npz"),
        W=mlp.W.weight.detach().numpy(),
        U=mlp.U.weight.detach().numpy(),
        b=mlp.U.bias.detach().numpy(),
        x=x.numpy(),
    )


if __name__ == "__main__":
    main()
