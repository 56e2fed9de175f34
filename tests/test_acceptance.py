"""The acceptance programs of ../shared/acceptance that the project claims.

The list grows as issues land; a listed program that fails fails the tests."""
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED, TEST_DEVICE

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


# On another default device (TAIMATSU_TEST_DEVICE=checked) the programs that do not assume
# the cpu run there too.  The others assert `device == cpu` or cpu tensors' printing, or
# mix torch.from_numpy's cpu tensors with default-device ones, which torch refuses on a
# CUDA default device as well.
ON_ANY_DEVICE = ["book_ch06_network", "book_ch07_modules", "book_ch08_optimizers"]
# runs alias.py with the default device set first
_ON_DEVICE = ("import runpy, sys, taimatsu; taimatsu.set_default_device(sys.argv[1]); "
              "sys.argv = sys.argv[2:]; runpy.run_path(sys.argv[0], run_name='__main__')")


@pytest.mark.parametrize("name", CLAIMED)
def test_acceptance_program(name):
    program = SHARED / "acceptance" / f"{name}.py"
    if not program.exists():
        pytest.skip(f"{program} not found (set TAIMATSU_SHARED)")
    alias = [str(SHARED / "acceptance" / "alias.py"), str(program)]
    if TEST_DEVICE == "cpu":
        command = [sys.executable] + alias
    elif name in ON_ANY_DEVICE:
        command = [sys.executable, "-c", _ON_DEVICE, TEST_DEVICE] + alias
    else:
        pytest.skip(f"{name} assumes the cpu is the default device")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]


# Under torch.compile a module's result has one node, CompiledFunctionBackward (PyTorch's
# name too), so a program asserting eager node names cannot pass compiled, in PyTorch
# either: book_ch07 asserts `l(x).grad_fn.name() == "AddmmBackward0"`.
INSPECTS_EAGER_NODES = ["book_ch07_modules"]
_COMPILED = ("import runpy, sys, taimatsu._dynamo as d; d.compile_all_modules(); "
             "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")


@pytest.mark.parametrize("name", [n for n in CLAIMED if n not in INSPECTS_EAGER_NODES])
def test_acceptance_program_with_every_module_compiled(name):
    """The programs again, every module call through torch.compile: the same answers."""
    program = SHARED / "acceptance" / f"{name}.py"
    if not program.exists():
        pytest.skip(f"{program} not found (set TAIMATSU_SHARED)")
    if TEST_DEVICE != "cpu":
        pytest.skip("torch.compile traces cpu tensors")
    command = [sys.executable, "-c", _COMPILED, str(SHARED / "acceptance" / "alias.py"),
               str(program)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
