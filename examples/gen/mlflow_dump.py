"""Generate MLflow REST fixtures from the REAL MLflow server and client.

Pinned version: mlflow==3.18.0 (see examples/gen/requirements-mlflow.txt).

What it does
------------
1. Starts ``mlflow server`` on 127.0.0.1 (free port) with a sqlite backend store
   and a file artifact destination, both in a fresh temp dir (artifacts are
   proxied, so run artifact URIs read ``mlflow-artifacts:/...``).
2. Runs the consumer-credit scenario against it with the mlflow Python client
   (fluent API + MlflowClient, via MLFLOW_TRACKING_URI): experiment
   ``credit-xgb``; parent runs ``weekly-2027w09`` / ``weekly-2027w10``; child
   runs ``train-xgb-2027w09``, ``assemble-training-set``, ``train-xgb`` with
   dataset inputs, params, metrics, tags and a pyfunc LoggedModel each for the
   two training runs; registered model ``credit-xgb`` v1..v3 with stages,
   aliases (champion -> 3, challenger -> 2), and approval tags on v3.
3. Dumps the server's REST responses with ``scripts/mlflow-dump`` (the dump tool
   users run against their own server, imported here: its ``Dump`` and
   ``dump_export``, runs/search with max_results=2), which writes every response
   body to a file byte for byte as the server sent it (no reformatting):

   experiments-get-by-name.json            GET  /api/2.0/mlflow/experiments/get-by-name
   runs-search-page-N.json                 POST /api/2.0/mlflow/runs/search (max_results=2, page_token chain)
   runs-get-<run_name>.json                GET  /api/2.0/mlflow/runs/get
   registered-models-get.json              GET  /api/2.0/mlflow/registered-models/get
   registered-models-alias-<alias>.json    GET  /api/2.0/mlflow/registered-models/alias
   registered-models-get-latest-versions.json  POST /api/2.0/mlflow/registered-models/get-latest-versions
   model-versions-get-<v>.json             GET  /api/2.0/mlflow/model-versions/get
   model-versions-search.json              GET  /api/2.0/mlflow/model-versions/search?filter=name='credit-xgb'
   logged-models-get-<model_id>.json       GET  /api/2.0/mlflow/logged-models/<model_id>
   logged-models-search.json               POST /api/2.0/mlflow/logged-models/search
   experiments-search-datasets.json        POST /ajax-api/2.0/mlflow/experiments/search-datasets (UI endpoint)

4. Stops the server.

With ``--edge-dir DIR`` it also writes the bad/edge dumps, each from its own
fresh server:
   DIR/source-not-json/          train-xgb's training input has source
                                 ``s3://credit-ml/train/x.parquet`` (raw text,
                                 not JSON), logged via MlflowClient.log_inputs.
   DIR/alias-to-deleted-version/ champion -> v4; registered-models-alias-champion.json
                                 dumped while v4 exists, then v4 is deleted and
                                 the rest is dumped (a stale dump).

Run (from the repo root, with the venv that has the pinned requirements)::

    python3 -m venv /work/venv-mlflow
    /work/venv-mlflow/bin/pip install --no-deps -r examples/gen/requirements-mlflow.txt
    /work/venv-mlflow/bin/python examples/gen/mlflow_dump.py examples/credit-xgb-mlflow \
        --edge-dir tests/fixtures/mlflow

Timestamps, run IDs and model IDs are random on every run; fixtures are
generated once and committed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

MLFLOW_VERSION = "3.18.0"
EXPERIMENT = "credit-xgb"
MODEL_NAME = "credit-xgb"
GIT_COMMIT = "4f1c2e9a7b3d5e6f8a9b0c1d2e3f4a5b6c7d8e9f"
PIPELINE_USER = "svc-credit-pipeline"  # OS user the pipeline runs as (default mlflow.user)


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = None

    def __enter__(self) -> "Server":
        mlflow_bin = Path(sys.executable).with_name("mlflow")
        (self.workdir / "artifacts").mkdir(parents=True, exist_ok=True)
        cmd = [
            str(mlflow_bin), "server",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--workers", "1",
            "--backend-store-uri", f"sqlite:///{self.workdir / 'mlflow.db'}",
            "--artifacts-destination", (self.workdir / "artifacts").as_uri(),
        ]
        self.log = open(self.workdir / "server.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.workdir, start_new_session=True)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mlflow server exited; see {self.workdir / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError("mlflow server did not become healthy in 180 s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # only the process group we started
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        if self.log:
            self.log.close()


# --------------------------------------------------------------------------- raw HTTP dump


def mlflow_dump_script():
    """scripts/mlflow-dump (the user-facing dump tool) as a module: the fixtures are its output."""
    from importlib.machinery import SourceFileLoader
    from importlib.util import module_from_spec, spec_from_loader

    path = Path(__file__).resolve().parents[2] / "scripts" / "mlflow-dump"
    loader = SourceFileLoader("mlflow_dump_script", str(path))
    module = module_from_spec(spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- scenario


def run_scenario(variant: str) -> dict:
    """Runs the scenario with the mlflow client. Returns ids for the notes."""
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient
    from mlflow.data.dataset_source import DatasetSource
    from mlflow.data.meta_dataset import MetaDataset
    from mlflow.entities import Dataset as DatasetEntity
    from mlflow.entities import DatasetInput, InputTag
    from mlflow.tracking.context import git_context

    # The generator lives in a git checkout: keep the real checkout's commit/branch
    # out of the fixtures (the tags we want are set explicitly below).
    git_context.GitRunContext.in_context = lambda self: False
    # mlflow's default context names the entry point from sys.argv[0]; LoggedModels take
    # their mlflow.source.name from it (runs get theirs explicitly below).
    sys.argv[0] = "pipelines/credit/train.py"

    class FeastDatasetSource(DatasetSource):
        """A team-written source for a Feast feature view: {"uri": "feast://..."}."""

        def __init__(self, uri: str):
            self._uri = uri

        @staticmethod
        def _get_source_type() -> str:
            return "feast"

        def load(self, **kwargs):
            raise NotImplementedError

        @staticmethod
        def _can_resolve(raw_source) -> bool:
            return isinstance(raw_source, str) and raw_source.startswith("feast://")

        @classmethod
        def _resolve(cls, raw_source):
            return cls(raw_source)

        def to_dict(self):
            return {"uri": self._uri}

        @classmethod
        def from_dict(cls, source_dict):
            return cls(source_dict["uri"])

    class CreditScorer(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return [0.5] * len(model_input)

    client = MlflowClient()
    mlflow.set_experiment(EXPERIMENT)
    ids: dict = {"runs": {}, "models": {}}

    def src_tags(name: str) -> dict:
        return {"mlflow.source.name": name, "mlflow.source.type": "LOCAL",
                "mlflow.source.git.commit": GIT_COMMIT}

    def frame(seed: int, cols: list[str], n: int = 4) -> pd.DataFrame:
        return pd.DataFrame({c: [float((seed * 31 + i * 7 + j) % 97) / 97.0 for i in range(n)]
                             for j, c in enumerate(cols)})

    train_cols = ["applicant_id", "bureau_score", "utilisation", "months_on_book", "default_12m"]

    def training(run_name: str, week: str, max_depth: int, auc: list, logloss: list,
                 train_auc: float, seed: int, extra_tags: dict, raw_source_training: bool):
        with mlflow.start_run(run_name=run_name, nested=True, tags=extra_tags) as run:
            train_uri = f"s3://credit-ml/train/{week}/train.parquet"
            if raw_source_training:
                # Source string that is NOT JSON: log through MlflowClient.log_inputs.
                ds = DatasetEntity(
                    name=f"credit_train_{week.replace('-', '').lower()}",
                    digest="9f3b2c1a",
                    source_type="s3",
                    source="s3://credit-ml/train/x.parquet",
                )
                client.log_inputs(run.info.run_id, datasets=[DatasetInput(
                    dataset=ds, tags=[InputTag(key="mlflow.data.context", value="training")])])
            else:
                train = mlflow.data.from_pandas(
                    frame(seed, train_cols), source=train_uri,
                    name=f"credit_train_{week.replace('-', '').lower()}",
                    targets="default_12m")
                mlflow.log_input(train, context="training")
            if week == "2027-W10":
                ev = mlflow.data.from_pandas(
                    frame(seed + 1, train_cols), source="s3://credit-ml/eval/2027-W10/eval.parquet",
                    name="credit_eval_2027w10", targets="default_12m")
                mlflow.log_input(ev, context="eval")
            mlflow.log_params({"max_depth": max_depth, "eta": 0.1, "num_round": 200,
                               "objective": "binary:logistic", "subsample": 0.8})
            for step, (a, l) in enumerate(zip(auc, logloss)):
                mlflow.log_metric("validation:auc", a, step=step)
                mlflow.log_metric("validation:logloss", l, step=step)
            mlflow.log_metric("train:auc", train_auc)
            info = mlflow.pyfunc.log_model(name="model", python_model=CreditScorer(),
                                           pip_requirements=[f"mlflow=={MLFLOW_VERSION}"])
            ids["runs"][run_name] = run.info.run_id
            ids["models"][run_name] = info.model_id
            return run.info.run_id, info.model_id

    # ---- week 09 (earlier training)
    with mlflow.start_run(run_name="weekly-2027w09",
                          tags=src_tags("pipelines/credit/weekly.py")) as p09:
        ids["runs"]["weekly-2027w09"] = p09.info.run_id
        mlflow.log_param("week", "2027-W09")
        run09, model09 = training(
            "train-xgb-2027w09", "2027-W09", 5,
            [0.7801, 0.8020, 0.8195, 0.8322, 0.8410, 0.8489, 0.8551, 0.8602, 0.8641, 0.8668],
            [0.5702, 0.5031, 0.4588, 0.4261, 0.4032, 0.3861, 0.3733, 0.3641, 0.3577, 0.3539],
            0.8944, 9, {**src_tags("pipelines/credit/train.py"), "mlflow.user": "dana.data"},
            False)

    # ---- week 10
    with mlflow.start_run(run_name="weekly-2027w10",
                          tags=src_tags("pipelines/credit/weekly.py")) as p10:
        ids["runs"]["weekly-2027w10"] = p10.info.run_id
        mlflow.log_param("week", "2027-W10")
        with mlflow.start_run(run_name="assemble-training-set", nested=True,
                              tags=src_tags("pipelines/credit/assemble.py")) as a10:
            ids["runs"]["assemble-training-set"] = a10.info.run_id
            mlflow.log_param("week", "2027-W10")
            bureau = mlflow.data.from_pandas(
                frame(1, ["applicant_id", "bureau_score", "utilisation"]),
                source="s3://credit-features/bureau/version=2027-03-01/part-0.parquet",
                name="bureau_features")
            mlflow.log_input(bureau, context="source")
            excl = mlflow.data.from_pandas(
                frame(2, ["applicant_id", "reason_code"]),
                source="s3://credit-ml/policy/exclusions-v14.csv", name="exclusions")
            mlflow.log_input(excl, context="source")
            behaviour = MetaDataset(source=FeastDatasetSource("feast://credit/behaviour_features"),
                                    name="behaviour_features")
            mlflow.log_input(behaviour, context="source", tags={"version": "42"})
            mlflow.set_tag("output_dataset_uri", "s3://credit-ml/train/2027-W10/train.parquet")
        run10, model10 = training(
            "train-xgb", "2027-W10", 6,
            [0.7912, 0.8145, 0.8310, 0.8422, 0.8518, 0.8589, 0.8641, 0.8688, 0.8715, 0.8731],
            [0.5521, 0.4876, 0.4433, 0.4112, 0.3890, 0.3721, 0.3602, 0.3515, 0.3455, 0.3412],
            0.9012, 10, {**src_tags("pipelines/credit/train.py"), "mlflow.user": "dana.data"},
            variant == "source-not-json")

    # ---- registry
    mv1 = mlflow.register_model(f"runs:/{run09}/model", MODEL_NAME)
    mv2 = mlflow.register_model(f"models:/{model09}", MODEL_NAME)
    mv3 = mlflow.register_model(f"models:/{model10}", MODEL_NAME)
    assert (mv1.version, mv2.version, mv3.version) == ("1", "2", "3"), (mv1, mv2, mv3)
    ids["stage_api"] = "ok"
    try:
        client.transition_model_version_stage(MODEL_NAME, "1", "Archived")
        client.transition_model_version_stage(MODEL_NAME, "2", "Production")
    except Exception as e:  # stage API removed?
        ids["stage_api"] = f"failed: {e!r}"
    client.set_registered_model_alias(MODEL_NAME, "champion", "3")
    client.set_registered_model_alias(MODEL_NAME, "challenger", "2")
    for k, v in [("approved_by", "marta.risk@bank.example"),
                 ("approved_at", "2027-03-08T10:15:00Z"),
                 ("approval_ticket", "CRQ-1182"),
                 ("validation_status", "approved")]:
        client.set_model_version_tag(MODEL_NAME, "3", k, v)
    client.update_model_version(
        MODEL_NAME, "3",
        description="XGBoost PD model trained on 2027-W10 (run train-xgb); "
                    "validated AUC 0.8731; approved under CRQ-1182.")
    return ids


# --------------------------------------------------------------------------- driver


def generate(out_dir: Path, variant: str) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="mlflow-dump-"))
    try:
        with Server(tmp) as srv:
            os.environ["MLFLOW_TRACKING_URI"] = srv.url
            os.environ["MLFLOW_REGISTRY_URI"] = srv.url
            ids = run_scenario(variant)
            if out_dir.exists():
                for f in out_dir.glob("*.json"):
                    f.unlink()
            script = mlflow_dump_script()
            d = script.Dump(script.Client(srv.url), out_dir)
            if variant == "alias-to-deleted-version":
                import mlflow
                from mlflow import MlflowClient

                c = MlflowClient()
                mv4 = mlflow.register_model(f"models:/{ids['models']['train-xgb']}", MODEL_NAME)
                assert mv4.version == "4", mv4
                c.set_registered_model_alias(MODEL_NAME, "champion", "4")
                d.save("registered-models-alias-champion.json", "GET",
                       "/api/2.0/mlflow/registered-models/alias",
                       {"name": MODEL_NAME, "alias": "champion"})
                c.delete_model_version(MODEL_NAME, "4")
                # champion now names no version: the dump below finds no such alias to fetch again.
            # Two runs per runs/search page, so the example shows the next_page_token chain.
            script.dump_export(d, [EXPERIMENT], [MODEL_NAME], runs_page_size=2)
            ids["files"] = d.written
            return ids
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path, help="where the good dump goes")
    ap.add_argument("--edge-dir", type=Path, help="also write bad/edge dumps under this folder")
    args = ap.parse_args()

    os.environ["LOGNAME"] = os.environ["USER"] = PIPELINE_USER  # default mlflow.user
    # No usage telemetry from the client or the server (the server inherits this env).
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    os.environ["DO_NOT_TRACK"] = "true"
    import mlflow

    if mlflow.__version__ != MLFLOW_VERSION:
        sys.exit(f"need mlflow=={MLFLOW_VERSION}, have {mlflow.__version__}")

    jobs = [(args.out_dir, "good")]
    if args.edge_dir:
        jobs += [(args.edge_dir / "source-not-json", "source-not-json"),
                 (args.edge_dir / "alias-to-deleted-version", "alias-to-deleted-version")]
    for out, variant in jobs:
        t0 = time.time()
        ids = generate(out, variant)
        ids["seconds"] = round(time.time() - t0, 1)
        print(json.dumps({"variant": variant, "out": str(out), **ids}, indent=1), flush=True)


if __name__ == "__main__":
    main()
