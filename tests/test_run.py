"""python -m taimatsu.run: unmodified PyTorch scripts run on taimatsu."""
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_script(tmp_path, source, *args):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "taimatsu.run", str(script), *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)


def test_runs_a_torch_script_with_arguments(tmp_path):
    proc = run_script(tmp_path, """
        import sys
        import torch
        import torch.utils.data as data
        from torch.utils.data import DataLoader, TensorDataset
        assert torch.__name__ == "taimatsu" and data.DataLoader is DataLoader
        x = torch.arange(6.0).reshape(3, 2)
        print(sys.argv[1:], [b[0].tolist() for b in DataLoader(TensorDataset(x), batch_size=2)])
        print(__name__)
    """, "--lr", "0.1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["['--lr', '0.1'] [[[0.0, 1.0], [2.0, 3.0]], [[4.0, 5.0]]]",
                                        "__main__"]


@pytest.mark.parametrize("line,error", [
    ("import torch.fft_of_the_future", "ModuleNotFoundError: taimatsu does not implement "
                                       "torch.fft_of_the_future yet"),
    ("torch.not_an_api(1)", "AttributeError: taimatsu does not implement torch.not_an_api yet"),
    ("torch.utils.data.not_here", "AttributeError: taimatsu does not implement "
                                  "torch.utils.data.not_here yet"),
])
def test_unsupported_api_is_named(tmp_path, line, error):
    proc = run_script(tmp_path, f"import torch\nimport torch.utils.data\n{line}\n")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == error


def test_hasattr_stays_false(tmp_path):
    proc = run_script(tmp_path, """
        import torch
        print(hasattr(torch, "compile_something"), hasattr(torch, "tensor"))
    """)
    assert proc.stdout.split() == ["False", "True"], proc.stderr


def test_spawned_workers_see_the_alias(tmp_path):
    """Spawned DataLoader workers re-create the script's module (its classes included)
    with `torch` aliased again."""
    proc = run_script(tmp_path, """
        import torch
        from torch.utils.data import DataLoader, Dataset

        class Squares(Dataset):
            def __len__(self):
                return 5

            def __getitem__(self, i):
                return torch.tensor([float(i * i)])

        if __name__ == "__main__":
            loader = DataLoader(Squares(), batch_size=2, num_workers=2,
                                multiprocessing_context="spawn")
            print([b.flatten().tolist() for b in loader])
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[[0.0, 1.0], [4.0, 9.0], [16.0]]"
