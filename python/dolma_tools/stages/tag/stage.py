"""The tag stage: one task per documents file, each writing ``attributes/<experiment>/...``."""

from __future__ import annotations

from dolma_tools.attribute_keys import AttributeKeys
from dolma_tools.errors import ConfigError
from dolma_tools.io import attributes_path, attributes_root, expand
from dolma_tools.stages.base import Outcome, Phase, Stage
from dolma_tools.stages.runner import PhaseRunner
from dolma_tools.stages.tag.config import TagConfig
from dolma_tools.stages.tag.tasks import TagTask, build_tagger


class TagStage(Stage[TagConfig]):
    """Tag every documents file that has no complete sidecar yet."""

    name = "tag"
    config_class = TagConfig

    def check(self) -> None:
        """Tagger names, options and duplicates (each tagger is built once, then dropped)."""
        keys = [spec.key for spec in self.config.tagger_specs()]
        duplicated = sorted({k for k in keys if keys.count(k) > 1})
        if duplicated:
            raise ConfigError(f"taggers listed twice: {', '.join(duplicated)}; give one an 'alias'")
        for spec in self.config.tagger_specs():
            build_tagger(spec, self.config.tagger_modules)

    def attribute_keys(self, source: str) -> dict[str, AttributeKeys]:
        """The keys this config writes; a tagger that declares none (or cannot be built: `check`
        reports why) leaves its prefix open."""
        config = self.config
        keys: set[str] = set()
        open_prefixes: set[str] = set()
        for spec in config.tagger_specs():
            prefix = f"{config.experiment}__{spec.key}__"
            try:
                declared = build_tagger(spec, config.tagger_modules).output_keys()
            except ConfigError:
                declared = None
            if declared is None:
                open_prefixes.add(prefix)
            else:
                keys.update(prefix + key for key in declared)
        return {config.experiment: AttributeKeys(source, frozenset(keys), frozenset(open_prefixes))}

    def tasks(self) -> list[TagTask]:
        """One task per documents file."""
        config = self.config
        specs = tuple(config.tagger_specs())
        return [
            TagTask(
                source=path,
                output=attributes_path(path, config.experiment),
                experiment=config.experiment,
                specs=specs,
                modules=tuple(config.tagger_modules),
                skip_bad_lines=config.on_error == "skip",
            )
            for path in expand(config.documents)
        ]

    def run(self, phases: PhaseRunner) -> Outcome:
        config = self.config
        tasks = self.tasks()
        settings = {"experiment": config.experiment, "taggers": [s.model_dump() for s in config.tagger_specs()],
                    "tagger_modules": list(config.tagger_modules)}
        result = phases.run(Phase("tag", tasks, settings, rename_hint="a new experiment name (-e)"))
        return Outcome.from_counters(attributes_root(tasks[0].source, config.experiment), result)
