#!/usr/bin/env python3
"""Prompt-processing and generation speed: `medforge bench` against llama.cpp on the same GGUF.

For every model file it alternates, --reps times,
  * llama.cpp: its own `llama-bench` (-p PP -n TG -t THREADS -r 1, JSON output) when one is found
    (--llama-bench PATH, $LLAMA_BENCH, or .build-llama/build/bin/llama-bench as built by
    scripts/build_llama_bench.sh); otherwise llama-cpp-python in a fresh subprocess, timed like
    llama-bench's pp/tg tests -- after one warm-up, decode --pp random tokens as one batch into an
    empty KV cache (pp tokens/s), then clear the cache and decode --tg random tokens one at a time
    (tg tokens/s). llama-cpp-python adds Python overhead per generated token, so llama-bench is the
    stricter reference;
  * `medforge bench --model F --pp N --tg N --threads T --json` (expects one JSON object with
    at least pp_tokens_per_s, tg_tokens_per_s, tg_bandwidth_share),
keeps the best of the reps for each side and prints both, and medforge/llama.cpp ratios.
If the medforge binary is missing or fails, llama.cpp's figures are still reported.

Generation bandwidth for llama.cpp is estimated as the bytes of the weights one token reads
(every tensor except token_embd; for MoE layers only expert_used/expert_count of the routed
expert tensors) times tg tokens/s; the share divides that by the machine read bandwidth that
medforge reports (machine_read_bytes_per_s) or, without it, --machine-gbs (the issue's figure
for this 2-core machine is 35-37 GB/s).

Caution: llama.cpp's OpenMP threads synchronise at every graph node; when other processes
compete for the 2 cores its generation speed collapses (0.5-1.5 t/s seen instead of ~37),
far more than a spin-pool engine's. Ratios are only meaningful on an otherwise idle machine.

    python3 scripts/make_bench_models.py          # once: writes bench-models/*.gguf
    python3 scripts/bench_vs_llamacpp.py [--medforge .build/release/medforge] [--reps 3] [FILES...]

Figures are noisy while other jobs share the cores; compare ratios from the same run.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILES = ["bench-models/qwen2-1.5b.Q4_0.gguf", "bench-models/qwen2-1.5b.Q8_0.gguf",
                 "bench-models/deepseek2-16b.Q4_0.gguf"]


def bytes_per_token(path: Path) -> int:
    import gguf
    r = gguf.GGUFReader(str(path))
    arch = r.fields["general.architecture"].contents()
    n_exp = r.fields.get(f"{arch}.expert_count")
    n_used = r.fields.get(f"{arch}.expert_used_count")
    frac = (n_used.contents() / n_exp.contents()) if n_exp and n_used else 1.0
    total = 0
    for t in r.tensors:
        if t.name == "token_embd.weight":
            continue
        n = int(t.n_bytes)
        if "_exps." in t.name:
            n = int(n * frac)
        total += n
    return total


def llamacpp_worker(path: str, pp: int, tg: int, threads: int, flash_attn: bool):
    """Runs in a subprocess: prints one JSON line with pp/tg tokens per second."""
    import numpy as np
    import llama_cpp
    m = llama_cpp.Llama(model_path=path, n_ctx=pp + tg + 16, n_batch=pp, n_ubatch=pp, n_threads=threads,
                        n_threads_batch=threads, logits_all=False, seed=0, verbose=False,
                        flash_attn=flash_attn)
    rng = np.random.default_rng(0)
    n_vocab = m.n_vocab()
    prompt = [int(t) for t in rng.integers(0, n_vocab - 8, size=pp)]
    gen = [int(t) for t in rng.integers(0, n_vocab - 8, size=tg)]
    # warm-up (page in the weights, build the graphs)
    m.reset(); m.eval(prompt[:pp]); m.reset(); m.eval(gen[:4])
    m.reset()
    t0 = time.perf_counter()
    m.eval(prompt)
    t_pp = time.perf_counter() - t0
    m.reset()
    t0 = time.perf_counter()
    for t in gen:
        m.eval([t])
    t_tg = time.perf_counter() - t0
    print(json.dumps({"pp_tokens_per_s": pp / t_pp, "tg_tokens_per_s": tg / t_tg}))


def find_llama_bench(args):
    for c in [args.llama_bench, os.environ.get("LLAMA_BENCH"), str(REPO / ".build-llama/build/bin/llama-bench")]:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    return None


def run_llama_bench(binary: str, path: Path, args):
    cmd = [binary, "-m", str(path), "-p", str(args.pp), "-n", str(args.tg), "-t", str(args.threads), "-r", "1",
           "-o", "json"] + (["-fa", "1"] if args.flash_attn else [])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    if p.returncode != 0:
        raise RuntimeError(f"llama-bench failed on {path}: {p.stderr[-2000:]}")
    out = {}
    for test in json.loads(p.stdout):
        if test.get("n_prompt", 0) > 0 and test.get("n_gen", 0) == 0:
            out["pp_tokens_per_s"] = float(test["avg_ts"])
        elif test.get("n_gen", 0) > 0 and test.get("n_prompt", 0) == 0:
            out["tg_tokens_per_s"] = float(test["avg_ts"])
    if len(out) != 2:
        raise RuntimeError(f"llama-bench gave no pp/tg results for {path}")
    return out


def run_llamacpp(path: Path, args):
    if args.llama_bench_binary:
        return run_llama_bench(args.llama_bench_binary, path, args)
    cmd = [sys.executable, __file__, "--llamacpp-worker", str(path), "--pp", str(args.pp), "--tg", str(args.tg),
           "--threads", str(args.threads)] + (["--flash-attn"] if args.flash_attn else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    for line in reversed(p.stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            continue
    raise RuntimeError(f"llama.cpp worker failed on {path}: {p.stderr[-2000:]}")


def run_medforge(path: Path, args):
    binary = Path(args.medforge)
    if not binary.exists():
        return None, f"{binary} not found (build it with: swift build -c release)"
    cmd = [str(binary), "bench", "--model", str(path), "--pp", str(args.pp), "--tg", str(args.tg),
           "--threads", str(args.threads), "--json"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {args.timeout} s"
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {p.stderr.strip()[-500:]}"
    for line in reversed(p.stdout.strip().splitlines()):
        try:
            doc = json.loads(line)
            if isinstance(doc, dict) and "tg_tokens_per_s" in doc:
                return doc, None
        except json.JSONDecodeError:
            continue
    return None, "no JSON object with tg_tokens_per_s on stdout"


def best(runs, key):
    vals = [r[key] for r in runs if r and isinstance(r.get(key), (int, float))]
    return max(vals) if vals else None


def fmt(x, spec=".1f"):
    return "-" if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", default=DEFAULT_FILES)
    ap.add_argument("--medforge", default=str(REPO / ".build/release/medforge"))
    ap.add_argument("--pp", type=int, default=512)
    ap.add_argument("--tg", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3, help="alternating repetitions; best of them is kept")
    ap.add_argument("--machine-gbs", type=float, default=36.0, help="machine read bandwidth, GB/s")
    ap.add_argument("--flash-attn", action="store_true", help="llama.cpp with flash attention")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--json-out", type=Path, help="also write the results here")
    ap.add_argument("--llama-bench", help="llama.cpp's llama-bench binary (default: $LLAMA_BENCH or .build-llama)")
    ap.add_argument("--python-reference", action="store_true", help="use llama-cpp-python even if llama-bench is found")
    ap.add_argument("--llamacpp-worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.llama_bench_binary = None if (args.python_reference or args.llamacpp_worker) else find_llama_bench(args)

    if args.llamacpp_worker:
        llamacpp_worker(args.llamacpp_worker, args.pp, args.tg, args.threads, args.flash_attn)
        return

    reference = f"llama-bench ({args.llama_bench_binary})" if args.llama_bench_binary else "llama-cpp-python"
    results = []
    for f in args.files:
        path = Path(f) if Path(f).is_absolute() else (REPO / f if (REPO / f).exists() else Path(f))
        if not path.exists():
            print(f"skip {f}: not found (run scripts/make_bench_models.py)", file=sys.stderr)
            continue
        bpt = bytes_per_token(path)
        lc_runs, mf_runs, mf_err = [], [], None
        for rep in range(args.reps):
            lc = run_llamacpp(path, args)
            lc_runs.append(lc)
            print(f"  {path.name} rep {rep + 1}: llama.cpp pp {lc['pp_tokens_per_s']:.1f} tg {lc['tg_tokens_per_s']:.1f}",
                  file=sys.stderr, flush=True)
            if mf_err is None:
                mf, mf_err = run_medforge(path, args)
                if mf:
                    mf_runs.append(mf)
                    print(f"  {path.name} rep {rep + 1}: medforge  pp {mf['pp_tokens_per_s']:.1f} tg {mf['tg_tokens_per_s']:.1f}",
                          file=sys.stderr, flush=True)
        lc_pp, lc_tg = best(lc_runs, "pp_tokens_per_s"), best(lc_runs, "tg_tokens_per_s")
        mf_pp, mf_tg = best(mf_runs, "pp_tokens_per_s"), best(mf_runs, "tg_tokens_per_s")
        lc_gbs = bpt * lc_tg / 1e9
        # the machine bandwidth medforge measured in the same run (median over reps: a single probe can catch
        # the host in a fast moment), else --machine-gbs; both shares are taken against the same figure
        probes = sorted(r["machine_read_bytes_per_s"] for r in mf_runs if r and r.get("machine_read_bytes_per_s"))
        machine_gbs = probes[len(probes) // 2] / 1e9 if probes else args.machine_gbs
        mf_share = (mf_tg * best(mf_runs, "weight_bytes_per_token") / 1e9 / machine_gbs) if mf_tg and best(mf_runs, "weight_bytes_per_token") else best(mf_runs, "tg_bandwidth_share")
        # each rep runs llama.cpp and then medforge back to back: the ratio within a rep compares the two under the
        # same host conditions, so its median is steadier than the ratio of bests when the host's bandwidth drifts
        pairs = [(m["tg_tokens_per_s"] / l["tg_tokens_per_s"], m["pp_tokens_per_s"] / l["pp_tokens_per_s"])
                 for l, m in zip(lc_runs, mf_runs) if l.get("tg_tokens_per_s") and m.get("tg_tokens_per_s")]
        tg_pairs, pp_pairs = [p[0] for p in pairs], [p[1] for p in pairs]
        med = lambda v: statistics.median(v) if v else None
        results.append(dict(file=path.name, reference=reference, bytes_per_token=bpt, llamacpp_pp=lc_pp, llamacpp_tg=lc_tg,
                            tg_ratio_per_rep=[p[0] for p in pairs], pp_ratio_per_rep=[p[1] for p in pairs],
                            tg_ratio_median_of_reps=med(tg_pairs), pp_ratio_median_of_reps=med(pp_pairs),
                            llamacpp_tg_gbs=lc_gbs, llamacpp_tg_share=lc_gbs / machine_gbs,
                            machine_gbs=machine_gbs,
                            medforge_pp=mf_pp, medforge_tg=mf_tg, medforge_tg_share=mf_share,
                            pp_ratio=(mf_pp / lc_pp) if mf_pp else None,
                            tg_ratio=(mf_tg / lc_tg) if mf_tg else None, medforge_error=mf_err))

    print(f"\nllama.cpp reference: {reference}")
    print(f"pp {args.pp}, tg {args.tg}, {args.threads} threads, best of {args.reps} alternating runs "
          f"(tokens/s; bandwidth shares against the machine read bandwidth medforge measured: "
          + ", ".join(f"{r['file']} {r['machine_gbs']:.1f} GB/s" for r in results) + ")")
    hdr = f"{'file':28s} {'llama.cpp pp':>12s} {'tg':>7s} {'tg GB/s':>8s} {'share':>6s} | {'medforge pp':>11s} {'tg':>7s} {'share':>6s} | {'pp x':>6s} {'tg x':>6s}"
    print(hdr)
    print("-" * len(hdr))
    for r in results:
        print(f"{r['file']:28s} {fmt(r['llamacpp_pp']):>12s} {fmt(r['llamacpp_tg']):>7s} {fmt(r['llamacpp_tg_gbs']):>8s} "
              f"{fmt(r['llamacpp_tg_share'], '.0%'):>6s} | {fmt(r['medforge_pp']):>11s} {fmt(r['medforge_tg']):>7s} "
              f"{fmt(r['medforge_tg_share'], '.0%'):>6s} | {fmt(r['pp_ratio'], '.2f'):>6s} {fmt(r['tg_ratio'], '.2f'):>6s}")
        if r["tg_ratio_per_rep"]:
            print(f"    per rep (medforge / llama.cpp, back to back): tg " + " ".join(f"{x:.2f}" for x in r["tg_ratio_per_rep"])
                  + f" (median {r['tg_ratio_median_of_reps']:.2f}, min {min(r['tg_ratio_per_rep']):.2f}); pp "
                  + " ".join(f"{x:.2f}" for x in r["pp_ratio_per_rep"]) + f" (median {r['pp_ratio_median_of_reps']:.2f})")
        if r["medforge_error"]:
            print(f"    medforge: {r['medforge_error']}")
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
