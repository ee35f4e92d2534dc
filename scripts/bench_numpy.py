#!/usr/bin/env python3
"""nnrun vs numpy (OpenBLAS) on the same shapes, measured alternately in one session.

Runs `nnrun bench --json` (GEMM shapes and training cases, every thread count) and, in between, the
same GEMM products and hand-written numpy training steps in child processes pinned to each thread
count with OPENBLAS_NUM_THREADS. Repeats for --rounds rounds, takes medians, and prints both side
by side with the ratio nnrun / numpy (> 1 means nnrun is faster; for ms figures, numpy / nnrun).

    swift build -c release && python3 scripts/bench_numpy.py [--rounds 3] [--threads 1 2] [--nnrun PATH]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def gemm_worker(shapes, seconds):
    import numpy as np
    rng = np.random.default_rng(0)
    out = {}
    for s in shapes:
        m, n, k = s["m"], s["n"], s["k"]
        a = rng.random((k, m) if "a.T" in s["numpy"] else (m, k), dtype=np.float32) - 0.5
        b = rng.random((n, k) if "b.T" in s["numpy"] else (k, n), dtype=np.float32) - 0.5
        A = a.T if "a.T" in s["numpy"] else a
        B = b.T if "b.T" in s["numpy"] else b
        c = np.empty((m, n), dtype=np.float32)
        np.matmul(A, B, out=c)
        runs, start = 0, time.perf_counter()
        while True:
            np.matmul(A, B, out=c)
            runs += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        out[s["name"]] = 2.0 * m * n * k * runs / elapsed / 1e9
    return out


def relu(x):
    import numpy as np
    return np.maximum(x, 0, out=x)


def mlp_steps(widths, batch, steps, loss):
    """Hand-written forward/backward/SGD for a ReLU MLP; returns seconds for `steps` steps."""
    import numpy as np
    rng = np.random.default_rng(1)
    ws = [(rng.standard_normal((o, i), dtype=np.float32) * np.sqrt(2 / i)).astype(np.float32)
          for i, o in zip(widths[:-1], widths[1:])]
    bs = [np.zeros(o, dtype=np.float32) for o in widths[1:]]
    x = rng.random((batch, widths[0]), dtype=np.float32)
    if loss == "ce":
        t = np.eye(widths[-1], dtype=np.float32)[rng.integers(0, widths[-1], batch)]
    else:
        t = rng.random((batch, widths[-1]), dtype=np.float32)
    lr = np.float32(1e-4)
    start = time.perf_counter()
    for _ in range(steps):
        acts = [x]
        for li, (w, b) in enumerate(zip(ws, bs)):
            z = acts[-1] @ w.T
            z += b
            if li < len(ws) - 1:
                relu(z)
            acts.append(z)
        y = acts[-1]
        if loss == "ce":
            y = y - y.max(axis=1, keepdims=True)
            np.exp(y, out=y)
            y /= y.sum(axis=1, keepdims=True)
            g = (y - t) / batch
        else:
            g = (y - t) * (2.0 / y.size)
        for li in range(len(ws) - 1, -1, -1):
            dw = g.T @ acts[li]
            db = g.sum(axis=0)
            if li > 0:
                g = g @ ws[li]
                g *= acts[li] > 0
            ws[li] -= lr * dw
            bs[li] -= lr * db
    return time.perf_counter() - start


def xor_epochs(epochs):
    import numpy as np
    rng = np.random.default_rng(1)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    t = np.array([[0], [1], [1], [0]], dtype=np.float32)
    w1 = rng.standard_normal((4, 2), dtype=np.float32)
    b1 = np.zeros(4, dtype=np.float32)
    w2 = rng.standard_normal((1, 4), dtype=np.float32) * 0.5
    b2 = np.zeros(1, dtype=np.float32)
    lr = np.float32(0.5)
    start = time.perf_counter()
    for _ in range(epochs):
        z1 = x @ w1.T + b1
        h = np.where(z1 > 0, z1, 0.01 * z1)
        y = 1 / (1 + np.exp(-(h @ w2.T + b2)))
        g2 = (y - t) / 4
        dh = (g2 @ w2) * np.where(z1 > 0, 1, 0.01)
        w2 -= lr * (g2.T @ h)
        b2 -= lr * g2.sum(0)
        w1 -= lr * (dh.T @ x)
        b1 -= lr * dh.sum(0)
    return time.perf_counter() - start


def train_worker():
    out = {}
    mlp_batches = 256
    out["mlp"] = 128 * mlp_batches / mlp_steps([784, 256, 256, 10], 128, mlp_batches, "ce")
    out["deep"] = mlp_steps([256] * 51, 256, 10, "mse") * 1000 / 10
    out["xor"] = xor_epochs(10_000) * 1000
    return out


def child(kind, threads, payload):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    result = subprocess.run([sys.executable, __file__, "--worker", kind], input=json.dumps(payload),
                            capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnrun", default=".build/release/nnrun")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=0.1)
    parser.add_argument("--threads", type=int, nargs="*", help="thread counts (default: 1 and every core)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        payload = json.loads(sys.stdin.read())
        result = gemm_worker(payload["shapes"], payload["seconds"]) if args.worker == "gemm" else train_worker()
        print(json.dumps(result))
        return

    ours_gemm, ours_train, np_gemm, np_train = {}, {}, {}, {}
    threads = None
    for r in range(args.rounds):
        command = [args.nnrun, "bench", "--json", "--rounds", "1", "--seconds", str(args.seconds)]
        if args.threads:
            command += ["--threads"] + [str(t) for t in args.threads]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        report = json.loads(out.stdout)
        if report["debug"]:
            print("warning: nnrun is a debug build; build with `swift build -c release`", file=sys.stderr)
        threads = report["threads"]
        shapes = report["gemm"]
        for s in shapes:
            for t in threads:
                ours_gemm.setdefault((s["name"], t), []).append(s["gflops"][str(t)])
        for c in report["training"]:
            for t in threads:
                ours_train.setdefault((c["name"], t), []).append(c["value"][str(t)])
        for t in threads:
            g = child("gemm", t, {"shapes": shapes, "seconds": args.seconds})
            for name, value in g.items():
                np_gemm.setdefault((name, t), []).append(value)
            for key, value in child("train", t, {}).items():
                np_train.setdefault((key, t), []).append(value)
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    med = statistics.median
    head = "".join(f" | nnrun {t}t | numpy {t}t | ratio" for t in threads)
    print(f"| GEMM GFLOP/s (m×k·k×n){head} |")
    print("|---" * (1 + 3 * len(threads)) + "|")
    for s in shapes:
        cells = ""
        for t in threads:
            a, b = med(ours_gemm[(s["name"], t)]), med(np_gemm[(s["name"], t)])
            cells += f" | {a:.1f} | {b:.1f} | {a / b:.2f}"
        print(f"| {s['name']} ({s['m']}×{s['k']}·{s['k']}×{s['n']}){cells} |")
    print()
    print(f"| training{head} |")
    print("|---" * (1 + 3 * len(threads)) + "|")
    keys = {"samples/s": "mlp", "ms/step": "deep", "ms/10k epochs": "xor"}
    for c in report["training"]:
        key = keys[c["unit"]]
        cells = ""
        for t in threads:
            a, b = med(ours_train[(c["name"], t)]), med(np_train[(key, t)])
            ratio = a / b if c["unit"] == "samples/s" else b / a
            fmt = (lambda v: f"{v:,.0f}") if c["unit"] == "samples/s" else (lambda v: f"{v:.2f}")
            cells += f" | {fmt(a)} | {fmt(b)} | {ratio:.2f}"
        print(f"| {c['name']} [{c['unit']}]{cells} |")


if __name__ == "__main__":
    main()
