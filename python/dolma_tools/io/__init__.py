"""Reading and writing documents, attributes and their paths (DESIGN.md, "Data contracts")."""

from dolma_tools.io.attributes import Sidecar, encode_attributes, iter_attributes
from dolma_tools.io.compression import atomic_writer, compression_of, open_read
from dolma_tools.io.jsonl import (
    DocumentColumns,
    SkipCounter,
    decode_document_line,
    encode_json,
    iter_document_columns,
    iter_documents,
    iter_json,
    iter_lines,
    write_lines,
)
from dolma_tools.io.parquet import write_parquet_documents
from dolma_tools.io.paths import attributes_path, attributes_root, expand, split_documents_path
from dolma_tools.io.storage import exists, list_names, remove, size

__all__ = [
    "DocumentColumns",
    "Sidecar",
    "SkipCounter",
    "atomic_writer",
    "attributes_path",
    "attributes_root",
    "compression_of",
    "decode_document_line",
    "encode_attributes",
    "encode_json",
    "exists",
    "expand",
    "iter_attributes",
    "iter_document_columns",
    "iter_documents",
    "iter_json",
    "iter_lines",
    "list_names",
    "open_read",
    "remove",
    "size",
    "split_documents_path",
    "write_lines",
    "write_parquet_documents",
]
