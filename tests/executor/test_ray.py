"""The Ray executor on a real two-node cluster on loopback (one CPU per node), started once for
the module: every stage gives the local executor's outputs byte for byte, a worker killed
mid-task is retried to the same outputs, and a bad line fails the run once, with file:line."""

from __future__ import annotations

import collections
import dataclasses
import gzip
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # (read at import) nodes on 127.0.0.1 only
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
ray = pytest.importorskip("ray", reason="the Ray executor tests need the ray extra: pip install 'dolma-tools[ray]'")

import dolma_tools as dt  # noqa: E402
from dolma_tools.config.loading import validate  # noqa: E402
from dolma_tools.config.models import RayConfig  # noqa: E402
from dolma_tools.errors import InputError  # noqa: E402
from dolma_tools.executor.base import Report, Task  # noqa: E402
from dolma_tools.executor.ray import RayExecutor  # noqa: E402
from dolma_tools.io import write_lines  # noqa: E402
from dolma_tools.sample.corpus import generate_sample  # noqa: E402
from dolma_tools.stages.tag.config import TagConfig  # noqa: E402
from dolma_tools.stages.tag.stage import TagStage  # noqa: E402
from dolma_tools.stages.runner import run_stage  # noqa: E402
from tests.conftest import make_doc  # noqa: E402
from tests.stages.mix.conftest import files_of, mix_config, tokenizer_path, write_corpus  # noqa: E402, F401

pytestmark = pytest.mark.ray

TAGGERS = ["char_length_v1", "word_count_v1"]
ALL_MODES = {
    "documents_mode": {}, "paragraphs": {}, "ngrams": {"ngram_size": 5, "threshold": 0.5},
    "minhash": {"threshold": 0.7}, "decontamination": {},
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A head and a worker node, one CPU each, on 127.0.0.1; this process is its driver."""
    from ray.cluster_utils import Cluster

    nodes = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False,
                                                          "node_ip_address": "127.0.0.1"})
    nodes.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    ray.init(address=nodes.address, _node_ip_address="127.0.0.1")
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the wrappers below, on every node
    try:
        yield nodes.address
    finally:
        ray.shutdown()
        nodes.shutdown()


def outputs(root: Path) -> dict[str, object]:
    """Every output by relative path (gzip members decompressed), but summaries (they hold timings);
    of receipts, the counters (their settings name the input paths, which differ between twins)."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "_summary.json" and "_work" not in path.parts:
            data = path.read_bytes()
            if path.name.endswith(".receipt.json"):
                found[str(path.relative_to(root))] = json.loads(data)["counters"]
            else:
                found[str(path.relative_to(root))] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


def twin(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of a corpus: one for the local executor, one for Ray."""
    local, remote = tmp_path / "local", tmp_path / "ray"
    shutil.copytree(root, local)
    shutil.copytree(root, remote)
    return local, remote


def test_tag_is_byte_identical_and_the_session_is_left_running(cluster: str, corpus: Path, tmp_path: Path) -> None:
    local, remote = twin(corpus, tmp_path)
    dt.tag(str(local / "documents"), "exp", TAGGERS, workers=2)
    summary = dt.tag(str(remote / "documents"), "exp", TAGGERS, executor="ray", ray={"address": cluster})
    assert summary.documents == 1000 and summary.files_processed == 4
    assert outputs(local / "attributes") == outputs(remote / "attributes")
    assert ray.is_initialized()  # a session the caller opened is not shut down


def test_every_dedupe_mode_is_byte_identical(cluster: str, tmp_path: Path) -> None:
    generate_sample(tmp_path / "sample", seed=3, num_documents=400, mean_words=80)
    local, remote = twin(tmp_path / "sample", tmp_path)
    modes = {**ALL_MODES, "decontamination": {"eval_sets": str(local / "eval" / "benchmark.jsonl")}}
    dt.dedupe(str(local / "documents"), workers=2, **modes)
    modes["decontamination"] = {"eval_sets": str(remote / "eval" / "benchmark.jsonl")}
    summary = dt.dedupe(str(remote / "documents"), executor="ray", **modes)
    assert all(summary.counts[mode]["documents_flagged"] for mode in ("documents", "paragraphs", "minhash"))
    assert outputs(local / "attributes") == outputs(remote / "attributes")


def test_mix_documents_and_tokens_are_byte_identical(cluster: str, tmp_path: Path, tokenizer_path: str) -> None:
    from tests.stages.mix.test_stage import mix

    corpus = write_corpus(tmp_path / "corpus", {"web": 120, "books": 40}, files_per_source=3)
    mix(mix_config(corpus, tmp_path / "local", tokenizer_path, workers=2))
    mix(mix_config(corpus, tmp_path / "ray", tokenizer_path, executor="ray"))
    local, remote = files_of(tmp_path / "local"), files_of(tmp_path / "ray")
    assert local.keys() == remote.keys() and any("tokens" in name for name in local)
    for name in local:
        if "manifest" not in name:  # (the manifests name their own output folders)
            assert local[name] == remote[name], name


@dataclasses.dataclass(frozen=True)
class Attempted:
    """A stage's task that logs each attempt (its process id) in ``log``; with ``stall`` the first
    attempt of any task claims ``stall`` and then hangs mid-output, to be killed by the test."""

    task: Task
    log: str
    stall: str | None = None

    @property
    def name(self) -> str:
        return self.task.name

    @property
    def outputs(self) -> Sequence[str]:
        return self.task.outputs

    def run(self, report: Report) -> collections.Counter:
        with open(self.log, "a") as stream:
            stream.write(f"{self.task.name} {os.getpid()}\n")
        if self.stall is None or not _claim(self.stall):
            return self.task.run(report)

        def hang(documents: int) -> None:  # called after a batch is written, before the rename
            time.sleep(120)

        return self.task.run(hang)


def _claim(path: str) -> bool:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


class Wrapping(RayExecutor):
    """The Ray executor running each task inside `Attempted`."""

    def __init__(self, log: Path, stall: Path | None = None) -> None:
        super().__init__(settings=RayConfig(max_retries=2))
        self.log, self.stall = str(log), None if stall is None else str(stall)

    def map(self, tasks: Sequence[Task], report: Report) -> Iterator[tuple[Task, collections.Counter]]:
        wrapped = [Attempted(task, self.log, self.stall) for task in tasks]
        for attempt, counters in super().map(wrapped, report):
            yield attempt.task, counters


def attempts(log: Path) -> collections.Counter:
    return collections.Counter(line.split()[0] for line in log.read_text().splitlines())


def tag_stage(documents: Path, **options: object) -> TagStage:
    return TagStage(validate(TagConfig, {"documents": str(documents), "experiment": "exp", "taggers": TAGGERS,
                                         **options}))


def test_a_killed_worker_is_retried_to_the_same_outputs(cluster: str, corpus: Path, tmp_path: Path) -> None:
    local, remote = twin(corpus, tmp_path)
    dt.tag(str(local / "documents"), "exp", TAGGERS, workers=1)
    log, stall = tmp_path / "attempts.log", tmp_path / "stalled"
    run = threading.Thread(target=run_stage, args=(tag_stage(remote / "documents", executor="ray"),),
                           kwargs={"quiet": True, "executor": Wrapping(log, stall)})
    run.start()
    deadline = time.monotonic() + 60
    while not stall.exists():
        assert time.monotonic() < deadline, "no task started"
        time.sleep(0.05)
    time.sleep(0.5)  # let it reach the stall
    stalled = next(line for line in log.read_text().splitlines())
    os.kill(int(stalled.split()[1]), signal.SIGKILL)
    run.join(timeout=120)
    assert not run.is_alive()
    counts = attempts(log)
    assert counts[stalled.split()[0]] == 2 and sum(counts.values()) == 5  # the killed task ran again
    assert outputs(local / "attributes") == outputs(remote / "attributes")
    assert not [p for p in (remote / "attributes").rglob("*") if ".tmp" in p.name]


def test_a_bad_line_fails_the_run_once_with_file_and_line(cluster: str, corpus: Path, tmp_path: Path) -> None:
    bad = corpus / "documents" / "web" / "part-9.jsonl.gz"
    write_lines(str(bad), [make_doc("a", "fine"), b"{oops\n", make_doc("c", "fine")])
    log = tmp_path / "attempts.log"
    with pytest.raises(InputError, match=rf"{bad}:2: malformed_json"):
        run_stage(tag_stage(corpus / "documents", executor="ray"), quiet=True, executor=Wrapping(log))
    assert attempts(log)[str(bad)] == 1

