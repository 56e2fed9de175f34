"""The acceptance programs of ../shared/acceptance that the project claims.

The list grows as issues land; a listed program that fails fails the tests."""
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED

CLAIMED = [
    "book_ch03_tensors",
    "book_ch04_autograd",
    "book_ch05_minimize",
    "book_ch06_network",
    "book_ch07_modules",
    "book_ch08_optimizers",
    "seed002_autodiff",
    "seed002_training",
    "seed003_autograd",
]


@pytest.mark.parametrize("name", CLAIMED)
def test_acceptance_program(name):
    program = SHARED / "acceptance" / f"{name}.py"
    if not program.exists():
        pytest.skip(f"{program} not found (set TAIMATSU_SHARED)")
    proc = subprocess.run([sys.executable, str(SHARED / "acceptance" / "alias.py"), str(program)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
