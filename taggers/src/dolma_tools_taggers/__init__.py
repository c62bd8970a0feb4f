"""Quality, toxicity, language and PII taggers for dolma-tools.

A plugin distribution: the taggers register through the ``dolma_tools.taggers`` entry-point group
(see ``pyproject.toml``), the same road any third-party package takes. Importing this package
loads nothing heavy; models and word lists load in each tagger's ``setup()``.
"""

__version__ = "0.1.0"
