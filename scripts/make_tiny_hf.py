#!/usr/bin/env python3
"""Writes tiny Hugging Face model folders (config.json + model.safetensors) holding exactly the weights of
the tiny float32 GGUF fixtures, converted back to the HF layout the way llama.cpp's converter would read
them (HF llama q/k are un-permuted: llama.cpp permutes them for adjacent-pair RoPE; deepseek2 experts are
split into per-expert tensors). The Swift test checks that both forms give the same logits.

Regenerate:  python3 scripts/make_tiny_hf.py
Needs:       pip install gguf safetensors numpy   (gguf 0.19.0, safetensors 0.x)
"""
import json, os, sys
import numpy as np
from gguf import GGUFReader
from safetensors.numpy import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "MedForgeLLMTests", "Fixtures")


def meta(r, key, default=None):
    f = r.fields.get(key)
    if f is None:
        return default
    v = f.parts[f.data[0]]
    return v.tolist()[0] if hasattr(v, "tolist") and len(v) == 1 else v


def unpermute(w, n_head):
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


LAYER = {
    "attn_norm.weight": "input_layernorm.weight", "ffn_norm.weight": "post_attention_layernorm.weight",
    "attn_q.weight": "self_attn.q_proj.weight", "attn_q.bias": "self_attn.q_proj.bias",
    "attn_k.weight": "self_attn.k_proj.weight", "attn_k.bias": "self_attn.k_proj.bias",
    "attn_v.weight": "self_attn.v_proj.weight", "attn_v.bias": "self_attn.v_proj.bias",
    "attn_output.weight": "self_attn.o_proj.weight", "attn_q_a.weight": "self_attn.q_a_proj.weight",
    "attn_q_a_norm.weight": "self_attn.q_a_layernorm.weight", "attn_q_b.weight": "self_attn.q_b_proj.weight",
    "attn_kv_a_mqa.weight": "self_attn.kv_a_proj_with_mqa.weight", "attn_kv_a_norm.weight": "self_attn.kv_a_layernorm.weight",
    "attn_kv_b.weight": "self_attn.kv_b_proj.weight", "ffn_gate.weight": "mlp.gate_proj.weight",
    "ffn_up.weight": "mlp.up_proj.weight", "ffn_down.weight": "mlp.down_proj.weight",
    "ffn_gate_inp.weight": "mlp.gate.weight", "exp_probs_b.bias": "mlp.gate.e_score_correction_bias",
    "ffn_gate_shexp.weight": "mlp.shared_experts.gate_proj.weight", "ffn_up_shexp.weight": "mlp.shared_experts.up_proj.weight",
    "ffn_down_shexp.weight": "mlp.shared_experts.down_proj.weight",
}
EXPERTS = {"ffn_gate_exps.weight": "gate_proj", "ffn_up_exps.weight": "up_proj", "ffn_down_exps.weight": "down_proj"}


def convert(gguf_name, out_name):
    r = GGUFReader(os.path.join(FIX, "gguf", gguf_name))
    arch = bytes(meta(r, "general.architecture")).decode() if not isinstance(meta(r, "general.architecture"), str) else meta(r, "general.architecture")
    g = lambda k, d=None: meta(r, f"{arch}.{k}", d)
    heads, kv_heads = g("attention.head_count"), g("attention.head_count_kv", g("attention.head_count"))
    tensors = {}
    for t in r.tensors:
        data = np.array(t.data, dtype=np.float32)
        name = t.name
        if name == "token_embd.weight":
            tensors["model.embed_tokens.weight"] = data; continue
        if name == "output_norm.weight":
            tensors["model.norm.weight"] = data; continue
        if name == "output.weight":
            tensors["lm_head.weight"] = data; continue
        _, l, suffix = name.split(".", 2)
        if suffix in EXPERTS:
            for e in range(data.shape[0]):
                tensors[f"model.layers.{l}.mlp.experts.{e}.{EXPERTS[suffix]}.weight"] = np.ascontiguousarray(data[e])
            continue
        if arch == "llama" and suffix == "attn_q.weight":
            data = unpermute(data, heads)
        if arch == "llama" and suffix == "attn_k.weight":
            data = unpermute(data, kv_heads)
        tensors[f"model.layers.{l}.{LAYER[suffix]}"] = np.ascontiguousarray(data)
    emb = tensors["model.embed_tokens.weight"]
    cfg = {
        "hidden_size": g("embedding_length"), "intermediate_size": g("feed_forward_length"),
        "num_hidden_layers": g("block_count"), "num_attention_heads": heads, "num_key_value_heads": kv_heads,
        "rms_norm_eps": g("attention.layer_norm_rms_epsilon"), "rope_theta": g("rope.freq_base", 10000.0),
        "max_position_embeddings": g("context_length"), "vocab_size": emb.shape[0],
        "tie_word_embeddings": "lm_head.weight" not in tensors,
    }
    if arch == "llama":
        cfg["model_type"] = "llama"
    elif arch == "qwen2":
        cfg["model_type"] = "qwen2"
    else:
        rope = g("rope.dimension_count")
        key_len = g("attention.key_length_mla", g("attention.key_length"))
        cfg.update({
            "model_type": "deepseek_v3" if g("expert_gating_func", 1) == 2 else "deepseek_v2",
            "q_lora_rank": g("attention.q_lora_rank") or None, "kv_lora_rank": g("attention.kv_lora_rank"),
            "qk_rope_head_dim": rope, "qk_nope_head_dim": key_len - rope,
            "v_head_dim": g("attention.value_length_mla", g("attention.value_length")),
            "n_routed_experts": g("expert_count"), "n_shared_experts": g("expert_shared_count"),
            "num_experts_per_tok": g("expert_used_count"), "moe_intermediate_size": g("expert_feed_forward_length"),
            "first_k_dense_replace": g("leading_dense_block_count"), "routed_scaling_factor": g("expert_weights_scale", 1.0),
            "norm_topk_prob": bool(g("expert_weights_norm", False)),
            "scoring_func": "sigmoid" if g("expert_gating_func", 1) == 2 else "softmax",
            "n_group": g("expert_group_count", 1), "topk_group": g("expert_group_used_count", 1),
        })
    out = os.path.join(FIX, "hf", out_name)
    os.makedirs(out, exist_ok=True)
    save_file(tensors, os.path.join(out, "model.safetensors"))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1, sort_keys=True)
    print(out, len(tensors), "tensors")


if __name__ == "__main__":
    for src, dst in [("llama-mini.F32.gguf", "llama-mini"), ("qwen2-mini.F32.gguf", "qwen2-mini"),
                     ("deepseek2-kvb-mini.F32.gguf", "deepseek2-kvb-mini")]:
        convert(src, dst)
