#!/usr/bin/env python3
"""Tiny random-weight GGUF models: the fixtures the Swift engine's logits are checked against.

What it makes (in Tests/MedForgeLLMTests/Fixtures/gguf/; Fixtures/gguf/README.md describes
every file, key and tensor):

* "mini" models -- small, deliberately unaligned dimensions, rich feature set; F32 and F16.
  They pin down the architecture maths (GQA, biases, tied embeddings, MLA with and without
  q-LoRA, the legacy un-split attn_kv_b, softmax and sigmoid routing, selection bias,
  group-limited routing, weight normalisation and scaling, shared experts, dense lead layers,
  YaRN RoPE scaling):
    llama-mini, qwen2-mini, deepseek2-lite-mini, deepseek2-v3-mini, deepseek2-kvb-mini
* "q" models -- every matrix row length (GGUF ne[0]) a multiple of 256 so that every
  quantised type, K-quants included, applies without llama.cpp's fallback types; quantised by
  llama.cpp itself to F16, Q8_0, Q4_0, Q4_K_M (a Q4_K/Q6_K mix) and Q6_K:
    llama-q, qwen2-q, deepseek2-q
  Their F32 source files are written to a temporary directory and not kept (size budget).

Weights are random (numpy default_rng, fixed seed per model), tokenizers are real and small:
a SentencePiece vocabulary (llama2.c's tok512) for llama, a byte-level BPE trained here on a
fixed text for qwen2/deepseek2.

Regenerate (about a minute on 2 cores):

    python3 scripts/make_tiny_ggufs.py            # then: python3 scripts/make_logit_goldens.py

Package versions used for the committed files: gguf 0.19.0, llama-cpp-python 0.3.36 (its
bundled llama.cpp: libllama 0.5.0 / ggml 0.25.3), tokenizers 0.23.3, numpy 2.4.6, Python 3.11.7.
"""

import argparse
import ctypes
import json
import struct
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import gguf
from gguf import GGUFWriter, TokenType, ExpertGatingFuncType, RopeScalingType

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "Tests/MedForgeLLMTests/Fixtures/gguf"
TOK512 = REPO / "Sources/MedForgeLLM/DefaultModel/tok512.bin"

# ----------------------------------------------------------------------------------------------
# tokenizers


def spm_vocab_from_tok512():
    """llama2.c's tok512.bin (a SentencePiece model's pieces and scores) as a GGUF 'llama' vocab."""
    raw = TOK512.read_bytes()
    off = 4
    tokens, scores, types = [], [], []
    for i in range(512):
        score, n = struct.unpack_from("<fi", raw, off)
        off += 8
        piece = raw[off:off + n].decode("utf-8")
        off += n
        if i == 0:
            piece, t = "<unk>", TokenType.UNKNOWN
        elif i in (1, 2):
            piece, t = ("<s>", "</s>")[i - 1], TokenType.CONTROL
        elif piece.startswith("<0x") and piece.endswith(">") and len(piece) == 6:
            t = TokenType.BYTE
        else:
            # llama2.c stores SentencePiece's U+2581 word marker as a plain space; GGUF keeps '▁'
            piece, t = piece.replace(" ", "\u2581"), TokenType.NORMAL
        tokens.append(piece)
        scores.append(score)
        types.append(t)
    return tokens, scores, types


BPE_CORPUS = """
The patient is a 54-year-old man with a history of hypertension and type 2 diabetes.
He presented with chest pain radiating to the left arm, shortness of breath and sweating.
Blood pressure was 150/95 mmHg, heart rate 102 beats per minute. The ECG showed ST elevation.
Troponin was elevated. He was treated with aspirin, heparin and a beta blocker, and the
patient was transferred for percutaneous coronary intervention. The patient recovered well.
Once upon a time, there was a little girl named Lily. She loved to play outside in the park.
患者男性，54岁，高血压病史十年。主诉胸痛三小时。诊断：急性心肌梗死。
"""


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable-character table (the byte-level BPE alphabet)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def bpe_vocab(n_merges: int, specials: list[str]):
    """Byte-level BPE: 256 byte tokens (in byte order), then one token per merge, then specials.

    The merges are learned by Hugging Face tokenizers from BPE_CORPUS (deterministic)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=256 + n_merges, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tk.train_from_iterator([BPE_CORPUS] * 4, trainer)
    merges = json.loads(tk.to_str())["model"]["merges"][:n_merges]
    merges = [m if isinstance(m, str) else " ".join(m) for m in merges]
    b2u = bytes_to_unicode()
    tokens = [b2u[b] for b in range(256)]
    seen = set(tokens)
    kept = []
    for m in merges:
        a, b = m.split(" ")
        if a + b in seen:
            continue
        tokens.append(a + b)
        seen.add(a + b)
        kept.append(m)
    types = [TokenType.NORMAL] * len(tokens) + [TokenType.CONTROL] * len(specials)
    tokens += specials
    return tokens, kept, types


# ----------------------------------------------------------------------------------------------
# model descriptions


@dataclass
class Spec:
    name: str
    arch: str                      # llama | qwen2 | deepseek2
    seed: int
    n_embd: int
    n_layer: int
    n_head: int
    n_head_kv: int = 0
    head_dim: int = 0              # llama/qwen2
    n_ff: int = 0                  # dense FFN
    tied: bool = False
    qkv_bias: bool = False
    vocab: str = "bpe"             # spm | bpe
    bpe_pre: str = "qwen2"
    # deepseek2
    q_lora: int = 0
    kv_lora: int = 0
    qk_nope: int = 0
    qk_rope: int = 0
    v_head: int = 0
    mla_split: bool = True         # attn_k_b/attn_v_b (+ key_length_mla) vs legacy attn_kv_b
    n_expert: int = 0
    n_expert_used: int = 0
    n_expert_shared: int = 0
    n_ff_exp: int = 0
    dense_lead: int = 1
    gating: str = "softmax"        # softmax | sigmoid
    exp_probs_b: bool = False
    weights_norm: bool = False
    weights_scale: float = 1.0
    n_group: int = 0
    n_group_used: int = 0
    yarn: dict = field(default_factory=dict)
    rope_base: float = 10000.0
    ctx: int = 512
    types: tuple = ("F32", "F16")
    keep_f32: bool = True


MINI_TYPES = ("F32", "F16")
Q_TYPES = ("F16", "Q8_0", "Q4_0", "Q4_K_M", "Q6_K")

SPECS = [
    Spec("llama-mini", "llama", seed=101, n_embd=64, n_layer=2, n_head=4, n_head_kv=2, head_dim=16,
         n_ff=96, vocab="spm"),
    Spec("qwen2-mini", "qwen2", seed=102, n_embd=64, n_layer=2, n_head=4, n_head_kv=2, head_dim=16,
         n_ff=96, tied=True, qkv_bias=True, rope_base=1000000.0, types=("F32", "F16", "BF16")),
    # DeepSeek-V2-Lite style: no q-LoRA, MLA (split k_b/v_b), softmax top-k, no normalisation
    Spec("deepseek2-lite-mini", "deepseek2", seed=103, n_embd=64, n_layer=3, n_head=4, n_ff=96,
         bpe_pre="deepseek-llm", kv_lora=48, qk_nope=32, qk_rope=16, v_head=24,
         n_expert=8, n_expert_used=3, n_expert_shared=2, n_ff_exp=32, dense_lead=1),
    # DeepSeek-V3 style: q-LoRA, sigmoid + selection bias, group-limited, normalised, scaled, YaRN
    Spec("deepseek2-v3-mini", "deepseek2", seed=104, n_embd=64, n_layer=3, n_head=4, n_ff=96,
         bpe_pre="deepseek-v3", q_lora=40, kv_lora=48, qk_nope=32, qk_rope=16, v_head=24,
         n_expert=16, n_expert_used=4, n_expert_shared=1, n_ff_exp=32, dense_lead=1,
         gating="sigmoid", exp_probs_b=True, weights_norm=True, weights_scale=2.5,
         n_group=4, n_group_used=2,
         yarn=dict(factor=40.0, orig_ctx=64, log_mul=0.1 * 0.707, beta_fast=32.0, beta_slow=1.0),
         types=("F32", "F16", "BF16")),
    # legacy GGUF layout: un-split attn_kv_b, no key_length_mla (llama.cpp runs it as plain MHA)
    Spec("deepseek2-kvb-mini", "deepseek2", seed=105, n_embd=64, n_layer=2, n_head=4, n_ff=96,
         bpe_pre="deepseek-llm", kv_lora=48, qk_nope=32, qk_rope=16, v_head=24, mla_split=False,
         n_expert=4, n_expert_used=2, n_expert_shared=1, n_ff_exp=32, dense_lead=1),
    # quantisable shapes: every row length a multiple of 256
    Spec("llama-q", "llama", seed=201, n_embd=256, n_layer=2, n_head=4, n_head_kv=2, head_dim=64,
         n_ff=256, vocab="spm", types=Q_TYPES, keep_f32=False),
    Spec("qwen2-q", "qwen2", seed=202, n_embd=256, n_layer=2, n_head=4, n_head_kv=2, head_dim=64,
         n_ff=256, tied=True, qkv_bias=True, rope_base=1000000.0, types=Q_TYPES, keep_f32=False),
    Spec("deepseek2-q", "deepseek2", seed=203, n_embd=256, n_layer=2, n_head=2, n_ff=256,
         bpe_pre="deepseek-v3", q_lora=256, kv_lora=256, qk_nope=256, qk_rope=64, v_head=128,
         n_expert=4, n_expert_used=2, n_expert_shared=1, n_ff_exp=256, dense_lead=1,
         gating="sigmoid", exp_probs_b=True, weights_norm=True, weights_scale=2.5,
         n_group=2, n_group_used=1, types=("Q8_0", "Q4_0", "Q4_K_M", "Q6_K"), keep_f32=False),
]

FTYPES = {  # llama.cpp's llama_ftype values
    "F32": 0, "F16": 1, "Q4_0": 2, "Q8_0": 7, "Q4_K_M": 15, "Q6_K": 18, "BF16": 32,
}

# ----------------------------------------------------------------------------------------------
# writing


class Weights:
    """Random tensors; numpy shapes are the reverse of GGUF's ne order (rows = ne[1])."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def mat(self, *shape, fan_in=None):
        fan_in = fan_in or shape[-1]
        return (self.rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32)

    def norm(self, n):
        return (1.0 + 0.1 * self.rng.standard_normal(n)).astype(np.float32)

    def vec(self, n, scale):
        return (scale * self.rng.standard_normal(n)).astype(np.float32)


def write_vocab(w: GGUFWriter, s: Spec):
    if s.vocab == "spm":
        tokens, scores, types = spm_vocab_from_tok512()
        w.add_tokenizer_model("llama")
        w.add_tokenizer_pre("default")
        w.add_token_list(tokens)
        w.add_token_scores(scores)
        w.add_token_types(types)
        w.add_unk_token_id(0)
        w.add_bos_token_id(1)
        w.add_eos_token_id(2)
        w.add_add_bos_token(True)
        w.add_add_eos_token(False)
        return len(tokens)
    if s.arch == "qwen2":
        specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    else:
        specials = ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>"]
    tokens, merges, types = bpe_vocab(40, specials)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(s.bpe_pre)
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    first = len(tokens) - len(specials)
    if s.arch == "qwen2":
        w.add_bos_token_id(first)          # <|endoftext|>, as Qwen2's GGUFs do
        w.add_eos_token_id(first)
        w.add_add_bos_token(False)
    else:
        w.add_bos_token_id(first)
        w.add_eos_token_id(first + 1)
        w.add_add_bos_token(True)
        w.add_add_eos_token(False)
    return len(tokens)


def write_f32(s: Spec, path: Path):
    w = GGUFWriter(str(path), s.arch)
    W = Weights(s.seed)
    w.add_name(s.name)
    w.add_file_type(FTYPES["F32"])
    n_vocab = write_vocab(w, s)
    E = s.n_embd
    w.add_vocab_size(n_vocab)
    w.add_context_length(s.ctx)
    w.add_embedding_length(E)
    w.add_block_count(s.n_layer)
    w.add_feed_forward_length(s.n_ff)
    w.add_head_count(s.n_head)
    w.add_layer_norm_rms_eps(1e-6 if s.arch != "llama" else 1e-5)
    w.add_rope_freq_base(s.rope_base)

    # tied models read logits through token_embd: keep its rows short so logits stay O(1)
    emb_std = np.float32(1.0 / np.sqrt(E) if s.tied else 0.5)
    w.add_tensor("token_embd.weight", W.mat(n_vocab, E, fan_in=1) * emb_std)  # ne {E, vocab}

    if s.arch in ("llama", "qwen2"):
        D, Hkv = s.head_dim, s.n_head_kv
        w.add_head_count_kv(Hkv)
        w.add_key_length(D)
        w.add_value_length(D)
        w.add_rope_dimension_count(D)
        for i in range(s.n_layer):
            p = f"blk.{i}."
            w.add_tensor(p + "attn_norm.weight", W.norm(E))
            w.add_tensor(p + "attn_q.weight", W.mat(s.n_head * D, E))          # ne {E, H*D}
            w.add_tensor(p + "attn_k.weight", W.mat(Hkv * D, E))               # ne {E, Hkv*D}
            w.add_tensor(p + "attn_v.weight", W.mat(Hkv * D, E))
            if s.qkv_bias:
                w.add_tensor(p + "attn_q.bias", W.vec(s.n_head * D, 0.1))
                w.add_tensor(p + "attn_k.bias", W.vec(Hkv * D, 0.1))
                w.add_tensor(p + "attn_v.bias", W.vec(Hkv * D, 0.1))
            w.add_tensor(p + "attn_output.weight", W.mat(E, s.n_head * D))     # ne {H*D, E}
            w.add_tensor(p + "ffn_norm.weight", W.norm(E))
            w.add_tensor(p + "ffn_gate.weight", W.mat(s.n_ff, E))              # ne {E, n_ff}
            w.add_tensor(p + "ffn_up.weight", W.mat(s.n_ff, E))
            w.add_tensor(p + "ffn_down.weight", W.mat(E, s.n_ff))              # ne {n_ff, E}
    else:
        H, nope, rope, vh, kvl = s.n_head, s.qk_nope, s.qk_rope, s.v_head, s.kv_lora
        w.add_leading_dense_block_count(s.dense_lead)
        # llama.cpp only skips reading q_lora_rank for 26/27/48-layer models; write it always
        w.add_q_lora_rank(s.q_lora)
        w.add_kv_lora_rank(kvl)
        w.add_rope_dimension_count(rope)
        if s.mla_split:
            w.add_head_count_kv(1)
            w.add_key_length(kvl + rope)          # the absorbed (MQA) view llama.cpp caches
            w.add_value_length(kvl)
            w.add_key_length_mla(nope + rope)
            w.add_value_length_mla(vh)
        else:
            w.add_head_count_kv(H)
            w.add_key_length(nope + rope)
            w.add_value_length(vh)
        w.add_expert_count(s.n_expert)
        w.add_expert_used_count(s.n_expert_used)
        w.add_expert_shared_count(s.n_expert_shared)
        w.add_expert_feed_forward_length(s.n_ff_exp)
        w.add_expert_weights_scale(s.weights_scale)
        w.add_expert_weights_norm(s.weights_norm)
        w.add_expert_gating_func(ExpertGatingFuncType.SIGMOID if s.gating == "sigmoid"
                                 else ExpertGatingFuncType.SOFTMAX)
        if s.n_group:
            w.add_expert_group_count(s.n_group)
            w.add_expert_group_used_count(s.n_group_used)
        if s.yarn:
            w.add_rope_scaling_type(RopeScalingType.YARN)
            w.add_rope_scaling_factor(s.yarn["factor"])
            w.add_rope_scaling_orig_ctx_len(s.yarn["orig_ctx"])
            w.add_rope_scaling_yarn_log_mul(s.yarn["log_mul"])
            w.add_rope_scaling_yarn_beta_fast(s.yarn["beta_fast"])
            w.add_rope_scaling_yarn_beta_slow(s.yarn["beta_slow"])
        for i in range(s.n_layer):
            p = f"blk.{i}."
            w.add_tensor(p + "attn_norm.weight", W.norm(E))
            if s.q_lora:
                w.add_tensor(p + "attn_q_a.weight", W.mat(s.q_lora, E))                 # ne {E, q_lora}
                w.add_tensor(p + "attn_q_a_norm.weight", W.norm(s.q_lora))
                w.add_tensor(p + "attn_q_b.weight", W.mat(H * (nope + rope), s.q_lora))  # ne {q_lora, H*(nope+rope)}
            else:
                w.add_tensor(p + "attn_q.weight", W.mat(H * (nope + rope), E))           # ne {E, H*(nope+rope)}
            w.add_tensor(p + "attn_kv_a_mqa.weight", W.mat(kvl + rope, E))              # ne {E, kv_lora+rope}
            w.add_tensor(p + "attn_kv_a_norm.weight", W.norm(kvl))
            if s.mla_split:
                w.add_tensor(p + "attn_k_b.weight", W.mat(H, kvl, nope))                # ne {nope, kv_lora, H}
                w.add_tensor(p + "attn_v_b.weight", W.mat(H, vh, kvl))                  # ne {kv_lora, v_head, H}
            else:
                w.add_tensor(p + "attn_kv_b.weight", W.mat(H * (nope + vh), kvl))       # ne {kv_lora, H*(nope+v)}
            w.add_tensor(p + "attn_output.weight", W.mat(E, H * vh))                     # ne {H*v_head, E}
            w.add_tensor(p + "ffn_norm.weight", W.norm(E))
            if i < s.dense_lead:
                w.add_tensor(p + "ffn_gate.weight", W.mat(s.n_ff, E))
                w.add_tensor(p + "ffn_up.weight", W.mat(s.n_ff, E))
                w.add_tensor(p + "ffn_down.weight", W.mat(E, s.n_ff))
            else:
                X, F = s.n_expert, s.n_ff_exp
                w.add_tensor(p + "ffn_gate_inp.weight", W.mat(X, E))                     # ne {E, n_expert}
                if s.exp_probs_b:
                    w.add_tensor(p + "exp_probs_b.bias", W.vec(X, 0.05))                # ne {n_expert}
                w.add_tensor(p + "ffn_gate_exps.weight", W.mat(X, F, E))                 # ne {E, F, X}
                w.add_tensor(p + "ffn_up_exps.weight", W.mat(X, F, E))
                w.add_tensor(p + "ffn_down_exps.weight", W.mat(X, E, F))                 # ne {F, E, X}
                S = F * s.n_expert_shared
                w.add_tensor(p + "ffn_gate_shexp.weight", W.mat(S, E))                   # ne {E, F*shared}
                w.add_tensor(p + "ffn_up_shexp.weight", W.mat(S, E))
                w.add_tensor(p + "ffn_down_shexp.weight", W.mat(E, S))                   # ne {F*shared, E}

    w.add_tensor("output_norm.weight", W.norm(E))
    if not s.tied:
        w.add_tensor("output.weight", W.mat(n_vocab, E))                                 # ne {E, vocab}
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def quantize(src: Path, dst: Path, ftype_name: str):
    import llama_cpp
    params = llama_cpp.llama_model_quantize_default_params()
    params.nthread = 2
    params.ftype = FTYPES[ftype_name]
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0:
        raise RuntimeError(f"llama_model_quantize({src.name} -> {ftype_name}) returned {rc}")


def describe(out: Path):
    """Markdown tables (metadata, tensors with ne and per-file types) for Fixtures/gguf/README.md."""
    from gguf import GGUFReader
    for s in SPECS:
        files = sorted(out.glob(f"{s.name}.*.gguf"), key=lambda f: f.stat().st_size, reverse=True)
        if not files:
            continue
        readers = {f.name.split(".")[1]: GGUFReader(str(f)) for f in files}
        first = next(iter(readers.values()))
        print(f"#### `{s.name}`: " + ", ".join(f"`{f.name}` ({f.stat().st_size:,} B)" for f in files) + "\n")
        print("| key | value |\n|---|---|")
        for f in first.fields.values():
            if f.name.startswith("GGUF.") or f.name in ("general.file_type", "general.quantization_version"):
                continue
            if f.name.startswith("tokenizer.ggml.") and f.name in ("tokenizer.ggml.tokens", "tokenizer.ggml.scores",
                                                                    "tokenizer.ggml.token_type", "tokenizer.ggml.merges"):
                v = f"[{len(f.data)} entries]"
            else:
                v = f.contents()
                if isinstance(v, float):
                    v = f"{v:.9g}"
            print(f"| `{f.name}` | `{v}` |")
        names = list(readers)
        print("\n| tensor | ne | " + " | ".join(names) + " |\n|---|---|" + "---|" * len(names))
        types = {n: {t.name: t.tensor_type.name for t in r.tensors} for n, r in readers.items()}
        for t in first.tensors:
            ne = "{" + ", ".join(str(int(x)) for x in t.shape) + "}"
            print(f"| `{t.name}` | {ne} | " + " | ".join(types[n].get(t.name, "-") for n in names) + " |")
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--only", nargs="*", help="model names to (re)make")
    ap.add_argument("--describe", action="store_true", help="print README tables for the files in --out")
    args = ap.parse_args()
    if args.describe:
        describe(args.out)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    import llama_cpp
    llama_cpp.llama_backend_init()
    with tempfile.TemporaryDirectory() as tmp:
        for s in SPECS:
            if args.only and s.name not in args.only:
                continue
            f32 = (args.out if s.keep_f32 else Path(tmp)) / f"{s.name}.F32.gguf"
            write_f32(s, f32)
            made = [f32] if s.keep_f32 else []
            for t in s.types:
                if t == "F32":
                    continue
                dst = args.out / f"{s.name}.{t}.gguf"
                quantize(f32, dst, t)
                made.append(dst)
            for m in made:
                print(f"{m.relative_to(REPO) if m.is_relative_to(REPO) else m}  {m.stat().st_size:>9} bytes")


if __name__ == "__main__":
    main()
