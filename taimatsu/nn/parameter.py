"""nn.Parameter and nn.Buffer: tensors that modules register when assigned."""
from .._dtype import float32
from .._tensor import Tensor, _wrap

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter", "is_lazy"]


def _alias(data):
    """A detached array alias of `data` sharing its version counter (as torch's
    _make_subclass shares the storage)."""
    if data is None:
        return _empty_of(float32)._data, None
    if not isinstance(data, Tensor):
        raise TypeError(f"Creating a Parameter from an instance of type {type(data).__name__} "
                        "requires that detach() returns an instance of the same type, but "
                        "return type Tensor was found instead. To use the type as a Parameter, "
                        "please correct the detach() semantics defined by its __torch_dispatch__"
                        "() implementation.")
    return data._data, data._get_vc()


class Parameter(Tensor):
    """A tensor that is a module parameter: a leaf that requires grad by default and
    shares its data with the tensor it was made from."""

    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        array, vc = _alias(data)
        if array.dtype.kind not in "fc" and requires_grad:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        p = object.__new__(cls)
        p._data = array
        if vc is not None:
            p._vc = vc
        p._requires_grad = bool(requires_grad)
        return p

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(_wrap(self._data.copy()), self._requires_grad)
        if self._grad is not None:
            result._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = result
        return result


def _rebuild_parameter(array, requires_grad):
    return Parameter(_wrap(array), requires_grad)


class _BufferMeta(type):
    # a Buffer is a plain tensor carrying a flag, as in torch
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor to be registered as a buffer when assigned to a module."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _empty_of(float32)
        t = data.detach()
        t._requires_grad = data._requires_grad
        t._is_buffer = True
        t.persistent = persistent
        return t


_UNINITIALIZED = ("Can't access the shape of an uninitialized parameter or buffer. This error "
                  "usually happens in `load_state_dict` when trying to load an uninitialized "
                  "parameter into an initialized one. Call `forward` to initialize the "
                  "parameters before accessing their attributes.")


def _empty_of(dtype):
    """An empty tensor of `dtype` on the default device, as torch's Parameter() holds."""
    from .._ops.creation import empty
    return empty(0, dtype=dtype)


class _UninitializedMixin:
    """A tensor without a shape yet (lazy modules): it holds only its dtype, in an empty
    array, until `materialize` gives it a shape and turns it into `cls_to_become` (the
    same object: optimizers and modules holding it see the materialised tensor)."""

    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        from .._device import resolve
        xp = self._xp if device is None else resolve(device).xp
        np_dtype = self._data.dtype if dtype is None else dtype._np
        self._data = xp.empty(tuple(shape), np_dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(_UNINITIALIZED)

    def size(self, dim=None):
        raise RuntimeError(_UNINITIALIZED)

    def numel(self):
        raise RuntimeError(_UNINITIALIZED)

    def dim(self):
        raise RuntimeError(_UNINITIALIZED)

    def __repr__(self):
        return f"<{type(self).__name__}>"

    __str__ = __repr__

    def _retyped(self, np_dtype):
        # .to(dtype), .double() ... before the first forward: still uninitialized, in the
        # new dtype (the dtype the parameter will be materialised with)
        t = object.__new__(type(self))
        t.__dict__.update(self.__dict__)
        t._data = self._data.astype(np_dtype)
        return t


class UninitializedParameter(_UninitializedMixin, Parameter):
    """A parameter whose shape is not known yet (lazy modules)."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        p = object.__new__(cls)
        p._data = _empty_of(dtype)._data
        p._requires_grad = bool(requires_grad)
        return p

    def __reduce_ex__(self, protocol):
        return (UninitializedParameter, (self._requires_grad,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self._retyped(self._data.dtype)
        return memo[id(self)]


class UninitializedBuffer(_UninitializedMixin, Tensor):
    """A buffer whose shape is not known yet (lazy batch norm's running statistics)."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        t = object.__new__(cls)
        t._data = _empty_of(dtype)._data
        t._requires_grad = bool(requires_grad)
        return t

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self._retyped(self._data.dtype)
        return memo[id(self)]


def is_lazy(param):
    """Whether `param` is still uninitialized (torch.nn.parameter.is_lazy)."""
    return isinstance(param, _UninitializedMixin)
