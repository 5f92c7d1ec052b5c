"""Fast, vectorised timestamp text: Unix seconds to ISO 8601 as a pyarrow string array.

`pyarrow.compute.strftime` runs at ~1 µs a value; this builds the bytes directly in a
fixed-width numpy buffer (a date lookup table plus digit arithmetic), ~50x faster.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

import numpy as np
import pyarrow as pa

DAY = 86_400
_LUT_START = datetime(1990, 1, 1, tzinfo=UTC)
_LUT_DAYS = 60 * 366
_LUT_BASE = int(_LUT_START.timestamp()) // DAY


@lru_cache(maxsize=1)
def _date_lut() -> np.ndarray:
    text = "".join((_LUT_START + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(_LUT_DAYS))
    return np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(_LUT_DAYS, 10)


def _digits2(out: np.ndarray, col: int, value: np.ndarray) -> None:
    out[:, col] = 48 + value // 10
    out[:, col + 1] = 48 + value % 10


def iso_array(
    secs: np.ndarray, offset_minutes: int = 0, valid: np.ndarray | None = None
) -> pa.Array:
    """`YYYY-MM-DDTHH:MM:SSZ` (offset 0) or `...+HH:MM` local time with that UTC offset."""
    secs = np.asarray(secs, dtype=np.int64)
    n = len(secs)
    if n > 1 and valid is None and secs[0] == secs.min() == secs.max():  # e.g. snapshot_at
        one = iso_array(secs[:1], offset_minutes)
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), one).cast(
            pa.string()
        )
    local = secs + offset_minutes * 60
    if valid is not None:
        local = np.where(valid, local, _LUT_BASE * DAY)
    days = local // DAY - _LUT_BASE
    if n and (days.min() < 0 or days.max() >= _LUT_DAYS):
        raise ValueError("timestamp outside the supported range 1990..2049")
    sod = local % DAY
    suffix = b"Z" if offset_minutes == 0 else _offset_text(offset_minutes)
    width = 19 + len(suffix)
    out = np.empty((n, width), dtype=np.uint8)
    out[:, :10] = _date_lut()[days]
    out[:, 10] = ord("T")
    _digits2(out, 11, sod // 3600)
    out[:, 13] = ord(":")
    _digits2(out, 14, (sod // 60) % 60)
    out[:, 16] = ord(":")
    _digits2(out, 17, sod % 60)
    out[:, 19:] = np.frombuffer(suffix, dtype=np.uint8)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    validity = None
    null_count = 0
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = int(n - valid.sum())
    return pa.Array.from_buffers(
        pa.string(), n, [validity, pa.py_buffer(offsets), pa.py_buffer(out)], null_count
    )


def _offset_text(minutes: int) -> bytes:
    sign = "+" if minutes >= 0 else "-"
    m = abs(minutes)
    return f"{sign}{m // 60:02d}:{m % 60:02d}".encode("ascii")
