"""``python -m jobs.runner``: the remote runner's former entry point, kept so existing service files keep
working. The runner is the ``monitoring_runner`` package (``runner/`` in the repository, installable on
its own: ``pip install ./runner``, command ``monitoring-runner``)."""

import sys

from monitoring_runner.cli import main

if __name__ == "__main__":
    sys.exit(main())
