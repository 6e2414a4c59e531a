#!/usr/bin/env python3
"""Golden last-position logits of every tiny GGUF fixture, computed by llama.cpp.

For each Tests/MedForgeLLMTests/Fixtures/gguf/*.gguf this evaluates PROMPTS (explicit token
ids, no BOS or anything else added; lengths 1, 5, 17 and 40, so the 40-token prompt goes
through llama.cpp's batched prompt path in one ubatch) with llama-cpp-python and writes the
logits of the last position, rounded to 6 significant digits, to goldens.json:

    {"<file>.gguf": {"prompts": [[ids...], ...], "logits": [[n_vocab floats], ...],
                     "n_vocab": N, "llama_cpp": {settings},
                     "noise": {...}, "numpy_reference_max_abs": [...]}, ...}

llama.cpp settings: n_threads=2, n_ctx=256, n_batch=n_ubatch=512, flash attention off,
KV cache in F32 (type_k = type_v = F32, so F32 files are compared with F32 arithmetic
throughout; llama.cpp's default F16 cache is measured as noise instead), seed 0.

"noise" (F32 and F16 files): max |logit difference| per prompt between the golden run and
  threads_1:   the same settings with n_threads=1 (llama.cpp's thread-count noise)
  rerun:       the same settings again (run-to-run noise)
  kv_f16:      llama.cpp's default F16 KV cache
"numpy_reference_max_abs": max |difference| between the golden and an independent plain
numpy forward pass (dequantised weights, float64 maths) written from the rules in
Fixtures/gguf/README.md -- it is what proves that README's maths is llama.cpp's.
"numpy_reference_act_quant_max_abs" (non-F32 files): the same, but with the activations
rounded before each weight product the way llama.cpp's CPU backend rounds them (F16 for F16
weights, Q8_0 blocks of 32 for Q4_0/Q8_0, Q8_K blocks of 256 for Q4_K/Q6_K).

Regenerate (after scripts/make_tiny_ggufs.py):

    python3 scripts/make_logit_goldens.py

Package versions used: llama-cpp-python 0.3.36, gguf 0.19.0, numpy 2.4.6, Python 3.11.7.
"""

import argparse
import ctypes
import json
import math
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "Tests/MedForgeLLMTests/Fixtures/gguf"


def make_prompts():
    rng = np.random.default_rng(7)
    # ids 3..287 exist in every fixture vocabulary and are ordinary (non-control) tokens
    return [[int(t) for t in rng.integers(3, 288, size=n)] for n in (1, 5, 17, 40)]


PROMPTS = make_prompts()

# ----------------------------------------------------------------------------------------------
# llama.cpp


def llama_logits(path: Path, prompts, n_threads=2, kv_f32=True):
    import llama_cpp
    kw = dict(model_path=str(path), logits_all=False, n_threads=n_threads, n_threads_batch=n_threads,
              n_ctx=256, n_batch=512, n_ubatch=512, seed=0, verbose=False, flash_attn=False)
    if kv_f32:
        kw.update(type_k=0, type_v=0)         # GGML_TYPE_F32
    m = llama_cpp.Llama(**kw)
    out = []
    n_vocab = m.n_vocab()
    for ids in prompts:
        m.reset()
        m.eval(ids)
        ptr = llama_cpp.llama_get_logits_ith(m.ctx, -1)
        out.append(np.ctypeslib.as_array(ptr, shape=(n_vocab,)).astype(np.float64).copy())
    m.close() if hasattr(m, "close") else None
    del m
    return out


def round6(x):
    return [float(f"{v:.6g}") for v in x]


# ----------------------------------------------------------------------------------------------
# independent numpy reference (float64), following Fixtures/gguf/README.md


class Model:
    def __init__(self, path: Path):
        import gguf
        from gguf.quants import dequantize
        r = gguf.GGUFReader(str(path))
        self.kv = {}
        for f in r.fields.values():
            if f.name.startswith("tokenizer.ggml.") and f.name not in ("tokenizer.ggml.model",):
                continue
            if not f.types:
                continue
            v = f.contents()
            self.kv[f.name] = v
        self.arch = self.kv["general.architecture"]
        self.t, self.types = {}, {}
        self.act_quant = False
        for t in r.tensors:
            self.types[t.name] = t.tensor_type.name
            ne = [int(x) for x in t.shape]
            a = dequantize(np.asarray(t.data), t.tensor_type)
            self.t[t.name] = np.asarray(a, dtype=np.float64).reshape(tuple(reversed(ne)))

    def k(self, name, default=None):
        return self.kv.get(f"{self.arch}.{name}", default)

    def act(self, x, name):
        """With act_quant, round the activations x (..., n) the way llama.cpp's CPU matmul does
        before a dot product with weight `name`: F16 weights -> x in F16; Q8_0/Q4_0 -> x in
        Q8_0 blocks of 32; Q4_K/Q6_K -> x in Q8_K blocks of 256. F32 weights: x unchanged."""
        if not self.act_quant:
            return x
        ty = self.types[name]
        if ty == "F16":
            return x.astype(np.float16).astype(np.float64)
        if ty in ("Q8_0", "Q4_0"):
            return q8_0(x)
        if ty in ("Q4_K", "Q6_K"):
            return q8_k(x)
        return x

    def mm(self, x, name):
        # x (T, n) @ W (m, n)^T -> (T, m)
        return self.act(x, name) @ self.t[name].T


def q8_0(x):
    b = x.astype(np.float32).reshape(*x.shape[:-1], -1, 32)
    amax = np.abs(b).max(-1, keepdims=True)
    d = amax / 127.0
    inv = np.where(amax > 0, 127.0 / np.where(amax > 0, amax, 1), 0.0).astype(np.float32)
    q = np.rint(b * inv)
    return (q * d.astype(np.float16).astype(np.float64)).reshape(x.shape)


def q8_k(x):
    b = x.astype(np.float32).reshape(*x.shape[:-1], -1, 256)
    i = np.abs(b).argmax(-1)[..., None]
    mx = np.take_along_axis(b, i, -1)
    iscale = np.where(mx != 0, -127.0 / np.where(mx != 0, mx, 1), 0.0).astype(np.float32)
    q = np.minimum(127, np.rint(iscale * b))
    d = np.where(iscale != 0, 1.0 / np.where(iscale != 0, iscale, 1), 0.0).astype(np.float32)
    return (q * d).reshape(x.shape)


def rms(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def silu(x):
    return x / (1.0 + np.exp(-x))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def rope_tables(n_rot, pos, base, yarn=None):
    """cos/sin (T, n_rot/2) for pair index i: theta = pos * base^(-2i/n_rot), with ggml's YaRN."""
    i = np.arange(n_rot // 2)
    theta_extrap = pos[:, None] * base ** (-2.0 * i / n_rot)[None, :]
    mscale = 1.0
    theta = theta_extrap
    if yarn:
        fs, ext, attn_factor = yarn["freq_scale"], yarn["ext_factor"], yarn["attn_factor"]

        def corr_dim(beta):
            return n_rot * math.log(yarn["n_ctx_orig"] / (beta * 2 * math.pi)) / (2 * math.log(base))
        lo = max(0.0, math.floor(corr_dim(yarn["beta_fast"])))
        hi = min(n_rot - 1.0, math.ceil(corr_dim(yarn["beta_slow"])))
        ramp = 1.0 - np.clip((i - lo) / max(0.001, hi - lo), 0.0, 1.0)
        mix = ramp * ext
        theta_interp = fs * theta_extrap
        theta = theta_interp * (1 - mix) + theta_extrap * mix
        mscale = attn_factor * (1.0 + 0.1 * math.log(1.0 / fs)) if ext != 0 else attn_factor
    return np.cos(theta) * mscale, np.sin(theta) * mscale


def rope_norm(x, cos, sin):
    # x (T, H, n_rot): pairs (2i, 2i+1)  -- llama.cpp GGML_ROPE_TYPE_NORM
    y = x.copy()
    a, b = x[..., 0::2], x[..., 1::2]
    c, s = cos[:, None, :], sin[:, None, :]
    y[..., 0::2] = a * c - b * s
    y[..., 1::2] = a * s + b * c
    return y


def rope_neox(x, cos, sin):
    # x (T, H, n_rot): pairs (i, i + n_rot/2)  -- llama.cpp GGML_ROPE_TYPE_NEOX
    h = x.shape[-1] // 2
    y = x.copy()
    a, b = x[..., :h], x[..., h:]
    c, s = cos[:, None, :], sin[:, None, :]
    y[..., :h] = a * c - b * s
    y[..., h:] = a * s + b * c
    return y


def causal_attention(q, k, v, scale):
    # q (T, H, Dk), k (T, H, Dk), v (T, H, Dv) -> (T, H, Dv)
    T = q.shape[0]
    s = np.einsum("thd,shd->hts", q, k) * scale
    s = s + np.triu(np.full((T, T), -np.inf), 1)[None]
    return np.einsum("hts,shd->thd", softmax(s, -1), v)


def forward_llama(m: Model, ids):
    E = m.k("embedding_length")
    H, Hkv = m.k("attention.head_count"), m.k("attention.head_count_kv")
    D = m.k("attention.key_length", E // H)
    eps = m.k("attention.layer_norm_rms_epsilon")
    base = m.k("rope.freq_base", 10000.0)
    T = len(ids)
    x = m.t["token_embd.weight"][ids]                                # (T, E)
    cos, sin = rope_tables(m.k("rope.dimension_count", D), np.arange(T, dtype=np.float64), base)
    rope = rope_neox if m.arch == "qwen2" else rope_norm
    for il in range(m.k("block_count")):
        p = f"blk.{il}."
        h = rms(x, m.t[p + "attn_norm.weight"], eps)
        q = m.mm(h, p + "attn_q.weight")
        k = m.mm(h, p + "attn_k.weight")
        v = m.mm(h, p + "attn_v.weight")
        if p + "attn_q.bias" in m.t:
            q, k, v = q + m.t[p + "attn_q.bias"], k + m.t[p + "attn_k.bias"], v + m.t[p + "attn_v.bias"]
        q, k, v = q.reshape(T, H, D), k.reshape(T, Hkv, D), v.reshape(T, Hkv, D)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        g = H // Hkv
        k, v = np.repeat(k, g, axis=1), np.repeat(v, g, axis=1)       # q head h uses kv head h // g
        o = causal_attention(q, k, v, 1.0 / math.sqrt(D)).reshape(T, H * D)
        x = x + m.mm(o, p + "attn_output.weight")
        h = rms(x, m.t[p + "ffn_norm.weight"], eps)
        x = x + m.mm(silu(m.mm(h, p + "ffn_gate.weight")) * m.mm(h, p + "ffn_up.weight"), p + "ffn_down.weight")
    out = "output.weight" if "output.weight" in m.t else "token_embd.weight"
    return m.mm(rms(x[-1:], m.t["output_norm.weight"], eps), out)[0]


def moe(m: Model, p, h):
    """DeepSeek MoE for rows h (T, E): routed experts + shared experts."""
    X, K = m.k("expert_count"), m.k("expert_used_count")
    gating = m.k("expert_gating_func", 1)
    norm_w = bool(m.k("expert_weights_norm", False))
    scale = m.k("expert_weights_scale", 0.0)
    G, Gu = m.k("expert_group_count", 0), m.k("expert_group_used_count", 0)
    logits = m.mm(h, p + "ffn_gate_inp.weight")                      # (T, X)
    probs = softmax(logits, -1) if gating == 1 else 1.0 / (1.0 + np.exp(-logits))
    sel = probs + m.t[p + "exp_probs_b.bias"] if p + "exp_probs_b.bias" in m.t else probs.copy()
    out = np.zeros_like(h)
    for t in range(h.shape[0]):
        s = sel[t].copy()
        if G > 1:
            grp = s.reshape(G, X // G)
            gscore = np.sort(grp, axis=1)[:, -2:].sum(axis=1)           # sum of the 2 best per group
            keep = np.argsort(-gscore, kind="stable")[:Gu]
            mask = np.full(G, -np.inf)
            mask[keep] = 0.0
            s = (grp + mask[:, None]).reshape(X)
        idx = np.argsort(-s, kind="stable")[:K]
        w = probs[t, idx]
        if norm_w:
            w = w / max(w.sum(), 6.103515625e-5)
        if scale != 0.0 and scale != 1.0:
            w = w * scale
        for wj, e in zip(w, idx):
            he = m.act(h[t], p + "ffn_gate_exps.weight")
            g = m.t[p + "ffn_gate_exps.weight"][e] @ he
            u = m.t[p + "ffn_up_exps.weight"][e] @ he
            a = m.act(silu(g) * u, p + "ffn_down_exps.weight")
            out[t] += wj * (m.t[p + "ffn_down_exps.weight"][e] @ a)
    sh = m.mm(silu(m.mm(h, p + "ffn_gate_shexp.weight")) * m.mm(h, p + "ffn_up_shexp.weight"), p + "ffn_down_shexp.weight")
    return out + sh


def forward_deepseek2(m: Model, ids):
    E, H = m.k("embedding_length"), m.k("attention.head_count")
    eps = m.k("attention.layer_norm_rms_epsilon")
    base = m.k("rope.freq_base", 10000.0)
    kvl, rope_d = m.k("attention.kv_lora_rank"), m.k("rope.dimension_count")
    mla = m.k("attention.key_length_mla") is not None
    dk = m.k("attention.key_length_mla") if mla else m.k("attention.key_length")
    dv = m.k("attention.value_length_mla") if mla else m.k("attention.value_length")
    nope = dk - rope_d
    T = len(ids)
    pos = np.arange(T, dtype=np.float64)
    yarn = None
    kq_scale = 1.0 / math.sqrt(dk)
    if m.k("rope.scaling.type") == "yarn":
        factor = m.k("rope.scaling.factor")
        fs = 1.0 / factor
        log_mul = m.k("rope.scaling.yarn_log_multiplier", 0.0) / 0.1      # llama.cpp undoes the converter's 0.1
        # llama-context.cpp: attn_factor = mscale(f, m)/mscale(f, m_all) / (1 + 0.1 ln f); for
        # deepseek2 with log_mul != 1, m == m_all, so the ratio is 1
        attn_factor = 1.0 / (1.0 + 0.1 * math.log(factor))
        yarn = dict(freq_scale=fs, ext_factor=1.0, attn_factor=attn_factor,
                    n_ctx_orig=m.k("rope.scaling.original_context_length"),
                    beta_fast=32.0, beta_slow=1.0)
        attn_factor_org = attn_factor * (1.0 + 0.1 * math.log(factor))
        mscale = attn_factor_org * (1.0 + 0.1 * log_mul * math.log(factor))
        kq_scale = mscale * mscale / math.sqrt(dk)
    cos, sin = rope_tables(rope_d, pos, base, yarn)
    x = m.t["token_embd.weight"][ids]
    for il in range(m.k("block_count")):
        p = f"blk.{il}."
        h = rms(x, m.t[p + "attn_norm.weight"], eps)
        if p + "attn_q_a.weight" in m.t:
            q = m.mm(rms(m.mm(h, p + "attn_q_a.weight"), m.t[p + "attn_q_a_norm.weight"], eps), p + "attn_q_b.weight")
        else:
            q = m.mm(h, p + "attn_q.weight")
        q = q.reshape(T, H, dk)
        q_nope, q_pe = q[..., :nope], q[..., nope:]
        ckv = m.mm(h, p + "attn_kv_a_mqa.weight")                    # (T, kv_lora + rope)
        c, k_pe = ckv[:, :kvl], ckv[:, kvl:]
        q_pe = rope_norm(q_pe, cos, sin)
        k_pe = rope_norm(k_pe[:, None, :], cos, sin)                    # (T, 1, rope)
        c = rms(c, m.t[p + "attn_kv_a_norm.weight"], eps)
        if mla:
            kb = m.t[p + "attn_k_b.weight"]                             # (H, kv_lora, nope)
            vb = m.t[p + "attn_v_b.weight"]                             # (H, dv, kv_lora)
            q_abs = np.einsum("hcn,thn->thc", kb, m.act(q_nope, p + "attn_k_b.weight"))               # (T, H, kv_lora)
            qq = np.concatenate([q_abs, q_pe], -1)
            kk = np.repeat(np.concatenate([c[:, None, :], k_pe], -1), H, axis=1)
            vv = np.repeat(c[:, None, :], H, axis=1)
            o_lat = causal_attention(qq, kk, vv, kq_scale)              # (T, H, kv_lora)
            o = np.einsum("hvc,thc->thv", vb, m.act(o_lat, p + "attn_v_b.weight"))
        else:
            kv = m.mm(c, p + "attn_kv_b.weight").reshape(T, H, nope + dv)
            k_nope, v = kv[..., :nope], kv[..., nope:]
            qq = np.concatenate([q_nope, q_pe], -1)
            kk = np.concatenate([k_nope, np.repeat(k_pe, H, axis=1)], -1)
            o = causal_attention(qq, kk, v, kq_scale)
        x = x + m.mm(o.reshape(T, H * dv), p + "attn_output.weight")
        h = rms(x, m.t[p + "ffn_norm.weight"], eps)
        if il < m.k("leading_dense_block_count", 0):
            x = x + m.mm(silu(m.mm(h, p + "ffn_gate.weight")) * m.mm(h, p + "ffn_up.weight"), p + "ffn_down.weight")
        else:
            x = x + moe(m, p, h)
    out = "output.weight" if "output.weight" in m.t else "token_embd.weight"
    return m.mm(rms(x[-1:], m.t["output_norm.weight"], eps), out)[0]


def numpy_reference(path: Path, prompts, act_quant=False):
    m = Model(path)
    m.act_quant = act_quant
    f = forward_deepseek2 if m.arch == "deepseek2" else forward_llama
    return [f(m, ids) for ids in prompts]


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=FIXTURES)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--no-noise", action="store_true")
    args = ap.parse_args()
    import llama_cpp

    files = sorted(args.dir.glob("*.gguf"))
    out_path = args.dir / "goldens.json"
    goldens = json.loads(out_path.read_text()) if (args.only and out_path.exists()) else {}
    for f in files:
        if args.only and f.name not in args.only:
            continue
        gold = llama_logits(f, PROMPTS)
        entry = {
            "prompts": PROMPTS,
            "logits": [round6(l) for l in gold],
            "n_vocab": len(gold[0]),
            "llama_cpp": {"package": "llama-cpp-python " + llama_cpp.__version__, "n_threads": 2,
                          "n_ctx": 256, "n_batch": 512, "n_ubatch": 512, "kv_cache": "F32",
                          "flash_attn": False},
        }
        if not args.no_noise and (".F32." in f.name or ".F16." in f.name):
            t1 = llama_logits(f, PROMPTS, n_threads=1)
            again = llama_logits(f, PROMPTS)
            f16 = llama_logits(f, PROMPTS, kv_f32=False)
            entry["noise"] = {
                "threads_1": [float(f"{np.abs(a - b).max():.3g}") for a, b in zip(gold, t1)],
                "rerun": [float(f"{np.abs(a - b).max():.3g}") for a, b in zip(gold, again)],
                "kv_f16": [float(f"{np.abs(a - b).max():.3g}") for a, b in zip(gold, f16)],
            }
        ref = numpy_reference(f, PROMPTS)
        entry["numpy_reference_max_abs"] = [float(f"{np.abs(a - b).max():.3g}") for a, b in zip(gold, ref)]
        if ".F32." not in f.name:
            ref_q = numpy_reference(f, PROMPTS, act_quant=True)
            entry["numpy_reference_act_quant_max_abs"] = [float(f"{np.abs(a - b).max():.3g}") for a, b in zip(gold, ref_q)]
        goldens[f.name] = entry
        print(f"{f.name:32s} ref {entry['numpy_reference_max_abs']} act-quant ref "
              f"{entry.get('numpy_reference_act_quant_max_abs', '-')} noise {entry.get('noise', '')}", flush=True)
    out_path.write_text(json.dumps(goldens, separators=(",", ":")) + "\n")
    print(f"wrote {out_path} ({out_path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
