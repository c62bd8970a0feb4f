"""The stages a pipeline is made of (`base` for their shape, `runner` to run one, `registry` to
find one by name), one subpackage each: ``extract``, ``tag``, ``dedupe``, ``mix``, ``stats`` (and ``check``,
the gates command built on stats).

This package imports nothing on purpose: every worker process imports the package of its task,
and should not pay for the stages it does not run.
"""
