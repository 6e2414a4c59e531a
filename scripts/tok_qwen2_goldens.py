#!/usr/bin/env python3
# A reduced Qwen2 tokenizer.json and its Hugging Face `tokenizers` goldens, for MedForgeTokenizers tests.
#
# Regenerate (needs `pip install tokenizers` and ../shared/data):
#   python3 scripts/tok_qwen2_goldens.py --data /work/shared/data --ranks 6000 \
#       --out Tests/MedForgeTokenizersTests/Fixtures
#
# The full Qwen2 vocabulary (qwen.tiktoken, 151,643 ranks) is too large to carry, so this keeps its
# first --ranks ranks, derives their merges the way transformers' tiktoken converter does (replay BPE
# on each token with lower ranks only), and wraps them in Qwen2's real pipeline: NFC normalizer,
# the Qwen2 split regex, byte-level, and <|endoftext|>/<|im_start|>/<|im_end|> at their Qwen2 ids.
# Ids below --ranks are Qwen2's own; texts simply use fewer merges than the full model would.
# `tokenizers` renumbers added tokens that are not in the vocabulary to follow it, so in this reduced
# file the three specials load as ids 6000-6002 (in the full vocabulary the two numberings agree).
# Writes qwen2_reduced_tokenizer.json, qwen2_goldens.json, and qwen2_flags_goldens.json (added
# tokens with lstrip / rstrip / single_word / normalized appended to the reduced file).
import argparse, base64, json, os, sys
from tokenizers import Tokenizer
sys.path.insert(0, os.path.dirname(__file__))
from make_tokenizer_goldens import HAND_WRITTEN, INVALID_BYTES, medical_samples, bytes_to_unicode

QWEN2_REGEX = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
               "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")


def bpe_split(ranks, token, max_rank):
    parts = [bytes([b]) for b in token]
    while True:
        best = None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and r < max_rank and (best is None or r < best[0]):
                best = (r, i)
        if best is None:
            return parts
        i = best[1]
        parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--ranks", type=int, default=6000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ranks = {}
    with open(os.path.join(a.data, "tokenizers/qwen/qwen.tiktoken")) as f:
        for line in f:
            tok, r = line.split()
            if int(r) < a.ranks:
                ranks[base64.b64decode(tok)] = int(r)
    b2u = bytes_to_unicode()
    enc = lambda b: "".join(b2u[x] for x in b)
    vocab = {enc(t): r for t, r in ranks.items()}
    merges = []
    for t, r in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(t) < 2:
            continue
        parts = bpe_split(ranks, t, r)
        assert len(parts) == 2, (t, parts)
        merges.append(enc(parts[0]) + " " + enc(parts[1]))
    added = [{"id": 151643 + i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True}
             for i, c in enumerate(["<|endoftext|>", "<|im_start|>", "<|im_end|>"])]
    tj = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": QWEN2_REGEX}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }
    path = os.path.join(a.out, "qwen2_reduced_tokenizer.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False, separators=(",", ":"))
    tok = Tokenizer.from_file(path)
    texts = (HAND_WRITTEN + [b.decode("utf-8", errors="replace") for b in INVALID_BYTES]
             + medical_samples(a.data)[::2]
             + ["<|im_start|>user\n头痛<|im_end|>\n<|im_start|>assistant\n", "e\u0301 NFC: Å vs A\u030a, \u212b"])
    cases = [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids,
              "decoded": tok.decode(tok.encode(t, add_special_tokens=False).ids, skip_special_tokens=False)}
             for t in texts]
    with open(os.path.join(a.out, "qwen2_goldens.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/tok_qwen2_goldens.py --ranks %d" % a.ranks,
                   "tokenizer": "qwen2_reduced_tokenizer.json", "cases": cases},
                  f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    flag_goldens(path, a.out)


# Added tokens with each flag `tokenizers` honours, appended to the reduced Qwen2 file for
# qwen2_flags_goldens.json (the test appends the same list before loading).
FLAGGED = [
    {"content": "<mask>", "lstrip": True, "rstrip": False, "single_word": False, "normalized": False, "special": True},
    {"content": "<sep>", "lstrip": False, "rstrip": True, "single_word": False, "normalized": False, "special": True},
    {"content": "<both>", "lstrip": True, "rstrip": True, "single_word": False, "normalized": True, "special": False},
    {"content": "cat", "lstrip": False, "rstrip": False, "single_word": True, "normalized": False, "special": False},
]
FLAG_TEXTS = [
    "a <mask> b", "a  \t<mask>b", "a\u3000<mask>", "<mask>", " <mask> ",
    "x<sep>  y", "x <sep>\u00a0\u2003y", "<sep>\n\n",
    "p <both> q", "p\n<both>\nq", "  <both>  ",
    "cat", "a cat sat", "concatenate", "cats", "cat!", "(cat)", "bobcat cat",
    "<mask><sep><both>cat", "混合<mask>中文 cat 猫", "。cat。", "猫cat", "cat٣", "_cat", "écat", "cat\u0301",
    "\U0001F642cat\U0001F642",
]


def flag_goldens(path, out_dir):
    tj = json.load(open(path, encoding="utf-8"))
    base = max(a["id"] for a in tj["added_tokens"]) + 1
    tj["added_tokens"] += [dict(t, id=base + i) for i, t in enumerate(FLAGGED)]
    tok = Tokenizer.from_str(json.dumps(tj))
    cases = [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids} for t in FLAG_TEXTS]
    with open(os.path.join(out_dir, "qwen2_flags_goldens.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/tok_qwen2_goldens.py", "base": "qwen2_reduced_tokenizer.json",
                   "addedTokens": [dict(t, id=base + i) for i, t in enumerate(FLAGGED)], "cases": cases},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
