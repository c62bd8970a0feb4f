"""Subcommands from other distributions (the ``dolma_tools.commands`` entry points).

Each test writes real distribution metadata (``*.dist-info`` with ``entry_points.txt``) and a
module into a folder put on ``sys.path``, so ``importlib.metadata`` finds them as it finds an
installed plugin; the CLI group is built fresh per test because it reads the entry points once.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dolma_tools.cli import main
from dolma_tools.cli.plugins import PluginGroup

REPO = Path(__file__).resolve().parents[2]

HELLO = '''
import click

@click.command("hello")
@click.option("--name", default="world")
def hello(name):
    """Say hello (a plugin command)."""
    click.echo(f"hello {name}")

not_a_command = 42
'''


def distribution(site: Path, dist: str, commands: dict[str, str], modules: dict[str, str]) -> None:
    """Write distribution ``dist`` into ``site``: its metadata, command entry points and modules."""
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {target}\n" for name, target in commands.items())
    (info / "entry_points.txt").write_text(f"[dolma_tools.commands]\n{lines}")
    for module, source in modules.items():
        (site / f"{module}.py").write_text(textwrap.dedent(source))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def cli() -> click.Group:
    """The dolma-tools group as a fresh instance: built-in commands, entry points read anew."""
    return PluginGroup(name="dolma-tools", commands=dict(main.commands), context_settings=main.context_settings)


def invoke(*args: str):
    return CliRunner().invoke(cli(), list(args))


def test_a_plugin_command_is_listed_and_runs(site: Path) -> None:
    distribution(site, "acme-hello", {"hello": "acme_hello:hello"}, {"acme_hello": HELLO})
    listing = invoke("--help")
    assert listing.exit_code == 0 and "hello" in listing.output and "Say hello" in listing.output
    result = invoke("hello", "--name", "dolma")
    assert result.exit_code == 0 and result.output == "hello dolma\n"
    assert "Say hello" in invoke("hello", "--help").output


def test_a_broken_plugin_breaks_only_its_own_command(site: Path) -> None:
    distribution(site, "acme-broken", {"explode": "acme_broken:explode"},
                 {"acme_broken": "import a_module_that_does_not_exist\n"})
    distribution(site, "acme-hello", {"hello": "acme_hello:hello", "answer": "acme_hello:not_a_command"},
                 {"acme_hello": HELLO})
    listing = invoke("--help")
    assert listing.exit_code == 0
    assert "explode" in listing.output and "(unavailable)" in listing.output and "tag" in listing.output
    result = invoke("explode", "--any", "flag")
    assert result.exit_code == 2
    assert ("error: command 'explode' of plugin acme_broken:explode (from acme-broken) failed to load: "
            "ModuleNotFoundError: No module named 'a_module_that_does_not_exist'") in result.output
    result = invoke("answer")
    assert result.exit_code == 2 and "acme_hello:not_a_command (from acme-hello) is not a click command" in result.output
    assert invoke("hello").output == "hello world\n"
    assert invoke("list").exit_code == 0


def test_two_commands_with_one_name_are_an_error_naming_both(site: Path) -> None:
    distribution(site, "acme-one", {"hello": "acme_hello:hello", "tag": "acme_hello:hello"}, {"acme_hello": HELLO})
    distribution(site, "acme-two", {"hello": "acme_hello_two:hello"}, {"acme_hello_two": HELLO})
    result = invoke("hello")
    assert result.exit_code == 2
    assert ("two commands are named 'hello': acme_hello:hello (from acme-one) and acme_hello_two:hello "
            "(from acme-two)") in result.output
    result = invoke("tag", "-d", "documents")
    assert result.exit_code == 2
    assert "two commands are named 'tag': dolma-tools' own 'tag' and acme_hello:hello (from acme-one)" in result.output
    assert invoke("dedupe", "--help").exit_code == 0


def test_the_core_never_imports_the_taggers_distribution() -> None:
    """The taggers plugin depends on the core, never the other way (its command comes by entry point)."""
    offenders = []
    for path in sorted((REPO / "python" / "dolma_tools").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value]  # importlib.import_module("dolma_tools_taggers...")
            offenders += [f"{path.relative_to(REPO)}:{node.lineno}" for name in names
                          if name.split(".")[0] == "dolma_tools_taggers"]
    assert offenders == []
