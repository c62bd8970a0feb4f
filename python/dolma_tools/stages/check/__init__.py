"""``dolma-tools check``: data-quality gates on ``stats`` metrics, and direct checks of the files."""
