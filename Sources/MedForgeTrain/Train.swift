// Fine-tuning: reverse-mode differentiation, LoRA, AdamW, DP-SGD, EWC, checkpoints (issue 4).
import MedForgeLLM
