#!/usr/bin/env python
"""Diagnostics benchmark: what `TrainingDiagnostics(every_n_steps=50)` costs, in `model.fit` and in the engine.

The book's MLP (784-300-100-10, ReLU, SGD lr 0.01 momentum 0.9) on Fashion-MNIST's 55,000 training images (5,000
validation images every epoch), batch 50 (1,100 steps an epoch); the probe batch is the first 256 training images.
Seconds per epoch, each the SECOND epoch of a 2-epoch call (the first includes tracing):

* fit                 `model.fit` (default compile, steps_per_execution=1), validation every epoch;
* fit + diagnostics   the same with `TrainingDiagnostics(X_probe, y_probe, every_n_steps=50)`;
* engine              `train()` as it runs by default (XLA, a whole epoch per compiled call);
* engine + diagnostics the same with `TrainingDiagnostics(every_n_steps=50)`: it samples from inside the engine's
                      compiled loop (its step monitor), into small buffers (statistics and histogram quantiles) read
                      out after each call;
* engine + diagnostics every 10  the same, sampling 5 times as often (every // 5 steps): (its epoch - the engine's) / its samples is the
                      cost of one sample, measured on 110 samples instead of 22, so that the noise between runs
                      blurs it less; 22 such samples over the engine's epoch is the projected share at every 50;
* engine + diagnostics, 128-image probe  the same with a probe batch of half the size: a sample's work is about that
                      of one training step on the probe batch, so its cost scales with the probe;
* engine, no XLA / engine, no XLA + diagnostics  the same two with `train(jit_compile=False)`;
* engine + no-op batch hook  `train()` with a callback whose `on_train_batch_end` does nothing: a batch hook makes
                      the engine run one step per call (what the diagnostics cost before they moved into the loop).

The diagnostics variants also add up the wall time spent in the callback's own Python code during the timed epoch
(its hooks in fit; in the engine, reading its buffers out after each call): its share of that epoch is measured within
one run, which the noise between runs does not blur. In the engine the probe itself runs inside the compiled loop, so
its cost shows only in the ratio.

Interleaving: every variant runs one excluded warm-up, then each repetition runs every variant once, in an order
rotated by one at each repetition (benchmarks/engine.py's `interleaved`); the tables report medians.

On a shared machine whose load moves within seconds, the ratio of two medians can swing either way; the table
of paired ratios divides each variant's epoch by the default engine's epoch of the same repetition (run within
seconds of it) and reports the median and the min-to-max range of those.

Run from the repository root:  python benchmarks/diagnostics.py  [--reps 3] [--every 50] [--json PATH]
                               python benchmarks/diagnostics.py --only engine,engine_diag,engine_diag_half --reps 15
                               python benchmarks/diagnostics.py --xla-hook 5000   (the XLA recompilation check only)
                               python benchmarks/diagnostics.py --parts --reps 15  (one sample's work alone, in ms)

--parts times one sample's work alone, each part XLA-compiled in a loop of 100 (the kernels nudged by 1e-7 at each
turn, so that XLA cannot hoist the probe out of the loop; then copied into variables of their own, the snapshot that
the next turn's update ratios read: two buffers, as in the engine's watched step), against one training step of the
engine's own compiled loop (batch 50, steps 0 to 100 of an epoch, run as `train` runs them): the probe with the
first kernel's gradient taken directly, the probe as it runs (the norm of that gradient from the QR factor of the
fixed probe images, 12_diagnostics), and the probe with the histogram quantiles, which is the sample the engine's
loop runs; and, for its parts, the probe's forward pass alone and its forward and backward pass alone (the probe's
own `forward` and `passes`). Two more rows compare formulations with the ones the probe uses: its statistics and
update ratios with plain reductions (`tf.reduce_sum`, `tf.norm`: what `_sum` and `_norm` replace; XLA on the CPU runs
them as serial chains of additions), taken against the two passes with plain reductions (their gradient norms
`tf.norm`: the backward pass's own row), and a sample with the histograms taken of the activations flattened to one axis
(what `_histogram_quantiles` no longer does). The rounds interleave the parts; the paired ratios divide within a
round. A sample's share of 50 training steps is the projected cost at every 50 steps, without the engine's per-epoch
work (validation, the read-outs), which the epoch-level figures include.
"""
from __future__ import annotations
import argparse, contextlib, datetime, json, os, platform, statistics, sys, time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine import EpochTimer, interleaved, make_model   # benchmarks/engine.py: the same model and protocol

import training_deep_nets.diagnostics as diagnostics
from training_deep_nets.core import atomic_write_text, check_int
from training_deep_nets.data import load_fashion_mnist
from training_deep_nets.diagnostics import TrainingDiagnostics, _blocks, _histogram_quantiles, _make_probe
from training_deep_nets.engine import _make_local_steps, batch_order, train

BATCH, PROBE = 50, 256
TARGET = 1.10   # with the callback / without, sampling every 50 steps


class TimedDiagnostics(TrainingDiagnostics):
    "TrainingDiagnostics that also adds up the wall time spent inside its hooks (its own cost, within the same run)."
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds = {}
    def _timed(self, hook, *args):
        t0 = time.perf_counter()
        getattr(super(), hook)(*args)
        self.seconds[self._epoch] = self.seconds.get(self._epoch, 0.0) + time.perf_counter() - t0
    def on_epoch_begin(self, epoch, logs=None): self._epoch = epoch
    def on_train_begin(self, logs=None): self._epoch = -1; self._timed("on_train_begin", logs)
    def on_train_batch_begin(self, batch, logs=None): self._timed("on_train_batch_begin", batch, logs)
    def on_train_batch_end(self, batch, logs=None): self._timed("on_train_batch_end", batch, logs)
    def step_monitor(self, xla):
        sampler = super().step_monitor(xla)
        flush = sampler.flush
        def timed_flush():
            t0 = time.perf_counter(); flush()
            self.seconds[self._epoch] = self.seconds.get(self._epoch, 0.0) + time.perf_counter() - t0
        sampler.flush = timed_flush
        return sampler


@contextlib.contextmanager
def plain_reductions():
    "Inside it, the probe's sums are `tf.reduce_sum` and its norms `tf.norm` (what `_sum` and `_norm` replace): trace the comparison in it."
    saved = diagnostics._sum, diagnostics._norm
    diagnostics._sum, diagnostics._norm = tf.reduce_sum, tf.norm
    try: yield
    finally: diagnostics._sum, diagnostics._norm = saved


class CPUTimer(keras.callbacks.Callback):
    "The process's CPU seconds (all its threads) in each epoch: time the host takes the CPUs away (steal) does not count."
    def on_train_begin(self, logs=None): self.seconds = []
    def on_epoch_begin(self, epoch, logs=None): self.c0 = time.process_time()
    def on_epoch_end(self, epoch, logs=None): self.seconds.append(time.process_time() - self.c0)


class NoOpHook(keras.callbacks.Callback):
    "A batch hook that does nothing: the engine's one-step-per-call mode, without any work in the hook."
    def on_train_batch_end(self, batch, logs=None): pass


class Engine:
    def __init__(self, data, name, jit_compile="auto", callback=None):
        self.data, self.jit, self.callback, self.name = data, jit_compile, callback, name
        self.in_hooks, self.cpu = [], []

    def _run(self, epochs):
        model, opt = make_model()
        callbacks = [self.callback()] if self.callback else []
        timer = CPUTimer()   # epoch hooks only: the engine still runs whole epochs per call
        r = train(model, self.data, opt, epochs=epochs, batch_size=BATCH, quiet=True, progress=False,
                  jit_compile=self.jit, callbacks=callbacks + [timer])
        self.last = callbacks
        if callbacks and isinstance(callbacks[0], TimedDiagnostics): self.in_hooks.append(callbacks[0].seconds.get(1, 0.0))
        self.cpu_last = timer.seconds
        return r.history["epoch_seconds"]

    def warmup(self): self._run(1)
    def measure(self):
        seconds = self._run(2)[1]
        self.epochs = getattr(self, "epochs", []) + [seconds]
        self.cpu.append(self.cpu_last[1])
        return seconds


class Fit:
    def __init__(self, data, name, callback=None):
        self.data, self.callback, self.name = data, callback, name
        self.in_hooks = []

    def _run(self, epochs):
        model, opt = make_model()
        model.compile(optimizer=opt, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        timer = EpochTimer()
        callbacks = [timer] + ([self.callback()] if self.callback else [])
        d = self.data
        model.fit(d.X_train, d.y_train, batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0,
                  validation_data=(d.X_valid, d.y_valid), validation_batch_size=min(5000, len(d.X_valid)), callbacks=callbacks)
        self.last = callbacks
        if self.callback: self.in_hooks.append(callbacks[1].seconds.get(1, 0.0))
        return timer.seconds

    def warmup(self): self._run(1)
    def measure(self):
        seconds = self._run(2)[1]
        self.epochs = getattr(self, "epochs", []) + [seconds]
        return seconds


def parts(data, reps:int, every:int):
    "One sample's work alone against one training step, each XLA-compiled in a loop of 100: ms each, and paired ratios."
    turns = 100
    model, opt = make_model()
    model(data.X_train[:2])
    blocks = _blocks(model)
    kernels = [b[0].kernel for b in blocks]
    X_probe, y_probe = data.X_train[:PROBE], data.y_train[:PROBE].astype("int32")
    direct = _make_probe(model, blocks, 0.01, False, X_probe, y_probe, qr_first=False)
    qr = _make_probe(model, blocks, 0.01, False, X_probe, y_probe)
    plain = _make_probe(model, blocks, 0.01, False, X_probe, y_probe)   # traced with plain reductions, below
    assert qr.fixed_first_input and blocks[0][1] == 0, "the book's network: its first layer is the Dense that takes the QR path"
    # the kernels before the "step", in buffers of their own, carried over from the turn before: a snapshot taken in
    # the same turn would let XLA read one buffer for both sides of the update ratio ((w + 1e-7) - w)
    snapshot = [tf.Variable(k.value, trainable=False) for k in kernels]
    levels = TrainingDiagnostics(X_probe, y_probe).levels
    X, y = tf.constant(data.X_train), tf.constant(data.y_train.astype("int32"))
    order = tf.constant(batch_order(len(data.X_train), BATCH, np.random.default_rng(0)))
    opt.build(model.trainable_variables)
    engine_steps = _make_local_steps(model, opt, model.trainable_variables, None, True)   # the engine's loop, as train() makes it

    def looped(body, nudge=True):
        @tf.function(jit_compile=True)
        def run():
            def turn(i, acc):
                if nudge:
                    for k in kernels: k.assign_add(tf.fill(k.shape, 1e-7))   # the weights move: nothing is hoisted
                acc += body(i)
                if nudge:
                    for b, k in zip(snapshot, kernels): b.assign(k)           # the snapshot for the next turn
                return i + 1, acc
            return tf.while_loop(lambda i, acc: i < turns, turn, (tf.constant(0), tf.constant(0.0)))[1]
        return run

    def sample(probe, histograms, flat=False):
        def body(i):
            rows, activations = probe([b.read_value() for b in snapshot])
            total = tf.reduce_sum(tf.where(tf.math.is_nan(rows), 0.0, rows)) + tf.add_n([tf.reduce_sum(a[:1]) for a in activations])
            if flat: activations = [tf.reshape(a, [-1]) for a in activations]   # the obvious input: all values in one axis
            if histograms: total += tf.add_n([tf.reduce_sum(_histogram_quantiles(a, levels, TrainingDiagnostics.QUANTILE_BINS)) for a in activations])
            return total
        return body
    def forward(i):   # the probe's forward pass alone (the first Dense layer from its fixed input)
        outputs, _, _ = qr.forward()
        return tf.add_n([tf.reduce_sum(o[:1]) for o in outputs if o is not None])
    def forward_backward(probe):   # its forward and backward pass: the layers' outputs and the kernels' gradient norms
        def body(i):
            outputs, grad_norms = probe.passes()
            return tf.add_n(grad_norms) + tf.add_n([tf.reduce_sum(o[:1]) for o in outputs if o is not None])
        return body
    variants = {"step": ("one training step of the engine (batch 50)", lambda: engine_steps(X, y, order, tf.constant(0), tf.constant(turns))[0]),
                "nudge": ("the loop alone (snapshot and nudge of the kernels)", looped(lambda i: tf.constant(0.0))),
                "forward": ("the probe's forward pass", looped(forward)),
                "forward_backward": ("its forward and backward pass (gradient norms)", looped(forward_backward(qr))),
                "direct": ("probe, first kernel's gradient taken directly", looped(sample(direct, False))),
                "qr": ("probe, its norm from the QR factor (as it runs)", looped(sample(qr, False))),   # + statistics, update ratios
                "sample": ("probe (QR) + histogram quantiles: one sample", looped(sample(qr, True))),
                "plain_passes": ("its two passes, plain reductions (tf.norm)", looped(forward_backward(plain))),
                "plain": ("probe (QR), plain reductions (tf.reduce_sum, tf.norm)", looped(sample(plain, False))),
                "flat": ("one sample, histograms of flattened activations", looped(sample(qr, True, flat=True)))}
    for k, (_, run) in variants.items():   # compile
        with plain_reductions() if k.startswith("plain") else contextlib.nullcontext(): run()
    # the patch took: the plain probe's graph holds fewer matrix products than the probe's (no `_sum` in it)
    before = [b.read_value() for b in snapshot]
    matmuls = lambda probe: sum(op.type == "MatMul" for op in probe.get_concrete_function(before).graph.get_operations())
    assert matmuls(plain) < matmuls(qr), (matmuls(plain), matmuls(qr))
    # wall time, and the process's CPU time (all its threads): a host that takes the CPUs away for a while (steal)
    # stretches the first, not the second
    ms, cpu = {k: [] for k in variants}, {k: [] for k in variants}
    for r in range(reps):
        for k in list(variants)[r % len(variants):] + list(variants)[:r % len(variants)]:
            t0, c0 = time.perf_counter(), time.process_time()
            variants[k][1]().numpy()
            ms[k].append((time.perf_counter() - t0) / turns * 1e3); cpu[k].append((time.process_time() - c0) / turns * 1e3)
    med = statistics.median
    print(f"\n  {'part (XLA, in a loop of %d)' % turns:56s} {'wall ms':>8s} {'min':>7s} {'max':>7s} {'CPU ms':>8s} {'min':>7s}")
    for k, (name, _) in variants.items():
        print(f"  {name:56s} {med(ms[k]):8.3f} {min(ms[k]):7.3f} {max(ms[k]):7.3f} {med(cpu[k]):8.3f} {min(cpu[k]):7.3f}")
    paired = lambda t, a, b: [x / y for x, y in zip(t[a], t[b])]
    print(f"\n  paired ratios over {reps} rounds: {'wall':>7s} {'min':>6s} {'max':>6s} {'CPU':>7s}")
    for label, a, b in (("probe direct / probe with QR", "direct", "qr"), ("one sample / one training step", "sample", "step")):
        r = paired(ms, a, b)
        print(f"  {label:34s} {med(r):7.3f} {min(r):6.3f} {max(r):6.3f} {med(paired(cpu, a, b)):7.3f}")
    print(f"\n  a sample's parts, from paired differences (ms, median over the rounds): {'wall':>6s} {'CPU':>7s}")
    diff = lambda t, a, b: med([x - y for x, y in zip(t[a], t[b])])
    for label, a, b in (("forward pass", "forward", "nudge"), ("backward pass (gradient norms)", "forward_backward", "forward"),
                        ("statistics and update ratios", "qr", "forward_backward"), ("histogram quantiles", "sample", "qr"),
                        ("  the same, plain reductions", "plain", "plain_passes"), ("  the same, flattened activations", "flat", "qr"),
                        ("backward pass, plain reductions", "plain_passes", "forward")):
        print(f"  {label:70s} {diff(ms, a, b):6.3f} {diff(cpu, a, b):7.3f}")
    for label, t in (("wall", ms), ("CPU", cpu)):
        share = [x / (every * y) for x, y in zip(t["sample"], t["step"])]
        print(f"  one sample / {every} training steps ({label} time; the projected cost at every {every}): median {100 * med(share):.1f} % "
              f"(range {100 * min(share):.1f} to {100 * max(share):.1f} %)")

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--every", type=int, default=50)
    p.add_argument("--json", default=None)
    p.add_argument("--only", default=None, help="comma-separated variant names to run (default: all)")
    p.add_argument("--xla-hook", type=int, default=0, metavar="N",
                   help="only time the first epoch of train() with XLA and a no-op batch hook on the first N training images, "
                        "against the same without the hook (the per-step XLA recompilation), and exit")
    p.add_argument("--parts", action="store_true", help="only time one sample's work alone against one training step, and exit")
    a = p.parse_args(argv)
    reps, every = check_int("--reps", a.reps, 1), check_int("--every", a.every, 1)
    t_start = time.perf_counter()
    load_before = os.getloadavg()
    data = load_fashion_mnist(quiet=True)
    if a.xla_hook:
        n = check_int("--xla-hook", a.xla_hook, BATCH)
        part = (data.X_train[:n], data.y_train[:n])
        print(f"XLA and batch hooks  {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  nproc={os.cpu_count()}  "
              f"TF {tf.__version__}; {data.source}, first {n:,} training images, batch {BATCH} ({n // BATCH} steps an epoch)")
        for label, callbacks, jit in (("train(), XLA, no callback", [], True), ("train(), XLA, no-op batch hook", [NoOpHook()], True),
                                      ("train(), no XLA, no-op batch hook", [NoOpHook()], False)):
            model, opt = make_model()
            r = train(model, part, opt, epochs=2, batch_size=BATCH, quiet=True, progress=False, jit_compile=jit, callbacks=callbacks)
            print(f"  {label:36s} epoch 1 {r.history['epoch_seconds'][0]:7.2f} s   epoch 2 {r.history['epoch_seconds'][1]:6.2f} s", flush=True)
        return
    if a.parts:
        print(f"Parts of a sample  {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  nproc={os.cpu_count()}  "
              f"TF {tf.__version__}; MLP 784-300-100-10, probe batch {PROBE} training images; {reps} interleaved rounds")
        parts(data, reps, every)
        print(f"  load average (1/5/15 min) before: {' '.join(f'{v:.2f}' for v in load_before)}   after: "
              f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}   (on {os.cpu_count()} CPUs); total {time.perf_counter() - t_start:.0f}s")
        return
    X_probe, y_probe = data.X_train[:PROBE], data.y_train[:PROBE]
    diag = lambda: TimedDiagnostics(X_probe, y_probe, every_n_steps=every)
    often = max(every // 5, 1)   # the frequent variant: the cost of one sample, from 5 times as many
    print(f"Diagnostics benchmark  {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  nproc={os.cpu_count()}  "
          f"TF {tf.__version__} / Keras {keras.__version__}  Python {platform.python_version()}")
    print(f"MLP 784-300-100-10, SGD lr 0.01 momentum 0.9, batch {BATCH}; {data.source}; probe batch {PROBE} training images; "
          f"TrainingDiagnostics(every_n_steps={every}); median of {reps} interleaved reps, the 2nd epoch of each call", flush=True)
    variants = {"fit": Fit(data, "model.fit"),
                "fit_diag": Fit(data, f"model.fit + TrainingDiagnostics(every {every})", diag),
                "engine": Engine(data, "engine: train() (XLA, whole epochs)"),
                "engine_diag": Engine(data, f"engine: train() + TrainingDiagnostics(every {every})", "auto", diag),
                "engine_diag_half": Engine(data, f"engine: train() + TrainingDiagnostics(every {every}), probe {PROBE // 2}", "auto",
                                           lambda: TimedDiagnostics(X_probe[:PROBE // 2], y_probe[:PROBE // 2], every_n_steps=every)),
                "engine_diag10": Engine(data, f"engine: train() + TrainingDiagnostics(every {often})", "auto",
                                        lambda: TimedDiagnostics(X_probe, y_probe, every_n_steps=often)),
                "engine_nojit": Engine(data, "engine: train(jit_compile=False)", False),
                "engine_diag_nojit": Engine(data, f"engine: jit_compile=False + TrainingDiagnostics(every {every})", False, diag),
                "engine_hook": Engine(data, "engine: train() + no-op batch hook", "auto", NoOpHook)}
    if a.only:
        wanted = a.only.split(",")
        unknown = [k for k in wanted if k not in variants]
        if unknown: raise SystemExit(f"--only: unknown variants {unknown}; known: {list(variants)}")
        variants = {k: variants[k] for k in wanted}
    res = interleaved(variants, reps, lambda s: print(s, flush=True))
    print(f"\n  {'variant':62s} {'s/epoch':>8s} {'min':>8s} {'max':>8s}")
    for k, r in res.items(): print(f"  {r['name']:62s} {r['median']:8.3f} {r['min']:8.3f} {r['max']:8.3f}")
    m = {k: r["median"] for k, r in res.items()}
    if "engine" in variants:
        print(f"\n  paired ratios (each rep's epoch / the default engine's epoch of the same rep), over {reps} reps:")
        print(f"  {'variant':62s} {'median':>7s} {'min':>6s} {'max':>6s}")
        for k, v in variants.items():
            if k == "engine": continue
            paired = [x / e for x, e in zip(v.epochs[-reps:], variants["engine"].epochs[-reps:])]
            print(f"  {v.name:62s} {statistics.median(paired):7.3f} {min(paired):6.3f} {max(paired):6.3f}")
        engines = {k: v for k, v in variants.items() if isinstance(v, Engine)}
        print(f"\n  the same in CPU time (the process's CPU seconds in the timed epoch, all threads; steal does not count):")
        print(f"  {'variant':62s} {'CPU s':>7s} {'paired':>7s} {'min':>6s} {'max':>6s}")
        for k, v in engines.items():
            paired = [x / e for x, e in zip(v.cpu[-reps:], variants["engine"].cpu[-reps:])]
            print(f"  {v.name:62s} {statistics.median(v.cpu[-reps:]):7.3f} {statistics.median(paired):7.3f} {min(paired):6.3f} {max(paired):6.3f}")
    if a.only:
        print(f"  load average (1/5/15 min) before: {' '.join(f'{v:.2f}' for v in load_before)}   after: "
              f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}   (on {os.cpu_count()} CPUs)")
        return
    samples = len(variants["fit_diag"].last[1].steps)
    ratios = [("fit + diagnostics / fit", m["fit_diag"] / m["fit"], TARGET),
              ("engine + diagnostics / engine (default)", m["engine_diag"] / m["engine"], TARGET),
              (f"engine + diagnostics, probe {PROBE // 2} / engine", m["engine_diag_half"] / m["engine"], TARGET),
              (f"engine + diagnostics every {often} / engine", m["engine_diag10"] / m["engine"], None),
              ("engine, no XLA: + diagnostics / without", m["engine_diag_nojit"] / m["engine_nojit"], TARGET),
              ("engine + no-op batch hook / engine (default)", m["engine_hook"] / m["engine"], None),
              ("fit + diagnostics / engine + diagnostics", m["fit_diag"] / m["engine_diag"], None)]
    print(f"\n  {'ratio':46s} {'value':>6s} {'target':>8s}  verdict")
    for name, value, target in ratios:
        print(f"  {name:46s} {value:6.2f} {('<= %.2f' % target) if target else '':>8s}  "
              f"{'n/a' if target is None else ('PASS' if value <= target else 'MISS')}")
    print(f"\n  samples per 2-epoch call: {samples} (before training, then every {every} steps)")
    steps = len(data.X_train) // BATCH
    many = steps // often
    per_sample = (m["engine_diag10"] - m["engine"]) / many
    print(f"  one sample in the XLA engine, from the every-{often} run: ({m['engine_diag10']:.3f} - {m['engine']:.3f}) s / {many} "
          f"samples = {1e3 * per_sample:.2f} ms; {steps // every} of them = {100 * per_sample * (steps // every) / m['engine']:.1f} % "
          f"of the engine's epoch (target <= {100 * (TARGET - 1):.0f} %)")
    print("  time spent in the callback's Python code in the timed epoch, as a share of that epoch, median over reps:")
    for k in ("fit_diag", "engine_diag", "engine_diag10", "engine_diag_nojit"):
        v = variants[k]
        share = statistics.median(h / e for h, e in zip(v.in_hooks[-reps:], v.epochs[-reps:]))
        print(f"    {v.name:62s} {statistics.median(v.in_hooks[-reps:]):.3f} s  = {100 * share:.1f} %")
    print(f"  load average (1/5/15 min) before: {' '.join(f'{v:.2f}' for v in load_before)}   after: "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}   (on {os.cpu_count()} CPUs)")
    print(f"  total wall time {time.perf_counter() - t_start:.0f}s")
    if a.json:
        atomic_write_text(a.json, json.dumps(dict(results=res, ratios={n: v for n, v, _ in ratios}), indent=1, default=float))


if __name__ == "__main__":
    main()
