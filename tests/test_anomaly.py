"""Anomaly detection against the oracle: the same errors, warnings and state."""
import warnings

import pytest
from conftest import load_oracle

import taimatsu as tm

torch = load_oracle()


def _nan_backward(m):
    x = m.tensor([0.0, 1.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()


@pytest.mark.parametrize("check_nan", [True, False])
def test_detect_anomaly_reports_nan_gradients_as_torch(check_nan):
    outcome = []
    for m in (tm, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            with m.autograd.detect_anomaly(check_nan=check_nan):
                assert m.is_anomaly_enabled() and \
                    m.is_anomaly_check_nan_enabled() == check_nan
                try:
                    _nan_backward(m)
                    error = None
                except RuntimeError as e:
                    error = str(e)
        found = [str(w.message).split("\n")[0] for w in caught
                 if issubclass(w.category, UserWarning)]
        outcome.append((error, found, m.is_anomaly_enabled()))
    assert outcome[0] == outcome[1]


def test_set_detect_anomaly_as_a_call_and_a_context():
    for m in (tm, torch):
        m.autograd.set_detect_anomaly(True)
        assert m.is_anomaly_enabled()
        with m.autograd.set_detect_anomaly(False):
            assert not m.is_anomaly_enabled()
        assert m.is_anomaly_enabled()
        m.autograd.set_detect_anomaly(False)
        assert not m.is_anomaly_enabled()
        _nan_backward(m)  # off: the nan passes silently, as torch's


def test_a_failing_backward_names_its_forward_call():
    class Boom(tm.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    x = tm.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        with tm.autograd.detect_anomaly():
            y = Boom.apply(x).sum()  # the line the warning must name
            with pytest.raises(ValueError, match="boom"):
                y.backward()
    message = [str(w.message) for w in caught if "Error detected" in str(w.message)][0]
    assert message.startswith("Error detected in BoomBackward.")
    assert "y = Boom.apply(x).sum()" in message
