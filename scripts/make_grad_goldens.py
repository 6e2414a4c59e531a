#!/usr/bin/env python3
"""Golden LoRA gradients from PyTorch autograd for MedForgeTrain's hand-written backward.

Regenerate (CPU PyTorch from PyPI, plus the `gguf` reader):
    pip install torch gguf
    python3 scripts/make_grad_goldens.py

Reads the tiny GGUF fixtures in Tests/MedForgeTrainTests/Fixtures, builds the same llama/qwen2 forward in
float64 PyTorch (GGUF tensor layout: llama rotates adjacent pairs, qwen2 rotates halves), puts LoRA adapters
with deterministic values on every projection, and writes the loss and d loss / d(A, B) of one sequence to
Fixtures/grad_golden_<model>.json. The Swift test sets the same adapter values by the same formula.
"""
import json, math, os, sys
import numpy as np
import torch
import gguf

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "Tests", "MedForgeTrainTests", "Fixtures")
KINDS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
STEMS = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]
MODULE = {"q_proj": "self_attn", "k_proj": "self_attn", "v_proj": "self_attn", "o_proj": "self_attn",
          "gate_proj": "mlp", "up_proj": "mlp", "down_proj": "mlp"}
RANK, ALPHA = 2, 4.0


def adapter_values(k, rank, d_in, d_out):
    """Same formula as GoldenGradientTests.setAdapters: index k = layer * 7 + kind index."""
    a = np.array([0.1 * math.sin(1 + 0.37 * i + k) for i in range(rank * d_in)]).reshape(rank, d_in)
    b = np.array([0.05 * math.cos(2 + 0.23 * i + k) for i in range(d_out * rank)]).reshape(d_out, rank)
    return a, b


def field(r, key, default=None):
    f = r.fields.get(key)
    if f is None:
        return default
    return f.parts[f.data[0]].tolist()[0]


def run(name):
    r = gguf.GGUFReader(os.path.join(FIX, name))
    arch = bytes(r.fields["general.architecture"].parts[-1]).decode()
    T = {t.name: torch.tensor(np.array(t.data), dtype=torch.float64) for t in r.tensors}
    dim = field(r, f"{arch}.embedding_length"); L = field(r, f"{arch}.block_count")
    H = field(r, f"{arch}.attention.head_count"); KV = field(r, f"{arch}.attention.head_count_kv", H)
    hd = field(r, f"{arch}.attention.key_length", dim // H); rd = field(r, f"{arch}.rope.dimension_count", hd)
    base = field(r, f"{arch}.rope.freq_base", 10000.0); eps = field(r, f"{arch}.attention.layer_norm_rms_epsilon", 1e-5)
    neox = arch == "qwen2"
    emb = T["token_embd.weight"]; vocab = emb.shape[0]
    out_w = T.get("output.weight", emb)
    tokens = [(i * 37 + 11) % vocab for i in range(10)]
    targets = [(i * 53 + 5) % vocab for i in range(10)]
    n = len(tokens)

    params = {}
    for l in range(L):
        for ki, kind in enumerate(KINDS):
            w = T[f"blk.{l}.{STEMS[ki]}.weight"]
            a, b = adapter_values(l * 7 + ki, RANK, w.shape[1], w.shape[0])
            pre = f"base_model.model.model.layers.{l}.{MODULE[kind]}.{kind}"
            params[pre + ".lora_A.weight"] = torch.tensor(a, requires_grad=True)
            params[pre + ".lora_B.weight"] = torch.tensor(b, requires_grad=True)

    def proj(l, ki, x):
        kind = KINDS[ki]
        pre = f"base_model.model.model.layers.{l}.{MODULE[kind]}.{kind}"
        y = x @ T[f"blk.{l}.{STEMS[ki]}.weight"].T
        bias = T.get(f"blk.{l}.{STEMS[ki]}.bias")
        if bias is not None:
            y = y + bias
        return y + (ALPHA / RANK) * (x @ params[pre + ".lora_A.weight"].T) @ params[pre + ".lora_B.weight"].T

    def norm(x, w):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w

    pos = torch.arange(n, dtype=torch.float64)[:, None]
    inv = base ** (-2 * torch.arange(rd // 2, dtype=torch.float64) / rd)
    cos, sin = torch.cos(pos * inv), torch.sin(pos * inv)

    def rope(x, heads):
        x = x.view(n, heads, hd)
        rot, rest = x[..., :rd], x[..., rd:]
        if neox:
            a, b = rot[..., : rd // 2], rot[..., rd // 2:]
        else:
            a, b = rot[..., 0::2], rot[..., 1::2]
        c, s = cos[:, None, :], sin[:, None, :]
        ra, rb = a * c - b * s, a * s + b * c
        if neox:
            rot = torch.cat([ra, rb], -1)
        else:
            rot = torch.stack([ra, rb], -1).flatten(-2)
        return torch.cat([rot, rest], -1)

    x = emb[tokens]
    mask = torch.triu(torch.full((n, n), float("-inf"), dtype=torch.float64), 1)
    for l in range(L):
        xn = norm(x, T[f"blk.{l}.attn_norm.weight"])
        q = rope(proj(l, 0, xn), H); k = rope(proj(l, 1, xn), KV); v = proj(l, 2, xn).view(n, KV, hd)
        g = H // KV
        k = k.repeat_interleave(g, dim=1); v = v.repeat_interleave(g, dim=1)
        s = torch.einsum("thd,jhd->htj", q, k) / math.sqrt(hd) + mask
        att = torch.einsum("htj,jhd->thd", torch.softmax(s, -1), v).reshape(n, H * hd)
        x = x + proj(l, 3, att)
        xn = norm(x, T[f"blk.{l}.ffn_norm.weight"])
        x = x + proj(l, 6, torch.nn.functional.silu(proj(l, 4, xn)) * proj(l, 5, xn))
    logits = norm(x, T["output_norm.weight"]) @ out_w.T
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(targets), reduction="mean")
    loss.backward()
    golden = {
        "command": "python3 scripts/make_grad_goldens.py",
        "model": name, "rank": RANK, "alpha": ALPHA, "tokens": tokens, "targets": targets,
        "loss": loss.item(),
        "grads": {k: [float(f"{v:.8g}") for v in p.grad.flatten().tolist()] for k, p in sorted(params.items())},
    }
    out = os.path.join(FIX, "grad_golden_" + name.split(".")[0] + ".json")
    with open(out, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
    print(out, "loss", loss.item())


if __name__ == "__main__":
    torch.set_num_threads(1)
    for name in ["llama-mini.F32.gguf", "qwen2-mini.F32.gguf"]:
        run(name)
