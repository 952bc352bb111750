"""A fresh machine: `make` mends a half-made virtualenv instead of failing with
"pip: No such file", and says what to install when it cannot make one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


@pytest.fixture
def project(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed (apt-get install make)")
    shutil.copy(BASE / "Makefile", tmp_path / "Makefile")
    return tmp_path


def make(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-C", str(project), *args],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")},
    )


def test_a_half_made_virtualenv_is_made_again(project):
    half = project / ".venv" / "bin"
    half.mkdir(parents=True)
    (half / "python").symlink_to(sys.executable)  # what `python3 -m venv` leaves without pip
    result = make(project, ".venv/bin/pip", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ".venv is incomplete (no pip): making it again." in result.stdout
    pip = subprocess.run(
        [str(half / "pip"), "--version"], capture_output=True, text=True, check=True
    )
    assert str(project / ".venv") in pip.stdout


def test_a_virtualenv_that_cannot_be_made_says_what_to_install(project):
    result = make(project, ".venv/bin/pip", "PYTHON=false")
    assert result.returncode != 0
    assert "apt-get install python3-venv" in result.stdout
    assert not (project / ".venv").exists()
