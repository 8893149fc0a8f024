"""`lineage-export-sagemaker`: writes one bundle for `lineage report` from a model package or an endpoint."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from botocore.exceptions import BotoCoreError, ClientError

from lineage_export import __version__
from lineage_export.exporter import MAX_DEPTH, Exporter, ExportError, Options, dumps


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lineage-export-sagemaker",
        description="Export a complete SageMaker lineage bundle (every QueryLineage page, depth beyond 10, every "
        "Describe* response; optionally CloudTrail approval/deployment events and data-capture records) for "
        "`lineage report`.",
    )
    start = p.add_mutually_exclusive_group(required=True)
    start.add_argument("--model-package", metavar="ARN", help="model-package ARN (…:model-package/GROUP/N)")
    start.add_argument("--endpoint", metavar="NAME", help="endpoint name")
    p.add_argument("--region", help="AWS region (default: the profile's)")
    p.add_argument("--profile", help="AWS profile from ~/.aws (default: the environment's credentials)")
    p.add_argument("--cloudtrail", action="store_true", help="add CloudTrail approval and deployment events")
    p.add_argument("--capture-s3-uri", metavar="S3URI", help="the endpoint's DataCaptureConfig.DestinationS3Uri")
    p.add_argument("--from", dest="start", type=_date, metavar="DATE", help="first day (UTC) of capture/CloudTrail")
    p.add_argument("--to", dest="end", type=_date, metavar="DATE", help="last day (UTC) of capture/CloudTrail")
    p.add_argument("-o", "--output", required=True, help="bundle file to write, or - for standard output")
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


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        import boto3

        options = options_from(args)
        session = boto3.Session(profile_name=args.profile, region_name=args.region)
        exporter = Exporter(
            sagemaker=session.client("sagemaker"),
            cloudtrail=session.client("cloudtrail") if args.cloudtrail else None,
            s3=session.client("s3") if args.capture_s3_uri else None,
        )
        bundle = exporter.export(model_package=args.model_package, endpoint=args.endpoint, options=options)
        text = dumps(bundle)
        if args.output == "-":
            sys.stdout.write(text)
        else:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        s = exporter.stats
        print(
            f"wrote {args.output}: {s.pages} QueryLineage page(s) from {s.queries} query(ies) "
            f"({s.requeries_beyond_depth} beyond depth {MAX_DEPTH}), {len(exporter.seen_vertices)} vertices, "
            f"{len(exporter.seen_edges)} edges, {s.descriptions} descriptions, {s.cloudtrail_events} CloudTrail "
            f"events, {s.capture_records} capture records; {s.throttled_retries} throttled call(s) retried",
            file=sys.stderr,
        )
        return 0
    except ExportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as e:
        print(f"error: AWS: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
