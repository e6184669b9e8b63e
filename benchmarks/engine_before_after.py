#!/usr/bin/env python
"""Engine before/after a change: seconds per epoch of `train` in two checkouts of the package, run alternately.

Each measurement is a fresh process that imports the package from the given checkout (PYTHONPATH), trains the
book's MLP (784-300-100-10, SGD lr 0.01 momentum 0.9) on 55,000 synthetic samples for 3 epochs at each batch
size and reports the median of epochs 2 and 3 (epoch 1 includes tracing). The checkouts alternate A B B A ...
so that neither always runs first.

Run from the repository root:
  git worktree add /tmp/before <old commit>
  python benchmarks/engine_before_after.py /tmp/before . [--reps 3] [--batch-sizes 50 200]
"""
from __future__ import annotations
import argparse, json, os, statistics, subprocess, sys

CHILD = r"""
import json, os, sys, statistics
# import the package from PYTHONPATH (the checkout), not from an editable install's finder
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "") + repr(f)]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
try:
    from training_deep_nets.engine import train
    from training_deep_nets.experiments import build_mlp
except ImportError:  # the layout before the engine/experiments split
    from training_deep_nets.training import build_mlp, train
from training_deep_nets.data import synthetic_split
import training_deep_nets
data = synthetic_split(n_train=55000, n_valid=5000, n_test=100)
out = {"package": os.path.dirname(training_deep_nets.__file__)}
for b in json.loads(sys.argv[1]):
    r = train(build_mlp(784, (300, 100), 10, seed=42), data, keras.optimizers.SGD(0.01, momentum=0.9),
              epochs=3, batch_size=b, quiet=True, progress=False)
    out[str(b)] = statistics.median(r.history["epoch_seconds"][1:])
print("@@" + json.dumps(out))
"""

def measure(checkout, batch_sizes):
    env = {**os.environ, "PYTHONPATH": os.path.abspath(checkout), "TF_CPP_MIN_LOG_LEVEL": "3"}
    p = subprocess.run([sys.executable, "-c", CHILD, json.dumps(batch_sizes)], capture_output=True, text=True, env=env,
                       cwd=os.path.abspath(checkout), timeout=900)  # `-c` puts the working folder first on sys.path
    lines = [l for l in p.stdout.splitlines() if l.startswith("@@")]
    if p.returncode or not lines: raise SystemExit(f"{checkout}: failed\n{p.stderr[-2000:]}")
    return json.loads(lines[-1][2:])

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("before"); p.add_argument("after")
    p.add_argument("--reps", type=int, default=3); p.add_argument("--batch-sizes", type=int, nargs="+", default=[50, 200])
    a = p.parse_args()
    runs = {"before": [], "after": []}
    for rep in range(a.reps):
        for side in (("before", "after") if rep % 2 == 0 else ("after", "before")):
            r = measure(getattr(a, side), a.batch_sizes); runs[side].append(r)
            print(f"rep {rep + 1} {side}: " + "  ".join(f"batch {b}: {r[str(b)]:.3f}s" for b in a.batch_sizes), file=sys.stderr, flush=True)
    print(f"package imported from: before {runs['before'][0]['package']}, after {runs['after'][0]['package']}")
    print(f"{'batch':>6} {'before s/epoch':>15} {'after s/epoch':>14} {'after / before':>15}")
    for b in a.batch_sizes:
        med = {s: statistics.median(r[str(b)] for r in runs[s]) for s in runs}
        print(f"{b:>6} {med['before']:15.3f} {med['after']:14.3f} {med['after'] / med['before']:15.3f}")

if __name__ == "__main__":
    main()
