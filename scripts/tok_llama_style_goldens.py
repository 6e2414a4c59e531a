#!/usr/bin/env python3
# A small SentencePiece-style (Llama 2 / TinyLlama layout) tokenizer.json and its Hugging Face goldens.
#
# Regenerate (needs `pip install tokenizers` and ../shared/data):
#   python3 scripts/tok_llama_style_goldens.py --data /work/shared/data \
#       --out Tests/MedForgeTokenizersTests/Fixtures
#
# Trains a 1,500-token BPE with byte fallback on PubMedQA and Chinese medical text (seeded, single
# thread) in the Llama 2 layout: normalizer Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer,
# <unk>/<s>/</s> then <0x00>..<0xFF> in the vocabulary, decoder Replace/ByteFallback/Fuse/Strip,
# "<s> $A" post-processor. A second variant uses the newer layout (Metaspace pre-tokenizer and
# decoder, prepend_scheme "first", no normalizer). Writes llama_style_tokenizer.json and
# llama_style_goldens.json (ids and decode for both variants; the test derives the second JSON).
import argparse, copy, json, os, sys
os.environ["RAYON_NUM_THREADS"] = "1"
from tokenizers import Tokenizer, models, normalizers, decoders, processors, trainers
sys.path.insert(0, os.path.dirname(__file__))
from make_tokenizer_goldens import HAND_WRITTEN, INVALID_BYTES, medical_samples

BYTES = ["<0x%02X>" % i for i in range(256)]


def corpus(data):
    with open(os.path.join(data, "pubmedqa/ori_pqal.json"), encoding="utf-8") as f:
        pq = json.load(f)
    for k in sorted(pq)[:300]:
        for c in pq[k]["CONTEXTS"]:
            yield c
    with open(os.path.join(data, "zh_medical_dialogue/neike.utf8.txt"), encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= 600:
                break
            yield line.strip()


def metaspace_variant(tj):
    v = copy.deepcopy(tj)
    v["normalizer"] = None
    v["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
    v["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    trainer = trainers.BpeTrainer(vocab_size=1500, special_tokens=["<unk>", "<s>", "</s>"] + BYTES,
                                  limit_alphabet=300, show_progress=False)
    tok.train_from_iterator(corpus(a.data), trainer=trainer)
    tok.decoder = decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    tj = json.loads(tok.to_str())
    # As in real Llama files, byte tokens live in the vocabulary only, not among the added tokens.
    tj["added_tokens"] = [t for t in tj["added_tokens"] if t["content"] not in BYTES]
    path = os.path.join(a.out, "llama_style_tokenizer.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False, separators=(",", ":"))
    texts = (HAND_WRITTEN + [b.decode("utf-8", errors="replace") for b in INVALID_BYTES]
             + medical_samples(a.data)[::3] + ["<s>after bos", "a</s>b", "  two spaces", "x\u00e9\u0301y"])
    out = {"generator": "scripts/tok_llama_style_goldens.py", "cases": {}}
    for name, spec in [("legacy", tj), ("metaspace", metaspace_variant(tj))]:
        t = Tokenizer.from_str(json.dumps(spec))
        cases = []
        for s in texts:
            ids = t.encode(s, add_special_tokens=False).ids
            cases.append({"text": s, "ids": ids, "idsWithSpecial": t.encode(s, add_special_tokens=True).ids,
                          "decoded": t.decode(ids, skip_special_tokens=False)})
        out["cases"][name] = cases
    with open(os.path.join(a.out, "llama_style_goldens.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
