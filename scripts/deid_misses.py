#!/usr/bin/env python3
"""Lists gold spans of presidio synth_dataset_v2.json that `medforge deid` missed or covered only
partly, per entity type. Development aid; prints presidio's synthetic (Faker) text, never clinical text.
Usage: medforge deid --in presidio.jsonl --out pred.jsonl; python3 scripts/deid_misses.py GOLD.json pred.jsonl TYPE"""
import json, sys
gold = json.load(open(sys.argv[1]))
pred = [json.loads(l) for l in open(sys.argv[2])]
want = sys.argv[3] if len(sys.argv) > 3 else None
for g, p in zip(gold, pred):
    text = g["full_text"]
    spans = p["spans"]
    for s in g["spans"]:
        if want and s["entity_type"] != want: continue
        a, b = s["start_position"], s["end_position"]
        hit = [q for q in spans if q["start"] < b and q["end"] > a]
        cov = set()
        for q in hit: cov.update(range(q["start"], q["end"]))
        full = all(k in cov or text[k].isspace() for k in range(a, b))
        if not full:
            mark = "PART" if hit else "MISS"
            ctx = text[max(0, a - 40):b + 30].replace("\n", " | ")
            print(f"{mark} {s['entity_type']:15} [{text[a:b]}]  ::  {ctx}")
