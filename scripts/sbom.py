"""CycloneDX SBOMs of what Lineage Audit ships (issue 27), each validated against the CycloneDX 1.6 JSON schema.

    python3 scripts/sbom.py OUT_DIR [--python-requirements FILE]

Writes OUT_DIR/lineage-cli.cdx.json (the `lineage` binary, linux x86_64), OUT_DIR/lineage-web.cdx.json (the page's
WASM: lineage-web and lineage-pdf-worker, wasm32) and, given pinned Python requirements, OUT_DIR/python.cdx.json.
A Rust component is every crate the shipped package reaches through normal dependencies (not dev or build ones) on
that target, from `cargo metadata --locked`, with its licence expression and the SHA-256 Cargo.lock records for its
.crate; the dependency graph is kept. Needs cyclonedx-python-lib[json-validation] (scripts/supply-chain installs
it, pinned, in a venv). Exit 1 when a document does not validate.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tomllib

from cyclonedx.model import HashAlgorithm, HashType
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SHIPPED = {
    "lineage-cli": (["lineage-cli"], "x86_64-unknown-linux-gnu"),
    "lineage-web": (["lineage-web", "lineage-pdf-worker"], "wasm32-unknown-unknown"),
}


def metadata(target):
    out = subprocess.run(
        ["cargo", "metadata", "--locked", "--format-version", "1", "--filter-platform", target],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def lock_checksums():
    with open(os.path.join(ROOT, "Cargo.lock"), "rb") as f:
        lock = tomllib.load(f)
    return {(p["name"], p["version"]): p.get("checksum") for p in lock.get("package", [])}


def normal_deps(node):
    """The node's dependencies that are linked into it (kind null: normal), by package id."""
    return sorted({d["pkg"] for d in node["deps"] if any(k["kind"] is None for k in d["dep_kinds"])})


def licence(expression):
    # Cargo's old `/` separator means OR.
    return re.sub(r"\s*/\s*", " OR ", expression) if expression else None


def component(pkg, checksum):
    purl = PackageURL(type="cargo", name=pkg["name"], version=pkg["version"])
    c = Component(
        type=ComponentType.APPLICATION if pkg["source"] is None else ComponentType.LIBRARY,
        name=pkg["name"],
        version=pkg["version"],
        purl=purl,
        bom_ref=str(purl),
    )
    if licence(pkg.get("license")):
        c.licenses.add(LicenseExpression(licence(pkg["license"])))
    if checksum:
        c.hashes.add(HashType(alg=HashAlgorithm.SHA_256, content=checksum))
    return c


def rust_bom(roots, target):
    meta = metadata(target)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    checksums = lock_checksums()
    root_ids = [i for i, p in packages.items() if p["name"] in roots and p["source"] is None]
    if len(root_ids) != len(roots):
        sys.exit(f"sbom: the workspace lacks one of {roots}")
    reached, todo = set(), list(root_ids)
    while todo:
        i = todo.pop()
        if i not in reached:
            reached.add(i)
            todo.extend(normal_deps(nodes[i]))
    components = {i: component(packages[i], checksums.get((packages[i]["name"], packages[i]["version"])))
                  for i in sorted(reached)}
    bom = Bom()
    main = components[root_ids[0]]
    bom.metadata.component = main
    for i in sorted(reached):
        if i != root_ids[0]:
            bom.components.add(components[i])
    for i in sorted(reached):
        bom.register_dependency(components[i], [components[d] for d in normal_deps(nodes[i]) if d in components])
    return bom


def python_bom(requirements):
    """Every `name==version` pin of a requirements file (with its --hash values) as a PyPI component."""
    bom = Bom()
    bom.metadata.component = Component(type=ComponentType.APPLICATION, name="lineage-export-sagemaker",
                                       version="0.1.0", bom_ref="lineage-export-sagemaker")
    with open(requirements) as f:
        text = f.read().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)(.*)$", line)
        if not m:
            sys.exit(f"{requirements}: {line!r} is not pinned (expected NAME==VERSION)")
        name, version, rest = m.groups()
        purl = PackageURL(type="pypi", name=name.lower(), version=version)
        c = Component(type=ComponentType.LIBRARY, name=name, version=version, purl=purl, bom_ref=str(purl))
        for h in re.findall(r"--hash=sha256:([0-9a-f]{64})", rest):
            c.hashes.add(HashType(alg=HashAlgorithm.SHA_256, content=h))
        bom.components.add(c)
    bom.register_dependency(bom.metadata.component, list(bom.components))
    return bom


def write(bom, path):
    text = JsonV1Dot6(bom).output_as_string(indent=1)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        sys.exit(f"{path}: not a valid CycloneDX 1.6 document: {error}")
    with open(path, "w") as f:
        f.write(text)
    count = len(json.loads(text).get("components", []))
    print(f"{os.path.relpath(path, ROOT)}: {count} components, valid CycloneDX 1.6")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--python-requirements")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, (roots, target) in SHIPPED.items():
        write(rust_bom(roots, target), os.path.join(args.out, f"{name}.cdx.json"))
    if args.python_requirements:
        write(python_bom(args.python_requirements), os.path.join(args.out, "python.cdx.json"))


if __name__ == "__main__":
    main()
