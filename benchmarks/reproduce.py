#!/usr/bin/env python
"""The whole-chapter benchmark: wall time of one seed of a family (default: the 3rd edition's `h3` family) at full scale.

It runs `cli.reproduce` exactly as `tdn_reproduce --family h3 --seeds 1` does, into a fresh temporary folder (no
records reused), on the data the CLI finds (the full Fashion-MNIST: 55,000/5,000/10,000), and prints the total wall
time beside the target, then each experiment's time and its share of the total, slowest first. Nothing else should
train on the machine while it runs: the figure is an absolute time, and the target is one (< 8 minutes on 2 CPU cores).

Run from the repository root:  python benchmarks/reproduce.py  [--family h3] [--epochs N] [--json PATH]
"""
from __future__ import annotations
import argparse, json, os, sys, tempfile, time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import training_deep_nets.chapters  # noqa: F401 (registers every experiment)
from training_deep_nets.cli import family_data, reproduce
from training_deep_nets.core import atomic_write_text, check_int, format_device_report
from training_deep_nets.experiments import list_experiments

TARGET_SECONDS = {"h3": 8 * 60}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default="h3", choices=("book", "h3"))
    parser.add_argument("--epochs", type=int, default=None, help="override every budget (a smoke run of this script)")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.epochs is not None: check_int("--epochs", args.epochs, 1)
    experiments = list_experiments(family=args.family)
    print(format_device_report())
    data = family_data({args.family})
    print(f"data: {data[args.family]!r}")
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        summary = reproduce(experiments, data, out, seeds=1, epochs=args.epochs)
        total = time.perf_counter() - started
    target = TARGET_SECONDS.get(args.family) if args.epochs is None else None
    print(f"\nwhole {args.family} family, one seed: {total:.0f} s ({total / 60:.1f} min) wall, including data checks and writing"
          + ("" if target is None else f"; target < {target / 60:.0f} min: {'met' if total < target else 'NOT met'}"))
    print("\n| experiment | epochs | seconds | share |\n| --- | ---: | ---: | ---: |")
    for row in sorted(summary, key=lambda r: -r["seconds"]):
        print(f"| {row['experiment']} | {row['epochs']} | {row['seconds']:.1f} | {100 * row['seconds'] / total:.0f} % |")
    if args.json:
        atomic_write_text(args.json, json.dumps(dict(family=args.family, total_seconds=total,
                                                     runs={r["experiment"]: r["seconds"] for r in summary}), indent=1))


if __name__ == "__main__":
    main()
