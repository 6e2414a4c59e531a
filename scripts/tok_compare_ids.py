#!/usr/bin/env python3
# Compares ids written by TokenizerBenchmarkTests (MEDFORGE_TOK_BENCH_IDS) with Hugging Face `tokenizers`.
#   MEDFORGE_TOK_BENCH=text.txt MEDFORGE_TOK_BENCH_IDS=/tmp/ids.json swift test --filter TokenizerBenchmarkTests
#   python3 scripts/tok_compare_ids.py --tokenizer /work/shared/data/tokenizers/deepseek_v3_pkg0.1.3/tokenizer.json \
#       --text text.txt --ids /tmp/ids.json
import argparse, json, time
from tokenizers import Tokenizer

ap = argparse.ArgumentParser()
ap.add_argument("--tokenizer", required=True)
ap.add_argument("--text", required=True)
ap.add_argument("--ids", required=True)
a = ap.parse_args()
tok = Tokenizer.from_file(a.tokenizer)
text = open(a.text, encoding="utf-8", newline="").read()
t0 = time.time()
ref = tok.encode(text, add_special_tokens=False).ids
dt = time.time() - t0
mine = json.load(open(a.ids))
first = next((i for i, (x, y) in enumerate(zip(ref, mine)) if x != y), None)
print(f"reference {len(ref)} ids ({len(text.encode())/dt/1e6:.2f} MB/s single call), ours {len(mine)}; "
      f"identical: {ref == mine}; first difference at: {first}")
if first is not None:
    print("ref:", ref[first:first + 10], "ours:", mine[first:first + 10], repr(tok.decode(ref[max(0, first - 5):first + 10])))
