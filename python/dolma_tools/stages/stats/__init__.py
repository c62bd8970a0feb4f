"""``dolma-tools stats``: corpus statistics from per-file partial results that merge exactly."""
