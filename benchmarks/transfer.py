#!/usr/bin/env python
"""Transfer benchmark: seconds per epoch with the frozen layers' outputs cached vs recomputed at every step.

The book's network for its frozen / cached experiments: 784-300-50-50-20-10 ReLU, hidden1 and hidden2 frozen,
plain SGD lr 0.01, on 55,000 synthetic MNIST-shaped samples (5,000 validation), for each batch size:

* engine, cached     `transfer.train_cached(model, data, opt, frozen="hidden[12]", epochs=2)`: hidden1-2's outputs
                     computed once (timed separately: "caching"), the layers above trained on them by the engine.
* engine, uncached   `freeze(model, "hidden[12]")` then `engine.train(model, data, opt, epochs=2)`: the frozen layers
                     run forward at every step (no gradient below hidden3).
* model.fit, frozen  the same frozen model in `model.fit` (default compile), and as a Keras expert would configure it
                     (`jit_compile=True, steps_per_execution` = one epoch).
* model.fit on the cache  what a Keras expert would write by hand: `predict` with the frozen part once, then `fit` the
                     upper layers on it (`jit_compile=True, steps_per_execution` = one epoch).

Every variant validates on the 5,000 validation samples each epoch. The measured epoch is the second of a 2-epoch
call (the first includes tracing). Variants are interleaved: one excluded warm-up each, then each repetition runs
every variant once in an order rotated by one; tables report medians. The cache's size and dtype are checked.

Run from the repository root:  python benchmarks/transfer.py  [--reps 5] [--batch-sizes 50 200] [--quick] [--json PATH]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `benchmarks.engine`, run as a script
import numpy as np
import tensorflow as tf
import keras

from training_deep_nets.core import atomic_write_text, check_int
from training_deep_nets.data import synthetic_split
from training_deep_nets.engine import train
from training_deep_nets.experiments import build_mlp
from training_deep_nets.transfer import cached_split, freeze, split_model, train_cached
from benchmarks.engine import EpochTimer, interleaved, verdict

TARGETS = {50: {"uncached / cached": (">=", 5.0)}, 200: {"uncached / cached": (">=", 5.0)}}
FROZEN = "hidden[12]"


def book_net():
    "The book's reused network (hidden1-3 from relu-clip, new hidden4 and outputs), freshly built and seeded."
    return build_mlp(784, (300, 50, 50, 20), 10, seed=42)


def loss():
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


class Cached:
    name = "engine: train_cached(frozen='hidden[12]')"
    def __init__(self, data, batch_size): self.data, self.batch_size, self.caching = data, batch_size, []
    def _run(self, epochs):
        r = train_cached(book_net(), self.data, keras.optimizers.SGD(0.01), frozen=FROZEN, epochs=epochs,
                         batch_size=self.batch_size, quiet=True, progress=False)
        self.caching.append(r.caching_seconds)
        return r.history["epoch_seconds"]
    def warmup(self): self._run(1)
    def measure(self): return self._run(2)[1]


class Uncached:
    name = "engine: freeze + train()"
    def __init__(self, data, batch_size): self.data, self.batch_size = data, batch_size
    def _run(self, epochs):
        model = book_net(); freeze(model, FROZEN)
        r = train(model, self.data, keras.optimizers.SGD(0.01), epochs=epochs, batch_size=self.batch_size, quiet=True, progress=False)
        return r.history["epoch_seconds"]
    def warmup(self): self._run(1)
    def measure(self): return self._run(2)[1]


class FitFrozen:
    "model.fit on the frozen model, default or expert-configured; or (on_cache) fit of the upper layers on a cache."
    def __init__(self, data, batch_size, expert=False, on_cache=False):
        self.data, self.batch_size, self.expert, self.on_cache = data, batch_size, expert, on_cache
        self.name = ("model.fit on a cache made by predict" if on_cache else "model.fit, frozen") + \
                    (" (jit_compile, spe=epoch)" if expert else "")
    def _run(self, epochs):
        model = book_net(); freeze(model, FROZEN)
        data = self.data
        if self.on_cache:
            lower, model = split_model(model, FROZEN)
            data = cached_split(self.data, lower)
        steps = len(data.X_train) // self.batch_size
        model.compile(keras.optimizers.SGD(0.01), loss(), metrics=["accuracy"],
                      **(dict(jit_compile=True, steps_per_execution=steps) if self.expert else {}))
        timer = EpochTimer()
        model.fit(data.X_train, data.y_train, batch_size=self.batch_size, epochs=epochs, shuffle=True, verbose=0,
                  validation_data=(data.X_valid, data.y_valid), validation_batch_size=min(5000, len(data.X_valid)), callbacks=[timer])
        return timer.seconds
    def warmup(self): self._run(1)
    def measure(self): return self._run(2)[1]


def bench_batch(data, batch_size, reps, log):
    variants = {"cached": Cached(data, batch_size), "uncached": Uncached(data, batch_size),
                "fit": FitFrozen(data, batch_size), "fit_expert": FitFrozen(data, batch_size, expert=True),
                "fit_cache_expert": FitFrozen(data, batch_size, expert=True, on_cache=True)}
    res = interleaved(variants, reps, log)
    c = res["cached"]["median"]
    caching = float(np.median(variants["cached"].caching))
    ratios = {"uncached / cached": res["uncached"]["median"] / c, "fit frozen / cached": res["fit"]["median"] / c,
              "best fit frozen / cached": res["fit_expert"]["median"] / c,
              "best fit on cache / cached": res["fit_cache_expert"]["median"] / c,
              "uncached / (cached + caching/20)": res["uncached"]["median"] / (c + caching / 20)}
    targets = TARGETS.get(batch_size, {})
    checks = {n: dict(value=v, target=None if n not in targets else f"{targets[n][0]} {targets[n][1]:g}", verdict=verdict(v, targets.get(n)))
              for n, v in ratios.items()}
    return dict(batch_size=batch_size, steps_per_epoch=len(data.X_train) // batch_size, caching_seconds=caching, variants=res, ratios=checks)


def format_batch(r, reps):
    out = [f"batch {r['batch_size']}: {r['steps_per_epoch']:,} steps/epoch, median of {reps} interleaved reps (validation every epoch)",
           f"  {'variant':<72} {'s/epoch':>8} {'min':>8} {'max':>8}"]
    for v in r["variants"].values(): out.append(f"  {v['name']:<72} {v['median']:8.3f} {v['min']:8.3f} {v['max']:8.3f}")
    out.append(f"  caching hidden1-2's outputs (train + valid + test, once per run): {r['caching_seconds']:.3f} s")
    out.append(f"  {'ratio':<34} {'value':>8} {'target':>9}  verdict")
    for name, c in r["ratios"].items(): out.append(f"  {name:<34} {c['value']:8.2f} {c['target'] or '':>9}  {c['verdict']}")
    return "\n".join(out)


def memory_check(data) -> str:
    "The cache's dtype and size against the data it replaces."
    model = book_net(); freeze(model, FROZEN)
    lower, _ = split_model(model, FROZEN)
    cache = cached_split(data, lower)
    assert cache.X_train.dtype == np.float32 and (cache.y_train is data.y_train or np.shares_memory(cache.y_train, data.y_train))
    return (f"cache: X_train {cache.X_train.dtype} {cache.X_train.shape} = {cache.X_train.nbytes / 2**20:.1f} MiB "
            f"(inputs: {data.X_train.nbytes / 2**20:.1f} MiB); labels shared with the data, not copied")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[50, 200])
    p.add_argument("--quick", action="store_true", help="5,500 samples, 2 reps: a smoke test, not a measurement")
    p.add_argument("--json", help="also write the results as JSON here")
    a = p.parse_args(argv)
    reps = 2 if a.quick else check_int("--reps", a.reps, 1)
    n_train = 5_500 if a.quick else 55_000
    data = synthetic_split(n_train=n_train, n_valid=5000, n_test=100, seed=0)
    print(f"Transfer benchmark  {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  nproc={os.cpu_count()}  "
          f"TF {tf.__version__} / Keras {keras.__version__}  Python {platform.python_version()}")
    print(f"MLP 784-300-50-50-20-10 ReLU, hidden1-2 frozen, SGD lr 0.01, synthetic MNIST-shaped data {n_train:,} train / 5,000 valid")
    print(memory_check(data))
    results = []
    for batch_size in a.batch_sizes:
        r = bench_batch(data, check_int("--batch-sizes", batch_size, 1), reps, lambda s: print(s, file=sys.stderr, flush=True))
        results.append(r)
        print(); print(format_batch(r, reps), flush=True)
    if a.json: atomic_write_text(a.json, json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
