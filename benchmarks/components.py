#!/usr/bin/env python
"""Component benchmark: seconds per epoch of each from-scratch optimizer vs its Keras built-in (ratio ours / keras).

The book's MLP (784-300-100-10, ReLU, Glorot init) on synthetic MNIST-shaped samples
(`synthetic_split(n_train=N, n_valid=5000, n_test=100)`, N = 55,000 by default, as in the book), batch size 50,
trained with the package's engine: `train(model, data, optimizer, epochs=E, batch_size=50, quiet=True)`
(jit_compile "auto": XLA on CPU; E = `--epochs-per-call`, default 2). Every `train` call compiles its own functions,
so its first epoch includes tracing and XLA compilation and is dropped; the other E - 1 epochs
(`history["epoch_seconds"][1:]`) are the measurements.

Pairs (ours = training_deep_nets.optimizers, keras = keras.optimizers, same hyperparameters):
momentum (SGD momentum 0.9), nesterov, adagrad, rmsprop (momentum 0.9, eps 1e-10, the book's), adam, adamax,
nadam, adamw (weight decay 0.004).

Interleaving: for each pair, the two sides alternate in the order ours, keras, keras, ours, ours, keras, ... (`--reps`
calls each; A B B A, so that neither side always runs first), each side keeps training its own model (same seed,
same shuffling), and the reported ratio is median(ours) / median(keras) over
all measured epochs. The target is a ratio <= 1.05 (a from-scratch optimizer costs no more than the
built-in). After the runs, the two models of each pair have seen the same batches, so the largest weight difference
between them is printed too (XLA could fuse the two update rules differently; measured: 0, bit-identical).

Run from the repository root:  python benchmarks/components.py  [--n-train 55000] [--reps 4] [--epochs-per-call 2]
                                                                 [--only adam nadam] [--quick] [--json PATH]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, statistics, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
import keras

from training_deep_nets.core import atomic_write_text, check_int, format_device_report
from training_deep_nets.data import synthetic_split
from training_deep_nets.engine import train
from training_deep_nets.experiments import build_mlp
from training_deep_nets import optimizers as ours

TARGET_RATIO = 1.05
BATCH_SIZE = 50

# name -> (factory of our optimizer, factory of Keras's)
PAIRS = {
    "momentum": (lambda: ours.Momentum(0.01, momentum=0.9), lambda: keras.optimizers.SGD(0.01, momentum=0.9)),
    "nesterov": (lambda: ours.Momentum(0.01, momentum=0.9, nesterov=True),
                 lambda: keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True)),
    "adagrad": (lambda: ours.AdaGrad(0.01), lambda: keras.optimizers.Adagrad(0.01)),
    "rmsprop": (lambda: ours.RMSProp(1e-4, rho=0.9, momentum=0.9, epsilon=1e-10),
                lambda: keras.optimizers.RMSprop(1e-4, rho=0.9, momentum=0.9, epsilon=1e-10)),
    "adam": (lambda: ours.Adam(1e-3), lambda: keras.optimizers.Adam(1e-3)),
    "adamax": (lambda: ours.AdaMax(2e-3), lambda: keras.optimizers.Adamax(2e-3)),
    "nadam": (lambda: ours.Nadam(1e-3), lambda: keras.optimizers.Nadam(1e-3)),
    "adamw": (lambda: ours.AdamW(1e-3, weight_decay=0.004), lambda: keras.optimizers.AdamW(1e-3, weight_decay=0.004)),
}


class Side:
    "One side of a pair: a model and its optimizer, trained a little more at each measurement."
    def __init__(self, make_optimizer, data, epochs_per_call):
        self.model = build_mlp(784, (300, 100), 10, seed=42)
        self.optimizer, self.data, self.epochs, self.seconds = make_optimizer(), data, epochs_per_call, []

    def measure(self):
        r = train(self.model, self.data, self.optimizer, epochs=self.epochs, batch_size=BATCH_SIZE, quiet=True,
                  progress=False)
        self.seconds += r.history["epoch_seconds"][1:]  # epoch 0 of every call includes tracing / XLA


def bench_pair(name, data, reps, epochs_per_call):
    make_ours, make_keras = PAIRS[name]
    a, b = Side(make_ours, data, epochs_per_call), Side(make_keras, data, epochs_per_call)
    for rep in range(reps):  # ours, keras, keras, ours, ours, keras, ...: neither side always goes first
        first, second = (a, b) if rep % 2 == 0 else (b, a)
        first.measure(); second.measure()
    diff = max(float(np.abs(x - y).max()) for x, y in zip(a.model.get_weights(), b.model.get_weights()))
    ratio = statistics.median(a.seconds) / statistics.median(b.seconds)
    return dict(name=name, ours=a.seconds, keras=b.seconds, ours_median=statistics.median(a.seconds),
                keras_median=statistics.median(b.seconds), ratio=ratio, ok=ratio <= TARGET_RATIO,
                max_weight_diff=diff, our_class=type(a.optimizer).__name__, keras_class=type(b.optimizer).__name__)


def table(rows):
    lines = ["| optimizer | ours | keras | ours s/epoch (each) | keras s/epoch (each) | median ratio ours/keras | target <= 1.05 | max weight diff |",
             "| --- | --- | --- | --- | --- | ---: | :---: | ---: |"]
    for r in rows:
        each = lambda xs: ", ".join(f"{x:.3f}" for x in xs)
        lines.append(f"| {r['name']} | `{r['our_class']}` | `{r['keras_class']}` | {each(r['ours'])} | {each(r['keras'])} | "
                     f"{r['ratio']:.3f} | {'yes' if r['ok'] else 'NO'} | {r['max_weight_diff']:.1e} |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n-train", type=int, default=55_000, help="synthetic training samples (default 55,000, the book's)")
    p.add_argument("--reps", type=int, default=4, help="train() calls per side, alternating ours/keras (default 4)")
    p.add_argument("--epochs-per-call", type=int, default=2, help="epochs per train() call; the first is dropped (default 2)")
    p.add_argument("--only", nargs="+", choices=sorted(PAIRS), help="benchmark only these optimizers")
    p.add_argument("--quick", action="store_true", help="smoke test: 2,000 samples, 1 rep, 2 epochs per call")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON (atomically)")
    args = p.parse_args(argv)
    n_train = 2_000 if args.quick else check_int("--n-train", args.n_train, BATCH_SIZE)
    reps = 1 if args.quick else check_int("--reps", args.reps, 1)
    epochs_per_call = 2 if args.quick else check_int("--epochs-per-call", args.epochs_per_call, 2)
    names = args.only or list(PAIRS)

    print(format_device_report())
    print(f"book MLP 784-300-100-10, batch {BATCH_SIZE}, {n_train:,} synthetic samples, engine train() with XLA; "
          f"{reps} alternating train() calls per side x {epochs_per_call - 1} measured epochs; load average {os.getloadavg()[0]:.1f}")
    data = synthetic_split(n_train=n_train, n_valid=5000, n_test=100, seed=0)
    t0, rows = time.perf_counter(), []
    for name in names:
        rows.append(bench_pair(name, data, reps, epochs_per_call))
        r = rows[-1]
        print(f"  {name:<9} ours {r['ours_median']:.3f} s  keras {r['keras_median']:.3f} s  ratio {r['ratio']:.3f}",
              flush=True)
    print()
    print(table(rows))
    worst = max(r["ratio"] for r in rows)
    print(f"\nworst ratio {worst:.3f} (target <= {TARGET_RATIO}); {sum(r['ok'] for r in rows)}/{len(rows)} within target; "
          f"total {time.perf_counter() - t0:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        atomic_write_text(args.json, json.dumps(dict(
            date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            platform=platform.platform(), tensorflow=tf.__version__, keras=keras.__version__, n_train=n_train,
            batch_size=BATCH_SIZE, reps=reps, epochs_per_call=epochs_per_call, target_ratio=TARGET_RATIO, rows=rows), indent=1))
    return rows


if __name__ == "__main__":
    main()
