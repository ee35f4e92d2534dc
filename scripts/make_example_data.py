#!/usr/bin/env python3
"""Writes the synthetic example data sets in configs/data/ (standard library only, seeded, so the
files are the same on every machine):

- prices.csv: 800 houses, price = 60000 + 1800·area_m2 + 15000·rooms − 900·age_years
  − 4000·distance_km + N(0, 20000²): a regression target in the hundreds of thousands, for
  configs/training/prices_regression.yaml (data.target_preprocess).
- faults.csv: 1500 sensor readings of three classes at 80% / 15% / 5%, for
  configs/training/faults_class_weights.yaml (train.class_weights).
- shapes_a.csv, shapes_b.csv: 8 sensor features of six shapes seen through one shared nonlinear
  map; A holds shapes circle, square, triangle and B star, hexagon, cross (600 rows each), for
  configs/finetune/ (pretrain on A, then a new head for B on frozen hidden layers).

Usage: python3 scripts/make_example_data.py [OUT_DIR]   (default configs/data)
"""
import random
import sys


def prices(path):
    rng = random.Random(11)
    with open(path, "w") as f:
        f.write("area_m2,rooms,age_years,distance_km,price\n")
        for _ in range(800):
            area = rng.uniform(40, 200)
            rooms = max(1, min(6, round(area / 35 + rng.gauss(0, 0.7))))
            age = rng.uniform(0, 80)
            distance = rng.uniform(0.5, 30)
            price = 60000 + 1800 * area + 15000 * rooms - 900 * age - 4000 * distance + rng.gauss(0, 20000)
            f.write(f"{area:.1f},{rooms},{age:.0f},{distance:.2f},{price:.0f}\n")


def faults(path):
    rng = random.Random(12)
    centres = {"normal": (0.0, 0.0, 0.0), "worn": (1.2, 0.8, -0.5), "broken": (0.9, -1.0, 1.1)}
    with open(path, "w") as f:
        f.write("vibration,temperature,current,state\n")
        for _ in range(1500):
            u = rng.random()
            state = "normal" if u < 0.80 else ("worn" if u < 0.95 else "broken")
            c = centres[state]
            f.write(",".join(f"{rng.gauss(m, 0.9):.3f}" for m in c) + f",{state}\n")


def shapes(path_a, path_b):
    import math
    rng = random.Random(13)
    mix = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(8)]  # one map for every shape
    names = ["circle", "square", "triangle", "star", "hexagon", "cross"]
    for path, classes in [(path_a, names[:3]), (path_b, names[3:])]:
        with open(path, "w") as f:
            f.write(",".join(f"s{i}" for i in range(8)) + ",shape\n")
            for i in range(600):
                name = classes[i % 3]
                k = names.index(name)
                angle = 2 * math.pi * k / 6
                latent = (2 * math.cos(angle) + rng.gauss(0, 0.45), 2 * math.sin(angle) + rng.gauss(0, 0.45), rng.gauss(0, 1))
                row = [math.tanh(sum(m * z for m, z in zip(weights, latent)) / 2) + rng.gauss(0, 0.05) for weights in mix]
                f.write(",".join(f"{v:.4f}" for v in row) + f",{name}\n")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "configs/data"
    prices(f"{out}/prices.csv")
    faults(f"{out}/faults.csv")
    shapes(f"{out}/shapes_a.csv", f"{out}/shapes_b.csv")
