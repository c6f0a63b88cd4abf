"""``python -m monitoring_runner``: the same as the ``monitoring-runner`` command."""

import sys

from monitoring_runner.cli import main

sys.exit(main())
