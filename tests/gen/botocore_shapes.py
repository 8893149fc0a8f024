#!/usr/bin/env python3
"""Generates SageMaker responses from botocore's own service model, for the shape test (issue 9, point 4).

For every output shape the importer reads (and a few documents it must skip without failing) it writes JSON
responses whose values are valid for the model: enums, min/max lengths, numeric ranges and patterns are respected,
strings carry unicode (CJK, emoji, RTL, combining marks) and are sometimes about 2,000 characters long, timestamps
are written as boto3 and the AWS CLI write them (ISO 8601 with and without fraction, `Z` or `+00:00`, `T` or a
space; or epoch seconds with a fraction), and lists, maps and nested structures are filled. Variants:

  full      every optional member filled, at every depth
  drop      a random subset of the optional members dropped, at every depth
  required  only the required members (plus the few "anchor" members listed in ANCHORS)
  null      a random subset of the optional members written as JSON null, at every depth

Every document is validated against the model before it is written (types, required members, unions, enums,
lengths, ranges, patterns translated from the model's Java regexes, timestamps), and again by botocore's own
ParamValidator; a document that fails either is a bug here and stops the run.

Deterministic: the same --seed and botocore version give the same files. Each file is
`<Operation>-<variant>-<n>.json` in --out.

Usage: python3 tests/gen/botocore_shapes.py [--seed S] [--count N] [--out DIR] [--op OPERATION]...
"""

import argparse
import base64
import datetime
import json
import math
import os
import random
import re
import sys
import unicodedata
import uuid

import botocore
import botocore.session
import botocore.validate

try:  # Python 3.11+
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse

BOTOCORE_VERSION = "1.43.11"
DEFAULT_SEED = 9
DEFAULT_COUNT = 24

# Documents the importer reads.
LINEAGE_OPERATIONS = [
    "DescribeArtifact",
    "DescribeAction",
    "DescribeContext",
    "DescribeTrialComponent",
    "DescribeModelPackage",
    "DescribeTrainingJob",
    "DescribeProcessingJob",
    "DescribeEndpoint",
    "DescribeEndpointConfig",
    "DescribeModel",
    "DescribePipelineExecution",
    "ListPipelineExecutionSteps",
    "ListPipelineParametersForExecution",
    "DescribePipelineDefinitionForExecution",
    "QueryLineage",
    "ListAssociations",
    "ListArtifacts",
    "ListActions",
    "ListContexts",
]
# Documents an export may hold that carry nothing the report uses: the importer must skip them without failing.
SKIPPED_OPERATIONS = [
    "DescribeFeatureGroup",
    "DescribeModelPackageGroup",
    "ListModelPackages",
    "ListTags",
    "ListModelPackageGroups",
    "ListFeatureGroups",
]
OPERATIONS = LINEAGE_OPERATIONS + SKIPPED_OPERATIONS
VARIANTS = ("full", "drop", "required", "null")

# Members that the model leaves optional but that AWS always returns and that identify the document (or key a
# vertex or an edge). They are kept in every variant, never null: without them a response is not recognisable
# (every member of DescribeArtifactResponse is optional, so its "required only" form would be `{}`).
ANCHORS = {
    "DescribeArtifactResponse": {"ArtifactArn"},
    "DescribeActionResponse": {"ActionArn"},
    "DescribeContextResponse": {"ContextArn"},
    "DescribeTrialComponentResponse": {"TrialComponentArn"},
    "QueryLineageResponse": {"Vertices"},
    "Vertex": {"Arn"},
    "Edge": {"SourceArn", "DestinationArn"},
    "ListAssociationsResponse": {"AssociationSummaries"},
    "AssociationSummary": {"SourceArn", "DestinationArn"},
    "DescribePipelineExecutionResponse": {"PipelineExecutionArn"},
    "ListTagsOutput": {"Tags"},
    "ListArtifactsResponse": {"ArtifactSummaries"},
    "ArtifactSummary": {"ArtifactArn"},
    "ListActionsResponse": {"ActionSummaries"},
    "ActionSummary": {"ActionArn"},
    "ListContextsResponse": {"ContextSummaries"},
    "ContextSummary": {"ContextArn"},
    "ListPipelineExecutionStepsResponse": {"PipelineExecutionSteps"},
    "PipelineExecutionStep": {"StepName"},
    "ListPipelineParametersForExecutionResponse": {"PipelineParameters"},
    "DescribePipelineDefinitionForExecutionResponse": {"PipelineDefinition"},
    "ListModelPackageGroupsOutput": {"ModelPackageGroupSummaryList"},
    "ListFeatureGroupsResponse": {"FeatureGroupSummaries"},
}

# Top-level key boto3 adds to every response (the AWS CLI drops it); not part of the service model.
RESPONSE_METADATA = "ResponseMetadata"

MAX_DEPTH = 14
# Lists whose length matters to the importer: (minimum in the "full" variant, maximum). Others hold 0..3 items
# (1..3 in "full"), within the model's limits.
LIST_SIZES = {"Vertices": (2, 12), "Edges": (1, 24), "AssociationSummaries": (1, 8)}
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
FLOAT32_MAX = 3.4028234663852886e38
# SageMaker's launch to a few years ahead.
TIME_RANGE = (
    datetime.datetime(2017, 11, 29, tzinfo=datetime.timezone.utc).timestamp(),
    datetime.datetime(2031, 12, 31, tzinfo=datetime.timezone.utc).timestamp(),
)

PARTITIONS = [
    ("aws", ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"]),
    ("aws-cn", ["cn-north-1", "cn-northwest-1"]),
    ("aws-us-gov", ["us-gov-west-1", "us-gov-east-1"]),
]


class GenError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# Characters


def _chars(*ranges):
    out = []
    for r in ranges:
        if isinstance(r, str):
            out.extend(r)
        else:
            lo, hi = r
            out.extend(chr(c) for c in range(lo, hi + 1))
    return out


ASCII_WORD = _chars((0x61, 0x7A), (0x41, 0x5A), (0x30, 0x39))
ASCII_PRINT = _chars((0x20, 0x7E))
LATIN = _chars("éèêëàâäçñøåæœßłąęśćźżńóŁŚŻÉÅÖÜİığşž")
GREEK_CYRILLIC = _chars((0x3B1, 0x3C9), (0x430, 0x44F), "ЖЩЮЯΔΩ")
CJK = _chars((0x4E00, 0x4E80), "模型数据训练集批准者特征版本排除清单机器学习审计", (0x3041, 0x3096), (0x30A1, 0x30FA),
             (0xAC00, 0xAC40), "한국어데이터")
RTL = _chars((0x5D0, 0x5EA), (0x627, 0x64A), "\u200f")  # Hebrew, Arabic, RIGHT-TO-LEFT MARK
COMBINING = _chars((0x300, 0x36F), "\u0903\u093f\u20dd\ufe0f")
EMOJI = _chars((0x1F600, 0x1F64F), (0x1F300, 0x1F320), "🧬🤖📈🔒✅❌🏳")
EMOJI_SEQUENCES = ["👩\u200d💻", "🇵🇱", "🇯🇵", "❤\ufe0f", "👍🏽", "🏳\ufe0f\u200d🌈", "1\ufe0f\u20e3"]
# Valid for `.*` but worth a look: NUL, ESC (terminal escape), RLO, BOM, zero-width space, NBSP, ideographic
# space, tab, Arabic-Indic digits, backslash and quotes, markup.
HOSTILE = ["\u0000", "\u001b[31m", "\u202e", "\ufeff", "\u200b", "\u00a0", "\u3000", "\t", "\u0663\u0664",
           "\\", '"', "'", "<script>alert(1)</script>", "${jndi:x}", "%s%n", "../../", "`rm -rf`", "&amp;",
           "\u2028"]
LINE_TERMINATORS = set("\n\r\u0085\u2028\u2029")
# Characters the regex generator samples from when a class allows "anything".
POOL = ASCII_PRINT * 3 + LATIN + GREEK_CYRILLIC + CJK + RTL + COMBINING + EMOJI + _chars(
    "\t\n\r\u00a0\u3000\u200b\u200d\u202e\ufeff\u0000\u001b\u0663\u0664\u0665\u2028\u0085")
SCRIPTS = [
    (ASCII_WORD, 30),
    (ASCII_PRINT, 10),
    (LATIN, 6),
    (GREEK_CYRILLIC, 4),
    (CJK, 10),
    (RTL, 8),
    (EMOJI, 6),
]


# ---------------------------------------------------------------------------------------------------------------
# The model's patterns are Java regexes: translate them to Python's `re` for validation, and generate from them.

_CATEGORY_CACHE = {}


def _category_ranges(prefix):
    """Code-point ranges of the Unicode general categories starting with `prefix` (`L`, `N`, …) as class text."""
    if not _CATEGORY_CACHE:
        ranges = {}
        current = None
        start = 0
        for cp in range(0x110001):
            major = None if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF else unicodedata.category(chr(cp))[0]
            if major != current:
                if current is not None:
                    ranges.setdefault(current, []).append((start, cp - 1))
                current, start = major, cp
        for major, rs in ranges.items():
            _CATEGORY_CACHE[major] = "".join(
                f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in rs)
    if prefix not in _CATEGORY_CACHE:
        raise GenError(f"unsupported Unicode category {prefix!r}")
    return _CATEGORY_CACHE[prefix]


_POSIX = {"Alnum": "a-zA-Z0-9", "Alpha": "a-zA-Z", "Digit": "0-9", "Upper": "A-Z", "Lower": "a-z",
          "Punct": "!-/:-@\\[-`{-~", "Space": " \\t\\n\\x0b\\f\\r"}


def java_to_python(pattern):
    """Java regex (as the model writes them) to an equivalent Python `re` pattern (to be used with re.ASCII)."""
    # A surrogate pair range in a Java class means the supplementary planes.
    p = pattern.replace("\\uD800\\uDC00-\\uDBFF\\uDFFF", "\\U00010000-\\U0010FFFF")
    # `${1,128}`: Java tolerates a quantifier on an anchor; it means the anchor.
    p = re.sub(r"\$\{\d+(,\d*)?\}", "$", p)
    out = []
    i = 0
    in_class = False
    while i < len(p):
        c = p[i]
        if c == "\\":
            m = re.match(r"\\[pP]\{(\w+)\}", p[i:])
            if m:
                name = m.group(1)
                negated = p[i + 1] == "P"
                if name in _POSIX:
                    body = _POSIX[name]
                elif name.startswith("Is") or len(name) <= 2:
                    body = _category_ranges(name[2:] if name.startswith("Is") else name)
                else:
                    raise GenError(f"unsupported class \\p{{{name}}} in {pattern!r}")
                if in_class and not negated:
                    out.append(body)
                else:
                    if in_class:
                        raise GenError(f"negated \\P inside a class in {pattern!r}")
                    out.append(("[^" if negated else "[") + body + "]")
                i += len(m.group(0))
                continue
            out.append(p[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            # A `]` right after `[` or `[^` is a literal.
            if p[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if p[i + 1:i + 2] == "]":
                out.append("\\]")
                i += 1
        elif c == ".":
            # Java's `.` excludes every line terminator, not only `\n`.
            out.append("[^\\n\\r\\u0085\\u2028\\u2029]")
        else:
            out.append(c)
        i += 1
    return "".join(out)


_COMPILED = {}


def compiled(pattern):
    if pattern not in _COMPILED:
        py = java_to_python(pattern)
        _COMPILED[pattern] = (re.compile(py, re.ASCII), sre_parse.parse(py, re.ASCII))
    return _COMPILED[pattern]


MAXREPEAT = sre_parse.MAXREPEAT


def _min_len(items):
    total = 0
    for op, av in items:
        name = op.name
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            total += 1
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            total += av[0] * _min_len(av[2])
        elif name == "SUBPATTERN":
            total += _min_len(av[-1])
        elif name == "ATOMIC_GROUP":
            total += _min_len(av)
        elif name == "BRANCH":
            total += min(_min_len(b) for b in av[1])
    return total


def _category_match(cat, ch):
    name = cat.name
    if name == "CATEGORY_DIGIT":
        return "0" <= ch <= "9"
    if name == "CATEGORY_NOT_DIGIT":
        return not ("0" <= ch <= "9")
    if name == "CATEGORY_SPACE":
        return ch in " \t\n\r\f\v"
    if name == "CATEGORY_NOT_SPACE":
        return ch not in " \t\n\r\f\v"
    if name == "CATEGORY_WORD":
        return ch.isascii() and (ch.isalnum() or ch == "_")
    if name == "CATEGORY_NOT_WORD":
        return not (ch.isascii() and (ch.isalnum() or ch == "_"))
    raise GenError(f"unsupported category {name}")


def _class_match(items, ch):
    negate = False
    hit = False
    for op, av in items:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or ord(ch) == av
        elif name == "RANGE":
            hit = hit or av[0] <= ord(ch) <= av[1]
        elif name == "CATEGORY":
            hit = hit or _category_match(av, ch)
        else:
            raise GenError(f"unsupported class item {name}")
    return hit != negate


class _State:
    def __init__(self, rng, extra, tame):
        self.rng = rng
        self.extra = extra
        self.tame = tame  # prefer plain ASCII for "anything" classes
        self.groups = {}


_CLASS_CACHE = {}


def _class_info(items):
    """Per character class (cached: the parsed patterns are cached too): the pool characters it admits."""
    info = _CLASS_CACHE.get(id(items))
    if info is None or info[0] is not items:
        plain = all(op.name in ("LITERAL", "RANGE", "CATEGORY") for op, _ in items) and not any(
            op.name == "CATEGORY" and "NOT" in av.name for op, av in items)
        pool = [c for c in POOL if _class_match(items, c)]
        tame = [c for c in ASCII_WORD if _class_match(items, c)]
        choices = [(op.name, av) for op, av in items]
        info = (items, plain, pool, tame, choices)
        _CLASS_CACHE[id(items)] = info
    return info


def _pick_from_class(items, st):
    rng = st.rng
    _, plain, pool, tame, choices = _class_info(items)
    if st.tame and tame:
        return rng.choice(tame)
    # Mostly from the pool (realistic text), else straight from the class's items.
    if pool and (not plain or rng.random() < 0.6):
        return rng.choice(pool)
    if plain:
        for _ in range(50):
            name, av = rng.choice(choices)
            if name == "LITERAL":
                return chr(av)
            if name == "RANGE":
                cp = rng.randint(*av)
                if not 0xD800 <= cp <= 0xDFFF:
                    return chr(cp)
            if name == "CATEGORY":
                return rng.choice([c for c in ASCII_PRINT + ["\t", "\n"] if _category_match(av, c)])
    if pool:
        return rng.choice(pool)
    raise GenError(f"cannot find a character for class {items!r}")


def _emit(items, st, out, nested):
    rng = st.rng
    for op, av in items:
        name = op.name
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            while True:
                ch = rng.choice(POOL)
                if ord(ch) != av and ch not in LINE_TERMINATORS:
                    out.append(ch)
                    break
        elif name == "ANY":
            while True:
                ch = rng.choice(POOL)
                if ch != "\n":
                    out.append(ch)
                    break
        elif name == "IN":
            out.append(_pick_from_class(av, st))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            unit = max(1, _min_len(sub))
            budget = max(0, st.extra) // unit
            if hi == MAXREPEAT:
                top = lo + (min(budget, 2) if nested else budget)
                count = top if (not nested and rng.random() < 0.7) else rng.randint(lo, top)
            else:
                top = min(hi, lo + budget)
                count = rng.randint(lo, top)
            st.extra -= (count - lo) * unit
            for _ in range(count):
                _emit(sub, st, out, True)
        elif name == "SUBPATTERN":
            group, sub = av[0], av[-1]
            start = len(out)
            _emit(sub, st, out, nested)
            if group is not None:
                st.groups[group] = "".join(out[start:])
        elif name == "ATOMIC_GROUP":
            _emit(av, st, out, nested)
        elif name == "BRANCH":
            _emit(rng.choice(av[1]), st, out, nested)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            pass  # anchors are implied (fullmatch); lookarounds are checked afterwards
        elif name == "GROUPREF":
            out.append(st.groups.get(av, ""))
        else:
            raise GenError(f"unsupported regex construct {name}")


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def length_ok(s, lo, hi):
    # Lengths are counted both as code points and as UTF-16 units: valid under either reading of the model.
    return len(s) >= lo and (hi is None or utf16_len(s) <= hi)


def gen_from_pattern(pattern, rng, lo, hi, target, check_pattern=None, tame=False):
    """A string matching `pattern` (Java) whose length is in [lo, hi], about `target` long when it can be."""
    rx, parsed = compiled(pattern)
    check = compiled(check_pattern)[0] if check_pattern else rx
    base = _min_len(parsed)
    for attempt in range(40):
        want = target if attempt < 25 else rng.randint(lo, max(lo, min(hi if hi is not None else 64, 64)))
        st = _State(rng, max(0, want - base), tame or attempt >= 30)
        out = []
        _emit(parsed, st, out, False)
        s = "".join(out)
        if length_ok(s, lo, hi) and rx.fullmatch(s) and check.fullmatch(s):
            return s
    raise GenError(f"no string of length {lo}..{hi} found for pattern {pattern!r}")


# ---------------------------------------------------------------------------------------------------------------
# Values


def pick_length(rng, lo, hi):
    """A target length: mostly short, sometimes very long (about 2,000), at the maximum or at the minimum."""
    cap = hi if hi is not None else 4096
    lo = max(lo, 0)
    r = rng.random()
    if r < 0.45:
        n = rng.randint(max(lo, 1), max(lo, 1, min(cap, 12)))
    elif r < 0.75 or (r < 0.85 and cap < 200):
        n = rng.randint(max(lo, 1), max(lo, 1, min(cap, 80)))
    elif r < 0.85:
        n = min(cap, 2000) - rng.randint(0, 40)  # very long
    elif r < 0.92:
        n = cap if cap <= 2100 else rng.randint(max(lo, 1), 300)  # at the maximum
    else:
        n = lo  # at the minimum (possibly empty)
    return max(lo, min(n, cap))


def free_text(rng, lo, hi, target):
    """Any string: words in several scripts, emoji sequences, combining marks, the odd control character."""
    out = []
    units = 0
    cap = hi if hi is not None else 10**9
    while units < target:
        r = rng.random()
        if r < 0.05:
            piece = rng.choice(HOSTILE)
        elif r < 0.10:
            piece = rng.choice(EMOJI_SEQUENCES)
        elif r < 0.16:
            piece = rng.choice(ASCII_WORD + LATIN) + rng.choice(COMBINING) + (rng.choice(COMBINING) if rng.random() < 0.3 else "")
        elif r < 0.20:
            piece = rng.choice([" ", " ", "\n", "\r\n", "  "])
        else:
            chars = rng.choices([s for s, _ in SCRIPTS], weights=[w for _, w in SCRIPTS])[0]
            piece = "".join(rng.choice(chars) for _ in range(rng.randint(1, 9)))
        n = utf16_len(piece)
        if units + n > cap or units + n > target + 8:
            if units >= lo:
                break
            piece = rng.choice(ASCII_WORD)
            n = 1
        out.append(piece)
        units += n
    s = "".join(out)
    while len(s) < lo:
        s += rng.choice(ASCII_WORD)
    if not length_ok(s, lo, hi):
        s = "".join(rng.choice(ASCII_WORD) for _ in range(max(lo, min(target, cap))))
    return s


def _kebab(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


class Context:
    """One document's generation state: its variant, ARN parts and timestamp style."""

    def __init__(self, rng, variant, ts_style):
        self.rng = rng
        self.variant = variant
        self.ts_style = ts_style
        part, regions = PARTITIONS[0] if rng.random() < 0.8 else rng.choice(PARTITIONS[1:])
        self.partition = part
        self.region = rng.choice(regions)
        self.account = "".join(rng.choice("0123456789") for _ in range(12))

    def arn_parts(self):
        # Mostly one account and region per document, as in a real export; sometimes another one.
        if self.rng.random() < 0.9:
            return self.partition, self.region, self.account
        part, regions = self.rng.choice(PARTITIONS)
        return part, self.rng.choice(regions), "".join(self.rng.choice("0123456789") for _ in range(12))


ARN_TAILS = [
    (r"[0-9a-f]{32}", 3),  # artifact/action/context ARNs end in a hex id
    (r"[a-z0-9](-*[a-z0-9]){0,40}", 4),  # names
    (r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,30}/[1-9][0-9]{0,3}", 1),  # GROUP/VERSION
    (None, 2),  # whatever the model allows (unicode, long)
]


S3_URI_PATTERN = "(https|s3)://([^/]+)/?(.*)"


def realistic_pattern(pattern, ctx, resource=None):
    """The model's pattern made realistic where it is an ARN or S3 URI pattern (partition, region, account, bucket
    and tail substituted in); `None` for other patterns. The result is still checked against the original."""
    if pattern == S3_URI_PATTERN and ctx.rng.random() < 0.7:
        return r"s3://[a-z0-9][a-z0-9.\-]{2,30}/" + ctx.rng.choice([r"([a-z0-9_\-]+/){0,4}[a-z0-9_.\-]*", ".*"])
    if not pattern.startswith(("arn:", "(arn:")):
        return None
    part, region, account = ctx.arn_parts()
    p = pattern
    p = p.replace("arn:aws[a-z\\-]*:", re.escape(f"arn:{part}:"))
    p = re.sub(r"arn:\[a-z0-9-\\\.\]\{1,63\}:", lambda _: re.escape(f"arn:{part}:"), p)
    p = re.sub(r"arn:\[\\p\{Alnum\}\\-\]\+:", lambda _: re.escape(f"arn:{part}:"), p)
    for region_rx in (r"\[a-z0-9\\-\]\*", r"\[a-z0-9\\-\]\{9,16\}", r"\\w\+\(\?:-\\w\+\)\+", r"\[\\p\{Alnum\}\\-\]\+"):
        p = re.sub(r":(sagemaker|sns|lambda):" + region_rx + ":", lambda m: re.escape(f":{m.group(1)}:{region}:"), p)
    for account_rx in (r"\[0-9\]\{12\}", r"\(\[0-9\]\{12\}\|aws\)", r"\(\\d\{12\}\|aws\)", r"\\d\{12\}"):
        p = re.sub(account_rx, account, p)
    p = p.replace("role/?", "role/")
    if resource is not None:
        p = re.sub(r"\((experiment\|[a-z|\-]+)\)", resource, p)
    if p.endswith(":.*") and ctx.rng.random() < 0.8:
        # Any resource (a trial component's Source.SourceArn): the jobs that make trial components.
        p = p[:-2] + ctx.rng.choice(["training-job", "processing-job", "transform-job"]) + "/.*"
    tails = [t for t, _ in ARN_TAILS]
    tail = ctx.rng.choices(tails, weights=[w for _, w in ARN_TAILS])[0]
    if tail is not None:
        if p.endswith("/.*"):
            p = p[:-2] + tail
        elif p.endswith("/[\\S]{1,2048}"):
            p = p[: -len("[\\S]{1,2048}")] + tail
    return p


def gen_arn_from_name(member, ctx, lo, hi):
    """An ARN for a pattern-less member whose name ends in `Arn`."""
    part, region, account = ctx.arn_parts()
    base = member[:-3] if member.endswith("Arn") else member
    kind = _kebab(base) or "resource"
    name = "".join(ctx.rng.choice("abcdef0123456789") for _ in range(ctx.rng.choice([8, 16, 32])))
    if member == "Arn":  # IamIdentity.Arn: who called, as CloudTrail and CreatedBy/LastModifiedBy name it
        role = ctx.rng.choice(["RiskOpsApprover", "SageMakerExecutionRole", "AmazonSageMaker-ExecutionRole-20250101T000000"])
        session = ctx.rng.choice(["risk-ops@company.com", "pipeline", name, "łukasz.nowak@例え.jp"])
        arn = f"arn:{part}:sts::{account}:assumed-role/{role}/{session}"
    elif kind.endswith("role"):
        arn = f"arn:{part}:iam::{account}:role/{name}"
    elif kind.startswith("kms"):
        arn = f"arn:{part}:kms:{region}:{account}:key/{uuid.UUID(int=ctx.rng.getrandbits(128))}"
    else:
        arn = f"arn:{part}:sagemaker:{region}:{account}:{kind}/{name}"
    return arn if length_ok(arn, lo, hi) else None


def gen_timestamp(ctx):
    rng = ctx.rng
    t = rng.uniform(*TIME_RANGE)
    style = ctx.ts_style
    if style == "mixed":
        style = rng.choice(["iso", "epoch"])
    if style == "epoch":
        kind = rng.random()
        if kind < 0.6:
            return round(t, 3)  # 1764510534.461: as the wire and `--cli-timestamp-format none` give it
        if kind < 0.8:
            return round(t, 6)
        return int(t)
    micros = rng.choice([0, rng.randrange(1000) * 1000, rng.randrange(10**6)])
    dt = datetime.datetime.fromtimestamp(int(t), tz=datetime.timezone.utc).replace(microsecond=micros)
    form = rng.randrange(6)
    if form == 0:  # AWS CLI: 2025-11-30T13:48:54.461000+00:00 (no fraction when it is zero)
        return dt.isoformat()
    if form == 1:  # boto3 + json.dumps(default=str): 2025-11-30 13:48:54.461000+00:00
        return str(dt)
    if form == 2:  # 2025-11-30T13:48:54.461Z
        return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{micros // 1000:03d}Z"
    if form == 3:  # 2025-11-30T13:48:54Z
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 4:  # 2025-11-30T13:48:54+00:00
        return dt.replace(microsecond=0).isoformat()
    return dt.isoformat(timespec="milliseconds")  # 2025-11-30T13:48:54.461+00:00


def gen_number(shape, rng):
    md = shape.metadata
    t = shape.type_name
    if t in ("integer", "long"):
        lo_lim, hi_lim = INT32 if t == "integer" else INT64
        lo = int(md.get("min", lo_lim))
        hi = int(md.get("max", hi_lim))
        r = rng.random()
        if r < 0.15:
            return lo if "min" in md else 0
        if r < 0.25:
            return hi
        if r < 0.35:
            return rng.choice([v for v in (0, 1, -1, lo, hi, 2**31 - 1, 2**53 + 1) if lo <= v <= hi])
        small_hi = min(hi, lo + 1000 if "min" in md else 1000)
        small_lo = max(lo, -10 if "min" not in md else lo)
        return rng.randint(small_lo, max(small_lo, small_hi))
    # double / float
    lim = FLOAT32_MAX if t == "float" else 1.7976931348623157e308
    lo = float(md.get("min", -lim))
    hi = float(md.get("max", lim))
    r = rng.random()
    if r < 0.1:
        v = lo if "min" in md else 0
        return int(v) if float(v).is_integer() and rng.random() < 0.5 else float(v)
    if r < 0.2:
        return rng.choice([hi, lim if hi == lim else hi, 1e-7, 5e-324 if t == "double" else 1e-30, 0.1 + 0.2])
    if r < 0.35:
        return rng.randint(int(max(lo, -1000)), int(min(hi, 1000)))  # a whole number, written without `.0`
    v = rng.uniform(max(lo, -1e6), min(hi, 1e6))
    return v if rng.random() < 0.5 else round(v, rng.randint(0, 6))


class Generator:
    def __init__(self, model):
        self.model = model

    def member_required(self, shape, name):
        return name in shape.required_members or name in ANCHORS.get(shape.name, ())

    def value(self, shape, ctx, depth, member):
        t = shape.type_name
        rng = ctx.rng
        if t == "structure":
            return self.structure(shape, ctx, depth)
        if t == "list":
            lo = shape.metadata.get("min", 0)
            hi = shape.metadata.get("max", 3)
            n = self.count(rng, lo, hi, ctx, depth, LIST_SIZES.get(shape.name))
            return [self.value(shape.member, ctx, depth + 1, member) for _ in range(n)]
        if t == "map":
            lo = shape.metadata.get("min", 0)
            hi = shape.metadata.get("max", 3)
            n = self.count(rng, lo, hi, ctx, depth)
            out = {}
            for _ in range(n * 5):
                if len(out) >= n:
                    break
                k = self.value(shape.key, ctx, depth + 1, "key")
                if k not in out:
                    out[k] = self.value(shape.value, ctx, depth + 1, member)
            if len(out) < lo:
                raise GenError(f"map {shape.name}: could not make {lo} distinct keys")
            return out
        if t == "string":
            return self.string(shape, ctx, member)
        if t in ("integer", "long", "double", "float"):
            return gen_number(shape, rng)
        if t == "boolean":
            return rng.random() < 0.5
        if t == "timestamp":
            return gen_timestamp(ctx)
        if t == "blob":
            data = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 48)))
            return base64.b64encode(data).decode("ascii")
        raise GenError(f"unsupported shape type {t} ({shape.name})")

    def count(self, rng, lo, hi, ctx, depth, sizes=None):
        full_lo, top = sizes or (1, 3)
        top = max(lo, min(hi, top))
        if ctx.variant == "full" and depth < MAX_DEPTH:
            return rng.randint(max(lo, min(full_lo, top)), top)
        if depth >= MAX_DEPTH:
            return lo
        return rng.randint(lo, top)

    def structure(self, shape, ctx, depth):
        rng = ctx.rng
        out = {}
        names = list(shape.members)
        if shape.metadata.get("union"):
            chosen = rng.choice(names)
            out[chosen] = self.value(shape.members[chosen], ctx, depth + 1, chosen)
            return out
        for name in names:
            if self.member_required(shape, name):
                out[name] = self.value(shape.members[name], ctx, depth + 1, name)
                continue
            v = ctx.variant
            if depth >= MAX_DEPTH or v == "required":
                continue
            if v == "drop" and rng.random() < 0.5:
                continue
            if v == "null" and rng.random() < 0.5:
                out[name] = None
                continue
            out[name] = self.value(shape.members[name], ctx, depth + 1, name)
        return out

    def string(self, shape, ctx, member, resource=None):
        md = shape.metadata
        rng = ctx.rng
        if member == "PipelineDefinition":
            return "{}"  # JSON text, written by fix_pipeline_definition
        if "enum" in md:
            return rng.choice(md["enum"])
        lo = md.get("min", 0)
        hi = md.get("max")
        target = pick_length(rng, lo, hi)
        pattern = md.get("pattern")
        if pattern:
            realistic = realistic_pattern(pattern, ctx, resource)
            if realistic is not None:
                for _ in range(6):
                    try:
                        t = target if rng.random() < 0.3 else rng.randint(max(lo, 20), max(lo, 20, min(hi or 120, 120)))
                        return gen_from_pattern(realistic, rng, lo, hi, t, check_pattern=pattern)
                    except GenError:
                        realistic = realistic_pattern(pattern, ctx, resource)
            return gen_from_pattern(pattern, rng, lo, hi, target)
        if member.endswith("Arn") and rng.random() < 0.9:
            arn = gen_arn_from_name(member, ctx, lo, hi)
            if arn is not None:
                return arn
        return free_text(rng, lo, hi, target)


# ---------------------------------------------------------------------------------------------------------------
# Semantics the model cannot express


LINEAGE_RESOURCE = {"Artifact": "artifact", "Action": "action", "Context": "context",
                    "TrialComponent": "experiment-trial-component"}


def fix_query_lineage(doc, gen, model, ctx):
    """A vertex's ARN names its LineageType's resource; every edge joins two vertices of the same response."""
    rng = ctx.rng
    vertex_shape = model.shape_for("Vertex")
    arn_shape = vertex_shape.members["Arn"]
    vertices = doc.get("Vertices") or []
    for v in vertices:
        lt = v.get("LineageType")
        if lt is not None:
            v["Arn"] = gen.string(arn_shape, ctx, "Arn", resource=LINEAGE_RESOURCE[lt])
    # QueryLineage pages may repeat a vertex; the importer merges repeats.
    if vertices and rng.random() < 0.15:
        vertices.append(dict(rng.choice(vertices)))
    arns = sorted({v["Arn"] for v in vertices})
    edges = doc.get("Edges")
    if edges is None:
        return
    if len(arns) < 2:
        doc["Edges"] = []
        return
    for e in edges:
        src, dst = rng.sample(arns, 2)
        e["SourceArn"] = src
        e["DestinationArn"] = dst


def fix_pipeline_definition(doc, ctx):
    """`PipelineDefinition` is JSON text (the SDK's pipeline definition): steps with any names, each depending on
    earlier ones by `DependsOn` or by a property reference, a condition holding a nested step."""
    rng = ctx.rng
    names = []
    steps = []
    for i in range(rng.randint(1, 6)):
        name = free_text(rng, 1, 64, rng.randint(1, 24)) if rng.random() < 0.5 else f"Step{i}"
        step = {"Name": name, "Type": rng.choice(["Processing", "Training", "RegisterModel", "Condition", "Lambda"]),
                "Arguments": {}}
        if names and rng.random() < 0.5:
            step["DependsOn"] = rng.sample(names, rng.randint(1, len(names)))
        if names and rng.random() < 0.5:
            step["Arguments"]["Input"] = {"Get": f"Steps.{rng.choice(names)}.Properties.Output"}
        if step["Type"] == "Condition":
            step["Arguments"]["IfSteps"] = [{"Name": f"{name}-then", "Type": "Fail", "Arguments": {}}]
            step["Arguments"]["ElseSteps"] = []
        names.append(name)
        steps.append(step)
    # ASCII JSON (names escaped): the model's pattern for the text backtracks badly on raw line separators.
    doc["PipelineDefinition"] = json.dumps({"Version": "2020-12-01", "Steps": steps})


def response_metadata(rng):
    rid = str(uuid.UUID(int=rng.getrandbits(128)))
    return {
        "RequestId": rid,
        "HTTPStatusCode": 200,
        "HTTPHeaders": {
            "x-amzn-requestid": rid,
            "content-type": "application/x-amz-json-1.1",
            "content-length": str(rng.randint(20, 90000)),
            "date": "Sun, 30 Nov 2025 13:48:54 GMT",
        },
        "RetryAttempts": rng.randint(0, 3),
    }


# ---------------------------------------------------------------------------------------------------------------
# Validation against the model

ISO_RX = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")


def validate(shape, value, path, errors):
    t = shape.type_name
    md = shape.metadata

    def err(msg):
        errors.append(f"{path or '(document)'}: {msg}")

    if t == "structure":
        if not isinstance(value, dict):
            return err(f"expected an object for {shape.name}")
        for k in value:
            if k not in shape.members:
                err(f"unknown member {k!r} of {shape.name}")
        for k in shape.required_members:
            if value.get(k) is None:
                err(f"required member {k!r} of {shape.name} missing or null")
        if md.get("union"):
            set_members = [k for k, v in value.items() if v is not None]
            if len(set_members) != 1:
                err(f"union {shape.name} has {len(set_members)} members set")
        for k, v in value.items():
            if k in shape.members and v is not None:
                validate(shape.members[k], v, f"{path}.{k}" if path else k, errors)
    elif t == "list":
        if not isinstance(value, list):
            return err("expected an array")
        if len(value) < md.get("min", 0) or ("max" in md and len(value) > md["max"]):
            err(f"{len(value)} items outside {md.get('min', 0)}..{md.get('max')}")
        for i, item in enumerate(value):
            if item is None:
                err(f"[{i}] is null")
            else:
                validate(shape.member, item, f"{path}[{i}]", errors)
    elif t == "map":
        if not isinstance(value, dict):
            return err("expected an object (map)")
        if len(value) < md.get("min", 0) or ("max" in md and len(value) > md["max"]):
            err(f"{len(value)} entries outside {md.get('min', 0)}..{md.get('max')}")
        for k, v in value.items():
            validate(shape.key, k, f"{path}{{key {k[:20]!r}}}", errors)
            if v is None:
                err(f"[{k!r}] is null")
            else:
                validate(shape.value, v, f"{path}[{k[:20]!r}]", errors)
    elif t == "string":
        if not isinstance(value, str):
            return err("expected a string")
        if "enum" in md and value not in md["enum"]:
            err(f"{value!r} not in enum {shape.name}")
        if not length_ok(value, md.get("min", 0), md.get("max")):
            err(f"length {len(value)} (UTF-16 {utf16_len(value)}) outside {md.get('min', 0)}..{md.get('max')}")
        if "pattern" in md and not compiled(md["pattern"])[0].fullmatch(value):
            err(f"{value[:60]!r} does not match {md['pattern']!r}")
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            err("lone surrogate")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return err("expected a whole number")
        lo, hi = INT32 if t == "integer" else INT64
        if not (max(lo, md.get("min", lo)) <= value <= min(hi, md.get("max", hi))):
            err(f"{value} outside the range of {shape.name}")
    elif t in ("double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return err("expected a finite number")
        if ("min" in md and value < md["min"]) or ("max" in md and value > md["max"]):
            err(f"{value} outside the range of {shape.name}")
        if t == "float" and abs(value) > FLOAT32_MAX:
            err(f"{value} beyond a 32-bit float")
    elif t == "boolean":
        if not isinstance(value, bool):
            err("expected a boolean")
    elif t == "timestamp":
        if isinstance(value, bool):
            return err("expected a timestamp")
        if isinstance(value, (int, float)):
            if not TIME_RANGE[0] - 1 <= value <= TIME_RANGE[1] + 1:
                err(f"epoch {value} out of range")
        elif isinstance(value, str):
            if not ISO_RX.fullmatch(value):
                return err(f"{value!r} is not ISO 8601")
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            err("expected a timestamp")
    elif t == "blob":
        if not isinstance(value, str):
            return err("expected base64 text")
        base64.b64decode(value, validate=True)
    else:
        err(f"unsupported shape type {t}")


def _strip_nulls(v):
    if isinstance(v, dict):
        return {k: _strip_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_strip_nulls(x) for x in v]
    return v


def check_document(shape, doc, name):
    body = {k: v for k, v in doc.items() if k != RESPONSE_METADATA}
    errors = []
    validate(shape, body, "", errors)
    # botocore's own checks (types, required members, unions, minimum lengths and values, timestamps), applied to
    # the output shape; a null member is an absent one.
    report = botocore.validate.ParamValidator().validate(_strip_nulls(body), shape)
    if report.has_errors():
        errors.append("botocore ParamValidator: " + report.generate_report())
    if errors:
        raise GenError(f"{name}: generated document is not valid for {shape.name}:\n  " + "\n  ".join(errors[:20]))


# ---------------------------------------------------------------------------------------------------------------


def generate(model, op, variant, n, seed):
    rng = random.Random(f"{seed}:{op}:{variant}:{n}")
    ts_style = ("mixed", "iso", "epoch")[n % 3]
    ctx = Context(rng, variant, ts_style)
    gen = Generator(model)
    shape = model.operation_model(op).output_shape
    doc = gen.structure(shape, ctx, 0)
    if op == "QueryLineage":
        fix_query_lineage(doc, gen, model, ctx)
    if op == "DescribePipelineDefinitionForExecution":
        fix_pipeline_definition(doc, ctx)
    if rng.random() < 0.3:
        doc[RESPONSE_METADATA] = response_metadata(rng)
    return shape, doc


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", default=str(DEFAULT_SEED), help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT,
                    help=f"documents per operation, variants in turn (default {DEFAULT_COUNT})")
    ap.add_argument("--out", default="target/shapes", help="output directory (default target/shapes)")
    ap.add_argument("--op", action="append", choices=OPERATIONS, help="only this operation (repeatable)")
    ap.add_argument("--any-botocore", action="store_true",
                    help=f"run with a botocore other than the pinned {BOTOCORE_VERSION}")
    args = ap.parse_args(argv)

    if botocore.__version__ != BOTOCORE_VERSION and not args.any_botocore:
        sys.exit(f"botocore {botocore.__version__} is installed; the shape test pins {BOTOCORE_VERSION} "
                 "(pip install -r tests/gen/requirements.txt, or pass --any-botocore)")
    model = botocore.session.get_session().get_service_model("sagemaker")
    os.makedirs(args.out, exist_ok=True)
    counts = {}
    for op in args.op or OPERATIONS:
        for n in range(args.count):
            variant = VARIANTS[n % len(VARIANTS)]
            shape, doc = generate(model, op, variant, n, args.seed)
            name = f"{op}-{variant}-{n}.json"
            text = json.dumps(doc, ensure_ascii=(n % 2 == 1), indent=(4 if n % 5 < 3 else None))
            # Validate what is written, not what was meant.
            check_document(shape, json.loads(text), name)
            with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
                f.write(text + "\n")
            counts[op] = counts.get(op, 0) + 1
    total = sum(counts.values())
    print(f"generated {total} responses into {args.out} (botocore {botocore.__version__}, seed {args.seed}):")
    for op, c in counts.items():
        print(f"  {op:28} {c}")


if __name__ == "__main__":
    main()
