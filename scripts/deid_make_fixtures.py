#!/usr/bin/env python3
"""Regenerates Tests/MedForgeDeidTests/Fixtures/{mixed.jsonl,presidio_mini.json}.
mixed.jsonl holds one line per reject reason plus a GB18030-encoded line; run from the repo root:
    python3 scripts/deid_make_fixtures.py"""
import json, os
out = os.path.join("Tests", "MedForgeDeidTests", "Fixtures")
lines = [
    json.dumps({"id": "en-1", "text": "Patient: John Smith, seen by Dr. Kowalski on 03/14/2021. Phone (617) 555-0123."}).encode(),
    json.dumps({"id": 2, "text": "患者张伟，身份证号110105198001011238，电话13812345678。"}, ensure_ascii=False).encode(),
    b'{"id": "bad-utf8", "text": "abc \xff\xfe def"}',          # neither UTF-8 nor GB18030
    json.dumps({"id": "gbk", "text": "患者李娜于2023年5月4日入院。"}, ensure_ascii=False).encode("gb18030"),
    b'{"id": "bin", "text": "a\x00b"}',                         # NUL byte: binary
    json.dumps({"id": "empty", "text": "   "}).encode(),
    b'{"id": "broken", "text": ',                                # invalid JSON
    b'',                                                          # empty line
    json.dumps({"id": "no-text", "body": "x"}).encode(),        # no "text" field
]
open(os.path.join(out, "mixed.jsonl"), "wb").write(b"\n".join(lines) + b"\n")
presidio = [
    {"full_text": "My name is Vanessa P. Hertzog and my email is vh@example.com", "spans": [
        {"entity_type": "PERSON", "entity_value": "Vanessa P. Hertzog", "start_position": 11, "end_position": 29},
        {"entity_type": "EMAIL_ADDRESS", "entity_value": "vh@example.com", "start_position": 46, "end_position": 60}]},
    {"full_text": "Call 617-555-0123 today", "spans": [
        {"entity_type": "PHONE_NUMBER", "entity_value": "617-555-0123", "start_position": 5, "end_position": 17}]},
]
json.dump(presidio, open(os.path.join(out, "presidio_mini.json"), "w"))
