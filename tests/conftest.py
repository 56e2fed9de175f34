"""Shared test set-up: the PyTorch oracle and the location of the acceptance programs."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("TAIMATSU_SHARED", ROOT.parent / "shared"))


def load_oracle():
    """Real PyTorch, or a skip; in CI (CI=true) a missing oracle is an error."""
    try:
        import torch
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("the PyTorch oracle (torch==2.13.0) is not installed")
        pytest.skip("PyTorch oracle not installed")
    return torch


@pytest.fixture(scope="session")
def oracle():
    return load_oracle()
