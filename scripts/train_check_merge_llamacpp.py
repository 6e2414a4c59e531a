#!/usr/bin/env python3
"""Checks that a GGUF written by `medforge merge` loads in llama.cpp and gives MedForge's logits.

    python3 scripts/train_check_merge_llamacpp.py BASE.gguf ADAPTER_DIR [MEDFORGE_BINARY]

Merges ADAPTER_DIR into BASE.gguf with `medforge merge`, runs the same token ids through llama.cpp
(llama-cpp-python) and through `medforge logits`, and prints the largest logit difference, next to how far
the merge moved llama.cpp's logits away from the base model's (so a no-op merge cannot pass).
"""
import json, os, subprocess, sys, tempfile
import numpy as np
from llama_cpp import Llama

def llama_logits(path, ids):
    m = Llama(model_path=path, n_ctx=64, logits_all=True, verbose=False, n_threads=1)
    m.eval(ids)
    return np.array(m.scores[len(ids) - 1], dtype=np.float64)

def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, adapter = sys.argv[1], sys.argv[2]
    medforge = sys.argv[3] if len(sys.argv) > 3 else "medforge"
    merged = os.path.join(tempfile.mkdtemp(), "merged.gguf")
    subprocess.run([medforge, "merge", "--model", base, "--adapter", adapter, "--out", merged], check=True, stdout=subprocess.DEVNULL)
    ids = [1, 45, 120, 33, 7, 200, 18, 2]
    ours = np.array(json.loads(subprocess.run([medforge, "logits", "--model", merged, "--token-ids", ",".join(map(str, ids)), "--threads", "1"],
                                              check=True, capture_output=True, text=True).stdout)["logits"])
    theirs = llama_logits(merged, ids)
    moved = np.abs(llama_logits(base, ids) - theirs).max()
    diff = np.abs(ours - theirs).max()
    print(json.dumps({"merged": merged, "max_abs_logit_diff_medforge_vs_llamacpp": float(diff),
                      "max_abs_logit_change_from_merge": float(moved), "logit_range": float(np.ptp(theirs))}))
    sys.exit(0 if diff < 1e-2 * max(1.0, np.ptp(theirs)) and moved > 10 * diff else 1)

if __name__ == "__main__":
    main()
