"""torch.random: seeding and saving the default CPU generator."""
import contextlib

from ._generator import Generator, default_generator

__all__ = [
    "Generator",
    "default_generator",
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]


def manual_seed(seed):
    """Seed the default generator and return it (torch accepts anything int() takes)."""
    return default_generator.manual_seed(int(seed))


def seed():
    """Seed the default generator from the OS's entropy and return that seed."""
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state, as torch's 5056-byte uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """Run the body with the CPU generator's state saved and restored afterwards.

    There are no accelerator generators here, so `devices` has nothing to fork.
    """
    if not enabled:
        yield
        return
    state = default_generator.get_state_array()
    try:
        yield
    finally:
        default_generator.set_state_array(state)
