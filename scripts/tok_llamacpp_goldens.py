#!/usr/bin/env python3
# Golden ids from llama.cpp (llama-cpp-python) for the SentencePiece GGUF path of MedForgeTokenizers.
#
# Regenerate (needs `pip install llama-cpp-python gguf`):
#   python3 scripts/tok_llamacpp_goldens.py --tok512 Tests/MedForgeTokenizersTests/Fixtures/tok512.bin \
#       --qwen2-json Tests/MedForgeTokenizersTests/Fixtures/qwen2_reduced_tokenizer.json \
#       --out Tests/MedForgeTokenizersTests/Fixtures/llamacpp_spm_goldens.json \
#       --out-qwen2 Tests/MedForgeTokenizersTests/Fixtures/llamacpp_qwen2_goldens.json
#
# SentencePiece: builds a vocabulary-only Llama GGUF in a temporary folder from tok512.bin the way a
# converted Llama vocabulary looks (spaces as U+2581, <unk> unknown, <s>/</s> control, <0xXX> byte
# tokens, scores), then records llama.cpp's tokenize (add_bos, parse special) and detokenize.
# Byte-level BPE: builds a "gpt2" GGUF with tokenizer.ggml.pre = "deepseek-r1-qwen" (what
# DeepSeek-R1-Distill-Qwen files carry) from the reduced Qwen2 tokenizer.json (specials as control
# tokens at the ids `tokenizers` gives them) and records llama.cpp's ids without BOS.
import argparse, json, os, struct, tempfile
import gguf
import llama_cpp
from llama_cpp import Llama

TEXTS = [
    "Once upon a time, there was a little girl named Lily.",
    "The doctor said: take two pills every morning!",
    " leading space", "  two leading spaces", "trailing space ", "many     spaces", "tab\there",
    "line one\nline two\r\nline three",
    "numbers 1234567890",
    "café naïve", "患者头痛三天", "emoji 🙂👍🏽 end", "mixed 中文 and English",
    "a\n<s>\nb", "end of text\n</s>\n", "\n<s>\n\n<s>\nstart",
    "x", " ", "\n", "!!!", "\x00nul byte",
]


QWEN2_TEXTS = TEXTS + [
    "The patient's BP was 140/90 mmHg; HR 88 bpm. I'M SURE THEY'LL COME",
    "血压120/80mmHg，心率72次/分，体温36.5℃。混合English和中文text",
    "<|im_start|>user\n头痛怎么办？<|im_end|>\n<|im_start|>assistant\n",
    "digits 1 12 123 1234 ١٢٣", "  \n\n  \t x  ", "emoji 👨\u200d👩\u200d👧 🇨🇳",
]


def write_header(w):
    w.add_context_length(128); w.add_embedding_length(64); w.add_block_count(1)
    w.add_feed_forward_length(128); w.add_head_count(1); w.add_head_count_kv(1)
    w.add_layer_norm_rms_eps(1e-5)


def qwen2_goldens(json_path, out_path, tmp):
    j = json.load(open(json_path, encoding="utf-8"))
    vocab = j["model"]["vocab"]
    n = len(vocab)
    specials = [a["content"] for a in j["added_tokens"]]
    toks = [None] * n
    for k, v in vocab.items():
        toks[v] = k
    toks += specials
    types = [1] * n + [3] * len(specials)
    path = os.path.join(tmp, "qwen2.gguf")
    w = gguf.GGUFWriter(path, "qwen2")
    write_header(w)
    w.add_tokenizer_model("gpt2"); w.add_tokenizer_pre("deepseek-r1-qwen")
    w.add_token_list(toks); w.add_token_types(types); w.add_token_merges(j["model"]["merges"])
    w.add_bos_token_id(n); w.add_eos_token_id(n); w.add_add_bos_token(False)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    llm = Llama(model_path=path, vocab_only=True, verbose=False)
    cases = [{"text": t, "ids": llm.tokenize(t.encode("utf-8"), add_bos=False, special=True)} for t in QWEN2_TEXTS]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/tok_llamacpp_goldens.py with llama-cpp-python %s" % llama_cpp.__version__,
                   "pre": "deepseek-r1-qwen", "cases": cases}, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tok512", required=True)
    ap.add_argument("--qwen2-json", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--out-qwen2", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        qwen2_goldens(a.qwen2_json, a.out_qwen2, tmp)
    d = open(a.tok512, "rb").read()
    o, toks, scores = 4, [], []
    while o < len(d):
        s, n = struct.unpack_from("<fi", d, o)
        o += 8
        toks.append(d[o:o + n].decode("utf-8").replace(" ", "\u2581"))
        scores.append(s)
        o += n
    types = [2 if i == 0 else 3 if i < 3 else 6 if i < 259 else 1 for i in range(len(toks))]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tok512.gguf")
        w = gguf.GGUFWriter(path, "llama")
        write_header(w)
        w.add_tokenizer_model("llama"); w.add_token_list(toks); w.add_token_scores(scores)
        w.add_token_types(types); w.add_bos_token_id(1); w.add_eos_token_id(2); w.add_unk_token_id(0)
        w.add_add_bos_token(True)
        w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
        llm = Llama(model_path=path, vocab_only=True, verbose=False)
        cases = []
        for t in TEXTS:
            ids = llm.tokenize(t.encode("utf-8"), add_bos=True, special=True)
            cases.append({"text": t, "ids": ids,
                          "detokenized": llm.detokenize(ids).decode("utf-8", errors="replace")})
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/tok_llamacpp_goldens.py with llama-cpp-python %s" % llama_cpp.__version__,
                   "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
