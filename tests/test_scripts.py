"""Realistic PyTorch programs (tests/scripts/*.py), run unmodified under real torch and
under `python -m taimatsu.run`: their printed outputs must agree, text exactly and
numbers within a tolerance (training in float32 accumulates rounding differences)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.py"))
ROOT = Path(__file__).parent.parent
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")
RTOL, ATOL = 2e-3, 2e-4


# runs every program given on the command line in this one process (torch's import and
# first-call costs are paid once), printing {name: [ok, stdout, traceback]} as JSON
_DRIVER = """
import contextlib, io, json, runpy, sys, traceback
if sys.argv[1] == "taimatsu":
    import taimatsu.run
    taimatsu.run.install()
results = {}
for path in sys.argv[2:]:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(path, run_name="__main__")
        results[path] = [True, out.getvalue(), ""]
    except BaseException:
        results[path] = [False, out.getvalue(), traceback.format_exc()]
print(json.dumps(results))
"""


def _start(library):
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.Popen([sys.executable, "-c", _DRIVER, library, *map(str, SCRIPTS)],
                            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def outputs():
    """Each library runs all programs in one process; the two processes run at once."""
    procs = {library: _start(library) for library in ("torch", "taimatsu")}
    results = {}
    for library, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"the {library} driver failed:\n{err}"
        for path, result in json.loads(out).items():
            results[Path(path).name, library] = result
    return results


def _form(number):
    """How a number is written: a point or not, digits after it, an exponent or not."""
    mantissa = number.lower().split("e")[0]
    return "." in number, len(mantissa.partition(".")[2]), "e" in number.lower()


def _close(a, b):
    if a in ("nan", "inf") or b in ("nan", "inf"):
        return a == b
    if _form(a) != _form(b):
        return False
    x, y = float(a), float(b)
    return abs(x - y) <= ATOL + RTOL * abs(y)


def compare_lines(got, want):
    """Mismatch description for two outputs, or None: numbers are compared with tolerance,
    everything between them exactly (a number printed with more digits or in another
    notation differs)."""
    got_lines, want_lines = got.splitlines(), want.splitlines()
    if len(got_lines) != len(want_lines):
        return f"{len(got_lines)} lines printed, torch printed {len(want_lines)}"
    for i, (g, w) in enumerate(zip(got_lines, want_lines)):
        if g == w:
            continue
        g_nums, w_nums = NUMBER.findall(g), NUMBER.findall(w)
        same_text = NUMBER.sub("#", g) == NUMBER.sub("#", w)
        if not same_text or len(g_nums) != len(w_nums) or not all(
                _close(a, b) for a, b in zip(g_nums, w_nums)):
            return f"line {i + 1}:\n  taimatsu: {g}\n  torch:    {w}"
    return None


def test_compare_lines():
    assert compare_lines("loss 0.50001 [3]", "loss 0.50000 [3]") is None
    assert compare_lines("loss 0.6 [3]", "loss 0.5 [3]") is not None
    assert compare_lines("tensor([1.])", "tensor([1])") is not None
    assert compare_lines("a\nb", "a") is not None
    assert compare_lines("x nan", "x nan") is None


@pytest.mark.parametrize("script", [s.name for s in SCRIPTS])
def test_script_matches_torch(outputs, script):
    ok, want, err = outputs[script, "torch"]
    assert ok, f"torch failed on {script}:\n{err}"
    ok, got, err = outputs[script, "taimatsu"]
    assert ok, f"taimatsu failed on {script}:\n{err}"
    assert want.strip(), "the program printed nothing"
    mismatch = compare_lines(got, want)
    assert mismatch is None, mismatch


def test_run_command_prints_the_same(outputs):
    """The driver runs the programs as `python -m taimatsu.run` does; check one that way."""
    script = SCRIPTS[0]
    proc = subprocess.run([sys.executable, "-m", "taimatsu.run", str(script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == outputs[script.name, "taimatsu"][1]
