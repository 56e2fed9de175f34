"""torch.torch_version.TorchVersion: a version string that compares as a version.

Libraries check `torch.__version__ >= "1.10"` or against tuples such as (2, 0); a plain
string would compare "2.13" < "2.9".  This is torch's class, without the `packaging`
dependency: PEP 440 versions are parsed here (release numbers, a/b/rc pre-releases,
post and dev releases, the local label ignored in ordering); what does not parse
compares as a string, as torch's does."""
import re
from collections.abc import Iterable

__all__ = ["TorchVersion"]

_PATTERN = re.compile(
    r"^\s*v?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|alpha|b|beta|rc|c|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post>\d*))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev>\d*))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$", re.IGNORECASE)
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "rc": 2, "c": 2, "pre": 2, "preview": 2}


def _key(text):
    """A sort key of a PEP 440 version (None where `text` is not one)."""
    m = _PATTERN.match(text)
    if m is None:
        return None
    release = [int(p) for p in m.group("release").split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()  # 2.0 == 2.0.0
    pre, post, dev = m.group("pre"), m.group("post"), m.group("dev")
    # a dev release sorts before its pre-releases, which sort before the release
    if pre is not None:
        pre_key = (_PRE[pre.lower()], int(m.group("pre_n") or 0))
    elif dev is not None and post is None:
        pre_key = (-1, 0)
    else:
        pre_key = (3, 0)
    post_key = -1 if post is None else int(post or 0)
    dev_key = float("inf") if dev is None else int(dev or 0)
    return (tuple(release), pre_key, post_key, dev_key)


class TorchVersion(str):
    """A str that compares with versions, version strings and tuples (1, 10)."""

    __slots__ = ()

    def _cmp(self, other, method):
        if isinstance(other, str):
            theirs = _key(other)
        elif isinstance(other, Iterable):
            theirs = _key(".".join(str(item) for item in other))
        else:
            theirs = None
        ours = _key(self)
        if ours is None or theirs is None:
            return getattr(str, method)(self, other)
        return getattr(ours, method)(theirs)

    def __gt__(self, other):
        return self._cmp(other, "__gt__")

    def __lt__(self, other):
        return self._cmp(other, "__lt__")

    def __ge__(self, other):
        return self._cmp(other, "__ge__")

    def __le__(self, other):
        return self._cmp(other, "__le__")

    def __eq__(self, other):
        return self._cmp(other, "__eq__")

    __hash__ = str.__hash__
