#!/usr/bin/env python3
"""Training speed and peak memory: MedForge LoRA vs PyTorch + PEFT on the same Qwen2-shaped model.

    python3 scripts/train_bench_vs_pytorch.py MEDFORGE_BINARY DATA.jsonl TOKENIZER [--hidden 256 --layers 4
        --heads 4 --kv-heads 2 --ffn 704 --vocab 512 --batch 4 --seq 128 --rank 16 --steps 8 --threads 2]
        [--medforge-modes F32,Q8_0,Q8_0:bf16,Q8_0:int8] [--torch-modes fp32,bf16,bf16base]

The issue's shape (Qwen2.5-0.5B): --hidden 896 --layers 24 --heads 14 --kv-heads 2 --ffn 4864 --vocab 151936
--batch 4 --seq 256 --rank 16, with a tokenizer of at most --vocab tokens (e.g. the DeepSeek-V3 tokenizer.json).

Writes a random-weight qwen2 GGUF (F32 and/or Q8_0 copies; --vocab rows; the tokenizer only has to cover the
data), then trains LoRA (rank r on q/k/v/o/gate/up/down, AdamW, batch x seq tokens per step) with
`medforge finetune` (F32 or Q8_0 base, --precision fp32/bf16/int8) and with transformers + PEFT on the same shape:
fp32, bf16 autocast, and bf16base (base weights in bf16 plus autocast, PyTorch's fastest CPU setting), each in
its own process under /usr/bin/time for the peak RSS. Reports the median tokens/s of the steps after the first two
and, for each MedForge mode, the speed and memory ratios against every PyTorch mode.
Run it on a quiet machine: a second busy process slows 2-thread runs several-fold.
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time
import numpy as np

def write_gguf(path, a, qtype):
    import gguf
    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(path, "qwen2")
    w.add_context_length(4096); w.add_embedding_length(a.hidden); w.add_block_count(a.layers)
    w.add_feed_forward_length(a.ffn); w.add_head_count(a.heads); w.add_head_count_kv(a.kv_heads)
    w.add_layer_norm_rms_eps(1e-6); w.add_rope_freq_base(1e6)
    hd = a.hidden // a.heads
    def t(name, shape, quant=True):
        x = (rng.standard_normal(shape) * 0.02).astype(np.float32)
        if quant and qtype != "F32" and shape[-1] % 32 == 0:
            qx = gguf.quants.quantize(x, gguf.GGMLQuantizationType.Q8_0); w.add_tensor(name, qx, raw_shape=qx.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        else:
            w.add_tensor(name, x)
    t("token_embd.weight", (a.vocab, a.hidden)); t("output_norm.weight", (a.hidden,), False); t("output.weight", (a.vocab, a.hidden))
    for l in range(a.layers):
        p = f"blk.{l}."
        t(p + "attn_norm.weight", (a.hidden,), False); t(p + "ffn_norm.weight", (a.hidden,), False)
        t(p + "attn_q.weight", (a.heads * hd, a.hidden)); t(p + "attn_k.weight", (a.kv_heads * hd, a.hidden)); t(p + "attn_v.weight", (a.kv_heads * hd, a.hidden))
        for b, n in [("attn_q.bias", a.heads * hd), ("attn_k.bias", a.kv_heads * hd), ("attn_v.bias", a.kv_heads * hd)]:
            t(p + b, (n,), False)
        t(p + "attn_output.weight", (a.hidden, a.heads * hd))
        t(p + "ffn_gate.weight", (a.ffn, a.hidden)); t(p + "ffn_up.weight", (a.ffn, a.hidden)); t(p + "ffn_down.weight", (a.hidden, a.ffn))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()

def timed(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) * 1024
    return r.stdout, rss

def torch_worker(a, mode):
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM
    from peft import LoraConfig, get_peft_model
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    bf16 = mode in ("bf16", "bf16base")
    cfg = Qwen2Config(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.ffn, num_hidden_layers=a.layers,
                      num_attention_heads=a.heads, num_key_value_heads=a.kv_heads, tie_word_embeddings=False)
    model = Qwen2ForCausalLM(cfg)
    if mode == "bf16base":
        model = model.to(torch.bfloat16)
    model = get_peft_model(model, LoraConfig(r=a.rank, lora_alpha=2 * a.rank, target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
    if mode == "bf16base":
        for p in model.parameters():
            if p.requires_grad:
                p.data = p.data.float()   # LoRA weights and AdamW state in float32, as on the MedForge side
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    rates = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=ids[:, :-1], labels=ids[:, :-1]).loss
        loss.backward(); opt.step(); opt.zero_grad()
        rates.append(a.batch * a.seq / (time.perf_counter() - t0))
    print(json.dumps({"rates": rates}))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("medforge", nargs="?"); ap.add_argument("data", nargs="?"); ap.add_argument("tokenizer", nargs="?")
    for k, v in [("hidden", 256), ("layers", 4), ("heads", 4), ("kv-heads", 2), ("ffn", 704), ("vocab", 512), ("batch", 4), ("seq", 128),
                 ("rank", 16), ("steps", 8), ("threads", 2)]:
        ap.add_argument("--" + k, type=int, default=v)
    ap.add_argument("--torch-worker", choices=["fp32", "bf16", "bf16base"])
    ap.add_argument("--medforge-modes", default="F32,Q8_0,Q8_0:bf16,Q8_0:int8")
    ap.add_argument("--torch-modes", default="fp32,bf16,bf16base")
    a = ap.parse_args()
    if a.torch_worker:
        return torch_worker(a, a.torch_worker)
    tmp = tempfile.mkdtemp()
    shape = ["--hidden", a.hidden, "--layers", a.layers, "--heads", a.heads, "--kv-heads", a.kv_heads, "--ffn", a.ffn, "--vocab", a.vocab,
             "--batch", a.batch, "--seq", a.seq, "--rank", a.rank, "--steps", a.steps, "--threads", a.threads]
    shape = [str(x) for x in shape]
    results = {"shape": vars(a)}
    med = lambda r: statistics.median(r[2:] if len(r) > 3 else r)
    for m in a.medforge_modes.split(","):
        q, _, prec = m.partition(":")
        extra = ["--precision", prec] if prec else []
        path = os.path.join(tmp, f"bench.{q}.gguf")
        if not os.path.exists(path): write_gguf(path, a, q)
        tag = q + ("_" + prec if prec else "")
        out, rss = timed([a.medforge, "finetune", "--model", path, "--tokenizer", a.tokenizer, "--data", a.data,
                          "--steps", str(a.steps), "--batch-size", str(a.batch), "--seq-len", str(a.seq), "--lora-rank", str(a.rank),
                          "--lora-alpha", str(2 * a.rank), "--threads", str(a.threads), "--out", os.path.join(tmp, "out" + tag)] + extra)
        rates = [json.loads(l)["tokens_per_s"] for l in out.splitlines() if '"tokens_per_s"' in l]
        results[f"medforge_{tag}"] = {"tokens_per_s": med(rates), "peak_rss_gb": rss / 1e9}
    for mode in a.torch_modes.split(","):
        out, rss = timed([sys.executable, __file__, "--torch-worker", mode] + shape)
        results[f"pytorch_peft_{mode}"] = {"tokens_per_s": med(json.loads(out.strip().splitlines()[-1])["rates"]), "peak_rss_gb": rss / 1e9}
    print(json.dumps(results, indent=1))
    print("\nMedForge / PyTorch+PEFT (speed x, memory x):")
    for mk, mv in results.items():
        if not mk.startswith("medforge_"): continue
        cells = [f"{tk[len('pytorch_peft_'):]}: {mv['tokens_per_s'] / tv['tokens_per_s']:.2f}x speed, {mv['peak_rss_gb'] / tv['peak_rss_gb']:.2f}x memory"
                 for tk, tv in results.items() if tk.startswith("pytorch_peft_")]
        print(f"  {mk[len('medforge_'):]:12s} {mv['tokens_per_s']:7.1f} tok/s {mv['peak_rss_gb']:5.2f} GB | " + "; ".join(cells))

if __name__ == "__main__":
    main()
