#!/usr/bin/env python3
"""nnrun's CSV data reader vs pandas.read_csv on the same files, alternating, in one session.

Writes two files into --dir (kept between runs): a Fashion-MNIST-shaped pixel file (10,000 rows of
a label and 784 integers 0-255, about half of them 0; 22 MB) and a float file (200,000 rows of a
label and 20 standard-normal values with 6 decimals; 38 MB). Each round times `nnrun bench --csv`
(the loader `nnrun run` uses, one thread) and, in a child process, `pandas.read_csv(path)` followed
by `.to_numpy(float32)` (what a training script does), and measures each side's peak RSS
(ru_maxrss of its child process: the whole process, interpreter or binary included). Prints the medians,
MB/s, the ratio nnrun / pandas (> 1: nnrun is faster) and the CPU model.

Needs numpy and pandas (e.g. python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas):

    swift build -c release && /tmp/venv/bin/python scripts/bench_csv.py [--rounds 5] [--nnrun PATH]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def make_files(directory):
    import numpy as np
    os.makedirs(directory, exist_ok=True)
    pixels = os.path.join(directory, "pixels.csv")
    floats = os.path.join(directory, "floats.csv")
    rng = np.random.default_rng(0)
    if not os.path.exists(pixels):
        image = rng.integers(0, 256, size=(10_000, 784))
        image[rng.random(image.shape) < 0.5] = 0
        labels = rng.integers(0, 10, size=10_000)
        with open(pixels + ".tmp", "w") as f:
            f.write("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n")
            for label, row in zip(labels, image):
                f.write(f"{label}," + ",".join(map(str, row)) + "\n")
        os.rename(pixels + ".tmp", pixels)
    if not os.path.exists(floats):
        values = rng.standard_normal((200_000, 20))
        labels = rng.integers(0, 2, size=200_000)
        with open(floats + ".tmp", "w") as f:
            f.write("label," + ",".join(f"f{i}" for i in range(20)) + "\n")
            for label, row in zip(labels, values):
                f.write(f"{label}," + ",".join(f"{v:.6f}" for v in row) + "\n")
        os.rename(floats + ".tmp", floats)
    return [pixels, floats]


PANDAS_CHILD = """
import sys, time, pandas, numpy
start = time.perf_counter()
frame = pandas.read_csv(sys.argv[1])
array = frame.to_numpy(dtype=numpy.float32)
print(time.perf_counter() - start)
"""


def measure(command):
    """Output and peak RSS (KB) of one child process, from wait4's rusage."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.dup2(write, 1)
        os.execvp(command[0], command)
    os.close(write)
    with os.fdopen(read) as f:
        out = f.read()
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(command)}")
    return out, usage.ru_maxrss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--nnrun", default=".build/release/nnrun")
    parser.add_argument("--dir", default="/tmp/nnrun-bench-csv")
    args = parser.parse_args()
    files = make_files(args.dir)
    cpu = json.loads(measure([args.nnrun, "bench", "--csv", files[0], "--rounds", "1", "--json"])[0])["cpu"]
    times = {(f, side): [] for f in files for side in ("nnrun", "pandas")}
    peaks = {(f, side): 0 for f in files for side in ("nnrun", "pandas")}
    for _ in range(args.rounds):
        for f in files:
            out, peak = measure([args.nnrun, "bench", "--csv", f, "--rounds", "1", "--json"])
            times[(f, "nnrun")].append(json.loads(out)["csv"][0]["seconds"])
            peaks[(f, "nnrun")] = max(peaks[(f, "nnrun")], peak)
            out, peak = measure([sys.executable, "-c", PANDAS_CHILD, f])
            times[(f, "pandas")].append(float(out))
            peaks[(f, "pandas")] = max(peaks[(f, "pandas")], peak)
    print(f"CSV reading, one thread, median of {args.rounds} alternating rounds — {cpu}")
    print(f"{'file':<12}{'MB':>7}{'nnrun ms':>10}{'MB/s':>7}{'pandas ms':>11}{'MB/s':>7}{'ratio':>7}"
          f"{'nnrun peak MB':>15}{'pandas peak MB':>16}")
    for f in files:
        size = os.path.getsize(f) / 1e6
        ours, theirs = statistics.median(times[(f, "nnrun")]), statistics.median(times[(f, "pandas")])
        print(f"{os.path.basename(f):<12}{size:>7.1f}{ours * 1e3:>10.1f}{size / ours:>7.0f}{theirs * 1e3:>11.1f}"
              f"{size / theirs:>7.0f}{theirs / ours:>7.2f}{peaks[(f, 'nnrun')] / 1e3:>15.1f}{peaks[(f, 'pandas')] / 1e3:>16.1f}")


if __name__ == "__main__":
    main()
