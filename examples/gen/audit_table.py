"""Generate the audit-table fixtures (issue 23) from a REAL DynamoDB API: moto's server.

Pinned versions: see examples/gen/requirements-audit.txt (moto 5.2.5, boto3/botocore 1.44.8,
awscli 1.46.3). Regenerate (from the repository root):

    python3 -m venv /work/venv-audit
    /work/venv-audit/bin/pip install -r examples/gen/requirements-audit.txt
    /work/venv-audit/bin/python examples/gen/audit_table.py          # writes tests/fixtures/audit/

What it does
------------
1. Starts ``moto_server`` on 127.0.0.1 (free port), account 111122223333 (the example's), region
   eu-west-1.
2. Creates table ``model-approvals`` (hash key ``model_package``, S) and puts ROWS with the boto3
   low-level client, typed attributes made by boto3's TypeSerializer (S, N, BOOL, NULL, M, L, SS, NS).
3. Writes, under tests/fixtures/audit/:
     scan/scan.json            stdout of ``aws dynamodb scan --table-name model-approvals`` (the real
                               AWS CLI v1 against the emulator), byte for byte.
     scan-pages/page-N.json    stdout of ``aws dynamodb scan --limit 3 --no-paginate`` and then
                               ``--exclusive-start-key <LastEvaluatedKey of the page before>`` until a
                               page has no LastEvaluatedKey (raw pages, as a user saves them).
     export/AWSDynamoDB/<ExportId>/...   a DYNAMODB_JSON export. moto's ExportTableToPointInTime (PITR
                               enabled first, to a moto S3 bucket) is run and its one data object
                               downloaded and checked; moto writes only that object (key
                               ``<prefix>/AWSDynamoDB/<uuid>/data/<uuid>.gz``, no manifests, lines with
                               spaces after separators). The files here are therefore LAID OUT BY THIS
                               SCRIPT in the documented format: the same lines (the items exactly as
                               moto exported them, re-serialised compactly as AWS writes them) split
                               into two data files ``data/<26 chars>.json.gz`` (gzip, mtime 0),
                               ``manifest-summary.json``, ``manifest-files.json`` (JSON lines:
                               itemCount, md5Checksum = base64 MD5 of the object, etag = the S3
                               multipart ETag of a one-part upload, dataFileS3Key with the s3Prefix),
                               ``manifest-*.checksum`` (hex MD5 of the manifest) and an empty
                               ``_started``.
     csv/model-approvals.csv   the same rows as a spreadsheet export (RFC 4180, CRLF, header row;
                               the feature-version map as a JSON object in one cell).
     csv-per-group/model-approvals.csv   the same rows with one column per feature group.
     map.json, map-per-group.json        the column maps for ``--audit-map``.
     bad/map-unknown-column/   a map naming a column no row has (a warning); the malformed inputs (not-gzip export,
                               ragged CSV, a key that is no package, a misspelt map key) go to tests/fixtures/bad/audit-*
4. Stops the server.

Expected reconciliation: tests/it/audit.rs (57 facts confirmed, 3 conflicts, 11 filled, 1 missing row).
"""

import base64
import csv
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import boto3
from boto3.dynamodb.types import TypeSerializer

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "audit"
# The malformed inputs go to the malformed-input corpus, each with the map it is read with (the corpus runs
# `lineage inspect FOLDER`, so the map is among its files).
BAD = ROOT / "tests" / "fixtures" / "bad"
VENV_BIN = Path(sys.executable).parent
ACCOUNT = "111122223333"
REGION = "eu-west-1"
TABLE = "model-approvals"
BUCKET = "credit-audit-exports"
PREFIX = "model-approvals"
# Export id in AWS's shape (zero-padded export time in ms, dash, 8 hex), fixed for reproducibility.
EXPORT_TIME = "2027-03-14T08:00:00.000Z"
EXPORT_ID = "01805011200000-5e1c9a2b"

class SortedSet(set):
    """A set that iterates in sorted order, so SS/NS lists come out the same on every run."""

    def __iter__(self):
        return iter(sorted(set.__iter__(self), key=str))


ARN = "arn:aws:sagemaker:eu-west-1:111122223333:model-package/"
RISK_OPS_ARN = "arn:aws:sts::111122223333:assumed-role/RiskOpsApprover/risk-ops@company.com"

# Python values -> TypeSerializer: str S, Decimal N, bool BOOL, None NULL, dict M, list L,
# set of str SS, set of Decimal NS (SortedSet: a fixed order). An attribute left out is absent
# from the item.
ROWS = [
    {   # (a) every fact agrees; key = full ARN; commit = full SHA; approver = e-mail local part;
        #     approved_at date-only
        "model_package": ARN + "credit-xgb/73",
        "model_version": Decimal(73),
        "training_data": "s3://credit/train/2027-W10/",
        "feature_versions": {"accounts": "2027-W10", "behaviour": "2027-W10"},
        "exclusion_list": "s3://policy/excl-v14.csv",
        "git_commit": "a14f2b93c6d1e0f58b7a2c4d9e6f1a3b5c7d8e90",
        "status": "Approved",
        "approved_by": "risk-ops",
        "approved_at": "2027-03-08",
        "validated": True,
        "reviewers": ["risk-ops", "m.chen"],
        "ticket_ids": SortedSet({Decimal(2291)}),
        "notes": "Backtest, stability and fairness review passed (RISK-2291).",
    },
    {   # (b) exclusion list and commit conflict; key GROUP/VERSION
        "model_package": "credit-limit/1",
        "model_version": Decimal(1),
        "training_data": "s3://credit/credit-limit-train/2027-W02/v1/",
        "feature_versions": {"credit-limit-balances": "2027-W02"},
        "exclusion_list": "s3://policy/excl-v16.csv",
        "git_commit": "4c1d2e8",
        "status": "Approved",
        "approved_by": "a.okafor@company.com",
        "approved_at": "2027-03-12T09:30:00Z",
        "validated": True,
        "reviewers": SortedSet({"a.okafor", "j.ruiz"}),
        "ticket_ids": SortedSet({Decimal(3104), Decimal(3117)}),
        "notes": None,
    },
    {   # (c) lineage has no feature-store versions, no exclusion list, no commit: the table fills them
        "model_package": "credit-xgb/71",
        "model_version": Decimal(71),
        "training_data": "s3://credit/train/2027-W08/",
        "feature_versions": {"accounts": "2027-W08", "behaviour": "2027-W08"},
        "exclusion_list": "s3://policy/excl-v13.csv",
        "git_commit": "3e7a9c2",
        "status": "Approved",
        "approved_by": RISK_OPS_ARN,
        "approved_at": "2027-02-23T07:10:00+01:00",
        "validated": False,
        "reviewers": ["risk-ops"],
        "notes": "Backfilled 2027-03-10, from the assemble job's log:\n"
                 "feature weeks, exclusion list and commit are not in lineage",
    },
    {   # lineage lacks training data, feature-store version, exclusion list: all filled
        "model_package": "credit-limit/2",
        "model_version": Decimal(2),
        "training_data": "s3://credit/credit-limit-train/2027-W03/v2/",
        "feature_versions": {"credit-limit-balances": "2027-W03"},
        "exclusion_list": "s3://policy/excl-v15.csv",
        "git_commit": "92d791d",
        "status": "Approved",
        "approved_by": "a.okafor",
        "approved_at": "2027-03-12",
        "validated": True,
    },
    {   # lineage lacks the feature-store version: filled
        "model_package": "credit-limit/3",
        "model_version": Decimal(3),
        "training_data": "s3://credit/credit-limit-train/2027-W04/v3/",
        "feature_versions": {"credit-limit-balances": "2027-W04"},
        "exclusion_list": "s3://policy/excl-v15.csv",
        "git_commit": "d331295",
        "status": "Approved",
        "approved_by": "a.okafor@company.com",
        "approved_at": "2027-03-12T09:30:00Z",
        "validated": True,
    },
    {   # lineage lacks the exclusion list: filled
        "model_package": "credit-limit/4",
        "model_version": Decimal(4),
        "training_data": "s3://credit/credit-limit-train/2027-W05/v4/",
        "feature_versions": {"credit-limit-balances": "2027-W05"},
        "exclusion_list": "s3://policy/excl-v15.csv",
        "git_commit": "e6f2bca",
        "status": "Approved",
        "approved_by": "a.okafor@company.com",
        "approved_at": "2027-03-12T09:30:00Z",
        "validated": True,
    },
    {   # approved_at a day off (date-only): conflict
        "model_package": "credit-limit/5",
        "model_version": Decimal(5),
        "training_data": "s3://credit/credit-limit-train/2027-W06/v5/",
        "feature_versions": {"credit-limit-balances": "2027-W06"},
        "exclusion_list": "s3://policy/excl-v15.csv",
        "git_commit": "01eaad9",
        "status": "Approved",
        "approved_by": "a.okafor@company.com",
        "approved_at": "2027-03-11",
        "validated": True,
    },
    # (d) credit-limit/6 (Approved) has NO row.
    {   # lineage lacks the code commit: filled
        "model_package": "credit-limit/7",
        "model_version": Decimal(7),
        "training_data": "s3://credit/credit-limit-train/2027-W08/v7/",
        "feature_versions": {"credit-limit-balances": "2027-W08"},
        "exclusion_list": "s3://policy/excl-v15.csv",
        "git_commit": "8f0c6d4",
        "status": "Approved",
        "approved_by": "a.okafor@company.com",
        "approved_at": "2027-03-12T09:30:00Z",
        "validated": True,
    },
    {   # lineage lacks the approver: filled; the table's commit is NULL (nothing to compare)
        "model_package": "credit-limit/8",
        "model_version": Decimal(8),
        "training_data": "s3://credit/credit-limit-train/2027-W09/v8/",
        "feature_versions": {"credit-limit-balances": "2027-W09"},
        "exclusion_list": "s3://policy/excl-v15.csv",
        "git_commit": None,
        "status": "Approved",
        "approved_by": "a.okafor@company.com",
        "approved_at": "2027-03-12T09:30:00Z",
        "validated": True,
    },
    {   # everything agrees; full-SHA commit equal to the lineage's (pipeline parameter)
        "model_package": "credit-limit/10",
        "model_version": Decimal(10),
        "training_data": "s3://credit/credit-limit-train/2027-W10/v9/",
        "feature_versions": {"credit-limit-balances": "2027-W10"},
        "exclusion_list": "s3://policy/excl-v15.csv",
        "git_commit": "9b1e4c27d5a8f3e6c1b4a7d2e5f8c3b6a9d2e5f8",
        "status": "Approved",
        "approved_by": "a.okafor@company.com",
        "approved_at": "2027-03-12T10:15:00Z",
        "validated": True,
    },
    {   # (e) a package the export does not hold: a warning
        "model_package": "credit-xgb/999",
        "model_version": Decimal(999),
        "training_data": "s3://credit/train/2027-W11/",
        "feature_versions": {"accounts": "2027-W11", "behaviour": "2027-W11"},
        "exclusion_list": "s3://policy/excl-v14.csv",
        "git_commit": "c0ffee1",
        "status": "Approved",
        "approved_by": "risk-ops",
        "approved_at": "2027-03-15",
        "validated": False,
    },
]

BAD_KEY_ROWS = [
    ROWS[0],
    {
        "model_package": "hello",
        "training_data": "s3://credit/train/2027-W10/",
        "status": "Approved",
        "approved_by": "risk-ops",
        "approved_at": "2027-03-08",
    },
]

COLUMNS = ["model_package", "training_data", "feature_versions", "exclusion_list", "git_commit",
           "status", "approved_by", "approved_at", "model_version", "validated", "reviewers",
           "ticket_ids", "notes"]
GROUP_COLUMNS = {"accounts": "fs_accounts", "behaviour": "fs_behaviour",
                 "credit-limit-balances": "fs_credit_limit_balances"}

MAP = {
    "table": TABLE,
    "key": "model_package",
    "columns": {
        "training_dataset": "training_data",
        "feature_store_versions": "feature_versions",
        "exclusion_list": "exclusion_list",
        "code_commit": "git_commit",
        "approval_status": "status",
        "approved_by": "approved_by",
        "approved_at": "approved_at",
    },
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    print("wrote", path.relative_to(ROOT))


def json_text(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def serialize(row):
    ser = TypeSerializer()
    return {k: ser.serialize(v) for k, v in row.items()}


def put_rows(client, rows):
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "model_package", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "model_package", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=TABLE)
    for row in rows:
        client.put_item(TableName=TABLE, Item=serialize(row))


def aws(endpoint, *args):
    env = dict(os.environ)
    out = subprocess.run([str(VENV_BIN / "aws"), "--endpoint-url", endpoint, "--region", REGION,
                          "--output", "json", *args],
                         check=True, capture_output=True, env=env)
    return out.stdout


def scan_pages(endpoint, out_dir):
    start = None
    n = 0
    while True:
        n += 1
        args = ["dynamodb", "scan", "--table-name", TABLE, "--limit", "3", "--no-paginate"]
        if start is not None:
            args += ["--exclusive-start-key", json.dumps(start)]
        raw = aws(endpoint, *args)
        write(out_dir / f"page-{n}.json", raw)
        start = json.loads(raw).get("LastEvaluatedKey")
        if not start:
            return n


def md5(data):
    return hashlib.md5(data).digest()


def data_file_name(i):
    # 26 lowercase base32 characters, as AWS names export data files; fixed for reproducibility.
    return base64.b32encode(hashlib.sha256(f"{EXPORT_ID}/{i}".encode()).digest())[:26].decode().lower()


def write_export(out_dir, lines, gzip_files=True):
    """lines: the JSON-lines text of each data file ({"Item": {...}} per line)."""
    base = f"AWSDynamoDB/{EXPORT_ID}"
    files = []
    for i, text in enumerate(lines):
        raw = text.encode("utf-8")
        body = gzip.compress(raw, mtime=0) if gzip_files else raw
        key = f"{base}/data/{data_file_name(i)}.json.gz"
        write(out_dir / key, body)
        files.append({
            "itemCount": text.count("\n"),
            "md5Checksum": base64.b64encode(md5(body)).decode(),
            "etag": hashlib.md5(md5(body)).hexdigest() + "-1",
            "dataFileS3Key": f"{PREFIX}/{key}",
        })
    manifest_files = "".join(json.dumps(f, separators=(",", ":")) + "\n" for f in files)
    summary = {
        "version": "2020-06-30",
        "exportArn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}/export/{EXPORT_ID}",
        "startTime": EXPORT_TIME,
        "endTime": "2027-03-14T08:04:51.337Z",
        "tableArn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}",
        "tableId": "4f6b2d1e-9a3c-4e58-b7d0-2c1e8f5a6b93",
        "exportTime": EXPORT_TIME,
        "s3Bucket": BUCKET,
        "s3Prefix": PREFIX,
        "s3SseAlgorithm": "AES256",
        "s3SseKmsKeyId": None,
        "manifestFilesS3Key": f"{PREFIX}/{base}/manifest-files.json",
        "billedSizeBytes": 0,
        "itemCount": sum(f["itemCount"] for f in files),
        "outputFormat": "DYNAMODB_JSON",
        "exportType": "FULL_EXPORT",
    }
    summary_text = json.dumps(summary, indent=3) + "\n"
    write(out_dir / base / "manifest-summary.json", summary_text)
    write(out_dir / base / "manifest-summary.checksum", md5(summary_text.encode()).hex())
    write(out_dir / base / "manifest-files.json", manifest_files)
    write(out_dir / base / "manifest-files.checksum", md5(manifest_files.encode()).hex())
    write(out_dir / base / "_started", b"")


def moto_export(client, s3):
    """Runs moto's ExportTableToPointInTime and returns its data lines (checked against ROWS)."""
    client.update_continuous_backups(
        TableName=TABLE,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    table_arn = client.describe_table(TableName=TABLE)["Table"]["TableArn"]
    arn = client.export_table_to_point_in_time(
        TableArn=table_arn, S3Bucket=BUCKET, S3Prefix=PREFIX,
        ExportFormat="DYNAMODB_JSON")["ExportDescription"]["ExportArn"]
    for _ in range(100):
        desc = client.describe_export(ExportArn=arn)["ExportDescription"]
        if desc["ExportStatus"] != "IN_PROGRESS":
            break
        time.sleep(0.1)
    assert desc["ExportStatus"] == "COMPLETED", desc
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    print("moto export objects:", keys, "ItemCount", desc["ItemCount"])
    assert len(keys) == 1
    body = gzip.decompress(s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()).decode()
    lines = []
    for line in body.splitlines():
        item = json.loads(line)
        assert list(item) == ["Item"], item
        lines.append(json.dumps(item, separators=(",", ":"), ensure_ascii=False))
    want = {json.dumps({"Item": serialize(r)}, sort_keys=True) for r in ROWS}
    got = {json.dumps(json.loads(l), sort_keys=True) for l in lines}
    assert want == got, "moto's export differs from the items put"
    return lines


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, (list, set)):
        return "; ".join(str(v) for v in sorted(value, key=str)) if isinstance(value, set) \
            else "; ".join(str(v) for v in value)
    return value


def csv_text(rows, columns, per_group=False):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        cells = []
        for c in columns:
            if per_group and c in GROUP_COLUMNS.values():
                group = next(g for g, col in GROUP_COLUMNS.items() if col == c)
                cells.append(row.get("feature_versions", {}).get(group, ""))
            else:
                cells.append(csv_cell(row.get(c)))
        w.writerow(cells)
    return buf.getvalue()


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "MOTO_ACCOUNT_ID": ACCOUNT,
                       "AWS_PAGER": ""})
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)

        put_rows(client, ROWS)
        write(OUT / "scan" / "scan.json", aws(endpoint, "dynamodb", "scan", "--table-name", TABLE))
        pages = scan_pages(endpoint, OUT / "scan-pages")
        print("scan pages:", pages)

        lines = moto_export(client, s3)
        half = (len(lines) + 1) // 2
        parts = ["".join(l + "\n" for l in lines[:half]), "".join(l + "\n" for l in lines[half:])]
        write_export(OUT / "export", parts)
        # bad/not-gzip: the same export, its one data file plain text under a .json.gz name
        write_export(BAD / "audit-export-not-gzip", ["".join(l + "\n" for l in lines[:2])],
                     gzip_files=False)

        # bad/key-not-a-package: a fresh table whose second row is keyed "hello"
        client.delete_table(TableName=TABLE)
        client.get_waiter("table_not_exists").wait(TableName=TABLE)
        put_rows(client, BAD_KEY_ROWS)
        write(BAD / "audit-key-not-a-package" / "scan.json",
              aws(endpoint, "dynamodb", "scan", "--table-name", TABLE))
    finally:
        server.terminate()
        server.wait(timeout=10)

    write(OUT / "csv" / "model-approvals.csv", csv_text(ROWS, COLUMNS))
    group_columns = [c for c in COLUMNS if c != "feature_versions"]
    group_columns[2:2] = list(GROUP_COLUMNS.values())
    write(OUT / "csv-per-group" / "model-approvals.csv",
          csv_text(ROWS, group_columns, per_group=True))
    write(OUT / "map.json", json_text(MAP))
    per_group = json.loads(json.dumps(MAP))
    per_group["columns"]["feature_store_versions"] = GROUP_COLUMNS
    write(OUT / "map-per-group.json", json_text(per_group))

    # bad/ragged-csv: the CSV with one cell too many on its third record (credit-xgb/71's row)
    text = csv_text(ROWS[:4], COLUMNS)
    records = text.split("\r\n")
    records[3] = records[3].replace(",Approved,", ",Approved,extra,", 1)
    write(BAD / "audit-ragged-csv" / "model-approvals.csv", "\r\n".join(records))
    for folder in ("audit-ragged-csv", "audit-key-not-a-package"):
        write(BAD / folder / "map.json", json_text(MAP))
    # bad/map-unknown-column: code_commit names a column no row has
    unknown = json.loads(json.dumps(MAP))
    unknown["columns"]["code_commit"] = "commit_sha"
    write(OUT / "bad" / "map-unknown-column" / "map.json", json_text(unknown))
    # bad/map-unknown-key.json: "colums" for "columns"
    misspelt = {"table": TABLE, "key": "model_package", "colums": MAP["columns"]}
    write(BAD / "audit-map-unknown-key.json", json_text(misspelt))


if __name__ == "__main__":
    main()
