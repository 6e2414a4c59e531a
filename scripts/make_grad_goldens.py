#!/usr/bin/env python3
"""Golden LoRA gradients from PyTorch autograd for MedForgeTrain's hand-written backward.

Regenerate (CPU PyTorch from PyPI, plus the `gguf` reader):
    pip install torch gguf
    python3 scripts/make_grad_goldens.py

Reads the tiny GGUF fixtures in Tests/MedForgeTrainTests/Fixtures, builds the same llama/qwen2/deepseek2 forward
in float64 PyTorch (GGUF tensor layout: llama rotates adjacent pairs, qwen2 rotates halves; deepseek2 in the
plain, non-absorbed multi-head latent attention form, with YaRN and the MoE router), puts LoRA adapters with
deterministic values on every projection, and writes the loss and d loss / d(A, B) of one sequence to
Fixtures/grad_golden_<model>.json. The Swift test sets the same adapter values by the same formula, numbering
adapters in the model's order (per layer: attention projections, then MLP / shared experts / routed experts).
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
    """Same formula as GoldenGradientTests.setAdapters: k = the adapter's index in the model's order."""
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


def run_deepseek2(name):
    r = gguf.GGUFReader(os.path.join(FIX, name))
    T = {t.name: torch.tensor(np.array(t.data), dtype=torch.float64) for t in r.tensors}
    A = "deepseek2"
    f = lambda k, d=None: field(r, f"{A}.{k}", d)
    dim, L, H = f("embedding_length"), f("block_count"), f("attention.head_count")
    qr = f("attention.q_lora_rank", 0) or None
    kvr, rd = f("attention.kv_lora_rank"), f("rope.dimension_count")
    nope = f("attention.key_length_mla", f("attention.key_length")) - rd
    vd = f("attention.value_length_mla", f("attention.value_length"))
    E, topk, dense = f("expert_count", 0), f("expert_used_count", 0), f("leading_dense_block_count", 0)
    scale_r, sigm = f("expert_weights_scale", 1.0), f("expert_gating_func", 1) == 2
    norm_w = bool(f("expert_weights_norm", False))
    G = max(1, f("expert_group_count", 1)); GU = max(1, f("expert_group_used_count", G))
    eps, base = f("attention.layer_norm_rms_epsilon", 1e-6), f("rope.freq_base", 10000.0)
    yarn = "deepseek2.rope.scaling.type" in r.fields and f("rope.scaling.factor", 1.0) > 1
    emb = T["token_embd.weight"]; vocab = emb.shape[0]; out_w = T.get("output.weight", emb)
    tokens = [(i * 37 + 11) % vocab for i in range(10)]
    targets = [(i * 53 + 5) % vocab for i in range(10)]
    n = len(tokens)

    # Adapters in the Swift model's order.
    params, sites = {}, {}
    def site(l, module, w):
        k = len(sites)
        a, b = adapter_values(k, RANK, w.shape[1], w.shape[0])
        pre = f"base_model.model.model.layers.{l}.{module}"
        params[pre + ".lora_A.weight"] = torch.tensor(a, requires_grad=True)
        params[pre + ".lora_B.weight"] = torch.tensor(b, requires_grad=True)
        sites[(l, module)] = pre
    def lin(l, module, w, x):
        pre = sites[(l, module)]
        return x @ w.T + (ALPHA / RANK) * (x @ params[pre + ".lora_A.weight"].T) @ params[pre + ".lora_B.weight"].T
    for l in range(L):
        p = f"blk.{l}."
        if qr:
            site(l, "self_attn.q_a_proj", T[p + "attn_q_a.weight"]); site(l, "self_attn.q_b_proj", T[p + "attn_q_b.weight"])
        else:
            site(l, "self_attn.q_proj", T[p + "attn_q.weight"])
        site(l, "self_attn.kv_a_proj_with_mqa", T[p + "attn_kv_a_mqa.weight"])
        site(l, "self_attn.o_proj", T[p + "attn_output.weight"])
        if l < dense:
            for k, st in [("gate_proj", "ffn_gate"), ("up_proj", "ffn_up"), ("down_proj", "ffn_down")]:
                site(l, f"mlp.{k}", T[p + st + ".weight"])
        else:
            if p + "ffn_gate_shexp.weight" in T:
                for k, st in [("gate_proj", "ffn_gate_shexp"), ("up_proj", "ffn_up_shexp"), ("down_proj", "ffn_down_shexp")]:
                    site(l, f"mlp.shared_experts.{k}", T[p + st + ".weight"])
            for e in range(E):
                for k, st in [("gate_proj", "ffn_gate_exps"), ("up_proj", "ffn_up_exps"), ("down_proj", "ffn_down_exps")]:
                    site(l, f"mlp.experts.{e}.{k}", T[p + st + ".weight"][e])

    def norm(x, w):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w

    # RoPE tables (adjacent pairs), with YaRN as llama.cpp applies it.
    half = rd // 2
    i = np.arange(half, dtype=np.float64)
    theta_ex = np.arange(n, dtype=np.float64)[:, None] * base ** (-2 * i / rd)
    theta, att_scale = theta_ex, 1 / math.sqrt(nope + rd)
    if yarn:
        factor, orig = f("rope.scaling.factor"), f("rope.scaling.original_context_length")
        bf, bs = f("rope.scaling.yarn_beta_fast", 32.0), f("rope.scaling.yarn_beta_slow", 1.0)
        corr = lambda rot: rd * math.log(orig / (rot * 2 * math.pi)) / (2 * math.log(base))
        lo, hi = max(0.0, math.floor(corr(bf))), min(rd - 1.0, math.ceil(corr(bs)))
        ramp = 1 - np.clip((i - lo) / max(0.001, hi - lo), 0, 1)
        theta = theta_ex / factor * (1 - ramp) + theta_ex * ramp
        m = 1 + f("rope.scaling.yarn_log_multiplier", 0.0) * math.log(factor)
        att_scale *= m * m
    cos, sin = torch.tensor(np.cos(theta)), torch.tensor(np.sin(theta))
    def rope(x):  # (..., n, rd) adjacent pairs
        a, b = x[..., 0::2], x[..., 1::2]
        return torch.stack([a * cos - b * sin, a * sin + b * cos], -1).flatten(-2)

    def swiglu(l, prefix, wg, wu, wd, x):
        return lin(l, prefix + "down_proj", wd, torch.nn.functional.silu(lin(l, prefix + "gate_proj", wg, x)) * lin(l, prefix + "up_proj", wu, x))

    x = emb[tokens]
    mask = torch.triu(torch.full((n, n), float("-inf"), dtype=torch.float64), 1)
    for l in range(L):
        p = f"blk.{l}."
        xn = norm(x, T[p + "attn_norm.weight"])
        if qr:
            q = lin(l, "self_attn.q_b_proj", T[p + "attn_q_b.weight"], norm(lin(l, "self_attn.q_a_proj", T[p + "attn_q_a.weight"], xn), T[p + "attn_q_a_norm.weight"]))
        else:
            q = lin(l, "self_attn.q_proj", T[p + "attn_q.weight"], xn)
        q = q.view(n, H, nope + rd)
        q_nope, q_pe = q[..., :nope], rope(q[..., nope:].transpose(0, 1))  # q_pe (H, n, rd)
        kva = lin(l, "self_attn.kv_a_proj_with_mqa", T[p + "attn_kv_a_mqa.weight"], xn)
        c = norm(kva[:, :kvr], T[p + "attn_kv_a_norm.weight"])          # (n, kvr)
        k_pe = rope(kva[:, kvr:])                                         # (n, rd)
        if p + "attn_k_b.weight" in T:
            kb, vb = T[p + "attn_k_b.weight"], T[p + "attn_v_b.weight"]   # (H, kvr, nope), (H, vd, kvr)
        else:
            kvb = T[p + "attn_kv_b.weight"].view(H, nope + vd, kvr)
            kb, vb = kvb[:, :nope, :].transpose(1, 2), kvb[:, nope:, :]
        k_nope = torch.einsum("hrn,jr->hjn", kb, c)                       # (H, n, nope)
        v = torch.einsum("hvr,jr->hjv", vb, c)                            # (H, n, vd)
        s = (torch.einsum("thn,hjn->htj", q_nope, k_nope) + torch.einsum("htr,jr->htj", q_pe, k_pe)) * att_scale + mask
        att = torch.einsum("htj,hjv->thv", torch.softmax(s, -1), v).reshape(n, H * vd)
        x = x + lin(l, "self_attn.o_proj", T[p + "attn_output.weight"], att)
        xn = norm(x, T[p + "ffn_norm.weight"])
        if l < dense:
            y = swiglu(l, "mlp.", T[p + "ffn_gate.weight"], T[p + "ffn_up.weight"], T[p + "ffn_down.weight"], xn)
        else:
            logits = xn @ T[p + "ffn_gate_inp.weight"].T
            probs = torch.sigmoid(logits) if sigm else torch.softmax(logits, -1)
            sel = probs.detach().numpy().copy()
            if p + "exp_probs_b.bias" in T:
                sel = sel + T[p + "exp_probs_b.bias"].numpy()
            y = torch.zeros_like(xn)
            if p + "ffn_gate_shexp.weight" in T:
                y = y + swiglu(l, "mlp.shared_experts.", T[p + "ffn_gate_shexp.weight"], T[p + "ffn_up_shexp.weight"], T[p + "ffn_down_shexp.weight"], xn)
            per = E // G
            for t in range(n):
                st = sel[t].copy()
                if G > 1 and GU < G:
                    gs = [np.sort(st[g * per:(g + 1) * per])[-2:].sum() for g in range(G)]
                    for g in np.argsort(gs, kind="stable")[:G - GU]:
                        st[g * per:(g + 1) * per] = -np.inf
                chosen = list(np.argsort(-st, kind="stable")[:topk])
                w = probs[t, chosen]
                if norm_w:
                    w = w / w.sum()
                w = w * scale_r
                for k, e in enumerate(chosen):
                    ye = swiglu(l, f"mlp.experts.{e}.", T[p + "ffn_gate_exps.weight"][e], T[p + "ffn_up_exps.weight"][e], T[p + "ffn_down_exps.weight"][e], xn[t:t + 1])
                    y = y.index_add(0, torch.tensor([t]), w[k] * ye)
        x = x + y
    logits = norm(x, T["output_norm.weight"]) @ out_w.T
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(targets), reduction="mean")
    loss.backward()
    golden = {
        "command": "python3 scripts/make_grad_goldens.py",
        "model": name, "rank": RANK, "alpha": ALPHA, "tokens": tokens, "targets": targets,
        "loss": loss.item(),
        "grads": {k: [float(f"{v:.8g}") for v in (p_.grad if p_.grad is not None else torch.zeros_like(p_)).flatten().tolist()] for k, p_ in sorted(params.items())},
    }
    out = os.path.join(FIX, "grad_golden_" + name.split(".")[0] + ".json")
    with open(out, "w") as fh:
        json.dump(golden, fh, separators=(",", ":"))
    print(out, "loss", loss.item())


if __name__ == "__main__":
    torch.set_num_threads(1)
    for name in ["llama-mini.F32.gguf", "qwen2-mini.F32.gguf"]:
        run(name)
    for name in ["deepseek2-lite-mini.F32.gguf", "deepseek2-v3-mini.F32.gguf"]:
        run_deepseek2(name)
