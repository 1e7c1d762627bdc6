"""Server configuration for the Galata integration tests.

Started by Playwright's ``webServer`` (``jlpm start``); see playwright.config.js.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by the config loader

# Another port when 8888 is taken (READINESS_GALATA_PORT, read by playwright.config.js too).
c.ServerApp.port = int(os.environ.get("READINESS_GALATA_PORT", "8888"))  # noqa: F821

# CI runs as root.
c.ServerApp.allow_root = True  # noqa: F821

# The tests read the rehearsal record beside a notebook, in its hidden `.readiness/` folder.
c.ContentsManager.allow_hidden = True  # noqa: F821
