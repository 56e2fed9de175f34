"""Recurrent layers: RNN, LSTM, GRU, with torch's parameter names, shapes and init.

As torch's CPU kernels do, each layer multiplies its whole input sequence by W_ih in
one product and then steps through time, adding W_hh h to that step's slice; the cell
arithmetic is taimatsu tensor ops, so autograd (and higher-order gradients) need
nothing more.
"""
import math

from ... import _ops
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _lstm_cell(x_gates, state, w_hh, b_hh, w_hr):
    h, c = state
    gates = F.linear(h, w_hh, b_hh) + x_gates
    i, f, g, o = gates.chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, (h, c)


def _gru_cell(x_gates, h, w_hh, b_hh, w_hr):
    x_r, x_z, x_n = x_gates.chunk(3, 1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, 1)
    reset = (x_r + h_r).sigmoid()
    update = (x_z + h_z).sigmoid()
    new = (x_n + reset * h_n).tanh()
    h = new + update * (h - new)
    return h, h


def _tanh_cell(x_gates, h, w_hh, b_hh, w_hr):
    h = (F.linear(h, w_hh, b_hh) + x_gates).tanh()
    return h, h


def _relu_cell(x_gates, h, w_hh, b_hh, w_hr):
    h = (F.linear(h, w_hh, b_hh) + x_gates).relu()
    return h, h


_CELLS = {"LSTM": _lstm_cell, "GRU": _gru_cell, "RNN_TANH": _tanh_cell, "RNN_RELU": _relu_cell}


# packed input: a state is a tensor, or (h, c) for LSTM; its rows are the sequences,
# sorted by decreasing length, so the sequences that end first are the last rows

def _state_rows(state, start, stop):
    if type(state) is tuple:
        return tuple(s[start:stop] for s in state)
    return state[start:stop]


def _state_cat(states):
    if type(states[0]) is tuple:
        return tuple(_ops.join.cat(parts) for parts in zip(*states))
    return _ops.join.cat(states)


def _packed_forward_steps(cell, x_gates, sizes, hidden, weights):
    """Step forward through a packed layer; a sequence that has ended leaves its rows
    of the state behind as its final state (torch's PackedLayer)."""
    ended = []
    last = sizes[0]
    out = []
    for x, size in zip(x_gates, sizes):
        if size < last:
            ended.append(_state_rows(hidden, size, last))
            hidden = _state_rows(hidden, 0, size)
            last = size
        y, hidden = cell(x, hidden, *weights)
        out.append(y)
    if ended:
        ended.append(hidden)
        hidden = _state_cat(ended[::-1])
    return _ops.join.cat(out), hidden


def _packed_reverse_steps(cell, x_gates, sizes, initial, weights):
    """Step backward through a packed layer: each sequence starts from its own last
    step, with its initial state, joining the rows already running (ReversedPackedLayer)."""
    last = sizes[-1]
    hidden = _state_rows(initial, 0, last)
    out = [None] * len(sizes)
    for t in range(len(sizes) - 1, -1, -1):
        size = sizes[t]
        if size > last:
            hidden = _state_cat([hidden, _state_rows(initial, last, size)])
            last = size
        out[t], hidden = cell(x_gates[t], hidden, *weights)
    return _ops.join.cat(out), hidden


class RNNBase(Module):
    """The layers, parameters and time loop shared by RNN, LSTM and GRU."""

    __constants__ = ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size")

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        self._check_args(hidden_size, num_layers, dropout, proj_size, mode)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for kind, shape in shapes:
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(_ops.creation.empty(*shape, device=device,
                                                                      dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @staticmethod
    def _check_args(hidden_size, num_layers, dropout, proj_size, mode):
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) \
                or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        """A no-op: there is no fused weight buffer to compact."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _layer_params(self, index):
        names = self._all_weights[index]
        params = dict(zip((n.split("_l")[0] for n in names), (getattr(self, n) for n in names)))
        return (params["weight_ih"], params["weight_hh"], params.get("bias_ih"),
                params.get("bias_hh"), params.get("weight_hr"))

    def _run(self, input, state):
        """input (T, N, features) and per-layer-direction initial states -> (output, final
        states), states as the cell takes them (a tensor, or (h, c) for LSTM)."""
        cell = _CELLS[self.mode]
        directions = 2 if self.bidirectional else 1
        finals = []
        layer_input = input
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh, w_hr = self._layer_params(index)
                # unbind, not indexing: one node whose backward stacks the step gradients
                x_gates = F.linear(layer_input, w_ih, b_ih).unbind(0)
                steps = range(len(x_gates))
                hidden = state[index]
                out = [None] * len(x_gates)
                for t in (reversed(steps) if direction else steps):
                    out[t], hidden = cell(x_gates[t], hidden, w_hh, b_hh, w_hr)
                finals.append(hidden)
                outputs.append(_ops.join.stack(out))
            layer_input = outputs[0] if directions == 1 else _ops.join.cat(outputs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, finals

    def _run_packed(self, data, batch_sizes, state):
        """_run on a packed sequence's data and batch sizes: the output in the packed
        layout, and each sequence's state at its own last step."""
        cell = _CELLS[self.mode]
        directions = 2 if self.bidirectional else 1
        sizes = batch_sizes.tolist()
        finals = []
        layer_input = data
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                w_ih, w_hh, b_ih, b_hh, w_hr = self._layer_params(index)
                x_gates = F.linear(layer_input, w_ih, b_ih).split(sizes, 0)
                steps = _packed_reverse_steps if direction else _packed_forward_steps
                out, hidden = steps(cell, x_gates, sizes, state[index], (w_hh, b_hh, w_hr))
                finals.append(hidden)
                outputs.append(out)
            layer_input = outputs[0] if directions == 1 else _ops.join.cat(outputs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, finals

    def _forward_packed(self, packed, hx_list):
        """A PackedSequence through the layers: user states are permuted into the sorted
        order, and the final states back into the user's."""
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        if sorted_indices is not None:
            hx_list = [None if h is None else h.index_select(1, sorted_indices)
                       for h in hx_list]
        self._check_input(data, 2)
        states = [h.unbind(0) for h in self._states(hx_list, int(batch_sizes[0]), data.dtype)]
        output, finals = self._run_packed(data, batch_sizes, list(zip(*states))
                                          if self.mode == "LSTM" else list(states[0]))
        if self.mode == "LSTM":
            final = tuple(_ops.join.stack(parts) for parts in zip(*finals))
        else:
            final = (_ops.join.stack(finals),)
        if unsorted_indices is not None:
            final = tuple(f.index_select(1, unsorted_indices) for f in final)
        output = PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices)
        return output, final if self.mode == "LSTM" else final[0]

    def _check_input(self, input, expected_dim):
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight.dtype}). Convert input: input.to({weight.dtype}), or "
                             f"convert model: model.to({input.dtype})")
        if input.dim() != expected_dim:
            raise RuntimeError(f"input must have {expected_dim} dimensions, got {input.dim()}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _prepare(self, input, hx_list):
        """Check input and hidden states; return (T, N, F) input, batched flag, states."""
        if input.dim() not in (2, 3):
            name = {"LSTM": "LSTM", "GRU": "GRU"}.get(self.mode, "RNN")
            kind = "D tensor" if name == "RNN" else "D"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}{kind} "
                             "instead")
        batched = input.dim() == 3
        self._check_state_dims(hx_list, 3 if batched else 2)
        self._check_input(input, input.dim())
        if not batched:
            input = input.unsqueeze(1)
            hx_list = [None if h is None else h.unsqueeze(1) for h in hx_list]
        elif self.batch_first:
            input = input.transpose(0, 1)
        return input, batched, self._states(hx_list, input.shape[1], input.dtype)

    def _check_state_dims(self, hx_list, dims):
        given = [h for h in hx_list if h is not None]
        if all(h.dim() == dims for h in given):
            return
        shape = "batched 3-D" if dims == 3 else "unbatched 2-D"
        if self.mode == "LSTM":
            raise RuntimeError(f"For {shape} input, hx and cx should also be {dims}-D but got "
                               f"({given[0].dim()}-D, {given[1].dim()}-D) tensors")
        raise RuntimeError(f"For {shape} input, hx should also be {dims}-D but got "
                           f"{given[0].dim()}-D tensor")

    def _states(self, hx_list, batch, dtype):
        """The initial hidden (and cell) states, zeros where not given, checked."""
        directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        states = []
        for i, (h, size) in enumerate(zip(hx_list, (real_hidden, self.hidden_size))):
            expected = (self.num_layers * directions, batch, size)
            if h is None:
                h = _ops.creation.zeros(*expected, dtype=dtype)
            elif tuple(h.shape) != expected:
                which = f"hidden[{i}]" if self.mode == "LSTM" else "hidden"
                raise RuntimeError(f"Expected {which} size {expected}, got {list(h.shape)}")
            states.append(h)
        return states

    def _finish(self, output, batched):
        if not batched:
            return output.squeeze(1)
        return output.transpose(0, 1) if self.batch_first else output

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _unbatch(h, batched):
    return h if batched else h.squeeze(1)


def _forward_one_state(self, input, hx=None):
    """RNN's and GRU's forward: one state tensor per layer and direction."""
    if isinstance(input, PackedSequence):
        return self._forward_packed(input, [hx])
    x, batched, (h0,) = self._prepare(input, [hx])
    output, finals = self._run(x, list(h0.unbind(0)))
    return self._finish(output, batched), _unbatch(_ops.join.stack(finals), batched)


class RNN(RNNBase):
    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None,
                 dtype=None):
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, device, dtype)

    forward = _forward_one_state


class GRU(RNNBase):
    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)

    forward = _forward_one_state


class LSTM(RNNBase):
    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        h0, c0 = (None, None) if hx is None else hx
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, [h0, c0])
        x, batched, (h0, c0) = self._prepare(input, [h0, c0])
        output, finals = self._run(x, list(zip(h0.unbind(0), c0.unbind(0))))
        h_n = _ops.join.stack([h for h, _ in finals])
        c_n = _ops.join.stack([c for _, c in finals])
        return self._finish(output, batched), (_unbatch(h_n, batched), _unbatch(c_n, batched))


# =========================================================================================
# single-step cells: the same cell arithmetic as the layers, one time step per call

class RNNCellBase(Module):
    __constants__ = ("input_size", "hidden_size", "bias")

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        factory = {"device": device, "dtype": dtype}
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        rows = num_chunks * hidden_size
        self.weight_ih = Parameter(_ops.creation.empty(rows, input_size, **factory))
        self.weight_hh = Parameter(_ops.creation.empty(rows, hidden_size, **factory))
        if bias:
            self.bias_ih = Parameter(_ops.creation.empty(rows, **factory))
            self.bias_hh = Parameter(_ops.creation.empty(rows, **factory))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _step(self, cell, input, hx, n_states):
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = _ops.creation.zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
            hx = zeros if n_states == 1 else (zeros, zeros)
        elif not batched:
            hx = hx.unsqueeze(0) if n_states == 1 else tuple(h.unsqueeze(0) for h in hx)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} "
                               f"expected {self.input_size}")
        x_gates = F.linear(input, self.weight_ih, self.bias_ih)
        _, state = cell(x_gates, hx, self.weight_hh, self.bias_hh, None)
        if not batched:
            state = state.squeeze(0) if n_states == 1 else tuple(s.squeeze(0) for s in state)
        return state


class RNNCell(RNNCellBase):
    __constants__ = ("input_size", "hidden_size", "bias", "nonlinearity")

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        cell = _tanh_cell if self.nonlinearity == "tanh" else _relu_cell
        return self._step(cell, input, hx, 1)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        return self._step(_lstm_cell, input, hx, 2)


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        return self._step(_gru_cell, input, hx, 1)
