#!/usr/bin/env python3
"""Plain-numpy reference forward pass for llama2.c checkpoints (stories260K).

Reads the legacy llama2.c checkpoint (`stories260K.bin`) and its SentencePiece-style
vocabulary (`tok512.bin`), generates greedily (argmax) from BOS with no prompt, and
prints the text the way llama2.c's `run` prints it (leading space stripped after BOS,
`<0xNN>` byte tokens turned into bytes, generation stops on BOS or after `--steps`).

llama2.c's own default is 256 steps (positions), i.e. 256 generated tokens when no BOS
is sampled; that is what its published greedy sample used
(`./run stories260K.bin -z tok512.bin -t 0.0`), so it is the default here too.

Regenerate the golden ids (needs only numpy):

    python3 scripts/stories260k_reference.py \
        --check Tests/MedForgeLLMTests/Fixtures/stories260K_sample.txt \
        --ids-out Tests/MedForgeLLMTests/Fixtures/stories260K_greedy_ids.json

Computation is float32 throughout, like run.c.
"""

import argparse
import json
import struct
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = REPO / "Sources/MedForgeLLM/DefaultModel/stories260K.bin"
DEFAULT_TOKENIZER = REPO / "Sources/MedForgeLLM/DefaultModel/tok512.bin"
BOS = 1


class Checkpoint:
    """Config header (7 int32) then float32 weights, in llama2.c's legacy order."""

    def __init__(self, path: Path):
        raw = path.read_bytes()
        (self.dim, self.hidden_dim, self.n_layers, self.n_heads, self.n_kv_heads,
         vocab, self.seq_len) = struct.unpack("<7i", raw[:28])
        self.shared_classifier = vocab > 0          # negative vocab_size => separate wcls
        self.vocab_size = abs(vocab)
        self.head_size = self.dim // self.n_heads
        self.kv_dim = self.n_kv_heads * self.head_size
        data = np.frombuffer(raw, dtype="<f4", offset=28)
        offset = 0

        def take(*shape):
            nonlocal offset
            n = int(np.prod(shape))
            if offset + n > data.size:
                raise ValueError(f"{path}: checkpoint truncated while reading shape {shape}")
            t = data[offset:offset + n].reshape(shape)
            offset += n
            return t

        L, d, h, kv = self.n_layers, self.dim, self.hidden_dim, self.kv_dim
        self.tok_embeddings = take(self.vocab_size, d)       # (vocab, dim)
        self.rms_att = take(L, d)                            # (L, dim)
        self.wq = take(L, d, d)                              # (L, out=dim, in=dim)
        self.wk = take(L, kv, d)                             # (L, out=kv_dim, in=dim)
        self.wv = take(L, kv, d)                             # (L, out=kv_dim, in=dim)
        self.wo = take(L, d, d)                              # (L, out=dim, in=dim)
        self.rms_ffn = take(L, d)                            # (L, dim)
        self.w1 = take(L, h, d)                              # (L, hidden, dim)
        self.w2 = take(L, d, h)                              # (L, dim, hidden)
        self.w3 = take(L, h, d)                              # (L, hidden, dim)
        self.rms_final = take(d)                             # (dim,)
        take(self.seq_len * self.head_size // 2)             # legacy freq_cis_real (unused)
        take(self.seq_len * self.head_size // 2)             # legacy freq_cis_imag (unused)
        self.wcls = self.tok_embeddings if self.shared_classifier else take(self.vocab_size, d)


class Vocab:
    """tok512.bin: int32 max_token_length, then per token: float32 score, int32 len, bytes."""

    def __init__(self, path: Path, vocab_size: int):
        raw = path.read_bytes()
        self.max_token_length = struct.unpack_from("<i", raw, 0)[0]
        off = 4
        self.pieces, self.scores = [], []
        for _ in range(vocab_size):
            score, n = struct.unpack_from("<fi", raw, off)
            off += 8
            self.pieces.append(raw[off:off + n])
            self.scores.append(score)
            off += n

    def decode(self, prev: int, token: int) -> bytes:
        piece = self.pieces[token]
        if prev == BOS and piece.startswith(b" "):
            piece = piece[1:]
        if len(piece) == 6 and piece.startswith(b"<0x") and piece.endswith(b">"):
            return bytes([int(piece[3:5], 16)])
        return piece


def safe_bytes(piece: bytes) -> bytes:
    """run.c's safe_printf: drop a lone byte that is neither printable nor whitespace."""
    if len(piece) == 1 and not (0x20 <= piece[0] < 0x7F or piece[0] in b" \t\n\v\f\r"):
        return b""
    return piece


def rmsnorm(x, w):
    # x (n,), w (n,) -> (n,)
    ss = np.float32(np.dot(x, x) / np.float32(x.size) + np.float32(1e-5))
    return (w * (x * np.float32(1.0 / np.sqrt(ss)))).astype(np.float32)


def rope(v, pos, head_size):
    # v (n,) rotated in interleaved pairs (2i, 2i+1); frequency from the index within the head
    idx = np.arange(0, v.size, 2)
    head_dim = (idx % head_size).astype(np.float32)
    freq = np.float32(1.0) / np.power(np.float32(10000.0), head_dim / np.float32(head_size))
    val = np.float32(pos) * freq
    fcr, fci = np.cos(val).astype(np.float32), np.sin(val).astype(np.float32)
    out = v.copy()
    v0, v1 = v[0::2], v[1::2]
    out[0::2] = v0 * fcr - v1 * fci
    out[1::2] = v0 * fci + v1 * fcr
    return out


class Transformer:
    def __init__(self, ck: Checkpoint):
        self.ck = ck
        self.key_cache = np.zeros((ck.n_layers, ck.seq_len, ck.kv_dim), np.float32)
        self.value_cache = np.zeros((ck.n_layers, ck.seq_len, ck.kv_dim), np.float32)

    def forward(self, token: int, pos: int) -> np.ndarray:
        c = self.ck
        hs, kv_mul = c.head_size, c.n_heads // c.n_kv_heads
        x = c.tok_embeddings[token].copy()                               # (dim,)
        for l in range(c.n_layers):
            xb = rmsnorm(x, c.rms_att[l])                                # (dim,)
            q = c.wq[l] @ xb                                             # (dim,)
            k = c.wk[l] @ xb                                             # (kv_dim,)
            v = c.wv[l] @ xb                                             # (kv_dim,)
            q, k = rope(q, pos, hs), rope(k, pos, hs)
            self.key_cache[l, pos] = k
            self.value_cache[l, pos] = v
            att_out = np.empty(c.dim, np.float32)
            for h in range(c.n_heads):
                kvh = h // kv_mul
                qh = q[h * hs:(h + 1) * hs]                              # (hs,)
                keys = self.key_cache[l, :pos + 1, kvh * hs:(kvh + 1) * hs]   # (pos+1, hs)
                vals = self.value_cache[l, :pos + 1, kvh * hs:(kvh + 1) * hs]
                scores = (keys @ qh) / np.float32(np.sqrt(hs))           # (pos+1,)
                scores = np.exp(scores - scores.max())
                scores /= scores.sum()
                att_out[h * hs:(h + 1) * hs] = scores @ vals             # (hs,)
            x = x + c.wo[l] @ att_out
            xb = rmsnorm(x, c.rms_ffn[l])
            h1 = c.w1[l] @ xb                                            # (hidden,)
            h3 = c.w3[l] @ xb
            h1 = h1 * (np.float32(1.0) / (np.float32(1.0) + np.exp(-h1))) * h3
            x = x + c.w2[l] @ h1                                         # (dim,)
        x = rmsnorm(x, c.rms_final)
        return c.wcls @ x                                                # (vocab,)


def generate(model: Path, tokenizer: Path, steps: int):
    ck = Checkpoint(model)
    vocab = Vocab(tokenizer, ck.vocab_size)
    tf = Transformer(ck)
    steps = ck.seq_len if steps <= 0 or steps > ck.seq_len else steps
    token, ids, text = BOS, [], b""
    for pos in range(steps):
        logits = tf.forward(token, pos)
        nxt = int(np.argmax(logits))           # first maximum, like run.c's argmax
        if nxt == BOS:
            break
        ids.append(nxt)
        text += safe_bytes(vocab.decode(token, nxt))
        token = nxt
    return ids, text.decode("utf-8", errors="replace") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--tokenizer", type=Path, default=DEFAULT_TOKENIZER)
    ap.add_argument("--steps", type=int, default=256, help="positions to run (llama2.c default 256)")
    ap.add_argument("--check", type=Path, help="published sample to compare with (exit 1 on mismatch)")
    ap.add_argument("--ids-out", type=Path, help="write the generated token ids here as JSON")
    args = ap.parse_args()

    ids, text = generate(args.model, args.tokenizer, args.steps)
    sys.stdout.write(text)
    if args.ids_out:
        doc = {
            "model": "Sources/MedForgeLLM/DefaultModel/stories260K.bin",
            "tokenizer": "Sources/MedForgeLLM/DefaultModel/tok512.bin",
            "prompt": "",
            "start_token": BOS,
            "steps": args.steps,
            "sampling": "greedy argmax (temperature 0), stop on BOS=1",
            "regenerate": "python3 scripts/stories260k_reference.py --check "
                          "Tests/MedForgeLLMTests/Fixtures/stories260K_sample.txt "
                          "--ids-out Tests/MedForgeLLMTests/Fixtures/stories260K_greedy_ids.json",
            "ids": ids,
        }
        args.ids_out.write_text(json.dumps(doc, indent=1) + "\n")
    if args.check:
        expected = args.check.read_text()
        if expected != text:
            print(f"MISMATCH with {args.check}", file=sys.stderr)
            sys.exit(1)
        print(f"matches {args.check} ({len(ids)} tokens)", file=sys.stderr)


if __name__ == "__main__":
    main()
