#!/usr/bin/env python3
"""Random-weight GGUFs of two real model shapes, for `scripts/bench_vs_llamacpp.py`.

Not committed (several GB): written to bench-models/ (git-ignored).

  qwen2-1.5b.Q4_0.gguf, qwen2-1.5b.Q8_0.gguf
      DeepSeek-R1-Distill-Qwen-1.5B shape: hidden 1536, 28 layers, 12 heads (head 128),
      2 KV heads, FFN 8960, vocab 151936, q/k/v biases, untied output, rope base 10000.
  deepseek2-16b.Q4_0.gguf
      DeepSeek-V2-Lite shape: hidden 2048, 27 layers (first dense, FFN 10944), 16 heads,
      no q-LoRA, kv_lora_rank 512, qk_nope 128, qk_rope 64, v_head 128, MLA with split
      attn_k_b/attn_v_b, 64 routed experts (top-6, softmax, FFN 1408) + 2 shared,
      vocab 102400, YaRN (factor 40, original context 4096, mscale_all_dim 0.707).

Each model is first written as F16 (values drawn from a fixed-seed pool of N(0, 0.02) numbers,
streamed tensor by tensor), then quantised by llama.cpp's own quantiser
(llama_cpp.llama_model_quantize), so the type mix (e.g. Q6_K output.weight in a Q4_0 file) is
exactly llama.cpp's. The F16 intermediate (3.6 GB / 31 GB) is deleted afterwards unless
--keep-f16. The tokenizer is a synthetic byte-level BPE vocabulary of the right size (256 byte
tokens, filler tokens, the model's special tokens) so that llama.cpp and medforge load it.

    python3 scripts/make_bench_models.py                 # all three (about 15-30 min on 2 cores)
    python3 scripts/make_bench_models.py --only qwen2    # just the qwen2 pair

Package versions: gguf 0.19.0, llama-cpp-python 0.3.36, numpy 2.4.6.
"""

import argparse
import ctypes
import sys
import time
from pathlib import Path

import numpy as np
from gguf import GGUFWriter, TokenType, ExpertGatingFuncType, RopeScalingType

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench-models"

QWEN2 = dict(arch="qwen2", n_embd=1536, n_layer=28, n_head=12, n_head_kv=2, head_dim=128,
             n_ff=8960, n_vocab=151936, rope_base=10000.0, ctx=131072,
             specials=["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"], pre="deepseek-r1-qwen")
DEEPSEEK2 = dict(arch="deepseek2", n_embd=2048, n_layer=27, n_head=16, n_ff=10944, n_vocab=102400,
                 kv_lora=512, qk_nope=128, qk_rope=64, v_head=128, n_expert=64, n_expert_used=6,
                 n_expert_shared=2, n_ff_exp=1408, dense_lead=1, rope_base=10000.0, ctx=163840,
                 specials=["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"], pre="deepseek-llm")


class Pool:
    """Cheap random tensors: slices of one fixed-seed pool of normal numbers at random offsets."""

    def __init__(self, seed=0, n=1 << 24, std=0.02):
        self.rng = np.random.default_rng(seed)
        p = (self.rng.standard_normal(n) * std).astype(np.float16)
        self.pool = np.concatenate([p, p])
        self.n = n

    def f16(self, *shape):
        total = int(np.prod(shape))
        out = np.empty(total, np.float16)
        i = 0
        while i < total:
            k = min(self.n, total - i)
            off = int(self.rng.integers(0, self.n))
            out[i:i + k] = self.pool[off:off + k]
            i += k
        return out.reshape(shape)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for _, c in sorted(zip(bs, cs))]


def write_vocab(w: GGUFWriter, cfg):
    specials = cfg["specials"]
    byte_tokens = bytes_to_unicode()
    merges = ["Ġ t", "h e", "i n", "Ġt he", "e r", "a n", "o n", "Ġ a"]
    merged = ["Ġt", "he", "in", "Ġthe", "er", "an", "on", "Ġa"]
    n_fill = cfg["n_vocab"] - len(byte_tokens) - len(merged) - len(specials)
    tokens = byte_tokens + merged + [f"<filler_{i}>" for i in range(n_fill)] + specials
    types = [TokenType.NORMAL] * (len(tokens) - len(specials)) + [TokenType.CONTROL] * len(specials)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(cfg["pre"])
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(len(tokens) - 2)
    w.add_eos_token_id(len(tokens) - 1)
    w.add_add_bos_token(True)


def tensor_plan(cfg):
    """(name, numpy shape, dtype) in file order; numpy shape is GGUF ne reversed."""
    E, L, V = cfg["n_embd"], cfg["n_layer"], cfg["n_vocab"]
    f16, f32 = np.float16, np.float32
    plan = [("token_embd.weight", (V, E), f16)]
    for i in range(L):
        p = f"blk.{i}."
        plan.append((p + "attn_norm.weight", (E,), f32))
        if cfg["arch"] == "qwen2":
            H, Hkv, D = cfg["n_head"], cfg["n_head_kv"], cfg["head_dim"]
            plan += [(p + "attn_q.weight", (H * D, E), f16), (p + "attn_q.bias", (H * D,), f32),
                     (p + "attn_k.weight", (Hkv * D, E), f16), (p + "attn_k.bias", (Hkv * D,), f32),
                     (p + "attn_v.weight", (Hkv * D, E), f16), (p + "attn_v.bias", (Hkv * D,), f32),
                     (p + "attn_output.weight", (E, H * D), f16), (p + "ffn_norm.weight", (E,), f32),
                     (p + "ffn_gate.weight", (cfg["n_ff"], E), f16), (p + "ffn_up.weight", (cfg["n_ff"], E), f16),
                     (p + "ffn_down.weight", (E, cfg["n_ff"]), f16)]
        else:
            H, nope, rope, vh, kvl = cfg["n_head"], cfg["qk_nope"], cfg["qk_rope"], cfg["v_head"], cfg["kv_lora"]
            plan += [(p + "attn_q.weight", (H * (nope + rope), E), f16),
                     (p + "attn_kv_a_mqa.weight", (kvl + rope, E), f16),
                     (p + "attn_kv_a_norm.weight", (kvl,), f32),
                     (p + "attn_k_b.weight", (H, kvl, nope), f16),
                     (p + "attn_v_b.weight", (H, vh, kvl), f16),
                     (p + "attn_output.weight", (E, H * vh), f16),
                     (p + "ffn_norm.weight", (E,), f32)]
            if i < cfg["dense_lead"]:
                F = cfg["n_ff"]
                plan += [(p + "ffn_gate.weight", (F, E), f16), (p + "ffn_up.weight", (F, E), f16),
                         (p + "ffn_down.weight", (E, F), f16)]
            else:
                X, F, S = cfg["n_expert"], cfg["n_ff_exp"], cfg["n_ff_exp"] * cfg["n_expert_shared"]
                plan += [(p + "ffn_gate_inp.weight", (X, E), f32),
                         (p + "ffn_gate_exps.weight", (X, F, E), f16), (p + "ffn_up_exps.weight", (X, F, E), f16),
                         (p + "ffn_down_exps.weight", (X, E, F), f16),
                         (p + "ffn_gate_shexp.weight", (S, E), f16), (p + "ffn_up_shexp.weight", (S, E), f16),
                         (p + "ffn_down_shexp.weight", (E, S), f16)]
    plan += [("output_norm.weight", (E,), f32), ("output.weight", (V, E), f16)]
    return plan


def write_f16(cfg, path: Path, seed: int):
    w = GGUFWriter(str(path), cfg["arch"])
    w.add_name(path.stem)
    w.add_file_type(1)
    write_vocab(w, cfg)
    E = cfg["n_embd"]
    w.add_vocab_size(cfg["n_vocab"])
    w.add_context_length(cfg["ctx"])
    w.add_embedding_length(E)
    w.add_block_count(cfg["n_layer"])
    w.add_feed_forward_length(cfg["n_ff"])
    w.add_head_count(cfg["n_head"])
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(cfg["rope_base"])
    if cfg["arch"] == "qwen2":
        w.add_head_count_kv(cfg["n_head_kv"])
        w.add_rope_dimension_count(cfg["head_dim"])
    else:
        kvl, rope = cfg["kv_lora"], cfg["qk_rope"]
        w.add_head_count_kv(1)
        w.add_leading_dense_block_count(cfg["dense_lead"])
        w.add_q_lora_rank(0)
        w.add_kv_lora_rank(kvl)
        w.add_key_length(kvl + rope)
        w.add_value_length(kvl)
        w.add_key_length_mla(cfg["qk_nope"] + rope)
        w.add_value_length_mla(cfg["v_head"])
        w.add_rope_dimension_count(rope)
        w.add_expert_count(cfg["n_expert"])
        w.add_expert_used_count(cfg["n_expert_used"])
        w.add_expert_shared_count(cfg["n_expert_shared"])
        w.add_expert_feed_forward_length(cfg["n_ff_exp"])
        w.add_expert_weights_scale(1.0)
        w.add_expert_weights_norm(False)
        w.add_expert_gating_func(ExpertGatingFuncType.SOFTMAX)
        w.add_rope_scaling_type(RopeScalingType.YARN)
        w.add_rope_scaling_factor(40.0)
        w.add_rope_scaling_orig_ctx_len(4096)
        w.add_rope_scaling_yarn_log_mul(0.1 * 0.707)
    plan = tensor_plan(cfg)
    for name, shape, dt in plan:
        w.add_tensor_info(name, shape, np.dtype(dt), int(np.prod(shape)) * np.dtype(dt).itemsize)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    pool = Pool(seed)
    rng = np.random.default_rng(seed + 1)
    for name, shape, dt in plan:
        if dt == np.float32:
            if name.endswith("norm.weight"):
                a = (1.0 + 0.05 * rng.standard_normal(shape)).astype(np.float32)
            else:
                a = (0.02 * rng.standard_normal(shape)).astype(np.float32)
        else:
            a = pool.f16(*shape)
        w.write_tensor_data(a)
    w.close()


def quantize(src: Path, dst: Path, ftype: int):
    import llama_cpp
    params = llama_cpp.llama_model_quantize_default_params()
    params.nthread = 2
    params.ftype = ftype
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0:
        raise RuntimeError(f"quantising {src} failed ({rc})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--only", choices=["qwen2", "deepseek2"])
    ap.add_argument("--keep-f16", action="store_true")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    import llama_cpp
    llama_cpp.llama_backend_init()
    jobs = [("qwen2-1.5b", QWEN2, 1, {"Q4_0": 2, "Q8_0": 7}),
            ("deepseek2-16b", DEEPSEEK2, 2, {"Q4_0": 2})]
    for stem, cfg, seed, ftypes in jobs:
        if args.only and not stem.startswith(args.only):
            continue
        f16 = args.out / f"{stem}.F16.gguf"
        t0 = time.time()
        if not f16.exists():
            write_f16(cfg, f16, seed)
            print(f"wrote {f16} ({f16.stat().st_size / 1e9:.2f} GB) in {time.time() - t0:.0f} s", flush=True)
        for tname, ft in ftypes.items():
            dst = args.out / f"{stem}.{tname}.gguf"
            t0 = time.time()
            quantize(f16, dst, ft)
            print(f"wrote {dst} ({dst.stat().st_size / 1e9:.2f} GB) in {time.time() - t0:.0f} s", flush=True)
        if not args.keep_f16:
            f16.unlink()


if __name__ == "__main__":
    main()
