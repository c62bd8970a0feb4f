"""``dolma-tools mix``: filter, edit and sample document streams into shards and token files.

Modules: `config` (typed config), `filters` (the expression language), `spans` (removal and
replacement), `sampling` (weights and caps), `join` (documents + attributes), `prepare` (first
pass), `chunks`, `documents` and `shards` (second pass), `tokenize`, and `stage` (orchestration).
"""

from dolma_tools.mix.config import MixConfig
from dolma_tools.mix.stage import check, plan, run

__all__ = ["MixConfig", "check", "plan", "run"]
