"""Time taimatsu against PyTorch on the reference workloads, in one run.

    python benchmarks/run.py [NAME ...]        (make bench)

Runs ../shared/bench/compare.py (alternating fresh processes, ratio of medians:
taimatsu / PyTorch, below 1 is faster) plus the large-matmul check against the
raw numpy call, and writes the table to benchmarks/results.md.
"""
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = pathlib.Path(os.environ.get("TAIMATSU_SHARED", ROOT.parent / "shared"))

MATMUL = """
import time, numpy as np, taimatsu as tm
a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
b = np.random.default_rng(1).standard_normal((1024, 1024)).astype(np.float32)
ta, tb = tm.from_numpy(a), tm.from_numpy(b)
def best(f, n=15):
    f()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return min(ts)
t_np = best(lambda: a @ b)
t_tm = best(lambda: ta @ tb)
print(f"{t_tm * 1e3:.2f} {t_np * 1e3:.2f}")
"""


def matmul_line():
    out = subprocess.run([sys.executable, "-c", MATMUL], capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode != 0:
        return f"matmul 1024x1024 failed: {out.stderr.strip().splitlines()[-1]}"
    t_tm, t_np = (float(v) for v in out.stdout.split())
    return (f"matmul 1024x1024 float32: taimatsu {t_tm:.2f} ms, numpy {t_np:.2f} ms, "
            f"ratio {t_tm / t_np:.3f}")


IMPORT = """
import time
t0 = time.perf_counter()
import {module}
t = time.perf_counter() - t0
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
print(t, int(hwm) / 1024)
"""


def import_lines():
    """Import time and peak memory of a fresh process.  compare.py's ru_maxrss figure is
    inherited from its parent (which has imported torch), so it reads the same for both;
    VmHWM belongs to the new process image only."""
    lines = []
    for module in ("taimatsu", "torch"):
        samples = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", IMPORT.format(module=module)],
                                 capture_output=True, text=True, cwd=ROOT)
            if out.returncode == 0:
                samples.append([float(v) for v in out.stdout.split()])
        if samples:
            t = min(s[0] for s in samples)
            mb = min(s[1] for s in samples)
            lines.append(f"import {module:9s} {t:6.3f} s  {mb:7.1f} MB peak (VmHWM)")
    return lines


def main(names):
    compare = SHARED / "bench" / "compare.py"
    if not compare.exists():
        sys.exit(f"{compare} not found (set TAIMATSU_SHARED)")
    proc = subprocess.run([sys.executable, str(compare), *names], capture_output=True,
                          text=True, cwd=ROOT)
    table = proc.stdout.rstrip()
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on this machine, one run "
             f"({os.cpu_count()} cores):", "", "```", table, matmul_line(), *import_lines(),
             "```", ""]
    text = "\n".join(lines)
    print(text)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
    (HERE / "results.md").write_text(text)


if __name__ == "__main__":
    main(sys.argv[1:])
