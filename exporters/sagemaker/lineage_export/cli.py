"""`lineage-export-sagemaker`: writes one bundle for `lineage report` from a model package, an endpoint, a pipeline
execution, or a fleet (every version of a model-package group, or of every group)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from typing import Callable

from botocore.exceptions import BotoCoreError, ClientError, NoRegionError

from lineage_export import __version__
from lineage_export.exporter import MAX_DEPTH, S3_URI_FORM, Exporter, ExportError, Options, Start, dumps, split_s3_uri
from lineage_export.journal import Journal, JournalError
from lineage_export.progress import Progress


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}")


def _s3_uri(text: str) -> str:
    """`--capture-s3-uri`, checked before anything is sent (argparse names the option in its message)."""
    try:
        split_s3_uri(text)
    except ExportError:
        raise argparse.ArgumentTypeError(f"expected {S3_URI_FORM}, got {text!r}")
    return text


def _region(text: str) -> str:
    """`--region`: a region name (botocore would turn an empty one into the endpoint `api.sagemaker..amazonaws.com`)."""
    if not re.fullmatch(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)", text):
        raise argparse.ArgumentTypeError(f"expected an AWS region such as eu-west-1, got {text!r}")
    return text


#: Neither --region nor boto3's configuration (AWS_DEFAULT_REGION, the profile's region) nor AWS_REGION gave one.
NO_REGION = "no AWS region: pass --region REGION or set AWS_REGION / AWS_DEFAULT_REGION"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lineage-export-sagemaker",
        description="Export a complete SageMaker lineage bundle (every QueryLineage page, depth beyond 10, every "
        "Describe* response, the SageMaker Pipelines executions that built the model packages; optionally "
        "CloudTrail approval/deployment events and data-capture records) for `lineage report` and `lineage check`.",
    )
    start = p.add_mutually_exclusive_group()
    start.add_argument("--model-package", metavar="ARN", help="model-package ARN (…:model-package/GROUP/N)")
    start.add_argument("--endpoint", metavar="NAME", help="endpoint name")
    start.add_argument("--model-package-group", metavar="NAME", help="every version of this model-package group")
    start.add_argument(
        "--all-model-package-groups", action="store_true", help="every version of every model-package group"
    )
    p.add_argument(
        "--pipeline-execution",
        metavar="ARN",
        help="a SageMaker Pipelines execution (…:pipeline/NAME/execution/ID), alone or with --model-package",
    )
    p.add_argument("--since", type=_date, metavar="DATE", help="fleets: only packages created on or after DATE (UTC)")
    p.add_argument(
        "--region",
        type=_region,
        help="AWS region (default: boto3's: AWS_DEFAULT_REGION, else the profile's region; else AWS_REGION)",
    )
    p.add_argument("--profile", help="AWS profile from ~/.aws (default: the environment's credentials)")
    p.add_argument("--cloudtrail", action="store_true", help="add CloudTrail approval and deployment events")
    p.add_argument(
        "--capture-s3-uri",
        type=_s3_uri,
        metavar="S3URI",
        help="the endpoint's DataCaptureConfig.DestinationS3Uri (s3://BUCKET/PREFIX)",
    )
    p.add_argument("--from", dest="start", type=_date, metavar="DATE", help="first day (UTC) of capture/CloudTrail")
    p.add_argument("--to", dest="end", type=_date, metavar="DATE", help="last day (UTC) of capture/CloudTrail")
    p.add_argument("-o", "--output", required=True, help="bundle file to write, or - for standard output")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted export: answer the calls in OUTPUT.journal.jsonl from it instead of AWS",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary line on stderr")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def options_from(args: argparse.Namespace) -> Options:
    start = dt.datetime.combine(args.start, dt.time(), dt.timezone.utc) if args.start else None
    # The last hour folder of the last day.
    end = dt.datetime.combine(args.end, dt.time(23), dt.timezone.utc) if args.end else None
    if start and end and start > end:
        raise ExportError(f"--from {args.start} is after --to {args.end}")
    if args.capture_s3_uri and (start is None or end is None):
        raise ExportError("--capture-s3-uri needs --from and --to (the days whose capture files to read)")
    return Options(
        cloudtrail=args.cloudtrail,
        cloudtrail_start=start,
        cloudtrail_end=end + dt.timedelta(hours=1) if end else None,
        capture_s3_uri=args.capture_s3_uri,
        capture_start=start,
        capture_end=end,
    )


def start_from(args: argparse.Namespace) -> dict:
    """The export's start as `Exporter.export` keywords, checked."""
    start = {
        "model_package": args.model_package,
        "endpoint": args.endpoint,
        "pipeline_execution": args.pipeline_execution,
        "model_package_group": args.model_package_group,
        "all_model_package_groups": args.all_model_package_groups,
        "since": args.since,
    }
    Start(**start).check()
    return start


def journal_for(args: argparse.Namespace, log: Callable[[str], None]) -> Journal | None:
    """The journal next to the output (none for standard output); one left by an interrupted export is read with
    --resume, and is an error without it."""
    if args.output == "-":
        if args.resume:
            raise ExportError("--resume needs an output file (-o FILE): its journal is FILE.journal.jsonl")
        return None
    path = args.output + ".journal.jsonl"
    if os.path.exists(path) and not args.resume:
        raise ExportError(
            f"{path} exists: an earlier export to {args.output} was interrupted; pass --resume to continue it "
            "without repeating its calls, or delete the file to start afresh"
        )
    try:
        return Journal(path, resume=args.resume, log=log)
    except JournalError as e:
        raise ExportError(str(e))


def aws_exporter(args: argparse.Namespace) -> Exporter:
    import boto3

    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    if session.region_name is None and os.environ.get("AWS_REGION"):
        # boto3 reads only AWS_DEFAULT_REGION and the profile; the AWS CLI v2, the other SDKs and CI runners set
        # AWS_REGION, which is taken only when boto3 found nothing.
        session = boto3.Session(profile_name=args.profile, region_name=os.environ["AWS_REGION"])
    if session.region_name is None:
        # botocore would raise NoRegionError ("You must specify a region.") on the first client.
        raise ExportError(NO_REGION)
    return Exporter(
        sagemaker=session.client("sagemaker"),
        cloudtrail=session.client("cloudtrail") if args.cloudtrail else None,
        s3=session.client("s3") if args.capture_s3_uri else None,
    )


def summary(output: str, e: Exporter) -> str:
    s = e.stats
    executions = sum(1 for x in e.executions.values() if x)
    line = (
        f"wrote {output}: {len(e.packages | e.registered)} model package(s), {executions} pipeline execution(s), "
        f"{s.pages} QueryLineage page(s) from {s.queries} query(ies) "
        f"({s.requeries_beyond_depth} beyond depth {MAX_DEPTH}), {len(e.seen_vertices)} vertices, "
        f"{len(e.seen_edges)} edges, {s.descriptions} descriptions, {s.cloudtrail_events} CloudTrail "
        f"events, {s.capture_records} capture records; {s.throttled_retries} throttled call(s) retried"
    )
    if e.replayed:
        line += f"; {e.replayed} call(s) answered from the journal"
    return line


def _write(output: str, text: str) -> None:
    if output == "-":
        sys.stdout.write(text)
    else:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)


def _run(args: argparse.Namespace, exporter: Exporter, progress: Progress, journal: Journal | None) -> str:
    """The export; returns the summary line. The journal is deleted once the bundle is written."""
    exporter.progress, exporter.log, exporter.journal = progress, progress.write, journal
    bundle = exporter.export(**start_from(args), options=options_from(args))
    _write(args.output, dumps(bundle))
    progress.close()
    if journal is not None:
        journal.delete()
    return summary(args.output, exporter)


def _failed(message: str, progress: Progress, journal: Journal | None) -> None:
    """The error on stderr (below the bar), and where the calls made so far are kept for --resume."""
    progress.close()
    print(message, file=sys.stderr)
    if journal is not None:
        journal.close()
        if os.path.exists(journal.path):
            print(f"the calls made so far are in {journal.path}: rerun with --resume to continue without repeating "
                  "them", file=sys.stderr)


def main(
    argv: list[str] | None = None,
    *,
    new_exporter: Callable[[argparse.Namespace], Exporter] = aws_exporter,
    is_terminal: Callable[[], bool] | None = None,
) -> int:
    """The command. `new_exporter` makes the exporter from the arguments (tests pass stubbed clients);
    `is_terminal` says whether stderr is a terminal (progress bar) — by default, `sys.stderr.isatty()`."""
    args = parser().parse_args(argv)
    terminal = is_terminal() if is_terminal else sys.stderr.isatty()
    progress = Progress(enabled=terminal and not args.quiet)
    journal = None
    try:
        options_from(args), start_from(args)  # bad usage is reported before anything is sent or written
        journal = journal_for(args, progress.write)
        line = _run(args, new_exporter(args), progress, journal)
        if not args.quiet:
            print(line, file=sys.stderr)
        return 0
    except ExportError as e:
        _failed(f"error: {e}", progress, journal)
        return 2
    except NoRegionError:
        _failed(f"error: {NO_REGION}", progress, journal)
        return 2
    except (ClientError, BotoCoreError) as e:
        _failed(f"error: AWS: {e}", progress, journal)
        return 1
    except OSError as e:
        _failed(f"error: {e}", progress, journal)
        return 1
    except KeyboardInterrupt:
        _failed("interrupted", progress, journal)
        return 130
