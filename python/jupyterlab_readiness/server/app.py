"""The jupyter-server extension: configuration traits and the /readiness/ routes."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp
from traitlets import Dict, Float, Int, List, TraitError, Unicode, validate

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
        help="Check ids the server never runs, in addition to those a project's pyproject.toml disables. Example: ['print-logging'].",
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
        help="Seconds to wait for the kernel probe. A kernel that does not answer in time (a cell is running) is reported as busy with the static findings.",
    )
    distributions_timeout = Float(
        5.0,
        config=True,
        help="Seconds to wait for the kernel to resolve imports to installed distributions (cached per kernel until it runs an install).",
    )
    max_names = Int(20_000, config=True, help="At most this many namespace names are read from the kernel.")
    max_history_chars = Int(
        1_000_000, config=True, help="At most this many characters of the kernel's input history are read."
    )

    @validate("disabled_checks")
    def _valid_ids(self, proposal):
        try:
            validate_ids(proposal["value"], "Readiness.disabled_checks")
        except ConfigError as exc:
            raise TraitError(str(exc)) from None
        return proposal["value"]

    @validate("severity_overrides")
    def _valid_severities(self, proposal):
        try:
            validate_severities(proposal["value"], "Readiness.severity_overrides")
        except ConfigError as exc:
            raise TraitError(str(exc)) from None
        return proposal["value"]

    def server_config(self) -> CheckConfig:
        return CheckConfig(frozenset(self.disabled_checks), dict(self.severity_overrides))

    def initialize_settings(self) -> None:
        from .inspector import KernelInspector

        self.settings["readiness_inspector"] = KernelInspector(
            self.serverapp.kernel_manager,
            self.serverapp.kernel_spec_manager,
            probe_timeout=self.probe_timeout,
            distributions_timeout=self.distributions_timeout,
            max_names=self.max_names,
            max_history_chars=self.max_history_chars,
        )

    def initialize_handlers(self) -> None:
        from .handlers import routes

        self.handlers.extend(routes())
