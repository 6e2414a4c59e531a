#!/usr/bin/env python3
"""Turns PubMedQA (PQA-L, /work/shared/data/pubmedqa/ori_pqal.json) into fine-tuning JSONL.

    python3 scripts/train_prepare_pubmedqa.py /work/shared/data/pubmedqa/ori_pqal.json OUTDIR [--eval-count 100]

Writes OUTDIR/text_train.jsonl, text_eval.jsonl ({"text": abstract contexts + long answer}) and
OUTDIR/chat_train.jsonl, chat_eval.jsonl ({"messages": [user question, assistant long answer + decision]}).
The split is by sorted PMID: the last --eval-count abstracts are held out from both formats.
"""
import json, os, sys

def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    src, out = args[0], args[1]
    n_eval = int(args[args.index("--eval-count") + 1]) if "--eval-count" in args else 100
    data = json.load(open(src))
    pmids = sorted(data)
    os.makedirs(out, exist_ok=True)
    splits = {"train": pmids[:-n_eval], "eval": pmids[-n_eval:]}
    for split, ids in splits.items():
        with open(os.path.join(out, f"text_{split}.jsonl"), "w") as ft, open(os.path.join(out, f"chat_{split}.jsonl"), "w") as fc:
            for p in ids:
                d = data[p]
                text = " ".join(d["CONTEXTS"]) + " " + d["LONG_ANSWER"]
                ft.write(json.dumps({"text": text}) + "\n")
                answer = d["LONG_ANSWER"] + " Answer: " + d["final_decision"] + "."
                fc.write(json.dumps({"messages": [{"role": "user", "content": d["QUESTION"]},
                                                  {"role": "assistant", "content": answer}]}) + "\n")
        print(split, len(ids))

if __name__ == "__main__":
    main()
