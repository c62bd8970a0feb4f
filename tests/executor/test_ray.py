"""The Ray executor on a real two-node cluster on loopback (one CPU per node), started once for
the module: every stage gives the local executor's outputs byte for byte, a worker killed
mid-task is retried to the same outputs, a bad line fails the run once, with file:line, outputs
go to a real S3 server (work folders too), and the command line joins a running cluster or starts its own."""

from __future__ import annotations

import collections
import dataclasses
import gzip
import json
import os
import shutil
import signal
import subprocess
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
from dolma_tools.errors import InputError, StageError  # noqa: E402
from dolma_tools.executor.base import FileTask, Report, Task  # noqa: E402
from dolma_tools.executor.ray import RayExecutor  # noqa: E402
from dolma_tools.io import write_lines  # noqa: E402
from dolma_tools.sample.corpus import generate_sample  # noqa: E402
from dolma_tools.stages.runner import run_stage  # noqa: E402
from dolma_tools.stages.tag.config import TagConfig  # noqa: E402
from dolma_tools.stages.tag.stage import TagStage  # noqa: E402
from tests.conftest import make_doc  # noqa: E402
from tests.stages.mix.conftest import files_of, mix_config, tokenizer_path, write_corpus  # noqa: E402, F401
from tests.stages.warcs import pages, write_warc  # noqa: E402

pytestmark = pytest.mark.ray

TAGGERS = ["char_length_v1", "word_count_v1"]
ALL_MODES = {
    "documents_mode": {}, "paragraphs": {}, "ngrams": {"ngram_size": 5, "threshold": 0.5},
    "minhash": {"threshold": 0.7}, "decontamination": {},
}
S3_ENV = ["AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"]


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
    of receipts, the counters (their settings name the input paths, which differ between twins);
    of JSON reports, all but the work folder (named by the input paths)."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "_summary.json" and "_work" not in path.parts:
            data = path.read_bytes()
            if path.name.endswith(".receipt.json"):
                found[str(path.relative_to(root))] = json.loads(data)["counters"]
            elif path.suffix == ".json":
                found[str(path.relative_to(root))] = {k: v for k, v in json.loads(data).items() if k != "work_dir"}
            else:
                found[str(path.relative_to(root))] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


def twin(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of a corpus: one for the local executor, one for Ray."""
    local, remote = tmp_path / "local", tmp_path / "ray"
    shutil.copytree(root, local)
    shutil.copytree(root, remote)
    return local, remote


def same_summaries(local: dt.RunSummary, remote: dt.RunSummary) -> bool:
    keep = ("files_total", "files_processed", "documents", "skipped", "counts")
    return all(getattr(local, key) == getattr(remote, key) for key in keep)


def test_tag_is_byte_identical_and_the_session_is_left_running(cluster: str, corpus: Path, tmp_path: Path) -> None:
    local, remote = twin(corpus, tmp_path)
    here = dt.tag(str(local / "documents"), "exp", TAGGERS, workers=2)
    there = dt.tag(str(remote / "documents"), "exp", TAGGERS, executor="ray", ray={"address": cluster})
    assert there.documents == 1000 and there.files_processed == 4 and same_summaries(here, there)
    assert outputs(local / "attributes") == outputs(remote / "attributes")
    assert ray.is_initialized()  # a session the caller opened is not shut down


def test_every_dedupe_mode_is_byte_identical(cluster: str, tmp_path: Path) -> None:
    generate_sample(tmp_path / "sample", seed=3, num_documents=400, mean_words=80)
    local, remote = twin(tmp_path / "sample", tmp_path)
    modes = {**ALL_MODES, "decontamination": {"eval_sets": str(local / "eval" / "benchmark.jsonl")}}
    here = dt.dedupe(str(local / "documents"), workers=2, **modes)
    modes["decontamination"] = {"eval_sets": str(remote / "eval" / "benchmark.jsonl")}
    there = dt.dedupe(str(remote / "documents"), executor="ray", **modes)
    assert all(there.counts[mode]["documents_flagged"] for mode in ("documents", "paragraphs", "minhash"))
    assert same_summaries(here, there)
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
    # The executor is no part of what the outputs depend on: switching it redoes nothing.
    again = mix(mix_config(corpus, tmp_path / "local", tokenizer_path, executor="ray", ray={"max_retries": 1}))
    assert again["files_processed"] == 0 and files_of(tmp_path / "local") == local


def test_extract_and_stats_are_byte_identical(cluster: str, tmp_path: Path) -> None:
    for number in range(3):
        write_warc(tmp_path / "warcs" / f"crawl-{number}.warc.gz", pages(12)[number * 4:])
    for label, options in (("local", {"workers": 2}), ("ray", {"executor": "ray"})):
        extracted = dt.extract(str(tmp_path / "warcs"), str(tmp_path / label), **options)
        assert extracted.documents == 24 and extracted.files_processed == 3
        dt.stats(str(tmp_path / label / "documents"), output=str(tmp_path / label / "stats"), **options)
    assert outputs(tmp_path / "local" / "documents") == outputs(tmp_path / "ray" / "documents")
    local, remote = (json.loads((tmp_path / label / "stats" / "stats.json").read_text()) for label in ("local", "ray"))
    assert local.pop("config")["documents"] != remote.pop("config")["documents"]  # (the one difference)
    assert local == remote and local["documents"] == 24


@dataclasses.dataclass(frozen=True)
class Counting(FileTask):
    """Reports ``documents`` in steps, pausing between them, and writes nothing."""

    source: str
    output: str
    documents: int

    def run(self, report: Report) -> collections.Counter:
        for _ in range(self.documents // 10):
            report(10)
            time.sleep(0.03)
        return collections.Counter(documents=self.documents)


def test_progress_reaches_the_driver_while_tasks_run(cluster: str) -> None:
    reported: list[tuple[float, int]] = []
    tasks = [Counting(f"file-{n}", f"/nonexistent/{n}", 600 + 10 * n) for n in range(3)]  # ~1.8 s each
    finished: dict[str, tuple[float, int]] = {}
    with RayExecutor(settings=RayConfig(address=cluster)) as executor:
        for task, counters in executor.map(tasks, lambda documents: reported.append((time.monotonic(), documents))):
            finished[task.name] = (time.monotonic(), counters["documents"])
    assert {name: documents for name, (_, documents) in finished.items()} == {t.name: t.documents for t in tasks}
    assert sum(documents for _, documents in reported) == sum(t.documents for t in tasks)
    # Counts arrive while tasks run (batched a few times a second), not once when each ends.
    first_end = min(when for when, _ in finished.values())
    assert sum(documents for when, documents in reported if when < first_end - 0.5) > 0


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

    def __init__(self, log: Path, stall: Path | None = None, retries: int = 2) -> None:
        super().__init__(settings=RayConfig(max_retries=retries))
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


def kill_the_stalled_attempt(log: Path, stall: Path) -> str:
    """Wait for an attempt to stall mid-output, kill its worker process; the task's name."""
    deadline = time.monotonic() + 60
    while not stall.exists():
        assert time.monotonic() < deadline, "no task started"
        time.sleep(0.05)
    time.sleep(0.5)  # let it reach the stall
    name, pid = log.read_text().splitlines()[0].split()
    os.kill(int(pid), signal.SIGKILL)
    return name


def test_a_killed_worker_is_retried_to_the_same_outputs(cluster: str, corpus: Path, tmp_path: Path) -> None:
    local, remote = twin(corpus, tmp_path)
    dt.tag(str(local / "documents"), "exp", TAGGERS, workers=1)
    log, stall = tmp_path / "attempts.log", tmp_path / "stalled"
    results: list[dt.RunSummary] = []
    run = threading.Thread(target=lambda: results.append(
        run_stage(tag_stage(remote / "documents"), quiet=True, executor=Wrapping(log, stall))))
    run.start()
    killed = kill_the_stalled_attempt(log, stall)
    run.join(timeout=120)
    assert not run.is_alive() and results[0].documents == 1000
    counts = attempts(log)
    assert counts[killed] == 2 and sum(counts.values()) == 5  # the killed task ran again, the others once
    assert outputs(local / "attributes") == outputs(remote / "attributes")
    assert not [p for p in (remote / "attributes").rglob("*") if ".tmp" in p.name]  # the killed attempt's debris


def test_a_task_whose_worker_dies_past_max_retries_fails_the_run(cluster: str, corpus: Path, tmp_path: Path) -> None:
    log, stall = tmp_path / "attempts.log", tmp_path / "stalled"
    failure: list[BaseException] = []

    def run() -> None:
        try:
            run_stage(tag_stage(corpus / "documents"), quiet=True, executor=Wrapping(log, stall, retries=0))
        except StageError as error:
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    killed = kill_the_stalled_attempt(log, stall)
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert killed in str(failure[0]) and "after 0 retries" in str(failure[0])


def test_a_bad_line_fails_the_run_once_with_file_and_line(cluster: str, corpus: Path, tmp_path: Path) -> None:
    bad = corpus / "documents" / "web" / "part-9.jsonl.gz"
    write_lines(str(bad), [make_doc("a", "fine"), b"{oops\n", make_doc("c", "fine")])
    log = tmp_path / "attempts.log"
    with pytest.raises(InputError, match=rf"{bad}:2: malformed_json"):
        run_stage(tag_stage(corpus / "documents"), quiet=True, executor=Wrapping(log))
    assert attempts(log)[str(bad)] == 1


def test_inputs_outputs_and_work_folders_on_s3_give_the_local_results(cluster: str, bucket, corpus: Path,
                                                                     tmp_path: Path, tokenizer_path: str) -> None:
    """Everything on S3, the work folders included (their defaults: beside the sidecars and the
    mix's output), no shared filesystem; the cluster's nodes started without S3 settings:
    ``ray.env_vars`` carries them to the tasks. Sidecars and token shards are the bytes of the
    local executor's run on local folders; document shards and metadata once paths are aligned."""
    client, name = bucket
    for path in sorted((corpus / "documents").rglob("*.gz")):
        client.put_object(Bucket=name, Key=str(path.relative_to(corpus)), Body=path.read_bytes())
    modes = {"documents_mode": {}, "paragraphs": {}, "minhash": {"threshold": 0.7, "memory_mb": 0.05}}
    results = {}
    for root, options in ((f"s3://{name}", {"executor": "ray", "ray": {"env_vars": S3_ENV}}),
                          (str(corpus), {"workers": 2})):
        documents = f"{root}/documents"
        tagged = dt.tag(documents, "exp", TAGGERS, **options)
        deduped = dt.dedupe(documents, name="dedupe", **modes, **options)
        stream = {"name": "web", "documents": [documents], "attributes": ["exp", "dedupe"],
                  "filter": "word_count_v1__words >= 3 and not documents__duplicate"}
        output = {"documents": {"path": f"{root}/mix/documents"},
                  "tokens": {"path": f"{root}/mix/tokens", "tokenizer": tokenizer_path, "eos": "<|endoftext|>"}}
        mixed = dt.mix([stream], output, **options)
        results[root] = (tagged.documents, deduped.counts, mixed.counts)
    assert len(set(map(repr, results.values()))) == 1 and results[str(corpus)][1]["paragraphs"]["spans_flagged"]
    objects = {o["Key"]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read()
               for page in client.get_paginator("list_objects_v2").paginate(Bucket=name) for o in page["Contents"]}
    assert not [key for key in objects if ".tmp" in key or "_work" in key or ".mix-work" in key]
    compared = [key for key in objects if key.endswith((".jsonl.gz", ".npy", ".csv.gz")) and not key.startswith("documents/")]
    assert {"attributes/dedupe/web/part-3.jsonl.gz", "mix/documents/web-00000.jsonl.gz"} <= set(compared)
    for key in compared:
        data, here = objects[key], (corpus / key).read_bytes()
        if key.startswith("mix/documents/") or key.endswith(".csv.gz"):  # provenance names the input path
            data, here = gzip.decompress(data).replace(f"s3://{name}".encode(), b""), gzip.decompress(here).replace(
                str(corpus).encode(), b"")
        assert data == here, key


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dolma_tools.cli", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"})


def test_the_command_line_joins_a_cluster_and_leaves_it_running(cluster: str, corpus: Path) -> None:
    done = _cli("tag", "-d", str(corpus / "documents"), "-e", "cli", "-t", "word_count_v1", "-q",
                "--executor", "ray", "--ray.address", cluster)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["documents"] == 1000
    assert len([node for node in ray.nodes() if node["Alive"]]) == 2


def test_without_an_address_a_cluster_is_started_and_shut_down(corpus: Path) -> None:
    script = (f"import dolma_tools as dt, ray\n"
              f"s = dt.tag({str(corpus / 'documents')!r}, 'own', ['word_count_v1'], executor='ray', workers=2)\n"
              f"print(s.documents, ray.is_initialized())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1000", "False"]
