"""Work files: `.npz` archives whose arrays start aligned, so phase 2 maps them in place."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from dolma_tools.stages.dedupe.work import ALIGN, array_view, load_arrays, save_arrays


def test_arrays_round_trip_and_map_aligned(tmp_path: Path) -> None:
    arrays = {"lengths": np.arange(7, dtype=np.uint8), "minhash/set_values": np.arange(1001, dtype=np.uint32),
              "minhash/signatures": np.ones((3, 5), np.uint32), "keep": np.zeros(0, np.float64),
              "id_data": np.frombuffer(b"abc", np.uint8), "names": np.array(["a", "bcd"]),
              "fortran": np.asfortranarray(np.arange(6, dtype=np.int64).reshape(2, 3)), "scalar": np.float32(2.5),
              "when": np.array(["2026-01-02"], dtype="datetime64[D]")}
    path = str(tmp_path / "000000.npz")
    save_arrays(path, arrays)
    back = load_arrays(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # CRCs and headers of a plain zip
    for key, value in arrays.items():
        assert back[key].dtype == value.dtype and np.array_equal(back[key], value)
        view = array_view(path, key)
        assert np.array_equal(view, value)
        if np.ndim(value) and len(value):
            assert view.flags.aligned and view.offset % ALIGN == 0
    assert set(np.load(path).files) == set(arrays)
