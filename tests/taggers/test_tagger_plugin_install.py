"""The taggers distribution, and third-party plugins (a tagger, a command), pip-installed into a
fresh virtualenv and found through their entry points, not through a source path.

The fresh venv sees the parent environment's packages (dolma-tools, numpy, fastText ...) through
a ``.pth`` file listing the parent's ``sys.path``, minus anything inside ``taggers/``: so the
editable install of the taggers that a developer may have is not importable there, and whatever
``dolma-tools list`` shows comes from the wheel pip just installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TAGGERS_SRC = REPO / "taggers"

def _pyproject(name: str, group: str, entry_point: str) -> str:
    """A one-module plugin distribution's pyproject.toml, declaring one entry point of ``group``."""
    return textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=64", "wheel"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name}"
        version = "1.0"
        dependencies = ["dolma-tools"]

        [project.entry-points."{group}"]
        {entry_point}
    """)


PLUGIN_PYPROJECT = _pyproject("acme-taggers", "dolma_tools.taggers", 'acme_shout_v1 = "acme_taggers:ShoutTagger"')

PLUGIN_MODULE = '''
from dolma_tools.taggers.base import Tagger, document_span


class ShoutTagger(Tagger):
    name = "acme_shout_v1"
    description = "Share of upper-case letters (key: upper)."

    def predict(self, doc):
        letters = [c for c in doc.text if c.isalpha()]
        return {"upper": document_span(doc, sum(c.isupper() for c in letters) / max(len(letters), 1))}
'''


COMMAND_PYPROJECT = _pyproject("acme-commands", "dolma_tools.commands", 'count-lines = "acme_commands:count_lines"')

COMMAND_MODULE = '''
import click

from dolma_tools.io import expand, iter_documents


@click.command("count-lines")
@click.argument("documents")
def count_lines(documents):
    """Count the documents of a file, folder or glob."""
    click.echo(sum(1 for path in expand(documents) for _ in iter_documents(path)))
'''


def _fresh_venv(root: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    parent = [p for p in sys.path if p and Path(p).is_dir() and TAGGERS_SRC not in Path(p).resolve().parents
              and Path(p).resolve() != TAGGERS_SRC and Path(p).resolve() != REPO]
    parent.append(sysconfig.get_paths()["purelib"])
    Path(site, "_parent_env.pth").write_text("\n".join(dict.fromkeys(parent)) + "\n")
    return python


def _pip_install(python: Path, project: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--no-index", str(project)],
        check=True, capture_output=True, text=True,
    )


@pytest.mark.slow
def test_taggers_and_a_third_party_plugin_install_with_pip(tmp_path: Path) -> None:
    source = tmp_path / "taggers-src"
    shutil.copytree(TAGGERS_SRC, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    plugin = tmp_path / "acme"
    plugin.mkdir()
    (plugin / "pyproject.toml").write_text(PLUGIN_PYPROJECT)
    (plugin / "acme_taggers.py").write_text(PLUGIN_MODULE)
    python = _fresh_venv(tmp_path / "venv")
    _pip_install(python, source)
    _pip_install(python, plugin)

    listed = subprocess.run([str(python), "-m", "dolma_tools", "list"], check=True, capture_output=True,
                            text=True, cwd=tmp_path).stdout
    for name in ("gopher_v1", "c4_v1", "fineweb_v1", "pii_regex_v1", "fasttext_langid_v1", "dclm_quality_v1",
                 "jigsaw_toxicity_v1", "domain_blocklist_v1", "wordlist_toxicity_v1", "acme_shout_v1"):
        assert name in listed

    probe = textwrap.dedent("""
        import json, importlib.metadata as md
        from dolma_tools.taggers.registry import get_tagger_class
        import dolma_tools_taggers
        print(json.dumps({
            "module": dolma_tools_taggers.__file__,
            "dist": str(md.distribution("dolma-tools-taggers").locate_file("")),
            "gopher": get_tagger_class("gopher_v1").__module__,
        }))
    """)
    where = json.loads(subprocess.run([str(python), "-c", probe], check=True, capture_output=True,
                                      text=True, cwd=tmp_path).stdout)
    venv = str(tmp_path / "venv")
    assert where["module"].startswith(venv) and where["dist"].startswith(venv)
    assert where["gopher"] == "dolma_tools_taggers.gopher"
    usage = subprocess.run([str(python), "-m", "dolma_tools", "--help"], check=True, capture_output=True,
                           text=True, cwd=tmp_path).stdout
    assert "Train a fastText classifier" in usage  # the taggers' command, by its entry point, loaded

    documents = tmp_path / "data" / "documents" / "a.jsonl"
    documents.parent.mkdir(parents=True)
    documents.write_text(json.dumps({"id": "1", "text": "HELLO there, World."}) + "\n")
    subprocess.run([str(python), "-m", "dolma_tools", "tag", "-d", str(documents), "-e", "x", "-t", "acme_shout_v1",
                    "-t", "gopher_v1", "--workers", "1", "-q"], check=True, capture_output=True, text=True, cwd=tmp_path)
    record = json.loads((tmp_path / "data" / "attributes" / "x" / "a.jsonl").read_text())
    assert record["attributes"]["x__acme_shout_v1__upper"] == [[0, 19, 6 / 15]]
    assert record["attributes"]["x__gopher_v1__word_count"] == [[0, 19, 3.0]]


@pytest.mark.slow
def test_a_third_party_command_installs_with_pip(tmp_path: Path) -> None:
    plugin = tmp_path / "acme"
    plugin.mkdir()
    (plugin / "pyproject.toml").write_text(COMMAND_PYPROJECT)
    (plugin / "acme_commands.py").write_text(COMMAND_MODULE)
    python = _fresh_venv(tmp_path / "venv")

    def dolma_tools(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), "-m", "dolma_tools", *args], capture_output=True, text=True, cwd=tmp_path)

    assert "count-lines" not in dolma_tools("--help").stdout
    _pip_install(python, plugin)
    assert "Count the documents" in dolma_tools("--help").stdout
    documents = tmp_path / "data" / "documents" / "a.jsonl"
    documents.parent.mkdir(parents=True)
    documents.write_text("".join(json.dumps({"id": str(i), "text": "x"}) + "\n" for i in range(3)))
    done = dolma_tools("count-lines", str(documents))
    assert (done.returncode, done.stdout) == (0, "3\n"), done.stderr
