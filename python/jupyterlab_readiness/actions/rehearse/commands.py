"""How a process the audit hook saw started is shown to the user (pure).

``!cmd``, ``%pip`` and ``%%bash`` reach the hook as the shell IPython chose running the line
(``/usr/bin/sh -c echo made > made.txt``; the shell is ``$SHELL``, else the first ``sh`` on
``PATH``, so it differs between machines); ``subprocess.run(…, shell=True)`` and
``os.system`` run a shell too. What the user wrote is the command after ``-c``: that is what is
shown, as a shell command. ``%%bash`` (and ``%%sh``, ``%%script zsh``) start the bare shell and
write the cell's body to its input: that is a shell script. Any other process is shown as it was
started.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHELLS = frozenset(("sh", "bash", "dash", "zsh"))

# A package manager asked to install or remove (``pip install``, ``%pip`` as ``python -m pip
# install``, ``conda install``, ``apt-get install -y``): what it does outlives the rehearsal.
_INSTALL = re.compile(
    r"\b(?:pip[\d.]*|conda|mamba|micromamba|uv|apt(?:-get)?|yum|dnf|brew|npm)\s(?:[^;&|]*\s)?(?:un)?install\b"
)


@dataclass(frozen=True, slots=True)
class Command:
    text: str
    shell: bool  # run by a shell: ``text`` is the command line it was given
    script: bool = False  # a bare shell, reading its commands from its input: ``text`` is the shell

    @property
    def installs(self) -> bool:
        """A package manager installing or removing something: it changes the environment for real."""
        return bool(_INSTALL.search(self.text))

    def started(self) -> str:
        """How a note says it: "ran a shell command (`…`)" or "started a process (`…`)"."""
        if self.script:
            return f"ran a shell script (`{self.text}` reading its commands from its input, as `%%{self.text}` does)"
        return f"ran a shell command (`{self.text}`)" if self.shell else f"started a process (`{self.text}`)"


def command(recorded: str, event: str) -> Command:
    """``recorded``: the hook's ``p`` record (the argument vector joined by spaces), ``event`` the
    audit event that recorded it."""
    if event == "os.system":  # its argument is the command line C's system() gives /bin/sh
        return Command(recorded, True)
    head, _, rest = recorded.partition(" ")
    flag, _, line = rest.partition(" ")
    name = head.replace("\\", "/").rsplit("/", 1)[-1]
    if name in SHELLS and flag == "-c" and line.strip():
        return Command(line.strip(), True)
    if name in SHELLS and not rest.strip():
        return Command(name, True, script=True)
    return Command(recorded, False)
