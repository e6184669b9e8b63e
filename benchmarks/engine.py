#!/usr/bin/env python
"""Engine benchmark: seconds per epoch of the package's training engine vs `model.fit`, an eager loop and the FLOP floor.

The book's MLP (784-300-100-10, ReLU, SGD lr 0.01 momentum 0.9) on 55,000 synthetic MNIST-shaped samples
(`synthetic_split(n_train=55000, n_valid=5000, n_test=100)`), one epoch at a time, for each batch size:

* engine            `train(model, data, opt, epochs=2, batch_size=B, quiet=True)` (jit_compile "auto": XLA on CPU);
                    the measured epoch is the SECOND of the call (`history["epoch_seconds"][1]`): every `train` call
                    compiles its own functions, so its first epoch includes tracing / XLA compilation.
* engine, no XLA    the same with `jit_compile=False`.
* model.fit         compiled with the same optimizer, SparseCategoricalCrossentropy(from_logits=True) and an
                    accuracy metric (the engine tracks train accuracy too); `fit(epochs=2, batch_size=B,
                    shuffle=True, verbose=0)`; the second epoch is timed by a callback (on_epoch_begin ->
                    on_epoch_end), like the engine's epoch_seconds.
* model.fit(steps_per_execution=50)   the same, compiled with steps_per_execution=50.
* model.fit(jit_compile=True, steps_per_execution=50 / a whole epoch)   what a Keras expert configures; the best
                    of the four `fit` lines is the "best configured fit" the engine is measured against.
* eager             `eager_reference_train` (a plain GradientTape loop) is slow, so it runs `--eager-steps` steps
                    (a fraction of an epoch), scaled to a full epoch's steps, plus one timed eager validation pass.
* FLOP floor        6 x 266,610 parameters x samples / (float32 FLOP/s of a repeated 2048x2048 tf.matmul).

Validation: ALL variants validate on the 5,000 validation samples every epoch (the engine always does; fit gets
`validation_data` with `validation_batch_size=5000`, i.e. one batch like the engine's evaluation; the eager line adds
one eager forward pass over them).

Interleaving: per batch size, every variant first runs one excluded warm-up; then each repetition runs every
variant once, in an order rotated by one at each repetition; the tables report the median over repetitions.

Run from the repository root:  python benchmarks/engine.py  [--reps 5] [--batch-sizes 50 200] [--quick] [--json PATH]
"""
from __future__ import annotations
import argparse, datetime, json, os, platform, resource, statistics, sys, time
from types import SimpleNamespace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
import keras

from training_deep_nets.core import atomic_write_text, check_int, run_isolated, set_seed
from training_deep_nets.data import synthetic_split
from training_deep_nets.engine import train
from training_deep_nets.experiments import build_mlp
from training_deep_nets.testing import eager_reference_train

N_PARAMS = 266_610  # 784*300+300 + 300*100+100 + 100*10+10
# batch size -> {ratio: (comparison, threshold)}; batch sizes without targets get "n/a" verdicts
TARGETS = {
    50: {"best configured fit / engine": (">=", 2.0), "fit / engine": (">=", 2.5), "eager / engine": (">=", 10.0),
         "engine / FLOP floor": ("<=", 2.5)},
    200: {"best configured fit / engine": (">=", 2.0), "fit / engine": (">=", 1.5), "engine / FLOP floor": ("<=", 1.5)},
}
RSS_TARGET_MB = 2048          # this process, every variant
ENGINE_RSS_TARGET_MB = 1200   # a process that only trains with the engine
MATMUL_N, MATMUL_REPEATS = 2048, 8


def rss_mb() -> float:
    "Peak resident set size of this process so far, in MB (Linux ru_maxrss is in KiB)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_model():
    "The book's MLP and its optimizer, freshly built and seeded."
    model = build_mlp(784, (300, 100), 10, seed=42)
    assert model.count_params() == N_PARAMS, model.count_params()
    return model, keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)


# ---------------------------------------------------------------- variants: warmup() then measure() -> s/epoch
class Engine:
    def __init__(self, data, batch_size, jit_compile="auto"):
        self.data, self.batch_size, self.jit = data, batch_size, jit_compile
        self.model, self.opt = make_model()
        self.name = "engine: train()" + ("" if jit_compile == "auto" else f", jit_compile={jit_compile}")

    def _run(self, epochs):
        r = train(self.model, self.data, self.opt, epochs=epochs, batch_size=self.batch_size, quiet=True,
                  progress=False, jit_compile=self.jit)
        return r.history["epoch_seconds"]

    def warmup(self): self._run(1)
    def measure(self): return self._run(2)[1]  # epoch 0 of every call includes tracing


class EpochTimer(keras.callbacks.Callback):
    "Seconds of each epoch, from on_epoch_begin to on_epoch_end (fit validates before on_epoch_end)."
    def on_train_begin(self, logs=None): self.seconds = []
    def on_epoch_begin(self, epoch, logs=None): self.t0 = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None): self.seconds.append(time.perf_counter() - self.t0)


class Fit:
    "model.fit, as configured: the default, or what a Keras expert sets (jit_compile=True, steps_per_execution)."
    def __init__(self, data, batch_size, steps_per_execution=1, jit_compile="auto"):
        self.data, self.batch_size = data, batch_size
        self.model, opt = make_model()
        self.model.compile(optimizer=opt, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                           metrics=["accuracy"], steps_per_execution=steps_per_execution, jit_compile=jit_compile)
        self.timer = EpochTimer()
        options = ([f"jit_compile={jit_compile}"] if jit_compile != "auto" else []) + \
                  ([f"steps_per_execution={steps_per_execution}"] if steps_per_execution != 1 else [])
        self.name = "model.fit" + (f"({', '.join(options)})" if options else "")

    def _run(self, epochs):
        d = self.data
        self.model.fit(d.X_train, d.y_train, batch_size=self.batch_size, epochs=epochs, shuffle=True, verbose=0,
                       validation_data=(d.X_valid, d.y_valid), validation_batch_size=min(5000, len(d.X_valid)),
                       callbacks=[self.timer])
        return self.timer.seconds

    def warmup(self): self._run(1)
    def measure(self): return self._run(2)[1]  # same protocol as the engine: the second epoch of a call


class Eager:
    def __init__(self, data, batch_size, steps):
        self.data, self.batch_size = data, batch_size
        self.n_batches = len(data.X_train) // batch_size
        self.steps = min(steps, self.n_batches)
        self.model, self.opt = make_model()
        self.name = f"eager GradientTape loop [{self.steps} steps x {self.n_batches / self.steps:.2f}]"

    def _steps(self, steps):
        n = steps * self.batch_size
        part = SimpleNamespace(X_train=self.data.X_train[:n], y_train=self.data.y_train[:n])
        t0 = time.perf_counter()
        eager_reference_train(self.model, part, self.opt, epochs=1, batch_size=self.batch_size)
        return time.perf_counter() - t0

    def _validate(self):
        "One eager validation pass (loss and accuracy on the validation set), as the other variants do."
        t0 = time.perf_counter()
        logits = self.model(self.data.X_valid, training=False)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.data.y_valid, logits=logits))
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32), self.data.y_valid), tf.float32))
        float(loss), float(acc)
        return time.perf_counter() - t0

    def warmup(self): self._steps(min(10, self.steps)); self._validate()
    def measure(self): return self._steps(self.steps) / self.steps * self.n_batches + self._validate()


class Matmul:
    "float32 FLOP/s of a repeated square tf.matmul (returns GFLOP/s, not seconds)."
    name = f"float32 matmul {MATMUL_N}x{MATMUL_N}"
    def __init__(self):
        self.a = tf.random.normal((MATMUL_N, MATMUL_N), seed=1)
        self.b = tf.random.normal((MATMUL_N, MATMUL_N), seed=2)

    def measure(self):
        c = tf.matmul(self.a, self.b); float(c[0, 0])  # outside the timing: the first call may allocate
        t0 = time.perf_counter()
        for _ in range(MATMUL_REPEATS): c = tf.matmul(self.a, self.b)
        float(c[0, 0])  # CPU eager ops run synchronously; reading a value makes sure the last one finished
        seconds = time.perf_counter() - t0
        return 2 * MATMUL_N ** 3 * MATMUL_REPEATS / seconds / 1e9

    warmup = measure


# ---------------------------------------------------------------- running and reporting
def stats(values):
    return dict(median=statistics.median(values), min=min(values), max=max(values), values=values)


def verdict(value, target):
    if target is None: return "n/a"
    op, threshold = target
    ok = value >= threshold if op == ">=" else value <= threshold
    return "PASS" if ok else "MISS"


def interleaved(variants:dict, reps:int, log) -> dict:
    "One excluded warm-up per variant, then `reps` rounds of every variant in an order rotated by one; stats per variant."
    keys = list(variants)
    t0 = time.perf_counter()
    for k in keys: variants[k].warmup()
    log(f"  warm-ups done ({time.perf_counter() - t0:.1f}s)")
    samples = {k: [] for k in keys}
    for rep in range(reps):
        order = keys[rep % len(keys):] + keys[:rep % len(keys)]
        for k in order: samples[k].append(variants[k].measure())
        log(f"  rep {rep + 1}/{reps}: " + "  ".join(f"{k}={samples[k][-1]:.3f}" for k in keys))
    return {k: dict(name=variants[k].name, **stats(samples[k])) for k in keys}


def bench_batch(data, batch_size, reps, eager_steps, log):
    "Interleaved measurements for one batch size; returns the results dict of that batch size."
    variants = {
        "engine": Engine(data, batch_size),
        "engine_nojit": Engine(data, batch_size, jit_compile=False),
        "fit": Fit(data, batch_size),
        "fit_spe50": Fit(data, batch_size, steps_per_execution=50),
        "fit_jit_spe50": Fit(data, batch_size, steps_per_execution=50, jit_compile=True),
        "fit_jit_epoch": Fit(data, batch_size, steps_per_execution=len(data.X_train) // batch_size, jit_compile=True),
        "eager": Eager(data, batch_size, eager_steps),
        "matmul": Matmul(),
    }
    res = interleaved(variants, reps, log)
    gflops = res["matmul"]["median"]
    n_samples = len(data.X_train)
    floor = 6 * N_PARAMS * n_samples / (gflops * 1e9)
    res["floor"] = dict(name=f"FLOP floor: 6 x {N_PARAMS:,} x {n_samples:,} / {gflops:.0f} GFLOP/s",
                        median=floor, min=None, max=None, values=None)
    e = res["engine"]["median"]
    best_fit = min(("fit", "fit_spe50", "fit_jit_spe50", "fit_jit_epoch"), key=lambda k: res[k]["median"])
    ratios = {"best configured fit / engine": res[best_fit]["median"] / e,
              "fit / engine": res["fit"]["median"] / e,
              "fit(spe=50) / engine": res["fit_spe50"]["median"] / e,
              "eager / engine": res["eager"]["median"] / e,
              "engine / FLOP floor": e / floor,
              "engine no-XLA / engine": res["engine_nojit"]["median"] / e}
    targets = TARGETS.get(batch_size, {})
    checks = {name: dict(value=v, target=None if name not in targets else f"{targets[name][0]} {targets[name][1]:g}",
                         verdict=verdict(v, targets.get(name))) for name, v in ratios.items()}
    return dict(batch_size=batch_size, steps_per_epoch=n_samples // batch_size, n_train=n_samples, best_fit=res[best_fit]["name"],
                eager_steps=variants["eager"].steps, variants=res, ratios=checks)


def format_batch(r, reps):
    out = [f"batch {r['batch_size']}: {r['n_train']:,} samples, {r['steps_per_epoch']:,} steps/epoch, "
           f"median of {reps} interleaved reps (validation on every epoch, all variants)",
           f"  {'variant':<58} {'s/epoch':>8} {'min':>8} {'max':>8}"]
    for k, v in r["variants"].items():
        if k == "matmul": continue
        mn = "" if v["min"] is None else f"{v['min']:8.3f}"
        mx = "" if v["max"] is None else f"{v['max']:8.3f}"
        out.append(f"  {v['name']:<58} {v['median']:8.3f} {mn:>8} {mx:>8}")
    m = r["variants"]["matmul"]
    out.append(f"  {m['name'] + ' (GFLOP/s)':<58} {m['median']:8.1f} {m['min']:8.1f} {m['max']:8.1f}")
    out.append(f"  best configured fit: {r['best_fit']}")
    out.append(f"  {'ratio':<28} {'value':>8} {'target':>9}  verdict")
    for name, c in r["ratios"].items():
        out.append(f"  {name:<28} {c['value']:8.2f} {c['target'] or '':>9}  {c['verdict']}")
    return "\n".join(out)


def engine_only_rss(n_train:int, n_valid:int, batch:int) -> dict:
    "Run in a fresh process (run_isolated): peak RSS of an engine-only training run of the book's network."
    import re
    data = synthetic_split(n_train=n_train, n_valid=n_valid, n_test=100)
    model = build_mlp(784, (300, 100), 10, seed=42)
    r = train(model, data, keras.optimizers.SGD(0.01, momentum=0.9), epochs=2, batch_size=batch, quiet=True, progress=False)
    # VmHWM, not ru_maxrss: Linux carries the parent's ru_maxrss over into a forked child, VmHWM starts afresh at exec
    hwm_kb = int(re.search(r"VmHWM:\s*(\d+) kB", open("/proc/self/status").read()).group(1))
    return dict(rss_mb=hwm_kb / 1024, valid_acc=r.final_valid_acc)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--reps", type=int, default=5, help="interleaved repetitions per batch size (default 5)")
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[50, 200], help="batch sizes (default 50 200)")
    p.add_argument("--eager-steps", type=int, default=200, help="steps of the eager loop per measurement (default 200)")
    p.add_argument("--quick", action="store_true", help="smoke test: 5,500 samples, 2 reps, 20 eager steps")
    p.add_argument("--no-isolated-rss", action="store_true", help="skip the engine-only subprocess that measures its peak RSS")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON (atomically)")
    a = p.parse_args(argv)
    reps = check_int("--reps", a.reps, 1)
    for b in a.batch_sizes: check_int("--batch-sizes", b, 1)
    eager_steps = check_int("--eager-steps", a.eager_steps, 1)
    n_train, n_valid = 55_000, 5_000
    if a.quick: n_train, n_valid, reps, eager_steps = 5_500, 500, min(reps, 2), min(eager_steps, 20)

    log = lambda msg: print(msg, file=sys.stderr, flush=True)
    started = time.perf_counter()
    load_before = os.getloadavg()
    meta = dict(date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                command="python " + " ".join([os.path.relpath(sys.argv[0])] + (argv if argv is not None else sys.argv[1:])),
                nproc=os.cpu_count(), sched_cpus=len(os.sched_getaffinity(0)), cpu=platform.processor() or platform.machine(),
                tensorflow=tf.__version__, keras=keras.__version__, python=platform.python_version(),
                quick=a.quick, reps=reps, n_train=n_train, n_valid=n_valid, eager_steps=eager_steps,
                loadavg_before=[round(x, 2) for x in load_before])
    set_seed(0)
    data = synthetic_split(n_train=n_train, n_valid=n_valid, n_test=100)
    fit_jit = None
    results = []
    for b in a.batch_sizes:
        if b > n_train: raise SystemExit(f"--batch-sizes: {b} is larger than the {n_train} training samples")
        log(f"batch {b}:")
        r = bench_batch(data, b, reps, eager_steps, log)
        results.append(r)
    probe = make_model()[0]; probe.compile(optimizer="sgd", loss="mse")
    fit_jit = bool(probe.jit_compile)
    peak = rss_mb()
    isolated = None
    if not a.no_isolated_rss:
        log("engine-only process for its peak RSS ...")
        isolated = run_isolated("benchmarks.engine:engine_only_rss", n_train, n_valid, min(a.batch_sizes),
                                logical_cpus=1, timeout=300)
    load_after = os.getloadavg()
    meta.update(loadavg_after=[round(x, 2) for x in load_after], fit_jit_compile=fit_jit,
                total_seconds=round(time.perf_counter() - started, 1))

    lines = [f"Engine benchmark  {meta['date']}  nproc={meta['nproc']}  TF {meta['tensorflow']} / Keras {meta['keras']}"
             f"  Python {meta['python']}{'  [QUICK smoke test: not a measurement]' if a.quick else ''}",
             f"MLP 784-300-100-10 ({N_PARAMS:,} params), SGD lr 0.01 momentum 0.9, synthetic MNIST-shaped data "
             f"{n_train:,} train / {n_valid:,} valid",
             "engine = train(jit_compile='auto' -> XLA); model.fit jit_compile='auto' resolved to "
             f"{fit_jit}; each timed epoch is the 2nd epoch of a 2-epoch call (the 1st includes tracing)",
             f"eager = {eager_steps} steps of eager_reference_train scaled to a full epoch + one eager validation pass",
             ""]
    for r in results: lines += [format_batch(r, reps), ""]
    rss_line = f"peak RSS, this process (all variants, all batch sizes): {peak:,.0f} MB  target < {RSS_TARGET_MB:,} MB  " \
               f"{'PASS' if peak < RSS_TARGET_MB else 'MISS'}"
    lines.append(rss_line)
    if isolated is not None:
        lines.append(f"peak RSS, engine-only process (train, 2 epochs, batch {min(a.batch_sizes)}): {isolated['rss_mb']:,.0f} MB  "
                     f"target < {ENGINE_RSS_TARGET_MB:,} MB  {'PASS' if isolated['rss_mb'] < ENGINE_RSS_TARGET_MB else 'MISS'}")
    lines.append(f"load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}   "
                 f"after: {' '.join(f'{x:.2f}' for x in load_after)}   (on {meta['nproc']} CPUs)")
    lines.append(f"total wall time {meta['total_seconds']:.0f}s")
    print("\n".join(lines), flush=True)
    if a.json:
        payload = dict(meta=meta, results=results, peak_rss_mb=peak,
                       engine_only_peak_rss_mb=None if isolated is None else isolated["rss_mb"],
                       rss_target_mb=RSS_TARGET_MB, table="\n".join(lines))
        atomic_write_text(a.json, json.dumps(payload, indent=1) + "\n")
        log(f"wrote {a.json}")
    return results


if __name__ == "__main__":
    main()
