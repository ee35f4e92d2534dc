#!/usr/bin/env python3
"""Writes the synthetic example data sets in configs/data/ (standard library only, seeded, so the
files are the same on every machine):

- prices.csv: 800 houses, price = 60000 + 1800·area_m2 + 15000·rooms − 900·age_years
  − 4000·distance_km + N(0, 20000²): a regression target in the hundreds of thousands, for
  configs/training/prices_regression.yaml (data.target_preprocess).
- faults.csv: 1500 sensor readings of three classes at 80% / 15% / 5%, for
  configs/training/faults_class_weights.yaml (train.class_weights).

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


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "configs/data"
    prices(f"{out}/prices.csv")
    faults(f"{out}/faults.csv")
