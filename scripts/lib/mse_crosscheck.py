"""An independent multiple systems estimate of a capture-history table, to check
`schakel monitor estimate` against: the Poisson log-linear fits by statsmodels' GLM, the
existence check by scipy's linear programming, the stepwise selection written out again
from its published description (Chan, Silverman & Vincent 2021, section 3.2).

Usage: python3 mse_crosscheck.py TABLE.csv [THRESHOLD]
  prints one JSON object: the stepwise model's terms, the estimate, the conditional 95 %
  interval, deviance, AIC and BIC, and the same for the independence model;
python3 mse_crosscheck.py --compare TABLE.csv OURS.json
  compares `schakel monitor estimate --format json` of the table with this estimate and
  exits 1, naming the difference, unless the models are the same and every figure agrees
  within 1e-6 (relative).
"""
import csv
import itertools
import json
import math
import sys

import numpy as np
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from scipy.optimize import linprog
from scipy.stats import norm, poisson


def read(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    names = rows[0][:-1]
    k = len(names)
    counts = np.zeros(2 ** k)
    for r in rows[1:]:
        if not r:
            continue
        h = sum(1 << i for i, v in enumerate(r[:k]) if v.strip() == "1")
        counts[h] += float(r[k])
    return names, counts


def overlap(counts, i, j):
    both = (1 << i) | (1 << j)
    return sum(c for h, c in enumerate(counts) if h & both == both)


def design(counts, k, pairs):
    empty = [p for p in pairs if overlap(counts, *p) == 0]
    fitted = [p for p in pairs if p not in empty]
    cells = [h for h in range(1, 2 ** k)
             if all(h & ((1 << i) | (1 << j)) != (1 << i) | (1 << j) for i, j in empty)]
    x = np.array([[1.0] + [float(h >> i & 1) for i in range(k)]
                  + [float((h >> i & 1) and (h >> j & 1)) for i, j in fitted] for h in cells])
    y = np.array([counts[h] for h in cells])
    return cells, x, y, empty


def fit(counts, k, pairs):
    cells, x, y, empty = design(counts, k, pairs)
    res = GLM(y, x, family=families.Poisson()).fit(tol=1e-12, maxiter=200)
    return cells, res, empty


def check(counts, k, pairs):
    cells, x, y, _ = design(counts, k, pairs)
    n, p = x.shape
    if np.linalg.matrix_rank(x) < p:
        return False
    # maximise s: x' v = x' y, v_c - s >= 0, v >= 0, s >= 0
    a_eq = np.hstack([x.T, np.zeros((p, 1))])
    b_eq = x.T @ y
    a_ub = np.hstack([-np.eye(n), np.ones((n, 1))])
    b_ub = np.zeros(n)
    r = linprog(np.r_[np.zeros(n), -1.0], A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                bounds=[(0, None)] * (n + 1), method="highs")
    return r.status == 0 and -r.fun > 1e-7


def stepwise(counts, k, threshold):
    pairs = []
    candidates = list(itertools.combinations(range(k), 2))
    cells, res, _ = fit(counts, k, pairs)
    while True:
        best = None
        for p in candidates:
            if p in pairs:
                continue
            both = (1 << p[0]) | (1 << p[1])
            expected = sum(m for h, m in zip(cells, res.mu) if h & both == both)
            seen = overlap(counts, *p)
            pv = min(poisson.cdf(seen, expected), poisson.sf(seen - 1, expected) if seen > 0 else 1.0)
            if not check(counts, k, pairs + [p]):
                pv = 1.0
            if best is None or pv < best[0]:
                best = (pv, p)
        if best is None or best[0] >= threshold:
            return pairs, res, cells
        pairs = pairs + [best[1]]
        cells, res, _ = fit(counts, k, pairs)


def report(names, counts, k, pairs, res, empty_count):
    observed = counts.sum()
    b0, se = res.params[0], math.sqrt(res.cov_params()[0, 0])
    q = norm.ppf(0.975)
    params = len(res.params) + empty_count
    loglik = res.llf
    return {
        "terms": [f"{names[i]}:{names[j]}" for i, j in pairs],
        "total": observed + math.exp(b0),
        "conditional": [observed + math.exp(b0 - q * se), observed + math.exp(b0 + q * se)],
        "deviance": res.deviance,
        "aic": -2 * loglik + 2 * params,
        "bic": -2 * loglik + params * math.log(observed),
    }


def compare(table, ours_path):
    theirs = estimate(table, 0.02)
    with open(ours_path) as f:
        ours = json.load(f)
    failures = []

    def close(what, a, b):
        if abs(a - b) > 1e-6 * max(1.0, abs(b)):
            failures.append(f"{what}: schakel {a!r}, statsmodels {b!r}")

    for ours_key, their_key in [("model", "stepwise"), ("independence", "independence")]:
        o, t = ours[ours_key], theirs[their_key]
        if o["terms"] != t["terms"]:
            failures.append(f"{ours_key} terms: schakel {o['terms']}, statsmodels {t['terms']}")
            continue
        close(f"{ours_key} total", o["total"], t["total"])
        close(f"{ours_key} conditional lower", o["conditional"]["lower"], t["conditional"][0])
        close(f"{ours_key} conditional upper", o["conditional"]["upper"], t["conditional"][1])
        for k in ["deviance", "aic", "bic"]:
            close(f"{ours_key} {k}", o[k], t[k])
    if failures:
        print(f"{table}: " + "; ".join(failures))
        sys.exit(1)
    model = " + ".join(theirs["stepwise"]["terms"]) or "independence"
    print(f"{table}: the same model ({model}), total {theirs['stepwise']['total']:.1f}, "
          f"independence {theirs['independence']['total']:.1f}")


def estimate(path, threshold):
    names, counts = read(path)
    k = len(names)
    pairs, res, _ = stepwise(counts, k, threshold)
    empty = sum(1 for p in pairs if overlap(counts, *p) == 0)
    out = {"stepwise": report(names, counts, k, pairs, res, empty)}
    _, res0, _ = fit(counts, k, [])
    out["independence"] = report(names, counts, k, [], res0, 0)
    return out


def main():
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 0.02
        print(json.dumps(estimate(sys.argv[1], threshold)))


if __name__ == "__main__":
    main()
