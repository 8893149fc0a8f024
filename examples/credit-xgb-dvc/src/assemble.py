"""Joins the bureau extract minus the policy exclusions into data/train.csv for the week in params.yaml."""

import csv
import os

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


def main():
    week = read_params()["assemble"]["week"]
    with open("data/exclusions.csv", newline="") as f:
        excluded = {row["customer_id"] for row in csv.DictReader(f)}
    with open("data/bureau.csv", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["customer_id"] not in excluded]
    os.makedirs("data", exist_ok=True)
    with open("data/train.csv", "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=["week", *rows[0].keys()], lineterminator="\n")
        out.writeheader()
        for row in rows:
            out.writerow({"week": week, **row})


if __name__ == "__main__":
    main()
