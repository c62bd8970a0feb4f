"""``dolma-tools extract``: WARC/WET web crawls to Dolma documents (see docs/extract-and-consent.md)."""
