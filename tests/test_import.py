"""Importing taimatsu must stay light: numpy only, no torch, no optional extras."""
import subprocess
import sys

HEAVY = ["torch", "scipy", "sklearn", "matplotlib", "pandas", "cupy", "mpi4py", "tqdm",
         "hypothesis", "pytest"]


def test_import_pulls_in_numpy_only():
    code = ("import sys, taimatsu, taimatsu.autograd, taimatsu.optim, taimatsu.nn\n"
            f"bad = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "print(','.join(bad))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"import taimatsu imported {proc.stdout.strip()}"
