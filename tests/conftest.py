"""Shared test set-up: the PyTorch oracle and the location of the acceptance programs."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("TAIMATSU_SHARED", ROOT.parent / "shared"))

# TAIMATSU_TEST_DEVICE=checked runs the tests whose ids start with a line of
# tests/checked_device.txt on the "checked" device (numpy arrays that refuse to mix with
# numpy's own: see taimatsu/_checked.py), the others are skipped.  The harness makes its
# inputs there, factory functions default to it, and every result must stay there.
TEST_DEVICE = os.environ.get("TAIMATSU_TEST_DEVICE", "cpu")
CHECKED_LIST = ROOT / "tests" / "checked_device.txt"


def _device_subset():
    """(included, excluded) test-id prefixes: a line starting with '-' excludes."""
    lines = [line.strip() for line in CHECKED_LIST.read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    return (tuple(line for line in lines if not line.startswith("-")),
            tuple(line[1:].strip() for line in lines if line.startswith("-")))


def pytest_configure(config):
    if TEST_DEVICE != "cpu":
        import taimatsu
        taimatsu.set_default_device(TEST_DEVICE)


def pytest_collection_modifyitems(config, items):
    if TEST_DEVICE == "cpu":
        return
    included, excluded = _device_subset()
    skip = pytest.mark.skip(reason=f"not in {CHECKED_LIST.name}: not yet run on the "
                                   f"{TEST_DEVICE} device")
    for item in items:
        if not item.nodeid.startswith(included) or (excluded and
                                                    item.nodeid.startswith(excluded)):
            item.add_marker(skip)


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
