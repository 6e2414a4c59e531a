#!/usr/bin/env python3
"""Tokenizer parity on real medical text: `medforge tokenize --jsonl` against Hugging Face `tokenizers`
on every Chinese question/answer of zh_medical_dialogue and every PubMedQA context, plus edge cases
(emoji, odd whitespace, invalid UTF-8 decoded with replacement characters). Prints the share of texts
with identical ids and the round-trip result; exits 1 on any mismatch.

    python3 scripts/eval_tokenizer_parity.py --medforge .build/debug/medforge --data ../shared/data
Needs: pip install tokenizers
"""
import argparse, csv, glob, json, os, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--medforge", default=".build/debug/medforge")
ap.add_argument("--data", default="../shared/data")
ap.add_argument("--tokenizer", default=None)
ap.add_argument("--limit", type=int, default=0, help="texts per source (0 = all)")
a = ap.parse_args()
from tokenizers import Tokenizer

tokpath = a.tokenizer or os.path.join(a.data, "tokenizers", "deepseek_v3_pkg0.1.3", "tokenizer.json")
texts = []
for path in sorted(glob.glob(os.path.join(a.data, "zh_medical_dialogue", "*"))):
    if path.endswith(".csv"):
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.reader(f):
                texts.extend(c for c in row if c.strip())
    elif path.endswith(".txt"):
        with open(path, encoding="utf-8", errors="replace") as f:
            texts.extend(l.rstrip("\n") for l in f if l.strip())
    elif path.endswith((".json", ".jsonl")):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    o = json.loads(line)
                except Exception:
                    continue
                if isinstance(o, dict):
                    texts.extend(str(v) for v in o.values() if isinstance(v, str) and v.strip())
for path in sorted(glob.glob(os.path.join(a.data, "pubmedqa", "*.json"))):
    try:
        d = json.load(open(path, encoding="utf-8"))
    except Exception:
        continue
    items = d.values() if isinstance(d, dict) else d
    for it in items:
        if isinstance(it, dict):
            for k in ("QUESTION", "question", "LONG_ANSWER", "long_answer"):
                if isinstance(it.get(k), str):
                    texts.append(it[k])
            for c in it.get("CONTEXTS", it.get("contexts", [])) or []:
                if isinstance(c, str):
                    texts.append(c)
if a.limit:
    texts = texts[: a.limit]
texts += ["😷🩺 fever 39.5°C!!", "  leading\tand\r\ntrailing  \u00a0nbsp  ", "a" * 5000, "123456789 mg/dL",
          b"bad \xff\xfe utf8 \xe4\xb8".decode("utf-8", "replace"), "I'm can't we'll 他说：“你好”。", "\n\n\n"]
tok = Tokenizer.from_file(tokpath)
t0 = time.time()
ref = [tok.encode(t, add_special_tokens=False).ids for t in texts]
t_ref = time.time() - t0
inp = "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts).encode()
t0 = time.time()
out = subprocess.run([a.medforge, "tokenize", "--tokenizer", tokpath, "--jsonl"], input=inp, capture_output=True)
t_ours = time.time() - t0
if out.returncode != 0:
    print("medforge tokenize failed:", out.stderr.decode()[:500]); sys.exit(1)
ours = [json.loads(l) for l in out.stdout.decode().splitlines()]
same = sum(1 for x, y in zip(ref, ours) if x == y)
nbytes = sum(len(t.encode()) for t in texts)
print(f"tokenizer parity: {same}/{len(texts)} texts identical ({nbytes/1e6:.1f} MB); "
      f"reference {t_ref:.1f}s, medforge (incl. load) {t_ours:.1f}s")
bad = [i for i, (x, y) in enumerate(zip(ref, ours)) if x != y]
for i in bad[:5]:
    print("  mismatch in text", i, "length", len(texts[i]))
# Round trip: our decode of our ids gives the text back.
inp = "".join(json.dumps(ids) + "\n" for ids in ours).encode()
r = subprocess.run([a.medforge, "tokenize", "--tokenizer", tokpath, "--decode", "--jsonl"], input=inp, capture_output=True)
back = [json.loads(l) for l in r.stdout.decode().split("\n") if l] if r.returncode == 0 else []
rt_ok = sum(1 for x, y in zip(texts, back) if x == y)
print(f"round trip decode(encode(x)) == x: {rt_ok}/{len(texts)}")
sys.exit(0 if (same == len(texts) and len(ours) == len(texts) and rt_ok == len(texts)) else 1)
