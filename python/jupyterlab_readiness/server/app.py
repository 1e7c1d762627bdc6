"""The jupyter-server extension: configuration traits and the /readiness/ routes."""

from __future__ import annotations

import gc

from jupyter_server.extension.application import ExtensionApp
from tornado.ioloop import IOLoop
from traitlets import Bool, Dict, Float, Int, List, TraitError, Unicode, validate

from ..lint.config import CheckConfig, ConfigError, validate_ids, validate_severities


class Readiness(ExtensionApp):
    """Production-readiness checks for notebooks, served under /readiness/.

    The notebook project's ``[tool.jupyter-readiness]`` (pyproject.toml) applies first, so the
    sidebar agrees with the CLI; these settings add to it.
    """

    name = "jupyterlab_readiness"

    disabled_checks = List(
        Unicode(),
        default_value=[],
        config=True,
        help="Check ids the server never runs, in addition to those a project's pyproject.toml disables. Example: "
        "['print-logging'].",
    )
    severity_overrides = Dict(
        value_trait=Unicode(),
        default_value={},
        config=True,
        help="Check id → 'error' | 'warning' | 'info', over the default and the project's severity.",
    )
    probe_timeout = Float(
        1.0,
        config=True,
        help="Seconds to wait for the kernel probe. A kernel that does not answer in time (a cell is running) is "
        "reported as busy with the static findings.",
    )
    distributions_timeout = Float(
        5.0,
        config=True,
        help="Seconds to wait for the kernel to resolve imports to installed distributions (cached per kernel until "
        "it runs an install).",
    )
    max_names = Int(20_000, config=True, help="At most this many namespace names are read from the kernel.")
    max_history_chars = Int(
        1_000_000, config=True, help="At most this many characters of the kernel's input history are read."
    )

    max_body_bytes = Int(
        32 * 1024 * 1024,
        config=True,
        help="Largest request body accepted (bytes); a larger one is a 413. The sidebar sends the live notebook.",
    )
    max_cells = Int(10_000, config=True, help="Most cells a notebook may have to be checked or acted on (else 413).")
    max_source_chars = Int(
        5_000_000, config=True, help="Most characters all of a notebook's cells may hold together (else 413)."
    )
    workers = Int(
        2,
        config=True,
        help="Worker processes that check notebooks and plan and write actions, off the server's event loop (a "
        "notebook's work always goes to the same one, which keeps its cells' facts for the next check).",
    )
    work_timeout = Float(
        60.0,
        config=True,
        help="Seconds a check, a plan or a write may take before the request is answered 503.",
    )
    max_rehearsals = Int(
        2,
        config=True,
        help="Rehearsals (each two fresh kernels, one after the other) this server runs at once; one more is a 503. "
        "One notebook is rehearsed by one job at a time (a second is a 409).",
    )
    rehearsal_retention = Float(
        600.0,
        config=True,
        help="Seconds a finished rehearsal job is kept for its reply (GET /readiness/rehearse/<job_id>) before it is "
        "forgotten; its record stays beside the notebook.",
    )
    rehearsal_scratch_dir = Unicode(
        "",
        config=True,
        help="Where rehearsals make their private folders (scratch copy, kernels' temp folders); empty: the system's "
        "temp folder.",
    )
    rehearsal_max_folder_bytes = Int(
        200_000_000,
        config=True,
        help="A rehearsal refuses to copy a notebook's folder holding more than this many bytes (0: no limit); "
        "'in place' rehearsals copy nothing.",
    )
    freeze_startup_heap = Bool(
        True,
        config=True,
        help="Once the server has started, exclude the objects it made while starting from the garbage "
        "collector's full passes (gc.freeze): each pass over JupyterLab's heap held every request 0.1-0.2 s.",
    )
    validate_replies = Bool(
        False,
        config=True,
        help="Debug mode: validate every reply against the REST contract's schema before sending it.",
    )

    @validate("disabled_checks")
    def _valid_ids(self, proposal):
        return _checked(validate_ids, proposal["value"], "Readiness.disabled_checks")

    @validate("severity_overrides")
    def _valid_severities(self, proposal):
        return _checked(validate_severities, proposal["value"], "Readiness.severity_overrides")

    @validate("max_rehearsals", "rehearsal_retention", "rehearsal_max_folder_bytes")
    def _non_negative(self, proposal):
        if proposal["value"] < 0:
            raise TraitError(f"Readiness.{proposal['trait'].name} must be 0 or more")
        return proposal["value"]

    def server_config(self) -> CheckConfig:
        return CheckConfig(frozenset(self.disabled_checks), dict(self.severity_overrides))

    def initialize_settings(self) -> None:
        from ..files import Root
        from .inspector import KernelInspector
        from .jobs import Limits
        from .rehearsals import Rehearsals
        from .service import Service
        from .workers import Workers

        inspector = KernelInspector(
            self.serverapp.kernel_manager,
            self.serverapp.kernel_spec_manager,
            probe_timeout=self.probe_timeout,
            distributions_timeout=self.distributions_timeout,
            max_names=self.max_names,
            max_history_chars=self.max_history_chars,
        )
        inspector.warm()
        self._workers = Workers(self.workers, self.work_timeout)
        self._workers.start()
        if self.freeze_startup_heap:
            IOLoop.current().add_callback(_freeze_startup_heap)
        root = Root(self.serverapp.root_dir)
        config = self.server_config()
        self._rehearsals = Rehearsals(
            root,
            config,
            self._workers,
            limit=self.max_rehearsals,
            retention=self.rehearsal_retention,
            scratch=self.rehearsal_scratch_dir or None,
            max_folder_bytes=self.rehearsal_max_folder_bytes or None,
        )
        self.settings["readiness_service"] = Service(
            root, inspector, config, Limits(self.max_cells, self.max_source_chars), self._workers, self._rehearsals
        )

    async def stop_extension(self) -> None:
        """The server is stopping: every rehearsal is cancelled and waited for (its kernels killed,
        its scratch folder removed), then the worker processes go, and the frozen heap is thawed."""
        rehearsals = getattr(self, "_rehearsals", None)
        if rehearsals is not None:
            await rehearsals.shutdown()
        workers = getattr(self, "_workers", None)
        if workers is not None:
            workers.shutdown()
        if self.freeze_startup_heap:
            # What this server froze is the collector's again: in a process that starts another
            # server (tests), that one freezes what lives then, and its garbage is still collected.
            gc.unfreeze()

    def initialize_handlers(self) -> None:
        from .handlers import routes

        self.handlers.extend(routes())


def _freeze_startup_heap() -> None:
    """Called once the event loop runs, every extension loaded. A full collection walks every object
    the process tracks, and a JupyterLab server holds a million after its start: a request that
    allocates much (a large notebook's JSON) set one off every few requests, and it held the
    interpreter's lock, every other request waiting, 0.1-0.2 s. What the start made lives as long
    as the server: frozen (after one last collection), the passes walk only what came later."""
    gc.collect()
    gc.freeze()


def _checked(validate, value, where: str):
    """``value`` when ``validate`` accepts it; its reason as the trait's error otherwise."""
    try:
        validate(value, where)
    except ConfigError as exc:
        raise TraitError(str(exc)) from None
    return value
