"""The jupyter-server extension. Routes are added by the server-extension work; this loads it."""

from jupyter_server.extension.application import ExtensionApp


class Readiness(ExtensionApp):
    """Production-readiness checks for notebooks, served under /readiness/."""

    name = "jupyterlab_readiness"
