"""The TrueFans data simulator: synthetic social-media dumps written to the landing contract,
plus the ground truth (who is bought, who churns, which posts a like farm boosted).

    from orchestration.generate import SimConfig, generate
    summary = generate(SimConfig(seed=7), landing=Path("data/landing"), truth=Path("data/truth"))
"""

from orchestration.generate.config import SimConfig
from orchestration.generate.runner import generate

__all__ = ["SimConfig", "generate"]
