"""Builds a real DVC 3.x repository for the credit-xgb model with the real `dvc` and `git`, and writes what a user's
clone of it holds: the tracked work tree (exactly `git ls-files`, data DVC tracks and `.dvc/cache`, `.dvc/tmp` left
out) and the git directory, plus the bad cases the DVC reader must survive.

What the repository holds (all commits by Dana Data <dana.data@bank.example>, fixed dates in March 2027, CET):
  * three `dvc import-url` imports served over HTTP from 127.0.0.1 by a small http.server handler that sends `ETag`
    (nginx style, "<mtime hex>-<size hex>") and a fixed `Last-Modified`: data/bureau.csv (upstream
    bureau/version=2027-03-01/bureau.csv), data/exclusions.csv (policy/exclusions-v14.csv) and data/old-scores.csv
    (legacy/old-scores-v3.csv: a stale import no stage depends on);
  * `dvc.yaml` with the stages `assemble` (bureau minus exclusions -> data/train.csv, param assemble.week) and `train`
    (params train.* -> models/model.pkl, a fake pickled model: xgboost is not installed, and metrics.json, cache:
    false), top-level `metrics` and `artifacts: {credit-xgb: ...}`; the remote `storage` (s3://credit-dvc-store/cache,
    default, never pushed);
  * commits: "Initialize DVC" (2027-03-01), "week 2027-W09 model" (max_depth 5, auc 0.8610), "week 2027-W10 model"
    (max_depth 6, auc 0.8731: the last commit that changes dvc.lock), "README: ..." (touches README.md only, HEAD).

Writes:
  OUT_WORKTREE (examples/credit-xgb-dvc/)        the tracked files at HEAD (`git ls-files`, incl. .dvc/config)
  OUT_GITDIR (tests/fixtures/dvc/credit-xgb-dvc.git/)  the repository's .git after `git gc --aggressive` and
                                                 `git repack -a -d`, without hooks, logs, index, COMMIT_EDITMSG
                                                 (the tests copy it back as `.git` beside the work tree)
  and beside OUT_GITDIR (tests/fixtures/dvc/):
  ../bad/dvc-truncated-lock/   the work tree with dvc.lock cut off mid-file (as from a failed write)
  no-lock/          the tracked files as they stood before the first `dvc repro`: dvc.yaml but no dvc.lock
  ../cli/not-ours/dvc-exp-show.json the real output of `dvc exp show --json` on the repository (not lineage: to be skipped); the
                    temporary directory dvc puts into the keys of HEAD's import deps is replaced by
                    home/dana/credit-xgb-dvc
  data-status.json  the real output of `dvc data status --json` on the repository

Versions: dvc==3.67.1 and its dependencies pinned in examples/gen/requirements-dvc.txt; git 2.4x.
Run:
  python3 -m venv /work/venv-dvc && /work/venv-dvc/bin/pip install -r examples/gen/requirements-dvc.txt
  /work/venv-dvc/bin/python examples/gen/dvc_repo.py examples/credit-xgb-dvc tests/fixtures/dvc/credit-xgb-dvc.git
The `dvc` next to the interpreter is used (or DVC=/path/to/dvc). The HTTP server listens on port 47031 when it is
free (the port is part of the import URLs recorded in the .dvc files, so a fixed port keeps the output and the commit
ids reproducible); otherwise on a free port, with a warning. Network: none beyond 127.0.0.1.
"""

from __future__ import annotations

import email.utils
import http.server
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading

PORT = int(os.environ.get("DVC_FIXTURE_PORT", "47031"))
AUTHOR = ("Dana Data", "dana.data@bank.example")
UPSTREAM_MTIME = 1803852000  # Sun, 28 Feb 2027 22:00:00 GMT: when the upstream files were published
LAST_MODIFIED = email.utils.formatdate(UPSTREAM_MTIME, usegmt=True)

UPSTREAM = {
    "bureau/version=2027-03-01/bureau.csv": (
        "customer_id,bureau_score,open_accounts,delinquencies_24m,utilisation\n"
        "C-10001,712,4,0,0.31\n"
        "C-10002,655,7,1,0.64\n"
        "C-10003,781,3,0,0.12\n"
        "C-10004,598,9,3,0.88\n"
        "C-10005,734,5,0,0.27\n"
        "C-10006,689,6,1,0.45\n"
    ),
    "policy/exclusions-v14.csv": (
        "customer_id,reason\n"
        "C-10004,deceased\n"
        "C-10006,fraud-hold\n"
    ),
    "legacy/old-scores-v3.csv": (
        "customer_id,legacy_score,scored_on\n"
        "C-10001,0.082,2025-11-30\n"
        "C-10002,0.231,2025-11-30\n"
        "C-10003,0.041,2025-11-30\n"
    ),
}
IMPORTS = [  # (upstream path, destination in the repository)
    ("bureau/version=2027-03-01/bureau.csv", "data/bureau.csv"),
    ("policy/exclusions-v14.csv", "data/exclusions.csv"),
    ("legacy/old-scores-v3.csv", "data/old-scores.csv"),
]

PARAMS_TEMPLATE = """\
train:
  max_depth: {max_depth}
  eta: 0.1
  num_round: 200
  objective: binary:logistic
  subsample: 0.8
assemble:
  week: {week}
"""

COMMON_PY = '''
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
'''

ASSEMBLE_PY = '''"""Joins the bureau extract minus the policy exclusions into data/train.csv for the week in params.yaml."""

import csv
import os
''' + COMMON_PY + '''

def main():
    week = read_params()["assemble"]["week"]
    with open("data/exclusions.csv", newline="") as f:
        excluded = {row["customer_id"] for row in csv.DictReader(f)}
    with open("data/bureau.csv", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["customer_id"] not in excluded]
    os.makedirs("data", exist_ok=True)
    with open("data/train.csv", "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=["week", *rows[0].keys()], lineterminator="\\n")
        out.writeheader()
        for row in rows:
            out.writerow({"week": week, **row})


if __name__ == "__main__":
    main()
'''

TRAIN_PY = '''"""Trains the credit-limit model on data/train.csv with the train params; writes models/model.pkl and metrics.json.

Stand-in for the xgboost training job: the booster is a pickled dict and the metrics are the ones the real job
reported for these params.
"""

import hashlib
import json
import os
import pickle
''' + COMMON_PY + '''
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
        f.write("\\n")


if __name__ == "__main__":
    main()
'''

DVC_YAML = """\
stages:
  assemble:
    cmd: python src/assemble.py
    deps:
    - src/assemble.py
    - data/bureau.csv
    - data/exclusions.csv
    params:
    - assemble.week
    outs:
    - data/train.csv
  train:
    cmd: python src/train.py
    deps:
    - src/train.py
    - data/train.csv
    params:
    - train
    outs:
    - models/model.pkl
    metrics:
    - metrics.json:
        cache: false
metrics:
- metrics.json
artifacts:
  credit-xgb:
    path: models/model.pkl
    type: model
    desc: Weekly credit-limit scorecard (XGBoost, binary:logistic) trained on bureau data minus policy exclusions
    labels:
    - credit
    - xgboost
"""

README_W09 = """\
# credit-xgb (DVC)

Weekly credit-limit model. `dvc repro` rebuilds data/train.csv and models/model.pkl; the remote `storage`
(s3://credit-dvc-store/cache) holds the cache.
"""

README_HEAD = README_W09 + """
Owner: Dana Data (dana.data@bank.example). Upstream data is imported with `dvc import-url`; run
`dvc update data/bureau.csv.dvc` when the bureau publishes a new version.
"""


class Upstream(http.server.BaseHTTPRequestHandler):
    """Serves UPSTREAM with ETag and Last-Modified, for GET and HEAD.

    The ETag is nginx's ("<mtime hex>-<size hex>"), not an md5, so it cannot be mistaken for the DVC md5 of the file.
    """

    def _send(self, body_too: bool) -> None:
        path = self.path.split("?", 1)[0].lstrip("/")
        if path not in UPSTREAM:
            self.send_error(404)
            return
        body = UPSTREAM[path].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"%x-%x"' % (UPSTREAM_MTIME, len(body)))
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        if body_too:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self._send(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(False)

    def log_message(self, fmt: str, *args: object) -> None:
        pass


def serve() -> tuple[http.server.ThreadingHTTPServer, int]:
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Upstream)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
        print(f"warning: port {PORT} busy, serving on {server.server_address[1]}: import URLs and commit ids "
              "will differ from the committed fixtures", file=sys.stderr)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class Repo:
    def __init__(self, root: pathlib.Path, home: pathlib.Path, dvc: str):
        self.root, self.dvc = root, dvc
        bindir = str(pathlib.Path(sys.executable).parent)
        self.env = {
            "PATH": bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "DVC_GLOBAL_CONFIG_DIR": str(home / "dvc-global"),
            "DVC_SYSTEM_CONFIG_DIR": str(home / "dvc-system"),
            "DVC_SITE_CACHE_DIR": str(home / "dvc-site"),
            "DVC_NO_ANALYTICS": "1",
            "DVC_STUDIO_OFFLINE": "1",
            "DVC_IGNORE_ISATTY": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": AUTHOR[0],
            "GIT_AUTHOR_EMAIL": AUTHOR[1],
            "GIT_COMMITTER_NAME": AUTHOR[0],
            "GIT_COMMITTER_EMAIL": AUTHOR[1],
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "PYTHONHASHSEED": "0",
        }

    def run(self, *args: str, date: str | None = None, check: bool = True) -> str | None:
        env = dict(self.env)
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        proc = subprocess.run(args, cwd=self.root, env=env, capture_output=True, text=True)
        if proc.returncode and not check:
            print(f"warning: {' '.join(args[1:])} failed, skipped: {proc.stderr.strip().splitlines()[-3:]}",
                  file=sys.stderr)
            return None
        if proc.returncode:
            sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def git(self, *args: str, date: str | None = None) -> str:
        return self.run("git", *args, date=date)

    def dvc_(self, *args: str, check: bool = True) -> str | None:
        return self.run(self.dvc, *args, check=check)

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")

    def commit(self, message: str, date: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)

    def tracked(self) -> list[str]:
        return self.git("ls-files", "-z").split("\0")[:-1]

    def tracked_and_addable(self) -> list[str]:
        return sorted(self.git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")[:-1])


def copy_files(src: pathlib.Path, names: list[str], dst: pathlib.Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for name in names:
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / name, dst / name)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out_worktree, out_gitdir = (pathlib.Path(a).resolve() for a in sys.argv[1:3])
    fixtures = out_gitdir.parent
    dvc = os.environ.get("DVC") or str(pathlib.Path(sys.executable).parent / "dvc")

    server, port = serve()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="dvc-fixture-") as tmp:
        tmp = pathlib.Path(tmp)
        root = tmp / "credit-xgb-dvc"
        root.mkdir()
        (tmp / "home").mkdir()
        r = Repo(root, tmp / "home", dvc)

        # 1. git + dvc init, default remote (never pushed).
        r.git("init", "-q", "-b", "main")
        r.dvc_("init", "-q")
        r.dvc_("config", "core.check_update", "false", "--global")
        r.dvc_("remote", "add", "-d", "storage", "s3://credit-dvc-store/cache")
        r.commit("Initialize DVC, default remote storage", "2027-03-01T09:00:00+01:00")

        # 2. Imports, code, params (week W09), pipeline.
        (root / "data").mkdir()
        for upstream, dest in IMPORTS:
            r.dvc_("import-url", f"{base}/{upstream}", dest)
        r.write("src/assemble.py", ASSEMBLE_PY)
        r.write("src/train.py", TRAIN_PY)
        r.write("params.yaml", PARAMS_TEMPLATE.format(max_depth=5, week="2027-W09"))
        r.write("dvc.yaml", DVC_YAML)
        r.write("README.md", README_W09)
        copy_files(root, [n for n in r.tracked_and_addable()], fixtures / "no-lock")

        r.dvc_("repro", "-q")
        r.commit("week 2027-W09 model", "2027-03-02T16:30:00+01:00")

        # 3. Week W10: deeper trees.
        r.write("params.yaml", PARAMS_TEMPLATE.format(max_depth=6, week="2027-W10"))
        r.dvc_("repro", "-q")
        r.commit("week 2027-W10 model", "2027-03-09T15:45:00+01:00")

        # 4. README only: HEAD is not the commit whose dvc.lock is current.
        r.write("README.md", README_HEAD)
        r.commit("README: owner and how to update the bureau import", "2027-03-10T11:20:00+01:00")

        exp_show = r.dvc_("exp", "show", "--json")
        # dvc 3.67.1 keys the import-url deps of a git revision (not of the workspace) by the repository's absolute
        # path without its leading "/" joined to the URL ("tmp/dvc-fixture-x/credit-xgb-dvc/http:/127.0.0.1:..."):
        # the temporary directory is replaced by the path of a user's clone, so the file is reproducible.
        exp_show = exp_show.replace(str(root).lstrip("/"), "home/dana/credit-xgb-dvc")
        # --unchanged lists every tracked output; the remote (s3, dvc-s3 not installed) is never asked.
        data_status = r.dvc_("data", "status", "--json", "--unchanged", "--no-remote-refresh", check=False)
        server.shutdown()

        # Work tree: exactly `git ls-files` at HEAD.
        names = r.tracked()
        copy_files(root, names, out_worktree)

        # Git directory: packed, without hooks, logs, index, COMMIT_EDITMSG.
        r.git("reflog", "expire", "--expire=now", "--all")
        r.git("gc", "-q", "--aggressive", "--prune=now")
        r.git("repack", "-q", "-a", "-d")
        git_src = root / ".git"
        if out_gitdir.exists():
            shutil.rmtree(out_gitdir)
        shutil.copytree(git_src, out_gitdir)
        for junk in ("hooks", "logs", "index", "COMMIT_EDITMSG", "description", "ORIG_HEAD", "FETCH_HEAD"):
            p = out_gitdir / junk
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
        # A loose ref besides packed-refs, so refs/ is never an empty directory (git needs it to see a git dir).
        head = r.git("rev-parse", "refs/heads/main").strip()
        (out_gitdir / "refs" / "heads").mkdir(parents=True, exist_ok=True)
        (out_gitdir / "refs" / "heads" / "main").write_text(head + "\n")
        for empty in sorted(out_gitdir.rglob("*"), reverse=True):
            if empty.is_dir() and not any(empty.iterdir()):
                empty.rmdir()
        check = subprocess.run(["git", f"--git-dir={out_gitdir}", "log", "--oneline"], capture_output=True, text=True,
                               env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
        if check.returncode or len(check.stdout.splitlines()) != 4:
            sys.exit(f"copied git dir does not open: {check.stderr}{check.stdout}")
        fsck = subprocess.run(["git", f"--git-dir={out_gitdir}", "fsck", "--no-dangling"], capture_output=True,
                              text=True)
        if fsck.returncode:
            sys.exit(f"git fsck failed on the copy: {fsck.stderr}")

    # Bad cases.
    # The truncated lock joins the malformed-input corpus; `dvc exp show --json` the documents that are skipped.
    truncated = fixtures.parent / "bad" / "dvc-truncated-lock"
    copy_files(out_worktree, names, truncated)
    lock = (out_worktree / "dvc.lock").read_bytes()
    cut = lock.index(b"md5:", len(lock) // 2) + len(b"md5: ") + 13  # mid-way through an md5, no final newline
    (truncated / "dvc.lock").write_bytes(lock[:cut])
    exp_show_file = fixtures.parent / "cli" / "not-ours" / "dvc-exp-show.json"
    exp_show_file.write_text(exp_show if exp_show.endswith("\n") else exp_show + "\n")
    if data_status is not None:
        (fixtures / "data-status.json").write_text(data_status if data_status.endswith("\n") else data_status + "\n")
    print(f"wrote {out_worktree} ({len(names)} files), {out_gitdir}, and the bad cases in {fixtures}")


if __name__ == "__main__":
    main()
