"""Running a reference document's shell pipeline (``curl ... | jq ...``) as the document writes it."""

from __future__ import annotations

import subprocess


def sh(command: str) -> str:
    """The pipeline through ``/bin/sh``: only the tests' fixed inputs are interpolated into it."""
    return subprocess.run(  # noqa: S602 (a document's pipeline, run as written)
        command, shell=True, capture_output=True, check=True, text=True
    ).stdout
