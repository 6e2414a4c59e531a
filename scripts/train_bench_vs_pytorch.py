#!/usr/bin/env python3
"""Training speed and peak memory: MedForge LoRA vs PyTorch + PEFT on the same model shape (qwen2 or deepseek2).

    python3 scripts/train_bench_vs_pytorch.py MEDFORGE_BINARY DATA.jsonl TOKENIZER [--arch qwen2] [--hidden 256 --layers 4
        --heads 4 --kv-heads 2 --ffn 704 --vocab 512 --batch 4 --seq 128 --rank 16 --steps 8 --threads 2]
        [--medforge-modes F32,Q8_0,Q8_0:bf16,Q8_0:int8] [--torch-modes fp32,bf16,bf16base]

    python3 scripts/train_bench_vs_pytorch.py MEDFORGE_BINARY DATA.jsonl TOKENIZER --arch deepseek2 [--hidden 512 --layers 8
        --heads 8 --kv-lora-rank 128 --qk-nope 64 --qk-rope 32 --v-head 64 --experts 16 --shared-experts 1 --top-k 2
        --moe-ffn 1024 --first-dense 0 --ffn 3072 --vocab 129280 --batch 4 --seq 256 --rank 16 --steps 8 --threads 2]
        [--torch-experts modulelist|fused] [modes]

qwen2. The issue's shape (Qwen2.5-0.5B): --hidden 896 --layers 24 --heads 14 --kv-heads 2 --ffn 4864 --vocab 151936
--batch 4 --seq 256 --rank 16, with a tokenizer of at most --vocab tokens (e.g. the DeepSeek-V3 tokenizer.json).
LoRA on q/k/v/o/gate/up/down.

deepseek2. The defaults are the issue's small DeepSeek-style MoE (batch 4 x 256, 8 layers of hidden 512, 16 routed +
1 shared experts, top-2); the issue names neither the expert width nor the vocabulary. Attention is multi-head latent
attention without q-LoRA, as in DeepSeek-V2-Lite (8 heads, query/key 64 + 32 RoPE dims, value 64, KV latent rank 128);
routing is softmax top-k ("greedy"), chosen weights not renormalised, routed scaling 1. --moe-ffn is one routed
expert's FFN width: 1024 (2x hidden) keeps the expert GEMMs wide enough that the experts, which LoRA also adapts, are a
large part of each step; at DeepSeek-V2-Lite's proportions (0.69x hidden, 352) the vocabulary-sized output layer would
dominate. The shared expert is --shared-experts x --moe-ffn wide. --first-dense N makes the first N layers a dense
SwiGLU of width --ffn (default (top-k + shared) x moe-ffn, the active width per token of a MoE layer), as
DeepSeek-V2-Lite's first_k_dense_replace = 1 does; the default 0 makes every layer a MoE. --vocab 129280 is the
DeepSeek-V3 tokenizer's size (MedForge rejects token ids at or beyond --vocab). LoRA on q_proj, kv_a_proj_with_mqa,
o_proj and gate/up/down of the shared and routed experts (and of dense layers) on both sides; kv_b_proj stays frozen
because MedForge splits it per head into k_b/v_b and never adapts it; routers are frozen.

Writes a random-weight GGUF of --arch (F32 and/or Q8_0 copies; --vocab rows, which must cover every token id of the
data), then trains LoRA (rank r, alpha 2r, AdamW, batch x seq tokens per step) with `medforge finetune` (F32 or Q8_0
base, --precision fp32/bf16/int8) and with transformers + PEFT on the same shape (random weights of their own: only
speed and memory are compared): fp32, bf16 autocast, and bf16base (base weights in bf16 plus autocast, PyTorch's
fastest CPU setting), each in its own process under /usr/bin/time for the peak RSS.
deepseek2 on the PyTorch side: transformers' DeepseekV2ForCausalLM (its MLA attention, router, shared expert and dense
layers) with, by default (--torch-experts modulelist), each MoE layer's routed experts replaced after construction by
DeepSeek's own layout from modeling_deepseek.py: an nn.ModuleList of per-expert MLPs with separate gate_proj, up_proj
and down_proj nn.Linear modules (taking over the fused weights; same routing, each expert computed on its routed tokens
only, index_select / index_add_ as in transformers' loop). PEFT then adapts them through plain target_modules as a
PEFT user fine-tuning DeepSeek-V2 does, with the same adapters as MedForge (equal trainable parameter counts).
--torch-experts fused keeps transformers 5's fused 3-D expert parameters (mlp.experts.gate_up_proj,
mlp.experts.down_proj), which PEFT can only adapt through target_parameters (ParamWrapper, which rebuilds each full
expert weight W + BA every forward): gate_up_proj at rank 2r and alpha 4r (what PEFT itself makes of a gate_proj +
up_proj request, so PEFT trains more LoRA parameters than MedForge's separate gate and up adapters), down_proj at rank r.
The fused path is nevertheless the faster one here (transformers runs it as grouped_mm; the per-expert modules issue
about three times as many smaller ops, which a loaded 2-core machine punishes): bf16base at the default shape measured
44 tokens/s fused vs 30.5 modulelist (load average 3-4), so report both.
Reports the median tokens/s of the steps after the first two, the trainable LoRA parameters of both sides (by
projection) and, for each MedForge mode, the speed and memory ratios against every PyTorch mode.
Run it on a quiet machine: a second busy process slows 2-thread runs several-fold.
"""
import argparse, json, math, os, re, statistics, subprocess, sys, tempfile, time
import numpy as np

# Shape flags whose default depends on --arch; None for deepseek2's --ffn means (top-k + shared) x moe-ffn.
ARCH_DEFAULTS = {
    "qwen2": {"hidden": 256, "layers": 4, "heads": 4, "ffn": 704, "vocab": 512, "seq": 128},
    "deepseek2": {"hidden": 512, "layers": 8, "heads": 8, "ffn": None, "vocab": 129280, "seq": 256},
}
FIXED_DEFAULTS = [("kv-heads", 2), ("batch", 4), ("rank", 16), ("steps", 8), ("threads", 2),
                  # deepseek2 only
                  ("experts", 16), ("shared-experts", 1), ("top-k", 2), ("moe-ffn", 1024), ("first-dense", 0),
                  ("kv-lora-rank", 128), ("qk-nope", 64), ("qk-rope", 32), ("v-head", 64)]
# MedForge's LoRA targets for deepseek2 (gate/up/down cover dense layers, shared and routed experts).
MEDFORGE_DEEPSEEK2_TARGETS = "q_proj,kv_a_proj_with_mqa,o_proj,gate_proj,up_proj,down_proj"

def write_gguf(path, a, qtype):
    import gguf
    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(path, a.arch)
    def t(name, shape, quant=True):
        x = (rng.standard_normal(shape) * 0.02).astype(np.float32)
        if quant and qtype != "F32" and shape[-1] % 32 == 0:
            qx = gguf.quants.quantize(x, gguf.GGMLQuantizationType.Q8_0); w.add_tensor(name, qx, raw_shape=qx.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        else:
            w.add_tensor(name, x)
    (write_qwen2 if a.arch == "qwen2" else write_deepseek2)(w, t, a)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()

def write_qwen2(w, t, a):
    w.add_context_length(4096); w.add_embedding_length(a.hidden); w.add_block_count(a.layers)
    w.add_feed_forward_length(a.ffn); w.add_head_count(a.heads); w.add_head_count_kv(a.kv_heads)
    w.add_layer_norm_rms_eps(1e-6); w.add_rope_freq_base(1e6)
    hd = a.hidden // a.heads
    t("token_embd.weight", (a.vocab, a.hidden)); t("output_norm.weight", (a.hidden,), False); t("output.weight", (a.vocab, a.hidden))
    for l in range(a.layers):
        p = f"blk.{l}."
        t(p + "attn_norm.weight", (a.hidden,), False); t(p + "ffn_norm.weight", (a.hidden,), False)
        t(p + "attn_q.weight", (a.heads * hd, a.hidden)); t(p + "attn_k.weight", (a.kv_heads * hd, a.hidden)); t(p + "attn_v.weight", (a.kv_heads * hd, a.hidden))
        for b, n in [("attn_q.bias", a.heads * hd), ("attn_k.bias", a.kv_heads * hd), ("attn_v.bias", a.kv_heads * hd)]:
            t(p + b, (n,), False)
        t(p + "attn_output.weight", (a.hidden, a.heads * hd))
        t(p + "ffn_gate.weight", (a.ffn, a.hidden)); t(p + "ffn_up.weight", (a.ffn, a.hidden)); t(p + "ffn_down.weight", (a.hidden, a.ffn))

def write_deepseek2(w, t, a):
    """llama.cpp's deepseek2 layout with MLA split into attn_k_b/attn_v_b (numpy shapes, i.e. GGUF ne reversed).
    The routers (ffn_gate_inp) stay F32, as llama.cpp's quantizer leaves them."""
    import gguf
    d, H, kv, nope, rope, vh = a.hidden, a.heads, a.kv_lora_rank, a.qk_nope, a.qk_rope, a.v_head
    E, F, S = a.experts, a.moe_ffn, a.moe_ffn * a.shared_experts
    w.add_context_length(4096); w.add_embedding_length(d); w.add_block_count(a.layers)
    w.add_feed_forward_length(a.ffn); w.add_head_count(H); w.add_head_count_kv(1)
    w.add_layer_norm_rms_eps(1e-6); w.add_rope_freq_base(10000.0)
    w.add_leading_dense_block_count(a.first_dense)
    w.add_q_lora_rank(0); w.add_kv_lora_rank(kv); w.add_rope_dimension_count(rope)
    w.add_key_length(kv + rope); w.add_value_length(kv)           # the absorbed (MQA) view over the cached latent
    w.add_key_length_mla(nope + rope); w.add_value_length_mla(vh)   # per-head sizes
    w.add_expert_count(E); w.add_expert_used_count(a.top_k); w.add_expert_shared_count(a.shared_experts)
    w.add_expert_feed_forward_length(F); w.add_expert_weights_scale(1.0); w.add_expert_weights_norm(False)
    w.add_expert_gating_func(gguf.ExpertGatingFuncType.SOFTMAX)
    t("token_embd.weight", (a.vocab, d)); t("output_norm.weight", (d,), False); t("output.weight", (a.vocab, d))
    for l in range(a.layers):
        p = f"blk.{l}."
        t(p + "attn_norm.weight", (d,), False); t(p + "ffn_norm.weight", (d,), False)
        t(p + "attn_q.weight", (H * (nope + rope), d))
        t(p + "attn_kv_a_mqa.weight", (kv + rope, d)); t(p + "attn_kv_a_norm.weight", (kv,), False)
        t(p + "attn_k_b.weight", (H, kv, nope)); t(p + "attn_v_b.weight", (H, vh, kv))
        t(p + "attn_output.weight", (d, H * vh))
        if l < a.first_dense:
            t(p + "ffn_gate.weight", (a.ffn, d)); t(p + "ffn_up.weight", (a.ffn, d)); t(p + "ffn_down.weight", (d, a.ffn))
            continue
        t(p + "ffn_gate_inp.weight", (E, d), False)
        t(p + "ffn_gate_exps.weight", (E, F, d)); t(p + "ffn_up_exps.weight", (E, F, d)); t(p + "ffn_down_exps.weight", (E, d, F))
        t(p + "ffn_gate_shexp.weight", (S, d)); t(p + "ffn_up_shexp.weight", (S, d)); t(p + "ffn_down_shexp.weight", (d, S))

def timed(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) * 1024
    return r.stdout, rss

def lora_group(name):
    """`base_model.model.model.layers.3.mlp.experts.7.gate_proj` -> `mlp.experts.*.gate_proj`."""
    name = re.sub(r"^(base_model\.model\.)?model\.layers\.\d+\.", "", name)
    return re.sub(r"experts\.\d+\.", "experts.*.", name)

def medforge_lora_params(out_dir):
    """Trainable LoRA parameters by projection, from the adapter MedForge saved (safetensors header only)."""
    path = os.path.join(out_dir, "adapter_model.safetensors")
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        header = json.loads(f.read(int.from_bytes(f.read(8), "little")))
    groups = {}
    for k, v in header.items():
        if k != "__metadata__":
            g = lora_group(re.sub(r"\.lora_[AB]\.weight$", "", k))
            groups[g] = groups.get(g, 0) + math.prod(v["shape"])
    return {"total": sum(groups.values()), "by_projection": groups}

def modulelist_experts(moe, config):
    """DeepSeek's own routed-expert layout (modeling_deepseek.py), the one PEFT users fine-tune with standard LoRA:
    an nn.ModuleList of per-expert MLPs with separate gate_proj/up_proj/down_proj nn.Linear modules, each computed on
    its routed tokens only (index_select / index_add_, as transformers' eager loop). It replaces a transformers
    DeepseekV2Moe's fused experts and takes over their weights, so routing (transformers' router), the shared expert
    and the output are unchanged; only the experts' parameter layout differs."""
    import torch
    from torch import nn
    from transformers.models.deepseek_v2.modeling_deepseek_v2 import DeepseekV2MLP

    class ModuleListExperts(nn.ModuleList):
        def forward(self, hidden_states, top_k_index, top_k_weights):
            final = torch.zeros_like(hidden_states)
            with torch.no_grad():   # one sort and one host sync for the whole layer
                order = top_k_index.reshape(-1).argsort(stable=True)
                counts = torch.bincount(top_k_index.reshape(-1), minlength=len(self)).tolist()
            tokens = order // top_k_index.shape[1]
            weights = top_k_weights.reshape(-1)[order]
            start = 0
            for expert, n in zip(self, counts):
                if n == 0:
                    continue
                idx, w = tokens[start:start + n], weights[start:start + n]
                start += n
                y = expert(hidden_states.index_select(0, idx)) * w[:, None]
                final.index_add_(0, idx, y.to(final.dtype))
            return final

    fused, F = moe.experts, config.moe_intermediate_size
    experts = ModuleListExperts(DeepseekV2MLP(config, intermediate_size=F) for _ in range(fused.num_experts))
    with torch.no_grad():
        for e, m in enumerate(experts):
            m.gate_proj.weight.copy_(fused.gate_up_proj[e, :F]); m.up_proj.weight.copy_(fused.gate_up_proj[e, F:])
            m.down_proj.weight.copy_(fused.down_proj[e])
    moe.experts = experts

def torch_model(a):
    """The transformers model of --arch and its PEFT LoraConfig arguments."""
    import torch
    if a.arch == "qwen2":
        from transformers import Qwen2Config, Qwen2ForCausalLM
        cfg = Qwen2Config(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.ffn, num_hidden_layers=a.layers,
                          num_attention_heads=a.heads, num_key_value_heads=a.kv_heads, tie_word_embeddings=False)
        return Qwen2ForCausalLM(cfg), {"target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}
    from transformers import DeepseekV2Config, DeepseekV2ForCausalLM
    from transformers.models.deepseek_v2.modeling_deepseek_v2 import DeepseekV2Moe
    import peft.utils.transformers_weight_conversion as conversion
    # PEFT's v4 -> v5 MoE conversion would turn gate_proj/up_proj/down_proj targets into the fused expert parameters
    # and drop them from target_modules, leaving the shared experts and dense layers without LoRA (and, with
    # --torch-experts modulelist, targeting parameters that no longer exist); the experts are targeted explicitly below.
    conversion.convert_peft_config_for_transformers = lambda *args, **kwargs: None
    cfg = DeepseekV2Config(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.ffn, moe_intermediate_size=a.moe_ffn,
                           num_hidden_layers=a.layers, num_attention_heads=a.heads, num_key_value_heads=a.heads,
                           q_lora_rank=None, kv_lora_rank=a.kv_lora_rank, qk_nope_head_dim=a.qk_nope, qk_rope_head_dim=a.qk_rope,
                           v_head_dim=a.v_head, n_routed_experts=a.experts, n_shared_experts=a.shared_experts,
                           num_experts_per_tok=a.top_k, first_k_dense_replace=a.first_dense, topk_method="greedy",
                           norm_topk_prob=False, routed_scaling_factor=1.0, rms_norm_eps=1e-6, max_position_embeddings=4096,
                           rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, tie_word_embeddings=False)
    model = DeepseekV2ForCausalLM(cfg)
    targets = ["q_proj", "kv_a_proj_with_mqa", "o_proj", "gate_proj", "up_proj", "down_proj"]
    if a.torch_experts == "modulelist":
        for layer in model.model.layers:
            if isinstance(layer.mlp, DeepseekV2Moe):
                modulelist_experts(layer.mlp, cfg)
        return model, {"target_modules": targets}
    fused = r".*\.gate_up_proj"
    return model, {
        "target_modules": targets,
        "target_parameters": ["mlp.experts.gate_up_proj", "mlp.experts.down_proj"],
        "rank_pattern": {fused: 2 * a.rank}, "alpha_pattern": {fused: 4 * a.rank}}

def peft_lora_params(model):
    """Trainable LoRA parameters by adapted module (or fused expert parameter), each wrapper counted once."""
    groups = {}
    for name, m in model.named_modules():
        if not hasattr(m, "lora_A") or "default" not in m.lora_A:
            continue
        g = lora_group(name.replace(".base_layer", "")) + ("." + m.parameter_name if hasattr(m, "parameter_name") else "")
        groups[g] = groups.get(g, 0) + m.lora_A["default"].weight.numel() + m.lora_B["default"].weight.numel()
    return {"total": sum(p.numel() for p in model.parameters() if p.requires_grad), "by_projection": groups}

def torch_worker(a, mode):
    import torch
    from peft import LoraConfig, get_peft_model
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    bf16 = mode in ("bf16", "bf16base")
    model, targets = torch_model(a)
    if mode == "bf16base":
        model = model.to(torch.bfloat16)
    model = get_peft_model(model, LoraConfig(r=a.rank, lora_alpha=2 * a.rank, **targets))
    if mode == "bf16base":
        for p in model.parameters():
            if p.requires_grad:
                p.data = p.data.float()   # LoRA weights and AdamW state in float32, as on the MedForge side
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=1e-3)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    rates, with_grad = [], None
    for step in range(a.steps):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=ids[:, :-1], labels=ids[:, :-1]).loss
        loss.backward()
        if step == min(1, a.steps - 1):   # lora_A gets no gradient while lora_B is still zero (step 1)
            with_grad = sum(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in trainable)
        opt.step(); opt.zero_grad()
        rates.append(a.batch * a.seq / (time.perf_counter() - t0))
    info = {"lora": peft_lora_params(model), "tensors_with_gradient": f"{with_grad}/{len(trainable)}"}
    if a.arch == "deepseek2":
        info["experts_implementation"] = ("modulelist" if a.torch_experts == "modulelist"
                                          else "fused, " + str(model.config._experts_implementation))
    print(json.dumps({"rates": rates, **info}))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medforge", nargs="?"); ap.add_argument("data", nargs="?"); ap.add_argument("tokenizer", nargs="?")
    ap.add_argument("--arch", choices=sorted(ARCH_DEFAULTS), default="qwen2")
    for k in ARCH_DEFAULTS["qwen2"]:
        ap.add_argument("--" + k, type=int)
    for k, v in FIXED_DEFAULTS:
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--torch-worker", choices=["fp32", "bf16", "bf16base"])
    ap.add_argument("--medforge-modes", default="F32,Q8_0,Q8_0:bf16,Q8_0:int8")
    ap.add_argument("--torch-modes", default="fp32,bf16,bf16base")
    ap.add_argument("--torch-experts", choices=["modulelist", "fused"], default="modulelist",
                    help="deepseek2: PyTorch's routed experts as per-expert nn.Linear modules or transformers' fused parameters")
    a = ap.parse_args()
    for k, v in ARCH_DEFAULTS[a.arch].items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    if a.ffn is None:
        a.ffn = (a.top_k + a.shared_experts) * a.moe_ffn
    if a.torch_worker:
        return torch_worker(a, a.torch_worker)
    tmp = tempfile.mkdtemp()
    shape = ["--arch", a.arch]
    for k in list(ARCH_DEFAULTS["qwen2"]) + [k for k, _ in FIXED_DEFAULTS]:
        shape += ["--" + k, str(getattr(a, k.replace("-", "_")))]
    shape += ["--torch-experts", a.torch_experts]
    results = {"shape": vars(a), "lora": {}}
    med = lambda r: statistics.median(r[2:] if len(r) > 3 else r)
    targets = ["--lora-targets", MEDFORGE_DEEPSEEK2_TARGETS] if a.arch == "deepseek2" else []
    for m in a.medforge_modes.split(","):
        q, _, prec = m.partition(":")
        extra = ["--precision", prec] if prec else []
        path = os.path.join(tmp, f"bench.{q}.gguf")
        if not os.path.exists(path): write_gguf(path, a, q)
        tag = q + ("_" + prec if prec else "")
        out_dir = os.path.join(tmp, "out" + tag)
        out, rss = timed([a.medforge, "finetune", "--model", path, "--tokenizer", a.tokenizer, "--data", a.data,
                          "--steps", str(a.steps), "--batch-size", str(a.batch), "--seq-len", str(a.seq), "--lora-rank", str(a.rank),
                          "--lora-alpha", str(2 * a.rank), "--threads", str(a.threads), "--out", out_dir] + targets + extra)
        rates = [json.loads(l)["tokens_per_s"] for l in out.splitlines() if '"tokens_per_s"' in l]
        results[f"medforge_{tag}"] = {"tokens_per_s": med(rates), "peak_rss_gb": rss / 1e9}
        results["lora"].setdefault("medforge", medforge_lora_params(out_dir))
    for mode in a.torch_modes.split(","):
        out, rss = timed([sys.executable, __file__, "--torch-worker", mode] + shape)
        r = json.loads(out.strip().splitlines()[-1])
        results[f"pytorch_peft_{mode}"] = {"tokens_per_s": med(r["rates"]), "peak_rss_gb": rss / 1e9,
                                           "tensors_with_gradient": r["tensors_with_gradient"]}
        results["lora"].setdefault("pytorch_peft", r["lora"])
        if "experts_implementation" in r:
            results["lora"]["pytorch_experts_implementation"] = r["experts_implementation"]
    print(json.dumps(results, indent=1))
    mf, pt = results["lora"].get("medforge"), results["lora"].get("pytorch_peft")
    if mf and pt:
        print(f"\nTrainable LoRA parameters: MedForge {mf['total']:,}, PyTorch+PEFT {pt['total']:,} "
              f"({'equal' if mf['total'] == pt['total'] else 'differ'})")
    print("\nMedForge / PyTorch+PEFT (speed x, memory x):")
    for mk, mv in results.items():
        if not mk.startswith("medforge_"): continue
        cells = [f"{tk[len('pytorch_peft_'):]}: {mv['tokens_per_s'] / tv['tokens_per_s']:.2f}x speed, {mv['peak_rss_gb'] / tv['peak_rss_gb']:.2f}x memory"
                 for tk, tv in results.items() if tk.startswith("pytorch_peft_")]
        print(f"  {mk[len('medforge_'):]:12s} {mv['tokens_per_s']:7.1f} tok/s {mv['peak_rss_gb']:5.2f} GB | " + "; ".join(cells))

if __name__ == "__main__":
    main()
