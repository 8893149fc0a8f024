"""scripts/mlflow-dump against a replay of the committed MLflow example: a tiny HTTP server answers each request
the real server answered when examples/gen/mlflow_dump.py made examples/credit-xgb-mlflow/ (found by the run and
model IDs inside the committed files) with the committed file, and anything else with MLflow's 404. The script must
write the same file names and every file byte for byte. No mlflow install needed."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "mlflow-dump"
EXAMPLE = REPO / "examples" / "credit-xgb-mlflow"
API = "/api/2.0/mlflow"
TOKEN = "replay-token"


def routes() -> dict:
    """(method, path, request parameters as JSON) -> committed file, built from the committed files."""
    files = {p.name: p for p in EXAMPLE.glob("*.json")}
    doc = {name: json.loads(p.read_bytes()) for name, p in files.items()}
    exp = doc["experiments-get-by-name.json"]["experiment"]
    model = doc["registered-models-get.json"]["registered_model"]["name"]
    ids = [exp["experiment_id"]]
    table = {}

    def add(method, path, params, name):
        table[(method, path, json.dumps(params, sort_keys=True))] = files[name]

    add("GET", f"{API}/experiments/get-by-name", {"experiment_name": exp["name"]}, "experiments-get-by-name.json")
    # runs/search pages: page 1 without a token, each next page with the token the page before handed out.
    token, page = None, 1
    while f"runs-search-page-{page}.json" in doc:
        body = {"experiment_ids": ids, "max_results": 2, "order_by": ["attributes.start_time ASC"]}
        if token:
            body["page_token"] = token
        add("POST", f"{API}/runs/search", body, f"runs-search-page-{page}.json")
        token = doc[f"runs-search-page-{page}.json"].get("next_page_token")
        page += 1
    add("GET", f"{API}/registered-models/get", {"name": model}, "registered-models-get.json")
    add("POST", f"{API}/registered-models/get-latest-versions", {"name": model},
        "registered-models-get-latest-versions.json")
    add("GET", f"{API}/model-versions/search", {"filter": f"name='{model}'"}, "model-versions-search.json")
    add("POST", f"{API}/logged-models/search", {"experiment_ids": ids}, "logged-models-search.json")
    add("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", {"experiment_ids": ids},
        "experiments-search-datasets.json")
    for name, d in doc.items():
        if name.startswith("runs-get-"):
            add("GET", f"{API}/runs/get", {"run_id": d["run"]["info"]["run_id"]}, name)
        elif name.startswith("model-versions-get-"):
            mv = d["model_version"]
            add("GET", f"{API}/model-versions/get", {"name": mv["name"], "version": mv["version"]}, name)
        elif name.startswith("registered-models-alias-"):
            mv = d["model_version"]
            for alias in mv["aliases"]:
                add("GET", f"{API}/registered-models/alias", {"name": mv["name"], "alias": alias}, name)
        elif name.startswith("logged-models-get-"):
            add("GET", f"{API}/logged-models/{d['model']['info']['model_id']}", {}, name)
    assert len(set(table.values())) == len(files), "every committed file is some request's answer"
    return table


@pytest.fixture
def replay():
    table = routes()
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def answer(self, method):
            url = urllib.parse.urlsplit(self.path)
            if method == "GET":
                params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            else:
                length = int(self.headers.get("Content-Length") or 0)
                ok = self.headers.get("Content-Type", "").startswith("application/json")
                params = json.loads(self.rfile.read(length)) if ok else None
            seen.append((method, self.path, self.headers.get("Authorization")))
            hit = table.get((method, url.path, json.dumps(params, sort_keys=True)))
            if hit is not None:
                status, body = 200, hit.read_bytes()
            else:
                status = 404
                body = json.dumps({"error_code": "RESOURCE_DOES_NOT_EXIST",
                                   "message": f"No replayed answer for {method} {self.path} {params}"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.answer("GET")

        def do_POST(self):
            self.answer("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def mlflow_dump(url, *args, token=TOKEN):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env.update(MLFLOW_TRACKING_URI=url, MLFLOW_TRACKING_TOKEN=token)
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_dump_of_the_replayed_server_is_the_committed_example(replay, tmp_path):
    url, seen = replay
    out = tmp_path / "dump"
    done = mlflow_dump(url, "--experiment", "credit-xgb", "--model", "credit-xgb", "--runs-page-size", "2", str(out))
    assert done.returncode == 0, done.stderr
    committed = sorted(p.name for p in EXAMPLE.glob("*.json"))
    written = sorted(p.name for p in out.iterdir())
    assert written == committed
    for name in committed:
        assert (out / name).read_bytes() == (EXAMPLE / name).read_bytes(), f"{name} differs"
    assert f"wrote {len(committed)} files" in done.stdout
    assert done.stdout.count("\n") == 1, done.stdout
    assert seen and all(auth == f"Bearer {TOKEN}" for _, _, auth in seen), seen
    # One request per file: nothing asked twice, nothing the replay could not answer.
    assert len(seen) == len(committed), seen


def test_an_unknown_experiment_exits_2_and_says_so(replay, tmp_path):
    url, _ = replay
    out = tmp_path / "dump"
    done = mlflow_dump(url, "--experiment", "credit-xbg", "--model", "credit-xgb", str(out))
    assert done.returncode == 2
    assert "experiment 'credit-xbg' not found" in done.stderr
    assert not out.exists(), "nothing is written when a name is wrong"


def test_an_unknown_model_exits_2_and_says_so(replay, tmp_path):
    url, _ = replay
    done = mlflow_dump(url, "--experiment", "credit-xgb", "--model", "credit", str(tmp_path / "dump"))
    assert done.returncode == 2
    assert "registered model 'credit' not found" in done.stderr


def test_an_http_error_prints_the_url_status_and_message(replay, tmp_path):
    url, _ = replay
    # Page size 1000: the replay only knows the committed pages of 2, so runs/search gets a 404.
    done = mlflow_dump(url, "--experiment", "credit-xgb", "--model", "credit-xgb", str(tmp_path / "dump"))
    assert done.returncode == 2
    assert f"POST {url}/api/2.0/mlflow/runs/search -> HTTP 404 RESOURCE_DOES_NOT_EXIST: No replayed answer" \
        in done.stderr
