"""Trains the credit-limit model on data/train.csv with the train params; writes models/model.pkl and metrics.json.

Stand-in for the xgboost training job: the booster is a pickled dict and the metrics are the ones the real job
reported for these params.
"""

import hashlib
import json
import os
import pickle

def read_params(path="params.yaml"):
    """The two-level params.yaml as {section: {key: value}} (stdlib only)."""
    params, section = {}, None
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.strip().partition(":")
        value = value.strip()
        if not line.startswith(" "):
            section = params.setdefault(key, {})
            continue
        for cast in (int, float):
            try:
                value = cast(value)
                break
            except ValueError:
                pass
        section[key] = value
    return params

REPORTED = {5: {"auc": 0.8610, "logloss": 0.3575}, 6: {"auc": 0.8731, "logloss": 0.3412}}


def main():
    params = read_params()["train"]
    with open("data/train.csv", "rb") as f:
        data = f.read()
    model = {
        "booster": "gbtree",
        "params": params,
        "train_sha256": hashlib.sha256(data).hexdigest(),
        "trees": params["num_round"],
    }
    os.makedirs("models", exist_ok=True)
    with open("models/model.pkl", "wb") as f:
        pickle.dump(model, f, protocol=4)
    with open("metrics.json", "w") as f:
        json.dump(REPORTED[params["max_depth"]], f)
        f.write("\n")


if __name__ == "__main__":
    main()
