"""torch._dynamo.config: the settings programs read and set."""
# how many traces a compiled function keeps (torch's recompile_limit; cache_size_limit is
# its older name) before new kinds of arguments run eagerly
recompile_limit = 8
cache_size_limit = 8
accumulated_recompile_limit = 256
# how many times a replay may find a value read in Python changed before the trace is
# given up for eager runs
diverge_limit = 8
# how many times a function whose trace changed Python state (an optimizer's first step
# making its state) is traced again on a later call
state_retries = 3
suppress_errors = False
verbose = False
capture_scalar_outputs = False
capture_dynamic_output_shape_ops = False
