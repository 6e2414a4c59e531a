#!/usr/bin/env python3
"""Checks that Hugging Face PEFT loads a MedForge adapter and gives MedForge's logits.

    python3 scripts/train_check_peft.py BASE.gguf ADAPTER_DIR [MEDFORGE_BINARY]

Loads BASE.gguf into transformers (its GGUF reader undoes llama.cpp's q/k row permutation), applies
ADAPTER_DIR with `PeftModel.from_pretrained`, and compares the last-position logits of a fixed token sequence
with `medforge logits` on the merged GGUF (`medforge merge`), and with the base model's logits.
Needs: pip install torch transformers peft gguf.
"""
import json, os, subprocess, sys, tempfile
import numpy as np
import torch
from transformers import AutoModelForCausalLM
from peft import PeftModel

def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, adapter = os.path.abspath(sys.argv[1]), sys.argv[2]
    medforge = sys.argv[3] if len(sys.argv) > 3 else "medforge"
    ids = [1, 45, 120, 33, 7, 200, 18, 2]
    hf = AutoModelForCausalLM.from_pretrained(os.path.dirname(base), gguf_file=os.path.basename(base), torch_dtype=torch.float32)
    with torch.no_grad():
        base_logits = hf(torch.tensor([ids])).logits[0, -1].numpy()
        peft_model = PeftModel.from_pretrained(hf, adapter)
        peft_logits = peft_model(torch.tensor([ids])).logits[0, -1].numpy()
    merged = os.path.join(tempfile.mkdtemp(), "merged.gguf")
    subprocess.run([medforge, "merge", "--model", base, "--adapter", adapter, "--out", merged], check=True, stdout=subprocess.DEVNULL)
    ours = np.array(json.loads(subprocess.run([medforge, "logits", "--model", merged, "--token-ids", ",".join(map(str, ids)), "--threads", "1"],
                                              check=True, capture_output=True, text=True).stdout)["logits"])
    diff, moved = float(np.abs(ours - peft_logits).max()), float(np.abs(base_logits - peft_logits).max())
    print(json.dumps({"max_abs_logit_diff_medforge_vs_peft": diff, "max_abs_logit_change_from_adapter": moved}))
    sys.exit(0 if moved > 10 * diff else 1)

if __name__ == "__main__":
    main()
