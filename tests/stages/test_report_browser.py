"""``report.html`` in a real browser (headless Chromium from the distribution): it loads offline
with no console error or failed request, every plot has a non-zero size, and a screenshot of it is
not blank (saved under pytest's tmp dir as an artifact)."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

import dolma_tools as dt

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run does)")

# Added to a copy of the page only: the report itself has no script.
_PROBE = ('<script>window.addEventListener("load",()=>{document.body.setAttribute("data-plot-sizes",JSON.stringify('
          '[...document.querySelectorAll("svg.plot")].map(e=>{const r=e.getBoundingClientRect();return [r.width,r.height]})))});'
          "</script></body>")
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--user-data-dir="]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [f if f != "--user-data-dir=" else f + str(tmp_path / "profile") for f in _FLAGS]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True)


def _png_pixels(path: Path) -> bytes:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        if kind == b"IDAT":
            chunks.append(data[position + 8:position + 8 + length])
        position += 12 + length
    return zlib.decompress(b"".join(chunks))


def test_report_renders_in_headless_chromium(quickstart: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(quickstart)
    dt.stats("sample/documents", tokens="sample/mixed/tokens", output=str(tmp_path / "out"), workers=1)
    page = (tmp_path / "out" / "report.html").read_text()
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", _PROBE))

    loaded = _chromium(tmp_path, "--dump-dom", probed.as_uri())
    console = [line for line in loaded.stderr.splitlines() if "CONSOLE" in line or "net::ERR" in line]
    assert console == [], console
    sizes = json.loads(re.search(r'data-plot-sizes="([^"]*)"', loaded.stdout).group(1).replace("&quot;", '"'))
    assert len(sizes) == page.count('class="plot"') >= 6
    assert all(width > 0 and height > 0 for width, height in sizes)

    screenshot = tmp_path / "report.png"
    _chromium(tmp_path, "--window-size=1200,1600", f"--screenshot={screenshot}", (tmp_path / "out" / "report.html").as_uri())
    pixels = _png_pixels(screenshot)
    assert len(set(pixels)) > 16, "the screenshot is blank"
