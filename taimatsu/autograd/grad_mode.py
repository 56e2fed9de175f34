"""Grad modes: whether ops record themselves for autograd.

The state lives on a class so that the hot path reads it with one attribute
lookup (`GradMode.enabled`)."""
import functools

_new_object = object.__new__

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class GradMode:
    enabled = True
    inference = False


def is_grad_enabled():
    return GradMode.enabled


def is_inference_mode_enabled():
    return GradMode.inference


class _DecoratorContextManager:
    """A context manager that can also decorate a function, with or without
    parentheses (`@no_grad()` and `@no_grad`)."""

    def __new__(cls, *args, **kwargs):
        if args and len(args) == 1 and callable(args[0]) and not kwargs and cls._bare_ok:
            return cls()(args[0])
        # (object.__new__ bound once: `with no_grad():` runs once per step of most loops,
        # and super() costs a lookup each time)
        return _new_object(cls)

    _bare_ok = True

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    def __enter__(self):
        self.prev = GradMode.enabled
        GradMode.enabled = False

    def __exit__(self, exc_type, exc, tb):
        GradMode.enabled = self.prev


class enable_grad(_DecoratorContextManager):
    def __enter__(self):
        self.prev = GradMode.enabled
        GradMode.enabled = True

    def __exit__(self, *exc):
        GradMode.enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Sets the mode at construction (so it works as a plain function call too)."""

    _bare_ok = False

    def __init__(self, mode):
        self.prev = GradMode.enabled
        self.mode = bool(mode)
        GradMode.enabled = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        GradMode.enabled = self.prev

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    def __init__(self, mode=True):
        self.mode = mode

    def __enter__(self):
        self.prev = (GradMode.enabled, GradMode.inference)
        if self.mode:
            GradMode.enabled = False
            GradMode.inference = True

    def __exit__(self, *exc):
        GradMode.enabled, GradMode.inference = self.prev

    def clone(self):
        return self.__class__(self.mode)
