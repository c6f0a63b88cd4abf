"""The Makefile on a machine where things are not as expected: a .venv made by an unsupported Python is
rebuilt (not a failure forever), a supported one is kept, and no usable Python is a clear message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in a directory holding the Makefile and an empty pyproject.toml."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    return subprocess.run(["make", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)


def fake_venv(tmp_path: Path, interpreter: str) -> Path:
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\n{interpreter}\n")
    python.chmod(0o755)
    return python


def test_a_venv_of_an_unsupported_python_is_rebuilt(tmp_path):
    fake_venv(tmp_path, 'exec python3 -c "import sys; sys.exit(1)" "$@"  # as Python 3.9 answers the check')
    done = make(tmp_path, "-n", "install", f"PYTHON={sys.executable}")
    assert "unsupported or missing Python: rebuilding it" in done.stdout + done.stderr
    assert not (tmp_path / ".venv").exists()
    assert f"{sys.executable} -m venv .venv" in done.stdout


def test_a_venv_whose_interpreter_is_gone_is_rebuilt(tmp_path):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    done = make(tmp_path, "-n", "install", f"PYTHON={sys.executable}")
    assert "rebuilding it" in done.stdout + done.stderr and not (tmp_path / ".venv").exists()


def test_a_venv_of_a_supported_python_is_kept(tmp_path):
    fake_venv(tmp_path, f'exec {sys.executable} "$@"')
    done = make(tmp_path, "-n", "install")
    assert "rebuilding" not in done.stdout + done.stderr
    assert (tmp_path / ".venv" / "bin" / "python").exists()


def test_no_supported_python_says_what_to_install(tmp_path):
    done = make(tmp_path, "install", "PYTHON=")
    assert done.returncode != 0
    assert "Python 3.11, 3.12 or 3.13 is needed" in done.stdout + done.stderr
