"""Every program in examples/ runs as a user would run it and shows what it claims."""
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

EXAMPLES = ROOT / "examples"

# a program run with some imports made to fail, as if those packages were not installed
_BLOCKED_RUN = ("import runpy, sys\n"
                "for name in sys.argv[2].split(','):\n"
                "    sys.modules[name] = None\n"
                "path = sys.argv[1]\n"
                "sys.argv = [path] + sys.argv[3:]\n"
                "runpy.run_path(path, run_name='__main__')\n")


def run_example(name, *args, cwd=None, blocked=()):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    path = str(EXAMPLES / name)
    if blocked:
        cmd = [sys.executable, "-c", _BLOCKED_RUN, path, ",".join(blocked), *args]
    else:
        cmd = [sys.executable, path, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env,
                          cwd=cwd or ROOT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return proc.stdout


def numbers_after(label, text):
    return [float(v) for v in re.findall(re.escape(label) + r"\s*([-+0-9.e]+)", text)]


def test_every_example_is_tested_and_uses_taimatsu():
    programs = {p.name for p in EXAMPLES.glob("*.py")}
    assert programs == TESTED, "a new example needs a test here"
    for name in programs:
        source = (EXAMPLES / name).read_text()
        assert "import taimatsu as torch" in source, name
        assert not re.search(r"^\s*(import|from) torch\b", source, re.M), name


def test_demo_trains_iris():
    out = run_example("demo.py")
    assert "Iris: 150 flowers" in out
    assert "epochs 51-60:" in out
    losses = [float(v) for v in re.findall(r"\b\d\.\d{3}\b", out.split("epochs  1-10:")[1])[:10]]
    assert losses[0] > 0.5 and losses[-1] < losses[0]
    (acc,) = numbers_after("test accuracy:", out)
    assert acc >= 0.9


def test_tour():
    out = run_example("tour.py")
    assert "dy/da = 7.0  dy/db = 2.0" in out
    assert "minimum found at tensor([0.9918, 0.9830], requires_grad=True)" in out


def test_book_ch03_tensors():
    out = run_example("book_ch03_tensors.py")
    assert "dates become days since 1970-01-01: tensor([15519, 15520])" in out
    assert "t.t(): shape (5, 3) stride (1, 5) contiguous? False" in out
    assert ("(4, 3, 2, 1) + (4, 3, 2) fails: The size of tensor a (2) must match the size of "
            "tensor b (3) at non-singleton dimension 2") in out


def test_book_ch04_autograd():
    out = run_example("book_ch04_autograd.py")
    assert "x7 = 0.2 x1^2 + 0.2 x2^2 - 5 = tensor([-3.4000], grad_fn=<SubBackward0>)" in out
    assert "AccumulateGrad  -> x1.grad" in out and "AccumulateGrad  -> x2.grad" in out
    assert "df/dx1 = 0.4 x1 = tensor([0.8000])" in out
    assert "d x7 / d x3 = 0.2" in out and "d x7 / d x5 = 1.0" in out
    assert "after backward #3: x.grad = tensor([ 6., 12.])" in out


def test_book_ch05_minimize():
    out = run_example("book_ch05_minimize.py")
    assert "Iteration:  100  Value is: 0.3502924" in out
    assert "Iteration: 1000  Value is: 6.962555e-05" in out
    assert "x after 1000 steps: tensor([0.9918, 0.9830], requires_grad=True)" in out


def test_book_ch06_network():
    out = run_example("book_ch06_network.py")
    losses = numbers_after("Loss:", out)
    assert len(losses) == 11 and losses[-1] < 0.05 * losses[0]
    mse, builtin = numbers_after("mean squared error", out) + numbers_after("mse_loss gives", out)
    assert mse == builtin


def test_book_ch07_modules():
    out = run_example("book_ch07_modules.py")
    assert "parameters in all: 96" in out and "grad_fn AddmmBackward0" in out
    assert "now equal: True" in out
    assert 'Missing key(s) in state_dict: "b".' in out


def test_book_ch08_optimizers():
    out = run_example("book_ch08_optimizers.py")
    steps = dict(re.findall(r"^(\S.*?)\s+reaches f < -5 \+ 1e-3 after\s+(\d+) steps", out, re.M))
    assert len(steps) == 5, out
    assert int(steps["momentum 0.5"]) < int(steps["SGD lr 0.2"])
    assert re.search(r"lr 0\.52: diverges .* f after 200 steps \d\.\d+e\+\d\d", out)
    assert "Adam moved every coordinate by lr: tensor([0.9900, 0.9900, 0.9900])" in out
    mse = numbers_after("mse", out)
    assert mse[-1] < 0.2 * mse[0]


def test_textbook_autodiff():
    out = run_example("textbook_autodiff.py")
    assert "dy/da = x = 3.0  dy/dx = a = -2.0" in out
    assert "loss = 0.4740770" in out and "w.grad = tensor([-0.3775,  0.3775])" in out
    assert "d loss / d W = [[0.5, 0.5], [0.0, 0.0]]" in out
    assert "d loss / d q = [0.75, 0.0]" in out


def _check_training(out):
    accuracies = [float(v) for v in re.findall(r"(?:^|, )accuracy ([\d.]+)", out, re.M)]
    assert len(accuracies) == 4 and min(accuracies) >= 0.9, accuracies
    single, double = re.search(r"single layer accuracy ([\d.]+), two layers ([\d.]+)",
                               out).groups()
    assert float(single) < 0.8 and float(double) >= 0.95
    assert "#" in out and "x" in out


def test_textbook_training():
    _check_training(run_example("textbook_training.py"))


def test_textbook_training_without_sklearn():
    _check_training(run_example("textbook_training.py", blocked=["sklearn"]))


def _final_values(out):
    return [float(v) for v in re.findall(r"after 60 steps: .* f = ([-0-9.]+)", out)]


def test_optimizer_paths_without_matplotlib(tmp_path):
    out = run_example("optimizer_paths.py", "--out", str(tmp_path / "p.png"),
                      blocked=["matplotlib"])
    finals = _final_values(out)
    assert len(finals) == 5 and all(-5 <= v < -4.9 for v in finals)
    assert "step  60" in out and "pip install -e '.[plot]'" in out
    assert not (tmp_path / "p.png").exists()


def test_optimizer_paths_png(tmp_path):
    pytest.importorskip("matplotlib")
    out = run_example("optimizer_paths.py", "--out", str(tmp_path / "p.png"), cwd=tmp_path)
    assert len(_final_values(out)) == 5
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


TESTED = {
    "demo.py", "tour.py", "book_ch03_tensors.py", "book_ch04_autograd.py",
    "book_ch05_minimize.py", "book_ch06_network.py", "book_ch07_modules.py",
    "book_ch08_optimizers.py", "textbook_autodiff.py", "textbook_training.py",
    "optimizer_paths.py"}
