#!/usr/bin/env python3
# Golden prompts for ChatTemplate, rendered by transformers' apply_chat_template (Jinja).
#
# Regenerate (needs `pip install transformers tokenizers`, no torch):
#   python3 scripts/tok_chat_template_goldens.py \
#       --config Tests/MedForgeTokenizersTests/Fixtures/deepseek_v3_tokenizer_config.json \
#       --tokenizer Tests/MedForgeTokenizersTests/Fixtures/deepseek_v3_tokenizer.json \
#       --out Tests/MedForgeTokenizersTests/Fixtures/chat_template_goldens.json
#
# Templates:
#   deepseek-v3  chat_template of the DeepSeek-V3 tokenizer_config.json fixture, verbatim.
#   deepseek-r1  the same template with the R1 generation prompt "<｜Assistant｜><think>\n"
#                (what the official DeepSeek-R1 template ends with).
#   qwen2        Qwen2-Instruct's ChatML template (default system "You are a helpful assistant.").
import argparse, json
from transformers import PreTrainedTokenizerFast

QWEN2 = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
         "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
         "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
         "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")

CONVERSATIONS = [
    [{"role": "user", "content": "患者头痛三天，伴有恶心，应该做什么检查？"}],
    [{"role": "system", "content": "You are a careful clinical assistant."},
     {"role": "user", "content": "What is the first-line treatment for hypertension?"}],
    [{"role": "system", "content": "System A."}, {"role": "system", "content": "System B."},
     {"role": "user", "content": "Hi"}],
    [{"role": "user", "content": "What causes anemia?"},
     {"role": "assistant", "content": "<think>\nThe user asks about anemia causes.\n</think>\n\nIron deficiency, B12 deficiency, blood loss."},
     {"role": "user", "content": "And in children?"}],
    [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "no think tags here"},
     {"role": "user", "content": "Q2"}, {"role": "assistant", "content": "a</think>b</think>  c"}],
    [{"role": "user", "content": "multi\nline\n\ttext with  spaces "}],
    [{"role": "assistant", "content": "assistant first"}],
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    v3 = json.load(open(a.config, encoding="utf-8"))["chat_template"]
    tail = "{{'<｜Assistant｜>'}}{% endif %}"
    assert v3.endswith(tail), "unexpected DeepSeek-V3 template ending"
    r1 = v3[: -len(tail)] + "{{'<｜Assistant｜><think>\\n'}}{% endif %}"
    tok = PreTrainedTokenizerFast(tokenizer_file=a.tokenizer, bos_token="<｜begin▁of▁sentence｜>",
                                  eos_token="<｜end▁of▁sentence｜>")
    cases = []
    for name, template in [("deepseek-v3", v3), ("deepseek-r1", r1), ("qwen2", QWEN2)]:
        for conv in CONVERSATIONS:
            for gen in (False, True):
                prompt = tok.apply_chat_template(conv, chat_template=template, tokenize=False,
                                                 add_generation_prompt=gen)
                cases.append({"template": name, "messages": conv, "addGenerationPrompt": gen, "prompt": prompt})
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/tok_chat_template_goldens.py (transformers apply_chat_template)",
                   "templates": {"deepseek-r1": r1, "qwen2": QWEN2}, "cases": cases},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
