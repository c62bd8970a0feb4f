"""``dolma-tools mix``: filter, edit and sample document streams into shards and token files.

Modules: `config` (typed config), `filters` (the expression language), `spans` (removal and
replacement), `sampling` (weights and caps), `join` (documents + attributes), `prepare` (first
pass), `chunks`, `documents` and `shards` (second pass), `tokenize`, and `stage` (orchestration).

This package imports nothing on purpose (as `dolma_tools.stages.dedupe`): the top-level package loads it
before binding the ``dolma_tools.stages.mix`` *function*, and workers that only need one module of it do
not pay for the rest.
"""
