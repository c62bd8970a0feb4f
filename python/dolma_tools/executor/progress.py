"""Progress for a running stage: a redrawn line on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

_LOG_EVERY_SECONDS = 30.0
_DRAW_EVERY_SECONDS = 0.2


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Files done, documents done, documents per second and a file-based ETA."""

    def __init__(self, stage: str, total_files: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stage = stage
        self.total_files = total_files
        self.files = 0
        self.documents = 0
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.started = time.monotonic()
        self.last_output = 0.0
        self.lock = threading.Lock()

    def add_documents(self, count: int) -> None:
        with self.lock:
            self.documents += count
        self._maybe_show()

    def add_file(self) -> None:
        with self.lock:
            self.files += 1
        self._maybe_show(force=not self.interactive and self.files == self.total_files)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.documents / elapsed
        eta = ""
        if 0 < self.files < self.total_files:
            eta = f" ETA {_duration(elapsed / self.files * (self.total_files - self.files))}"
        return (f"{self.stage}: files {self.files}/{self.total_files}, "
                f"documents {self.documents:,} ({rate:,.0f}/s), {_duration(elapsed)}{eta}")

    def _maybe_show(self, force: bool = False) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        every = _DRAW_EVERY_SECONDS if self.interactive else _LOG_EVERY_SECONDS
        if not force and now - self.last_output < every:
            return
        self.last_output = now
        if self.interactive:
            self.stream.write("\r\x1b[2K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        if not self.quiet and self.interactive:
            self.stream.write("\r\x1b[2K" + self.line() + "\n")
            self.stream.flush()
