"""The live kernel, seen through jupyter-server's kernel manager and the probe (probe.py).

A busy kernel is never waited on: jupyter-server tracks each kernel's execution state, and a
probe that still lands behind a just-started cell gives up after ``probe_timeout``.

Our own requests must not look like a running cell to each other: the probe's execute_request
makes the kernel "busy" for as long as it runs (a first distributions request scans the
installed packages for a second or more). So the requests to one kernel are serialised — one
inspect or environment at a time per kernel, each bounded by its own timeouts — and identical
inspects that overlap (two tabs on one notebook) share the one in flight.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
import uuid
from typing import Any

from jupyter_core.utils import ensure_async

from ..checks.kernel_state import KernelState
from ..contract.replies import KernelInfo
from .errors import NotFound
from .probe import kernel_distributions, kernel_environment, probe


class KernelInspector:
    def __init__(
        self,
        kernel_manager: Any,
        kernel_spec_manager: Any,
        *,
        probe_timeout: float,
        distributions_timeout: float,
        max_names: int,
        max_history_chars: int,
    ) -> None:
        self.kernel_manager = kernel_manager
        self.kernel_spec_manager = kernel_spec_manager
        self.probe_timeout = probe_timeout
        self.distributions_timeout = distributions_timeout
        self.max_names = max_names
        self.max_history_chars = max_history_chars
        # (kernel id, module) → distributions; dropped when the kernel runs an install
        self._distributions: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        self._installs_seen: dict[str, int] = {}
        # kernel id → the lock its requests take in turn
        self._locks: dict[str, asyncio.Lock] = {}
        # (kernel id, modules) → the inspect in flight, shared by identical requests
        self._inflight: dict[tuple[str, tuple[str, ...]], asyncio.Future[tuple[KernelInfo, KernelState | None]]] = {}

    async def inspect(self, kernel_id: str, modules: list[str]) -> tuple[KernelInfo, KernelState | None]:
        if kernel_id not in self.kernel_manager:
            raise NotFound("no such kernel")
        key = (kernel_id, tuple(modules))
        shared = self._inflight.get(key)
        if shared is None:
            shared = self._inflight[key] = asyncio.ensure_future(self._inspect_in_turn(kernel_id, list(modules)))
            shared.add_done_callback(functools.partial(self._landed, key))
        # shielded: a caller that goes away does not cancel the answer the others wait for
        return await asyncio.shield(shared)

    def warm(self) -> None:
        """Read where kernelspecs live once, as the server starts: the first read imports IPython
        (to find its own kernel), ~0.15 s holding the interpreter's lock, which the first
        rehearsal's start made every request wait for."""
        getattr(self.kernel_spec_manager, "kernel_dirs", None)

    async def kernel_languages(self) -> dict[str, str]:
        """The installed kernelspecs' names → their language (read from disk: in a thread)."""
        get = self.kernel_spec_manager.get_all_specs
        specs = await get() if inspect.iscoroutinefunction(get) else await asyncio.to_thread(get)
        return {
            name: str((entry.get("spec") or {}).get("language") or "")
            for name, entry in specs.items()
            if isinstance(entry, dict)
        }

    def _landed(self, key: tuple[str, tuple[str, ...]], future: asyncio.Future[Any]) -> None:
        if self._inflight.get(key) is future:
            del self._inflight[key]
        if not future.cancelled():
            future.exception()  # retrieved: every caller may have gone away

    def _turn(self, kernel_id: str) -> asyncio.Lock:
        """The lock of ``kernel_id`` (locks of kernels that are gone, and free, are dropped)."""
        for gone in [k for k, lock in self._locks.items() if k not in self.kernel_manager and not lock.locked()]:
            del self._locks[gone]
        return self._locks.setdefault(kernel_id, asyncio.Lock())

    async def _inspect_in_turn(self, kernel_id: str, modules: list[str]) -> tuple[KernelInfo, KernelState | None]:
        started = time.perf_counter()
        async with self._turn(kernel_id):
            if kernel_id not in self.kernel_manager:
                raise NotFound("no such kernel")
            return await self._inspect(kernel_id, modules, started)

    async def _inspect(
        self, kernel_id: str, modules: list[str], started: float
    ) -> tuple[KernelInfo, KernelState | None]:
        km = self.kernel_manager.get_kernel(kernel_id)
        if not self._is_python(km):
            return KernelInfo("not-python", 0.0), None
        if not await ensure_async(km.is_alive()):
            return KernelInfo("dead", _ms(started)), None
        if not await _settles(km, min(_GRACE, self.probe_timeout)):
            return KernelInfo("busy", _ms(started)), None
        client = _probe_client(km)
        client.start_channels()
        try:
            snapshot = await probe(
                client, timeout=self.probe_timeout, max_names=self.max_names, max_history_chars=self.max_history_chars
            )
            if snapshot.status != "ok":
                return KernelInfo(snapshot.status, _ms(started)), None
            distributions = await self._kernel_distributions(client, kernel_id, modules, snapshot.history)
        finally:
            client.stop_channels()
        state = KernelState(
            names=frozenset(entry.name for entry in snapshot.names),
            history=dict(snapshot.history),
            execution_count=snapshot.execution_count,
            distributions=distributions,
            types={entry.name: (entry.type, entry.module) for entry in snapshot.names},
        )
        return KernelInfo("ok", _ms(started)), state

    async def environment(
        self, kernel_id: str, modules: list[str], dists: list[str], closure: bool
    ) -> dict[str, Any] | None:
        """What freeze pins, read in the kernel's environment; None when the kernel cannot answer."""
        if kernel_id not in self.kernel_manager:
            raise NotFound("no such kernel")
        async with self._turn(kernel_id):
            if kernel_id not in self.kernel_manager:
                raise NotFound("no such kernel")
            return await self._environment(kernel_id, modules, dists, closure)

    async def _environment(
        self, kernel_id: str, modules: list[str], dists: list[str], closure: bool
    ) -> dict[str, Any] | None:
        km = self.kernel_manager.get_kernel(kernel_id)
        if (
            not self._is_python(km)
            or not await ensure_async(km.is_alive())
            or not await _settles(km, min(_GRACE, self.probe_timeout))
        ):
            return None
        client = _probe_client(km)
        client.start_channels()
        try:
            return await kernel_environment(
                client, modules, dists, closure=closure, timeout=self.distributions_timeout * 2
            )
        finally:
            client.stop_channels()

    def _is_python(self, km: Any) -> bool:
        try:
            spec = self.kernel_spec_manager.get_kernel_spec(km.kernel_name)
        except Exception:  # noqa: BLE001 - a kernel without a spec: let the probe find out
            return True
        return (getattr(spec, "language", "") or "python").lower() == "python"

    async def _kernel_distributions(
        self, client: Any, kernel_id: str, modules: list[str], history: dict[int, str]
    ) -> dict[str, tuple[tuple[str, str], ...]] | None:
        # An install run in the kernel may change what provides a module: forget what we knew.
        installs = sum(1 for code in history.values() if "install" in code)
        if self._installs_seen.get(kernel_id) != installs:
            self._installs_seen[kernel_id] = installs
            self._distributions = {k: v for k, v in self._distributions.items() if k[0] != kernel_id}
        missing = [m for m in modules if (kernel_id, m) not in self._distributions]
        if missing:
            found = await kernel_distributions(client, missing, timeout=self.distributions_timeout)
            if found is None:
                return None  # the kernel did not answer in time: resolve in the server's environment
            for module in missing:
                self._distributions[(kernel_id, module)] = tuple(tuple(pair) for pair in found.get(module, ()))
        return {m: self._distributions[(kernel_id, m)] for m in modules}


# The server learns that a cell finished from the kernel's "idle" status message, which can trail
# the cell's reply by a few milliseconds: exactly when the sidebar re-checks.
_GRACE = 0.25


async def _settles(km: Any, grace: float) -> bool:
    """False when a cell is still running after ``grace`` seconds: never queue the probe behind it."""
    deadline = time.perf_counter() + grace
    while getattr(km, "execution_state", None) == "busy":
        if time.perf_counter() >= deadline:
            return False
        await asyncio.sleep(0.01)
    return True


def _probe_client(km: Any) -> Any:
    """A client of the kernel with its own session id. jupyter_client uses the session id as the
    ZMQ identity of the shell socket, and ``km.client()`` reuses the manager's session: a second
    client with that identity takes over the replies meant for any other client made that way."""
    session = km.session.clone()
    session.session = str(uuid.uuid4())
    return km.client(session=session)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
