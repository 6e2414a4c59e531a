#!/usr/bin/env bash
# Rebuilds the shipped PHI tagger (Sources/MedForgeDeid/Model/phi-tagger.bin) from the annotated
# training notes and PHI-free text in ../shared/data. Deterministic: with --check it retrains and
# fails unless the result is byte-identical to the committed model (CI runs it that way).
# The held-out files eval/deid/*_test.txt are never used here.
# Usage: scripts/train_deid_tagger.sh [BIN] [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/medforge}"
DATA="${MEDFORGE_DATA:-../shared/data}"
MODEL=Sources/MedForgeDeid/Model/phi-tagger.bin
OUT="$MODEL"; EXTRA=()
if [ "${2:-}" = "--check" ]; then OUT="$(mktemp)"; EXTRA=(--check "$MODEL"); fi
"$BIN" deid-train \
    --gold eval/deid/en_clinical_dev.txt --gold eval/deid/en_nursing_dev.txt \
    --gold eval/deid/zh_clinical_dev.txt --gold eval/deid/zh_records2_dev.txt \
    --gold eval/deid/train/en_train_a.txt --gold eval/deid/train/en_train_b.txt --gold eval/deid/train/en_train_c.txt --gold eval/deid/train/en_train_d.txt --gold eval/deid/train/en_train_e.txt \
    --gold eval/deid/train/zh_train_a.txt --gold eval/deid/train/zh_train_b.txt --gold eval/deid/train/zh_train_c.txt --gold eval/deid/train/zh_train_e.txt \
    --augment 3 \
    --conll "$DATA/bio_ner_re/ncbi_disease/train.txt" --negative-chars 300000 \
    --plain "$DATA/zh_medical_dialogue/neike.utf8.txt" --plain-skip 300000 --plain-chars 50000 \
    --obo "$DATA/hpo/hp.obo" --obo-chars 200000 \
    --vocabulary "$DATA/bio_ner_re/bc5cdr/train.txt" --vocabulary "$DATA/bio_ner_re/ncbi_disease/train.txt" \
    --vocabulary "$DATA/bio_ner_re/chemprot/train.txt" --vocabulary "$DATA/bio_ner_re/chemprot/dev.txt" --vocabulary "$DATA/bio_ner_re/chemprot/test.txt" \
    --vocabulary "$DATA/zh_dxy_diagnosis/dxy_dialog_data_dialog_v2.txt" --vocabulary "$DATA/zh_medical_dialogue/neike.utf8.txt@300000" \
    --vocabulary-words "$DATA/tokenizers/minilm_bert_uncased/vocab.txt" \
    --out "$OUT" "${EXTRA[@]}"
