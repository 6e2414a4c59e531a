#!/usr/bin/env python3
"""Precision check on real, PHI-free text: MEDLINE abstracts, PubMedQA contexts and Chinese medical
Q&A from ../shared/data. Writes a JSONL corpus, runs `medforge deid` on it and counts the spans
found per type. Literature carries no patient PHI, so every span is a false positive, except place
names of study sites, which the Safe Harbor policy flags on purpose (reported as CITY).
Usage (from the repo root, after `swift build --scratch-path .build-deid`):
  python3 scripts/deid_realtext.py [--medforge .build-deid/debug/medforge] [--show TYPE]
--show TYPE prints the flagged strings of one type (literature text, never clinical notes)."""
import argparse, collections, gzip, json, os, re, subprocess, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--shared", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"))
ap.add_argument("--medforge", default=".build-deid/debug/medforge")
ap.add_argument("--show")
ap.add_argument("--context", action="store_true", help="with --show: 40 characters either side")
args = ap.parse_args()

docs = []
for name in ["medline16n0902.xml.gz", "test_current_medline.xml.gz"]:
    with gzip.open(os.path.join(args.shared, "medline_sample", name), "rt", encoding="utf-8") as f:
        for m in re.finditer(r"<AbstractText[^>]*>(.*?)</AbstractText>", f.read(), re.S):
            docs.append(re.sub(r"<[^>]+>", "", m.group(1)))
qa = json.load(open(os.path.join(args.shared, "pubmedqa", "ori_pqal.json")))
for v in qa.values():
    docs.append(" ".join(v["CONTEXTS"]))
    docs.append(v["LONG_ANSWER"])
with open(os.path.join(args.shared, "zh_medical_dialogue", "neike.utf8.txt"), encoding="utf-8") as f:
    zh = 0
    for line in f:
        line = line.strip()
        if line and zh < 250_000:
            docs.append(line); zh += len(line)

tmp = tempfile.mkdtemp()
src, out = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "out.jsonl")
with open(src, "w", encoding="utf-8") as f:
    for i, d in enumerate(docs):
        f.write(json.dumps({"id": i, "text": d}, ensure_ascii=False) + "\n")
subprocess.run([args.medforge, "deid", "--in", src, "--out", out, "--mode", "tag", "--lang", "auto"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
chars = sum(len(d) for d in docs)
counts, shown = collections.Counter(), collections.Counter()
with open(out, encoding="utf-8") as f:
    for line, d in zip(f, docs):
        for s in json.loads(line)["spans"]:
            counts[s["type"]] += 1
            if args.show == s["type"]:
                a, b = s["start"], s["end"]
                shown[(d[max(0, a - 40):a] + "[" + d[a:b] + "]" + d[b:b + 40]).replace("\n", " ") if args.context else d[a:b]] += 1
total = sum(counts.values())
print(f"real text: {len(docs)} documents, {chars} characters, {total} spans = {1000 * total / chars:.3f} per 1000 chars")
for t, n in counts.most_common():
    print(f"  {t:14} {n}")
for text, n in shown.most_common(80):
    print(f"  {n:4}  {text}")
