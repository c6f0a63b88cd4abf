"""The monitoring platform's remote job runner: pulls jobs from the platform and runs them on this host.

Standard library only, so it installs anywhere Python 3.11+ runs: ``pip install ./runner`` (from a
checkout of the platform), then ``monitoring-runner --help``.
"""

VERSION = "1.0"
