# Two commands: `make demo` runs the tour, `make test` runs the tests and the
# acceptance programs the project claims.  Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench install clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/python examples/tour.py
	$(BIN)/python examples/demo.py

# the second run: the tests of tests/checked_device.txt on the "checked" device, whose
# arrays refuse to mix with numpy's (proof that those ops take their array module from
# the device)
test: $(VENV)/.test-installed
	$(BIN)/python -m pytest tests
	TAIMATSU_TEST_DEVICE=checked $(BIN)/python -m pytest tests

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
