#!/usr/bin/python3
"""Helper of stats-bench.ts (run with Debian's /usr/bin/python3: scipy 1.10, sklearn 1.2).
  scipy-timings.py serve DIR     loads DIR/{a,b,labels,scores,a100k,b100k}.f64, then for each function
                                 name read from stdin runs it once and prints {"seconds", "value"} (JSON line)
  scipy-timings.py convert CSV OUT  writes CSV columns as OUT/<col>.f64 (numeric) or .u8 + .json (categorical)"""
import json, os, sys, time
import numpy as np


def js20(a, b):
    from scipy.spatial import distance
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=20)
    return distance.jensenshannon(np.histogram(a, edges)[0], np.histogram(b, edges)[0])


def serve(d):
    from scipy import stats
    from sklearn.metrics import roc_auc_score
    load = lambda name: np.fromfile(os.path.join(d, name + ".f64"), dtype="<f8")
    a, b, labels, scores = load("a"), load("b"), load("labels"), load("scores")
    a100k, b100k = load("a100k"), load("b100k")
    functions = {
        "ks2samp": lambda: stats.ks_2samp(a, b).pvalue,
        "wassersteinDistance": lambda: stats.wasserstein_distance(a, b),
        "rocAuc": lambda: roc_auc_score(labels, scores),
        "jensenShannon20": lambda: js20(a, b),
        "cramerVonMises2samp": lambda: stats.cramervonmises_2samp(a100k, b100k).pvalue,
    }
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        f = functions[line.strip()]
        t = time.perf_counter()
        value = f()
        print(json.dumps({"seconds": time.perf_counter() - t, "value": float(value)}), flush=True)


def convert(csv, out):
    import pandas as pd
    os.makedirs(out, exist_ok=True)
    df = pd.read_csv(csv)
    for col in df.columns:
        s = df[col]
        if s.dtype == object:
            codes, labels = pd.factorize(s, sort=True)
            codes.astype("<u1").tofile(os.path.join(out, col + ".u8"))
            with open(os.path.join(out, col + ".json"), "w") as f:
                json.dump([str(x) for x in labels], f)
        else:
            s.to_numpy(dtype="<f8").tofile(os.path.join(out, col + ".f64"))
    with open(os.path.join(out, "columns.json"), "w") as f:
        json.dump(list(df.columns), f)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        convert(sys.argv[2], sys.argv[3])
