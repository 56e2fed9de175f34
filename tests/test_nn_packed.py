"""Packed sequences (torch.nn.utils.rnn) and RNN/LSTM/GRU on them, against the oracle:
values, gradients and second derivatives, recorded node names, errors, and a small
LSTM classifier over variable-length sequences trained with Adam."""
import numpy as np
import pytest
from harness import check, check_error, randn

import taimatsu as tm

torch = pytest.importorskip("torch")


def R(m):
    return m.nn.utils.rnn


def _chain(fn, depth):
    """Node names along the first input edge."""
    names = []
    while fn is not None and len(names) < depth:
        names.append(fn.name())
        fn = fn.next_functions[0][0] if fn.next_functions else None
    return names


# =========================================================================================
# pack_padded_sequence / pad_packed_sequence

PACK_CASES = [
    # (batch_first, enforce_sorted, lengths, trailing shape)
    (False, True, [5, 3, 3, 1, 1], (3,)),
    (True, True, [5, 5, 2, 2, 1], (2, 2)),
    (False, False, [2, 5, 1, 3, 2], (3,)),
    (True, False, [1, 4, 4, 5, 2], ()),
]


@pytest.mark.parametrize("case", PACK_CASES)
def test_pack_padded_sequence_data(case):
    batch_first, enforce_sorted, lengths, trailing = case
    x = randn(5, 5, *trailing)

    def fn(m, x):
        p = R(m).pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
        return p.data, p.batch_sizes

    check(fn, [x])


@pytest.mark.parametrize("case", PACK_CASES)
@pytest.mark.parametrize("total_length", [None, 7])
def test_pad_packed_sequence_round_trip(case, total_length):
    batch_first, enforce_sorted, lengths, trailing = case
    x = randn(5, 5, *trailing)

    def fn(m, x):
        p = R(m).pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
        padded, lens = R(m).pad_packed_sequence(p, not batch_first, 0.5, total_length)
        return padded.sin(), lens

    check(fn, [x])


def test_lengths_as_tensor_float32():
    x = randn(4, 3, 2).astype(np.float32)
    lens = np.array([4, 2, 1])
    check(lambda m, x, n: R(m).pack_padded_sequence(x, n).data, [x, lens])
    check(lambda m, x, n: R(m).pack_padded_sequence(x, n.int()).data, [x, lens])


@pytest.mark.parametrize("case", PACK_CASES)
def test_node_names(case):
    batch_first, enforce_sorted, lengths, trailing = case
    names = []
    for m in (tm, torch):
        x = m.tensor(randn(5, 5, *trailing), requires_grad=True)
        p = R(m).pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
        padded, _ = R(m).pad_packed_sequence(p, batch_first)
        names.append((_chain(p.data.grad_fn, 4), _chain(padded.grad_fn, 8)))
    assert names[0] == names[1]
    assert names[0][0][0] == "PackPaddedSequenceBackward0"


def test_pad_sequence_records_copy_slices():
    seqs = [randn(2, 3), randn(4, 3), randn(1, 3)]
    for side in ("left", "right"):
        check(lambda m, a, b, c: R(m).pad_sequence([a, b, c], True, -1.0, side), seqs)
    names = []
    for m in (tm, torch):
        ts = [m.tensor(s, requires_grad=True) for s in seqs]
        out = R(m).pad_sequence(ts)
        names.append((_chain(out.grad_fn, 5), out.stride()))
    assert names[0] == names[1]


def test_pack_sequence_and_unpack():
    seqs = [randn(2, 3), randn(4, 3), randn(1, 3)]
    check(lambda m, a, b, c: R(m).pack_sequence([a, b, c], enforce_sorted=False).data, seqs)
    check(lambda m, a, b, c: R(m).unpack_sequence(R(m).pack_sequence([a, b, c], False)),
          seqs)
    check(lambda m, a, b, c: R(m).pack_sequence([b, a, c]).data, seqs)


def test_unpad_sequence():
    padded = randn(4, 3, 2)
    lens = np.array([4, 2, 3])
    check(lambda m, x, n: R(m).unpad_sequence(x.clone(), n), [padded, lens])
    check(lambda m, x, n: R(m).unpad_sequence(x, n, batch_first=True),
          [padded, np.array([3, 1, 2, 3])])


def test_integer_and_bool_data():
    ints = np.array([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    check(lambda m, x: R(m).pad_packed_sequence(
        R(m).pack_padded_sequence(x, [2, 1, 3], True, False), True, -1.5), [ints])
    check(lambda m, x: R(m).pad_packed_sequence(
        R(m).pack_padded_sequence(x, [3, 1, 1], True)), [ints > 2])


# =========================================================================================
# PackedSequence itself

def _packed(m, dtype=None):
    x = m.tensor(np.arange(24.0).reshape(4, 3, 2), dtype=dtype)
    return R(m).pack_padded_sequence(x, [1, 4, 2], enforce_sorted=False)


def test_repr_and_tuple_behaviour():
    ours, theirs = _packed(tm), _packed(torch)
    assert repr(ours) == repr(theirs)
    assert repr(ours.long()) == repr(theirs.long())
    assert ours._fields == theirs._fields
    assert isinstance(ours, tuple) and len(ours) == 4
    data, batch_sizes, sorted_indices, unsorted_indices = ours
    assert batch_sizes.tolist() == [3, 2, 1, 1]
    assert sorted_indices.tolist() == [1, 2, 0] and unsorted_indices.tolist() == [2, 0, 1]
    assert repr(R(tm).pack_sequence([tm.tensor([1, 2, 3]), tm.tensor([4, 5])])) == \
        repr(R(torch).pack_sequence([torch.tensor([1, 2, 3]), torch.tensor([4, 5])]))


def test_conversions():
    for m in (tm, torch):
        p = _packed(m, m.float32)
        assert p.to(m.float32) is p and p.float() is p and p.cpu() is p
        d = p.double()
        assert d.data.dtype == m.float64 and d.batch_sizes is p.batch_sizes
        assert d.sorted_indices.tolist() == [1, 2, 0]
        assert p.to(dtype=m.float64).data.dtype == m.float64
        for name, dtype in [("half", m.float16), ("long", m.int64), ("int", m.int32),
                            ("short", m.int16), ("char", m.int8), ("byte", m.uint8)]:
            assert getattr(p, name)().data.dtype == dtype
        assert p.is_cuda is False and p.is_pinned() is False


def test_constructor_forms():
    for m in (tm, torch):
        data, sizes = m.ones(3), m.tensor([2, 1])
        assert R(m).PackedSequence((data, sizes)).batch_sizes is sizes
        p = R(m).PackedSequence(data, sizes, m.tensor([1, 0]))
        assert p.unsorted_indices.tolist() == [1, 0]
        assert R(m).invert_permutation(m.tensor([2, 0, 3, 1])).tolist() == [1, 3, 0, 2]
        assert R(m).invert_permutation(None) is None
    check_error(lambda m: R(m).PackedSequence(m.ones(3)))


# =========================================================================================
# errors

def _x(m):
    return m.ones(4, 3, 2)


ERRORS = [
    lambda m: R(m).pack_padded_sequence(_x(m), [2, 4, 1]),
    lambda m: R(m).pack_padded_sequence(_x(m), [4, 2, 0]),
    lambda m: R(m).pack_padded_sequence(_x(m), [4, 0, 1]),
    lambda m: R(m).pack_padded_sequence(_x(m), [4, 2, 0], enforce_sorted=False),
    lambda m: R(m).pack_padded_sequence(_x(m), [4, 2]),
    lambda m: R(m).pack_padded_sequence(_x(m), [4, 2, 1], batch_first=True),
    lambda m: R(m).pack_padded_sequence(_x(m), m.tensor([[4, 2, 1]])),
    lambda m: R(m).pack_padded_sequence(_x(m), m.tensor(4)),
    lambda m: R(m).pack_padded_sequence(m.ones(0, 3, 2), [0, 0, 0]),
    lambda m: R(m).pad_packed_sequence(R(m).pack_padded_sequence(_x(m), [4, 2, 1]),
                                       total_length=3),
    lambda m: R(m).pack_sequence([]),
    lambda m: R(m).pack_sequence([m.ones(2), m.ones(3)]),
    lambda m: R(m).pad_sequence([m.ones(2, 3), m.ones(1, 4)]),
    lambda m: R(m).pad_sequence(3),
    lambda m: R(m).pad_sequence([m.ones(2)], padding_side="middle"),
    lambda m: R(m).unpad_sequence(m.ones(4, 3), m.tensor([4, 2])),
]


@pytest.mark.parametrize("fn", ERRORS, ids=range(len(ERRORS)))
def test_errors(fn):
    check_error(fn)


def _packed_input(m, features=5, dtype=None):
    return R(m).pack_padded_sequence(m.ones(4, 3, features, dtype=dtype), [4, 2, 1])


MODULE_ERRORS = [
    lambda m: m.nn.GRU(5, 6)(_packed_input(m), m.zeros(1, 2, 6)),
    lambda m: m.nn.RNN(5, 6)(_packed_input(m), m.zeros(2, 3, 6)),
    lambda m: m.nn.GRU(5, 6)(_packed_input(m, dtype=m.float64)),
    lambda m: m.nn.RNN(5, 6)(_packed_input(m, 4)),
    lambda m: m.nn.GRU(5, 6)(R(m).pack_padded_sequence(m.ones(4, 3, 5, 1), [4, 2, 1])),
    lambda m: m.nn.LSTM(5, 6)(m.ones(4, 3, 5, dtype=m.float64)),
    lambda m: m.nn.LSTM(5, 6)(m.ones(4, 3, 5), (m.zeros(1, 3, 6), m.zeros(1, 3, 5))),
    lambda m: m.nn.LSTM(5, 6)(m.ones(4, 3, 5), (m.zeros(3, 6), m.zeros(3, 6))),
    lambda m: m.nn.RNN(5, 6)(m.ones(4, 3, 5), m.zeros(3, 6)),
    lambda m: m.nn.RNN(5, 6)(m.ones(4, 5), m.zeros(1, 1, 6)),
    lambda m: m.nn.RNN(5, 6)(m.ones(5)),
]


@pytest.mark.parametrize("fn", MODULE_ERRORS, ids=range(len(MODULE_ERRORS)))
def test_module_errors(fn):
    check_error(fn)


# =========================================================================================
# recurrent modules on packed input

MODULE_CASES = [
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 3, "bidirectional": True}),
    ("LSTM", {"num_layers": 3, "dropout": 0.4, "bidirectional": True}),
    ("GRU", {"num_layers": 2, "bidirectional": True}),
    ("GRU", {"bias": False, "num_layers": 2, "dropout": 0.5}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", {"bidirectional": True}),
]


def _run_module(m, name, kwargs, lengths, enforce_sorted, with_state, dtype):
    """Outputs, final states and every gradient of a seeded module on packed input."""
    m.manual_seed(0)
    layer = getattr(m.nn, name)(5, 6, **kwargs).to(getattr(m, dtype))
    rng = np.random.default_rng(1)
    batch_first = with_state  # vary the layout along with the state
    shape = (len(lengths), max(lengths), 5) if batch_first else (max(lengths), len(lengths), 5)
    x = m.tensor(rng.standard_normal(shape), dtype=getattr(m, dtype), requires_grad=True)
    leaves = [x]
    state = None
    if with_state:
        stack = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
        h0 = m.tensor(rng.standard_normal((stack, len(lengths), kwargs.get("proj_size") or 6)),
                      dtype=getattr(m, dtype), requires_grad=True)
        c0 = m.tensor(rng.standard_normal((stack, len(lengths), 6)), dtype=getattr(m, dtype),
                      requires_grad=True)
        state = (h0, c0) if name == "LSTM" else h0
        leaves += [h0, c0] if name == "LSTM" else [h0]
    packed = R(m).pack_padded_sequence(x, lengths, batch_first, enforce_sorted)
    out, final = layer(packed, state)
    assert type(out).__name__ == "PackedSequence"
    assert out.batch_sizes is packed.batch_sizes
    finals = list(final) if name == "LSTM" else [final]
    padded, _ = R(m).pad_packed_sequence(out, batch_first)
    loss = padded.pow(2).sum() + sum((f * (f + 1)).sin().sum() for f in finals)
    loss.backward()
    grads = [t.grad for t in leaves] + [p.grad for p in layer.parameters()]
    return [t.detach().numpy() for t in [out.data, padded, *finals, *grads]]


@pytest.mark.parametrize("case", MODULE_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_module_matches_torch(case, dtype):
    tol = {"float64": (1e-12, 1e-10), "float32": (2e-5, 2e-5)}[dtype]
    for enforce_sorted, lengths in ((True, [6, 4, 4, 2, 1]), (False, [3, 6, 1, 4, 6])):
        for with_state in (False, True):
            args = (*case, lengths, enforce_sorted, with_state, dtype)
            ours, theirs = _run_module(tm, *args), _run_module(torch, *args)
            assert len(ours) == len(theirs)
            for i, (a, b) in enumerate(zip(ours, theirs)):
                assert a.shape == b.shape, (i, a.shape, b.shape)
                np.testing.assert_allclose(a, b, rtol=tol[0], atol=tol[1],
                                           err_msg=f"{args} result {i}")


def test_final_state_is_each_sequences_last_step():
    """h_n of a one-layer GRU equals the output at each sequence's own last step."""
    tm.manual_seed(0)
    gru = tm.nn.GRU(3, 4)
    x = tm.randn(5, 3, 3)
    lengths = [2, 5, 3]
    out, h_n = gru(R(tm).pack_padded_sequence(x, lengths, enforce_sorted=False))
    padded, lens = R(tm).pad_packed_sequence(out)
    assert lens.tolist() == lengths
    for b, n in enumerate(lengths):
        np.testing.assert_allclose(h_n[0, b].detach().numpy(), padded[n - 1, b].detach().numpy())
        assert not padded[n:, b].detach().numpy().any()


def test_double_backward_through_packed_lstm():
    def grad_norm(m):
        m.manual_seed(0)
        lstm = m.nn.LSTM(2, 3, bidirectional=True).double()
        x = m.tensor(np.linspace(-1, 1, 4 * 3 * 2).reshape(4, 3, 2), requires_grad=True)
        out, (h, c) = lstm(R(m).pack_padded_sequence(x, [2, 4, 3], enforce_sorted=False))
        (g,) = m.autograd.grad(out.data.sum() + h.sum(), x, create_graph=True)
        g.pow(2).sum().backward()
        return x.grad.numpy(), lstm.weight_hh_l0_reverse.grad.numpy()

    for a, b in zip(grad_norm(tm), grad_norm(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


# =========================================================================================
# a small program: an LSTM classifier over variable-length sequences, trained with Adam

def _train_classifier(m):
    m.manual_seed(0)
    rng = np.random.default_rng(3)

    class Classifier(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = m.nn.Embedding(12, 8, padding_idx=0)
            self.lstm = m.nn.LSTM(8, 16, batch_first=True, bidirectional=True)
            self.head = m.nn.Linear(32, 3)

        def forward(self, tokens, lengths):
            packed = R(m).pack_padded_sequence(self.embed(tokens), lengths, batch_first=True,
                                               enforce_sorted=False)
            _, (h, _) = self.lstm(packed)
            return self.head(m.cat([h[0], h[1]], 1))

    model = Classifier()
    opt = m.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(5):
        lengths = rng.integers(1, 9, 6)
        tokens = rng.integers(1, 12, (6, 8)) * (np.arange(8) < lengths[:, None])
        labels = m.tensor(tokens.sum(1) % 3)
        logits = model(m.tensor(tokens), m.tensor(lengths))
        loss = m.nn.functional.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, model.lstm.weight_ih_l0_reverse.detach().numpy()


def test_lstm_classifier_training_matches_torch():
    (ours, w_ours), (theirs, w_theirs) = _train_classifier(tm), _train_classifier(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-4, atol=1e-5)
