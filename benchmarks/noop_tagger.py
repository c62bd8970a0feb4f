"""A tagger that returns nothing: measures the tag stage's own cost (read, batch, write)."""

from dolma_tools import Tagger


class NoOp(Tagger):
    name = "noop_v1"
    description = "Writes empty attributes; for benchmarks."

    def predict_batch(self, docs):
        return [{} for _ in docs]
