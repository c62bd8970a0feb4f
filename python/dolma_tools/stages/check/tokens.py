"""Direct check of token shards against their metadata and manifest, with array operations only
(one pass for the largest id, one gather at the document ends), so it runs at memory speed."""

from __future__ import annotations

import hashlib
import os

import numpy as np

from dolma_tools.errors import InputError
from dolma_tools.stages.check.results import Result
from dolma_tools.tokens import ShardInfo, load_manifest, read_boundaries, read_tokens, shards_of


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def shard_problems(shard: ShardInfo) -> list[str]:
    """Everything wrong with one shard (empty when it verifies)."""
    where = shard.tokens_path
    itemsize = np.dtype(shard.dtype).itemsize
    size = os.path.getsize(where) if os.path.exists(where) else None
    if size is None:
        return [f"{where}: missing_shard"]
    if size % itemsize:
        return [f"{where}: truncated_shard: {size} bytes is not a whole number of {shard.dtype} tokens"]
    tokens = read_tokens(shard)
    boundaries = read_boundaries(shard, text=False)
    starts, ends = boundaries.start, boundaries.end
    problems = []
    if len(tokens) != shard.listed_tokens:
        problems.append(f"{where}: token_count: {len(tokens)} tokens, the manifest lists {shard.listed_tokens}")
    if len(starts) != shard.listed_documents:
        problems.append(f"{shard.metadata_path}: document_count: {len(starts)} documents, the manifest lists {shard.listed_documents}")
    if shard.vocab_size is not None and len(tokens) and int(tokens.max()) >= shard.vocab_size:
        at = _first(tokens >= shard.vocab_size)
        problems.append(f"{where}: token_over_vocabulary: id {int(tokens[at])} at position {at} (vocabulary {shard.vocab_size})")
    if len(starts):
        previous = np.concatenate([[0], ends[:-1]])
        broken = (starts != previous) | (ends < starts)
        if broken.any() or ends[-1] != len(tokens):
            row = _first(broken) if broken.any() else len(starts) - 1
            problems.append(f"{shard.metadata_path}:{row + 1}: bad_boundaries: [{starts[row]}, {ends[row]}) does not follow "
                            f"the previous document or end the shard's {len(tokens)} tokens")
        elif shard.eos_id is not None:
            nonempty = ends > starts
            missing = nonempty & (tokens[np.maximum(ends - 1, 0)] != shard.eos_id)
            missing |= ~nonempty
            if missing.any():
                row = _first(missing)
                problems.append(f"{shard.metadata_path}:{row + 1}: missing_eos: document {boundaries.value('id', row)!r} "
                                f"ends at {ends[row]} without EOS ({shard.eos_id})")
            if shard.bos_id is not None:
                wrong = nonempty & (tokens[np.minimum(starts, len(tokens) - 1)] != shard.bos_id)
                if wrong.any():
                    row = _first(wrong)
                    problems.append(f"{shard.metadata_path}:{row + 1}: missing_bos: document {boundaries.value('id', row)!r}")
    elif len(tokens):
        problems.append(f"{where}: bad_boundaries: {len(tokens)} tokens but no documents in the metadata")
    return problems


def _tokenizer_problem(manifest_file: str) -> str | None:
    tokenizer = load_manifest(manifest_file)["tokenizer"]
    path, expected = tokenizer.get("path"), tokenizer.get("sha256")
    if not path or not expected:
        return None
    candidates = [path, os.path.join(os.path.dirname(manifest_file), os.path.basename(path))]
    found = next((p for p in candidates if os.path.isfile(p)), None)
    if found is None:
        return f"{manifest_file}: tokenizer_not_found: {path!r} (the hash cannot be checked)"
    with open(found, "rb") as stream:
        actual = hashlib.sha256(stream.read()).hexdigest()
    if actual != expected:
        return f"{manifest_file}: tokenizer_hash: {found} has sha256 {actual[:12]}..., the manifest records {expected[:12]}..."
    return None


def _manifest_problems(manifest_file: str, shards: list[ShardInfo]) -> list[str]:
    manifest = load_manifest(manifest_file)
    problems = []
    for field, listed in (("tokens", sum(s.listed_tokens for s in shards)), ("documents", sum(s.listed_documents for s in shards))):
        if field in manifest and manifest[field] != listed:
            problems.append(f"{manifest_file}: manifest_totals: {field} {manifest[field]} but its shards list {listed}")
    return problems


def tokens_verify(manifests: list[str]) -> Result:
    """Every shard of every manifest verifies; the tokenizer file matches the recorded hash."""
    problems: list[str] = []
    tokens = 0
    for manifest_file in manifests:
        try:
            shards = shards_of(manifest_file)
        except InputError as error:
            problems.append(str(error))
            continue
        if (problem := _tokenizer_problem(manifest_file)) is not None:
            problems.append(problem)
        problems += _manifest_problems(manifest_file, shards)
        for shard in shards:
            try:
                problems += shard_problems(shard)
            except InputError as error:
                problems.append(str(error))
            tokens += shard.listed_tokens
    detail = "\n".join(problems)
    measured = f"{len(problems)} problem(s)" if problems else f"{tokens:,} tokens"
    return Result("check", "token shards verify", "no problems", measured, not problems, detail)
