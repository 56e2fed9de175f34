"""Run an unmodified PyTorch program on taimatsu.

    python -m taimatsu.run SCRIPT.py [ARGS...]

`import torch` and every `import torch.X` resolve to taimatsu and taimatsu.X.
What taimatsu lacks fails with an error naming the torch API:
`import torch.fft` raises ModuleNotFoundError("taimatsu does not implement
torch.fft yet"), and `torch.foo` raises AttributeError with the same wording.

The script runs as `__main__`.  Its module is given the spec of this module so
that DataLoader workers started with the spawn method re-create it through
this module (see the `__mp_main__` branch at the bottom), aliases included.
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types

__all__ = ["install", "main"]

_PREFIX = "torch"
_TARGET = "taimatsu"
_SCRIPT_ENV = "TAIMATSU_RUN_SCRIPT"


class _MissingAPI:
    """A module-level __getattr__ naming the torch attribute that does not exist."""

    def __init__(self, torch_name):
        self.torch_name = torch_name

    def __call__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"module '{self.torch_name}' has no attribute '{name}'")
        raise AttributeError(f"taimatsu does not implement {self.torch_name}.{name} yet")


class TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A meta-path finder that answers `torch[.X]` with the module `taimatsu[.X]`."""

    def find_spec(self, name, path=None, target=None):
        if name != _PREFIX and not name.startswith(_PREFIX + "."):
            return None
        real_name = _TARGET + name[len(_PREFIX):]
        if importlib.util.find_spec(real_name) is None:
            raise ModuleNotFoundError(f"taimatsu does not implement {name} yet", name=name)
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        real = importlib.import_module(_TARGET + spec.name[len(_PREFIX):])
        # the import system stamps the torch spec on what we return; keep the real one
        self._specs = getattr(self, "_specs", {})
        self._specs[spec.name] = real.__spec__
        return real

    def exec_module(self, module):
        module.__spec__ = self._specs.pop(module.__spec__.name, module.__spec__)
        if "__getattr__" not in vars(module):
            module.__getattr__ = _MissingAPI(_PREFIX + module.__name__[len(_TARGET):])


def install():
    """Make `torch` mean taimatsu in this process (idempotent)."""
    if not any(isinstance(f, TorchAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchAlias())


def _exec_as(script, run_name):
    """Execute the script in a fresh module named run_name, whose spec is this module's."""
    module = types.ModuleType(run_name)
    module.__file__ = script
    module.__spec__ = importlib.machinery.ModuleSpec(__spec__.name if __spec__ else
                                                     "taimatsu.run", None)
    module.__builtins__ = __builtins__
    with open(script, "rb") as fh:
        code = compile(fh.read(), script, "exec")
    saved = sys.modules.get(run_name)
    sys.modules[run_name] = module
    try:
        exec(code, module.__dict__)
    finally:
        if saved is not None:
            sys.modules[run_name] = saved
    return module


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m taimatsu.run SCRIPT.py [ARGS...]", file=sys.stderr)
        return 2
    script = os.path.abspath(argv[0])
    install()
    # spawned children re-create __main__ through this module; runpy then hides the
    # script's path from sys.argv, so it travels in the environment
    os.environ[_SCRIPT_ENV] = script
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(script))
    _exec_as(script, "__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
elif __name__ == "__mp_main__" and os.environ.get(_SCRIPT_ENV):
    # a spawned worker re-creating the parent's __main__: alias torch again and define
    # the script's names here, in the module that stands for __main__ in this process
    install()
    globals().update(vars(_exec_as(os.environ[_SCRIPT_ENV], "__mp_main__")))
