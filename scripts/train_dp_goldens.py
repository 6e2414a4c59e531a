#!/usr/bin/env python3
"""Golden (epsilon, delta) numbers from Google's dp-accounting for MedForgeTrain's RDP accountant.

Regenerate:
    pip install dp-accounting
    python3 scripts/train_dp_goldens.py
Writes Tests/MedForgeTrainTests/Fixtures/dp_goldens.json: for each setting (sampling rate q, noise multiplier
sigma, steps, delta) the epsilon of the Poisson-sampled Gaussian mechanism from RdpAccountant (default orders,
add-or-remove-one neighbouring), plus the optimal order.
"""
import json, os
import dp_accounting
from dp_accounting import rdp

SETTINGS = [
    (0.01, 1.1, 1000, 1e-5), (0.004, 0.8, 10000, 1e-5), (0.05, 2.0, 200, 1e-6), (0.1, 0.7, 50, 1e-5),
    (1.0, 5.0, 10, 1e-5), (0.02, 1.5, 3000, 1e-5), (0.25, 4.0, 100, 1e-5), (0.001, 0.6, 100000, 1e-6),
    (0.5, 1.0, 20, 1e-3),
]

out = []
for q, sigma, steps, delta in SETTINGS:
    acc = rdp.RdpAccountant()
    acc.compose(dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps)
    eps, order = acc.get_epsilon_and_optimal_order(delta)
    out.append({"q": q, "sigma": sigma, "steps": steps, "delta": delta, "epsilon": eps, "order": order})
    print(q, sigma, steps, delta, eps, order)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "MedForgeTrainTests", "Fixtures", "dp_goldens.json")
with open(path, "w") as f:
    json.dump({"command": "python3 scripts/train_dp_goldens.py", "dp_accounting": getattr(dp_accounting, "__version__", "?"),
               "settings": out}, f, indent=1)
