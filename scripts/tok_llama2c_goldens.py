#!/usr/bin/env python3
# Golden ids for Llama2cTokenizer, produced by llama2.c's own C encode().
#
# Regenerate (needs a checkout of https://github.com/karpathy/llama2.c and a C compiler):
#   python3 scripts/tok_llama2c_goldens.py --run-c /path/to/llama2.c/run.c \
#       --tokenizer Tests/MedForgeTokenizersTests/Fixtures/tok512.bin \
#       --out Tests/MedForgeTokenizersTests/Fixtures/llama2c_tok512_goldens.json
#
# run.c is compiled with -DTESTING (which hides its main) next to a small harness; nothing of it is
# copied into this repository.
import argparse, json, os, subprocess, tempfile

TEXTS = [
    "Once upon a time, there was a little girl named Lily.",
    "She loved to play outside in the sunshine.",
    "The doctor said: take two pills every morning!",
    "  leading spaces and\ttabs\nand newlines\r\n",
    "numbers 1234567890 and symbols #$%&*",
    "café naïve résumé",
    "患者头痛三天",
    "emoji 🙂👍🏽 end",
    "a",
    " ",
    "",
]

HARNESS = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
void build_tokenizer(void*, char*, int);
void encode(void*, char*, signed char, signed char, int*, int*);
'''

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-c", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        h = os.path.join(d, "harness.c")
        with open(h, "w") as f:
            f.write('#define TESTING\n#include "%s"\n' % os.path.abspath(a.run_c))
            f.write(r'''
int main(int argc, char** argv) {
    Tokenizer t; build_tokenizer(&t, argv[1], 512);
    char line[1 << 16]; int toks[1 << 16]; int n;
    /* one hex-encoded text per line */
    while (fgets(line, sizeof line, stdin)) {
        char text[1 << 15]; size_t k = 0;
        for (char* p = line; p[0] && p[1] && p[0] != '\n'; p += 2) { unsigned v; sscanf(p, "%2x", &v); text[k++] = (char)v; }
        text[k] = 0;
        encode(&t, text, 1, 0, toks, &n);
        for (int i = 0; i < n; i++) printf(i ? ",%d" : "%d", toks[i]);
        printf("\n");
    }
    free_tokenizer(&t);
    return 0;
}
''')
        exe = os.path.join(d, "enc")
        subprocess.check_call(["cc", "-O1", "-o", exe, h, "-lm"])
        inp = "".join(t.encode("utf-8").hex() + "\n" for t in TEXTS)
        out = subprocess.run([exe, a.tokenizer], input=inp.encode(), capture_output=True, check=True).stdout.decode()
    lines = out.strip("\n").split("\n")
    cases = [{"text": t, "ids": [int(x) for x in l.split(",") if x]} for t, l in zip(TEXTS, lines)]
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/tok_llama2c_goldens.py (llama2.c run.c encode, bos=1, eos=0)",
                   "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")

if __name__ == "__main__":
    main()
