"""``dolma-tools tag``: taggers over documents, one attribute sidecar per documents file
(`config`, `tasks`, `stage`). Imports nothing, so workers load only the task module."""
