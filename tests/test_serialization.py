"""save / load: round trips, files exchanged with real PyTorch in both directions,
and refusal of damaged or malicious files."""
import collections
import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest
from conftest import load_oracle
from harness import assert_same

import taimatsu as tm

torch = load_oracle()


def roundtrip(obj, **load_kwargs):
    buffer = io.BytesIO()
    tm.save(obj, buffer)
    buffer.seek(0)
    return tm.load(buffer, **load_kwargs)


def as_torch(t):
    return torch.from_numpy(np.array(t.detach().numpy()))


@pytest.mark.parametrize("make", [
    lambda: tm.arange(12.0).reshape(3, 4),
    lambda: tm.arange(12.0).reshape(3, 4).t(),            # non-contiguous
    lambda: tm.arange(24.0).reshape(2, 3, 4)[:, 1, ::2],   # offset and strides
    lambda: tm.tensor(3.5),
    lambda: tm.zeros(0, 3),
    lambda: tm.tensor([1, 2], dtype=tm.int8),
    lambda: tm.tensor([True, False]),
    lambda: tm.tensor([1.5, 2.0], dtype=tm.float16),
    lambda: tm.tensor([1 + 2j]),
    lambda: tm.ones(2, 2).expand(3, 2, 2),                 # stride 0
])
def test_tensor_roundtrip_and_torch_reads_ours(make, tmp_path):
    t = make()
    back = roundtrip(t)
    assert back.dtype == t.dtype and back.shape == t.shape
    assert back.stride() == t.stride() or t.numel() == 0
    assert np.array_equal(back.numpy(), t.numpy())
    path = tmp_path / "t.pt"
    tm.save(t, path)
    theirs = torch.load(path, weights_only=True)
    assert_same(t, theirs)
    assert theirs.stride() == t.stride() or t.numel() == 0


def test_containers_views_and_identity(tmp_path):
    w = tm.arange(6.0).reshape(2, 3)
    state = collections.OrderedDict(w=w, col=w[:, 1], b=tm.zeros(3, dtype=tm.int64))
    state._metadata = {"": {"version": 1}}
    p = tm.nn.Parameter(tm.ones(2))
    obj = {"state": state, "p": p, "again": p, "size": tm.Size([2, 3]), "dtype": tm.float16,
           "device": tm.device("cpu"), "bytes": b"xy", "set": {1, 2}, "tuple": (1, None, "s"),
           "grad": tm.ones(2, requires_grad=True)}
    path = tmp_path / "model.pt"
    tm.save(obj, path)
    for loaded, lib in ((tm.load(path), tm), (torch.load(path, weights_only=True), torch)):
        assert type(loaded["state"]) is collections.OrderedDict
        assert loaded["state"]._metadata == {"": {"version": 1}}
        assert isinstance(loaded["p"], lib.nn.Parameter) and loaded["p"] is loaded["again"]
        assert loaded["size"] == lib.Size([2, 3]) and loaded["dtype"] is lib.float16
        assert loaded["device"] == lib.device("cpu")
        assert loaded["bytes"] == b"xy" and loaded["set"] == {1, 2}
        assert loaded["tuple"] == (1, None, "s") and loaded["grad"].requires_grad
        # views of one storage still share it after loading
        loaded["state"]["w"][0, 1] = 100.0
        assert loaded["state"]["col"].tolist() == [100.0, 4.0]


def test_records_are_torchs(tmp_path):
    path = tmp_path / "ckpt.pth"
    tm.save({"a": tm.ones(3), "b": tm.zeros(2, dtype=tm.int64)}, path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "ckpt/data.pkl" and "ckpt/data/1" in names
        assert zf.read("ckpt/version") == b"3\n" and zf.read("ckpt/byteorder") == b"little"
        raw = path.read_bytes()
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:
                                                          info.header_offset + 30])
            assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0


def test_reads_torchs_files(tmp_path):
    base = torch.arange(12.0).reshape(3, 4)
    obj = {"t": base.t(), "row": base[1], "p": torch.nn.Parameter(torch.ones(2)),
           "l": torch.tensor([1, 2]), "h": torch.ones(2, dtype=torch.float16),
           "od": collections.OrderedDict(x=torch.tensor(1.0)), "size": torch.Size([1]),
           "nested": [(torch.zeros(1), {"k": 2})]}
    path = tmp_path / "theirs.pt"
    torch.save(obj, path)
    ours = tm.load(path)
    for key in ("t", "row", "l", "h", "p"):
        assert_same(ours[key], obj[key])
    assert isinstance(ours["p"], tm.nn.Parameter) and ours["p"].requires_grad
    assert ours["t"].stride() == (1, 4)
    assert type(ours["od"]) is collections.OrderedDict and ours["size"] == tm.Size([1])
    assert ours["nested"][0][1] == {"k": 2}
    with open(path, "rb") as fh:  # file objects as well as paths
        assert tm.load(fh)["l"].tolist() == [1, 2]


def test_bfloat16_loads_as_float32(tmp_path):
    path = tmp_path / "bf.pt"
    torch.save(torch.tensor([1.5, -2.0], dtype=torch.bfloat16), path)
    with pytest.warns(UserWarning, match="no bfloat16"):
        t = tm.load(path)
    assert t.dtype == tm.float32 and t.tolist() == [1.5, -2.0]


def test_state_dicts_cross_over():
    model = tm.nn.Linear(3, 2)
    opt = tm.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(tm.ones(1, 3)).sum().backward()
    opt.step()
    buffer = io.BytesIO()
    tm.save({"model": model.state_dict(), "opt": opt.state_dict()}, buffer)
    buffer.seek(0)
    theirs = torch.load(buffer, weights_only=True)
    torch_model = torch.nn.Linear(3, 2)
    torch_model.load_state_dict(theirs["model"])
    assert_same(model.weight, torch_model.weight)
    ours = roundtrip({"opt": opt.state_dict()})["opt"]
    assert ours["param_groups"][0]["momentum"] == 0.9
    assert_same(ours["state"][0]["momentum_buffer"],
                as_torch(opt.state_dict()["state"][0]["momentum_buffer"]))


def test_whole_module_needs_weights_only_false():
    model = tm.nn.Sequential(tm.nn.Linear(2, 2), tm.nn.ReLU())
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL taimatsu.nn.modules.container"
                                                     ".Sequential was not an allowed global"):
        roundtrip(model)
    back = roundtrip(model, weights_only=False)
    assert tm.equal(back[0].weight, model[0].weight)


def test_map_location():
    t = tm.arange(3.0)
    for location in ("cpu", tm.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage,
                     lambda storage, loc: None):
        assert roundtrip(t, map_location=location).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
        roundtrip(t, map_location="cuda")
    with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
        roundtrip(t, map_location={"cpu": "cuda:0"})


# ------------------------------------------------------------------- damaged files
def saved_bytes(obj):
    buffer = io.BytesIO()
    tm.save(obj, buffer)
    return buffer.getvalue()


def test_truncated_file():
    raw = saved_bytes({"w": tm.ones(100)})
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading zip archive: "
                                           "failed finding central directory"):
        tm.load(io.BytesIO(raw[:len(raw) // 2]))
    with pytest.raises(EOFError):
        tm.load(io.BytesIO(b""))
    with pytest.raises((RuntimeError, pickle.UnpicklingError)):
        tm.load(io.BytesIO(b"hello world" * 10))


def test_tampered_storage_is_detected():
    raw = bytearray(saved_bytes(tm.ones(100)))
    raw[raw.index(b"\x00\x00\x80\x3f")] ^= 0xFF  # a byte of the first 1.0
    with pytest.raises(RuntimeError, match="failed reading file data/0"):
        tm.load(io.BytesIO(bytes(raw)))


def test_crafted_layout_cannot_read_outside_storage():
    class Fake:
        """Pickles as a tensor whose stride reaches past its 4-element storage."""

    raw = saved_bytes(tm.ones(4))
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        pickled = zf.read("archive/data.pkl")
    patched = pickled.replace(b"K\x04\x85", b"K\x08\x85", 1)  # size (4,) -> (8,)
    assert patched != pickled
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, patched if info.filename.endswith("data.pkl")
                         else src.read(info.filename))
    buffer.seek(0)
    with pytest.raises(RuntimeError, match="lies outside its storage"):
        tm.load(buffer)
    del Fake


class Evil:
    """Unpickling this would run a shell command."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("weights_only", [None, True, False])
def test_malicious_pickle_is_refused(tmp_path, weights_only):
    marker = tmp_path / "pwned"
    inside_zip = io.BytesIO()
    tm.save({"x": Evil(marker)}, inside_zip)
    plain = io.BytesIO(pickle.dumps(Evil(marker), protocol=2))
    for source in (inside_zip, plain):
        source.seek(0)
        with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL (posix|os)\.system was not "
                                                         r"an allowed global"):
            tm.load(source, weights_only=weights_only)
    assert not marker.exists()


def test_safe_globals():
    payload = {"counter": collections.Counter("aab"), "d": collections.defaultdict(int)}
    with pytest.raises(pickle.UnpicklingError, match="collections.defaultdict"):
        roundtrip(payload)
    with tm.serialization.safe_globals([collections.defaultdict, int]):
        back = roundtrip(payload)
    assert back["counter"] == {"a": 2, "b": 1} and type(back["d"]) is collections.defaultdict
    assert tm.serialization.get_safe_globals() == []
