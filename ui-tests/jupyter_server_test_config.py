"""Server configuration for the Galata integration tests.

Started by Playwright's ``webServer`` (``jlpm start``); see playwright.config.js.
"""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by the config loader

# CI runs as root.
c.ServerApp.allow_root = True  # noqa: F821
