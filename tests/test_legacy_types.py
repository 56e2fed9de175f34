"""torch's legacy tensor types (torch.FloatTensor ...) and Tensor.new, against torch."""
import typing

import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor",
         "ShortTensor", "IntTensor", "LongTensor", "BoolTensor"]


def both():
    return tm, load_oracle()


def same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("name", NAMES)
def test_the_type_and_its_dtype(name):
    for m in both():
        cls = getattr(m, name)
        assert repr(cls) == f"<class 'torch.{name}'>"
        assert cls.__name__ == name and type(cls).__name__ == "tensortype"
        assert not issubclass(cls, m.Tensor)
        assert not cls.is_sparse and not cls.is_cuda
    assert str(getattr(tm, name).dtype) == str(getattr(load_oracle(), name).dtype)


@pytest.mark.parametrize("name", NAMES)
def test_isinstance_is_a_dtype_test(name):
    for m in both():
        cls = getattr(m, name)
        for dtype in (m.float32, m.float64, m.int64, m.int32, m.uint8, m.bool):
            assert isinstance(m.zeros(2, dtype=dtype), cls) == (dtype is cls.dtype)
        assert not isinstance([1, 2], cls)


@pytest.mark.parametrize("args", [(), (2, 3), (0,), ([1.7, 2],), ((1, 2),), ([[1, 0], [0, 1]],)],
                         ids=["empty", "sizes", "zero size", "list", "tuple", "nested"])
@pytest.mark.parametrize("name", ["FloatTensor", "LongTensor", "BoolTensor", "DoubleTensor"])
def test_construction(name, args):
    ours, theirs = (getattr(m, name)(*args) for m in both())
    same(ours, theirs)
    if args and not isinstance(args[0], int):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_construction_from_a_size_an_array_and_a_tensor():
    torch = load_oracle()
    for m in (tm, torch):
        assert m.FloatTensor(m.Size([2, 1])).shape == (2, 1)
        assert m.FloatTensor(3, device="cpu").shape == (3,)
        np.testing.assert_array_equal(m.LongTensor(np.array([1, 2])).numpy(), [1, 2])
        t = m.zeros(2)
        alias = m.FloatTensor(t)
        assert alias is not t and alias.data_ptr() == t.data_ptr()


@pytest.mark.parametrize("call", [
    lambda m: m.FloatTensor(m.zeros(2, dtype=m.int64)), lambda m: m.FloatTensor(2, [1]),
    lambda m: m.FloatTensor([1], dtype=m.float64), lambda m: m.FloatTensor(2.5),
    lambda m: m.FloatTensor(2, requires_grad=True)],
    ids=["other dtype", "size and list", "dtype=", "a number", "requires_grad="])
def test_bad_arguments_are_torchs_errors(call):
    messages = []
    for m in both():
        with pytest.raises(TypeError) as e:
            call(m)
        messages.append(str(e.value).splitlines()[0])
    assert messages[0] == messages[1]


def test_type_converts_to_a_legacy_type():
    for m in both():
        x = m.tensor([1.5, -2.0])
        assert x.type(m.LongTensor).dtype == m.int64
        assert x.type("torch.IntTensor").dtype == m.int32
        assert x.type() == "torch.FloatTensor"
        assert typing.Union[m.LongTensor, m.FloatTensor] is not None


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "complex64", "bool"])
def test_new_makes_tensors_of_its_dtype(dtype):
    for args in [(3,), ([1, 0],), (), (tm.Size([1, 2]),)]:
        ours = getattr(tm, dtype) and tm.zeros(2, dtype=getattr(tm, dtype)).new(*args)
        torch = load_oracle()
        targs = tuple(torch.Size(a) if isinstance(a, tm.Size) else a for a in args)
        theirs = torch.zeros(2, dtype=getattr(torch, dtype)).new(*targs)
        same(ours, theirs)
