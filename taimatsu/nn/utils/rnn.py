"""torch.nn.utils.rnn: padded and packed batches of variable-length sequences.

A PackedSequence holds a batch sorted by decreasing length, time-major: the first
`batch_sizes[0]` rows of `data` are step 0 of every sequence, the next
`batch_sizes[1]` rows step 1 of those still running, and so on.  Packing is one
recorded op (PackPaddedSequenceBackward0, as torch's `_pack_padded_sequence`);
padding is, as in torch's composite `_pad_packed_sequence`, a filled tensor with
one slice copy per run of equal batch sizes, so autograd records CopySlices.
"""
from collections import namedtuple

import taimatsu as T

from ..._dtype import int64
from ..._ops._core import Op, apply
from ..._ops._core import xp_of as _xp_of
from ..._tensor import _wrap

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


def _bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(namedtuple("PackedSequence_",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Holds the data and list of `batch_sizes` of a packed sequence; made by
    pack_padded_sequence and pack_sequence, and taken by every recurrent module."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(
            data, batch_sizes, sorted_indices, unsorted_indices))

    def pin_memory(self):
        return type(self)(self.data.pin_memory(), self.batch_sizes,
                          _bind(self.sorted_indices, lambda t: t.pin_memory()),
                          _bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def to(self, *args, **kwargs):
        """Convert `data` as Tensor.to does; the indices follow data's device and
        batch_sizes stays on the CPU.  Returns self when data is unchanged."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        non_blocking = kwargs.get("non_blocking", False)

        def call_to(t):
            return t.to(data.device, non_blocking=non_blocking)

        return type(self)(data, self.batch_sizes, _bind(self.sorted_indices, call_to),
                          _bind(self.unsorted_indices, call_to))

    def cuda(self, *args, **kwargs):
        ex = T.tensor((), dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if ex.is_cuda:
            return self.to(*args, **kwargs)
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        ex = T.tensor((), dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if ex.device.type == "cpu":
            return self.to(*args, **kwargs)
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def double(self):
        return self.to(dtype=T.double)

    def float(self):
        return self.to(dtype=T.float)

    def half(self):
        return self.to(dtype=T.half)

    def long(self):
        return self.to(dtype=T.long)

    def int(self):
        return self.to(dtype=T.int)

    def short(self):
        return self.to(dtype=T.short)

    def char(self):
        return self.to(dtype=T.int8)

    def byte(self):
        return self.to(dtype=T.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        # every taimatsu tensor lives in ordinary (pageable) host memory
        return False


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None,
                               unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    # PackedSequence((data, batch_sizes), sorted_indices=...)
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (None stays None)."""
    if permutation is None:
        return None
    output = T.empty_like(permutation)
    output.scatter_(0, permutation, T.arange(0, permutation.numel()))
    return output


# =========================================================================================
# packing and padding

def _runs(batch_sizes):
    """(first step, end step, batch size) for each run of equal batch sizes."""
    sizes = batch_sizes.tolist() if hasattr(batch_sizes, "tolist") else list(batch_sizes)
    runs = []
    start = 0
    for i in range(1, len(sizes) + 1):
        if i == len(sizes) or sizes[i] != sizes[start]:
            runs.append((start, i, sizes[start]))
            start = i
    return runs


def _packed_to_padded(data, batch_sizes, steps, padding_value):
    """The (steps, batch, *) tensor that data (packed) fills, padding_value elsewhere;
    one slice copy per run of equal batch sizes, as torch's _pad_packed_sequence."""
    runs = _runs(batch_sizes)
    width = runs[0][2] if runs else 0
    trailing = tuple(data.shape[1:])
    output = T.full((steps, width) + trailing, padding_value, dtype=data.dtype)
    offset = 0
    for start, end, size in runs:
        count = (end - start) * size
        block = data[offset:offset + count].view((end - start, size) + trailing)
        output[start:end, :size].copy_(block)
        offset += count
    return output


class PackPaddedSequenceBackward0(Op):
    """torch's _pack_padded_sequence: (data, batch_sizes) from a padded batch whose
    `lengths` (host integers, as torch's CPU lengths) are sorted in decreasing order."""

    saves = ("result1",)

    @staticmethod
    def forward(xp, a, lengths, steps, batch_first):
        if batch_first:
            a = a.swapaxes(0, 1)
        # rows (step t, sequence b) with t < length[b], in C order: time-major, as packed;
        # a length beyond the padded size reads no rows, as torch's clamped slice does
        data = a[xp.arange(steps)[:, None] < lengths[None, :]]
        running = lengths[None, :] > xp.arange(lengths[0])[:, None]
        return data, running.sum(1, dtype=int64._np)

    def backward(self, grads):
        (batch_sizes,) = self.saved()
        padded = _packed_to_padded(grads[0], batch_sizes, self.steps, 0)
        return (padded.transpose(0, 1) if self.batch_first else padded,)


def _lengths_tensor(lengths):
    if not isinstance(lengths, T.Tensor):
        return T.as_tensor(lengths, dtype=T.int64, device="cpu")
    return lengths.to(dtype=T.int64)


def _check_lengths(lengths, batch_size):
    if lengths.dim() != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f"{lengths.dim()}D cpu Long tensor")
    if lengths.shape[0] != batch_size:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lengths.shape[0]} (batch_size={batch_size})")
    values = lengths._data
    if values[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if (values[1:] > values[:-1]).any():
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
            "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
            "to sidestep this requirement if you do not need ONNX exportability.")


def _pack(input, lengths, batch_first):
    """torch's _pack_padded_sequence (see PackPaddedSequenceBackward0)."""
    a = input._data.swapaxes(0, 1) if batch_first else input._data
    if a.size == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    _check_lengths(lengths, a.shape[1])
    return apply(PackPaddedSequenceBackward0, input, lengths=lengths._data, steps=a.shape[0],
                 batch_first=batch_first)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T x B x * or, batch_first, B x T x *) of sequences of the
    given lengths; enforce_sorted=False sorts the batch by decreasing length first."""
    lengths = _lengths_tensor(lengths)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = T.sort(lengths, descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    data, batch_sizes = _pack(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def _padded_lengths(batch_sizes):
    sizes = batch_sizes._data
    width = int(sizes[0]) if sizes.size else 0
    arange = _xp_of(sizes).arange(width)
    return _wrap((sizes[:, None] > arange[None, :]).sum(0, dtype=int64._np))


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The padded batch (T x B x *, or B x T x * when batch_first) and the lengths
    (int64) of a PackedSequence, in the batch's original order."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{max_seq_length}")
        max_seq_length = total_length
    padded = _packed_to_padded(sequence.data, sequence.batch_sizes, max_seq_length,
                               padding_value)
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = _padded_lengths(sequence.batch_sizes)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        return (padded.index_select(0 if batch_first else 1, unsorted_indices),
                lengths[unsorted_indices.cpu()])
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length sequences (L x *) into one T x B x * (or B x T x *) tensor,
    filled with padding_value; each is copied into its slot, so autograd records
    CopySlices as torch's does."""
    if isinstance(sequences, T.Tensor):
        sequences = sequences.unbind(0)
    elif not hasattr(sequences, "__iter__"):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    longest = max(s.shape[0] for s in sequences)
    trailing = tuple(sequences[0].shape[1:])
    shape = (len(sequences), longest) if batch_first else (longest, len(sequences))
    out = T.full(shape + trailing, padding_value, dtype=sequences[0].dtype)
    for i, s in enumerate(sequences):
        length = s.shape[0]
        steps = slice(0, length) if padding_side == "right" else slice(longest - length, None)
        slot = out[i, steps] if batch_first else out[steps, i]
        slot.copy_(s)
    return out


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences, each cut to its length, of a padded batch.  As torch's,
    a time-major batch is transposed in place first."""
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    idx = T.arange(padded_sequences.shape[1])
    return [seq[idx < length] for seq, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length sequences (pad_sequence, then
    pack_padded_sequence)."""
    lengths = T.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds, in their original order."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
