"""The command line's exit codes, a contract with CI: 0 nothing at or above ``--fail-on``, 1
findings at or above it (or an action refused), 2 bad usage or an unreadable notebook."""

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
