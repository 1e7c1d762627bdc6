"""jupyterlab-readiness: coach a notebook from "it ran once, for me" to "it runs every morning"."""

try:
    from ._version import __version__
except ImportError:  # a source tree that was never built: hatch writes _version.py at build time
    __version__ = "0.0.0+unknown"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-readiness"}]


def _jupyter_server_extension_points():
    from .server.app import Readiness

    return [{"module": "jupyterlab_readiness", "app": Readiness}]


__all__ = ["__version__"]
