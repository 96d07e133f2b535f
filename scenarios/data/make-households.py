#!/usr/bin/python3
"""Writes households.csv, the population file of scenarios/grid-households.toml:
one row per household meter, with its own base load (kW, log-normal around
1.2 kW), reading period (most every 15 min, some every 5 min) and jitter (s).
Deterministic: running it again gives the same file.

    /usr/bin/python3 scenarios/data/make-households.py [COUNT]
"""
import math
import os
import random
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
rng = random.Random(2026)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "households.csv"), "w") as f:
    f.write("base_kw,period,jitter\n")
    for _ in range(count):
        base_kw = round(min(12.0, rng.lognormvariate(math.log(1.2), 0.5)), 3)
        period = 300 if rng.random() < 0.1 else 900
        jitter = rng.choice([0.1, 0.5, 1.0])
        f.write(f"{base_kw},{period},{jitter}\n")
