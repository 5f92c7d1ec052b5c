"""Named, independent random streams.

Every part of the simulation draws from its own stream, keyed by a name and a few integers
(tracked account, day, purchase, ...). Streams never share state, so changing what is *written*
(e.g. `--follow-source`) or how much one part draws never shifts the randomness of another.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """A generator determined only by (seed, name, keys)."""
    entropy = [int(seed) & 0xFFFF_FFFF, (int(seed) >> 32) & 0xFFFF_FFFF, zlib.crc32(name.encode())]
    entropy.extend(int(k) & 0xFFFF_FFFF for k in keys)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
