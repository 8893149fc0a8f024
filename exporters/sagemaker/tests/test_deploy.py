"""The approval recorder's CloudFormation template (deploy/approval-recorder.yaml), checked offline.

cfn-lint (pinned in requirements-test.txt) must report nothing, informational checks included; and the template's
security-relevant shape is checked directly: the role allows exactly the calls the handler makes, each on the narrowest
resource IAM supports, the rule matches the group's model package state changes, and the function is the handler with
the timeout, concurrency and failure destination the handler's idempotence relies on. Every checker returns a list of
problems, and the mutation cases below show that each one rejects a template that breaks what it checks.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.decode import decode_str

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
TEMPLATE = DEPLOY / "approval-recorder.yaml"
BUILD_SCRIPT = DEPLOY / "build-lambda-zip"

HANDLER = "lineage_capture.approval_handler"
DETAIL_TYPE = "SageMaker Model Package State Change"

ARTIFACTS = "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:artifact/*"
GROUP_MODEL_PACKAGES = (
    "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/${ModelPackageGroupName}/*"
)
OWN_LOG_STREAMS = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroup}:log-stream:*"
DEAD_LETTER_QUEUE = {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}

# Every action the role may allow, and the one resource it may allow it on. "*" only where the Service Authorization
# Reference lists no resource type for the action (ListArtifacts, ListAssociations, cloudtrail:LookupEvents).
EXPECTED_GRANTS = {
    "sagemaker:CreateArtifact": ARTIFACTS,
    "sagemaker:DescribeArtifact": ARTIFACTS,
    "sagemaker:AddAssociation": ARTIFACTS,
    "sagemaker:DescribeModelPackage": GROUP_MODEL_PACKAGES,
    "sagemaker:ListArtifacts": "*",
    "sagemaker:ListAssociations": "*",
    "cloudtrail:LookupEvents": "*",
    "logs:CreateLogStream": OWN_LOG_STREAMS,
    "logs:PutLogEvents": OWN_LOG_STREAMS,
    "sqs:SendMessage": DEAD_LETTER_QUEUE,
}
NO_RESOURCE_LEVEL_PERMISSIONS = {a for a, r in EXPECTED_GRANTS.items() if r == "*"}


def load_template(text: str | None = None) -> dict:
    """The template as plain JSON-like data; short-form tags (!Ref, !Sub, !GetAtt) become their long forms."""
    template, matches = decode_str(TEMPLATE.read_text() if text is None else text)
    assert not matches, [str(m) for m in matches]
    return json.loads(json.dumps(template))


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template()


def resources_of_type(template: dict, type_: str) -> dict[str, dict]:
    return {name: r for name, r in template.get("Resources", {}).items() if r.get("Type") == type_}


def only_resource(template: dict, type_: str) -> tuple[str | None, dict]:
    found = resources_of_type(template, type_)
    if len(found) != 1:
        return None, {}
    return next(iter(found.items()))


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def sub_string(value):
    """A resource as compared: the string of a plain or Fn::Sub value, otherwise the value itself."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return value["Fn::Sub"]
    return value


# ---- the checkers ---------------------------------------------------------------------------------------------


def role_policy_problems(template: dict) -> list[str]:
    """Problems with the function role's permissions: anything but exactly EXPECTED_GRANTS."""
    problems = []
    role_name, role = only_resource(template, "AWS::IAM::Role")
    if role_name is None:
        return ["the template must have exactly one AWS::IAM::Role"]
    props = role.get("Properties", {})
    if props.get("ManagedPolicyArns"):
        problems.append(f"the role has managed policies: {props['ManagedPolicyArns']}")

    trust = props.get("AssumeRolePolicyDocument", {}).get("Statement", [])
    principals = [s.get("Principal") for s in as_list(trust)]
    if principals != [{"Service": "lambda.amazonaws.com"}] or any(
        as_list(s.get("Action")) != ["sts:AssumeRole"] for s in as_list(trust)
    ):
        problems.append(f"the role must be assumable by lambda.amazonaws.com only: {trust}")

    function_name, function = only_resource(template, "AWS::Lambda::Function")
    if function.get("Properties", {}).get("Role") != {"Fn::GetAtt": [role_name, "Arn"]}:
        problems.append(f"the function {function_name} must run as {role_name}")

    statements = []
    for policy in props.get("Policies", []):
        statements += as_list(policy.get("PolicyDocument", {}).get("Statement", []))
    # Policies attached from elsewhere count too: no other policy resource may grant this role anything.
    for type_ in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
        for name in resources_of_type(template, type_):
            problems.append(f"{name} ({type_}): every permission belongs in the role's own policy")

    granted: dict[str, list] = {}
    for statement in statements:
        sid = statement.get("Sid", "?")
        for key in ("NotAction", "NotResource", "NotPrincipal"):
            if key in statement:
                problems.append(f"statement {sid} uses {key}")
        if statement.get("Effect") != "Allow":
            problems.append(f"statement {sid} is not an Allow: {statement.get('Effect')}")
        for action in as_list(statement.get("Action", [])):
            if not isinstance(action, str) or "*" in action or "?" in action:
                problems.append(f"statement {sid}: wildcard or non-literal action {action!r}")
                continue
            for resource in as_list(statement.get("Resource", [])):
                granted.setdefault(action, []).append(sub_string(resource))

    extra = sorted(set(granted) - set(EXPECTED_GRANTS))
    missing = sorted(set(EXPECTED_GRANTS) - set(granted))
    if extra:
        problems.append(f"actions the handler does not call: {extra}")
    if missing:
        problems.append(f"actions the handler calls but the role lacks: {missing}")

    for action, resources in sorted(granted.items()):
        for resource in resources:
            if resource == "*" and action not in NO_RESOURCE_LEVEL_PERMISSIONS:
                problems.append(f"{action} on '*', though IAM supports resource-level permissions for it")
        if action in EXPECTED_GRANTS and resources != [EXPECTED_GRANTS[action]]:
            problems.append(f"{action} must be allowed on exactly {EXPECTED_GRANTS[action]!r}, not {resources!r}")
    return problems


def rule_problems(template: dict) -> list[str]:
    """Problems with the EventBridge rule, its target and the permission it invokes the function with."""
    problems = []
    rule_name, rule = only_resource(template, "AWS::Events::Rule")
    function_name, _ = only_resource(template, "AWS::Lambda::Function")
    if rule_name is None:
        return ["the template must have exactly one AWS::Events::Rule"]
    props = rule.get("Properties", {})
    if props.get("EventBusName", "default") != "default":
        problems.append(f"the rule must be on the default bus, not {props.get('EventBusName')!r}")
    if props.get("State", "ENABLED") != "ENABLED":
        problems.append(f"the rule is {props.get('State')}")
    pattern = props.get("EventPattern", {})
    if pattern.get("source") != ["aws.sagemaker"]:
        problems.append(f"the pattern's source must be exactly aws.sagemaker: {pattern.get('source')}")
    if pattern.get("detail-type") != [DETAIL_TYPE]:
        problems.append(f"the pattern's detail-type must be exactly {DETAIL_TYPE!r}: {pattern.get('detail-type')}")
    if pattern.get("detail", {}).get("ModelPackageGroupName") != [{"Ref": "ModelPackageGroupName"}]:
        problems.append(
            "the pattern must match detail.ModelPackageGroupName to the ModelPackageGroupName parameter: "
            f"{pattern.get('detail')}"
        )

    targets = props.get("Targets", [])
    if len(targets) != 1 or targets[0].get("Arn") != {"Fn::GetAtt": [function_name, "Arn"]}:
        problems.append(f"the rule's one target must be the function: {targets}")
    elif targets[0].get("DeadLetterConfig", {}).get("Arn") != DEAD_LETTER_QUEUE:
        problems.append("events EventBridge cannot deliver must go to the dead-letter queue")

    permissions = resources_of_type(template, "AWS::Lambda::Permission")
    if len(permissions) != 1:
        problems.append(f"the function needs exactly one invoke permission, has {len(permissions)}")
    for name, permission in permissions.items():
        p = permission.get("Properties", {})
        if p.get("Principal") != "events.amazonaws.com" or p.get("Action") != "lambda:InvokeFunction":
            problems.append(f"{name} must let events.amazonaws.com invoke the function")
        if p.get("SourceArn") != {"Fn::GetAtt": [rule_name, "Arn"]}:
            problems.append(f"{name} must be scoped to the rule's ARN, not {p.get('SourceArn')!r}")
        if p.get("FunctionName") not in ({"Fn::GetAtt": [function_name, "Arn"]}, {"Ref": function_name}):
            problems.append(f"{name} must be for the function")
    return problems


def function_problems(template: dict) -> list[str]:
    """Problems with the function, its failure handling and its parameters."""
    problems = []
    name, function = only_resource(template, "AWS::Lambda::Function")
    if name is None:
        return ["the template must have exactly one AWS::Lambda::Function"]
    props = function.get("Properties", {})
    if props.get("Handler") != HANDLER:
        problems.append(f"the handler must be {HANDLER!r}, not {props.get('Handler')!r}")
    if props.get("Runtime") not in ("python3.11", "python3.12"):
        problems.append(f"the runtime must be python3.11 or python3.12, not {props.get('Runtime')!r}")
    if props.get("Timeout") != 900:
        problems.append(f"the timeout must be 900 s to fit the CloudTrail wait, not {props.get('Timeout')}")
    if props.get("ReservedConcurrentExecutions") != 1:
        problems.append("ReservedConcurrentExecutions must be 1, so duplicated events are handled one at a time")
    if props.get("Code") != {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "CodeS3Key"}}:
        problems.append(f"the code must come from the CodeS3Bucket/CodeS3Key parameters: {props.get('Code')}")
    variables = props.get("Environment", {}).get("Variables", {})
    if variables.get("CLOUDTRAIL_WAIT_SECONDS") != {"Ref": "CloudTrailWaitSeconds"}:
        problems.append("CLOUDTRAIL_WAIT_SECONDS must be the CloudTrailWaitSeconds parameter")
    if props.get("LoggingConfig", {}).get("LogGroup") != {"Ref": "LogGroup"}:
        problems.append("the function must log to the template's LogGroup (the only one its role may write)")

    parameters = template.get("Parameters", {})
    for parameter in ("ModelPackageGroupName", "CodeS3Bucket", "CodeS3Key", "CloudTrailWaitSeconds"):
        if parameter not in parameters:
            problems.append(f"parameter {parameter} is missing")
    wait = parameters.get("CloudTrailWaitSeconds", {})
    if str(wait.get("Default")) != "600":
        problems.append(f"CloudTrailWaitSeconds must default to 600, not {wait.get('Default')!r}")
    if not isinstance(wait.get("MaxValue"), int) or wait["MaxValue"] >= 900:
        problems.append("CloudTrailWaitSeconds must be capped below the 900 s timeout")

    log_groups = resources_of_type(template, "AWS::Logs::LogGroup")
    if list(log_groups) != ["LogGroup"] or "RetentionInDays" not in log_groups["LogGroup"].get("Properties", {}):
        problems.append("the template must create its LogGroup, with a retention")

    configs = resources_of_type(template, "AWS::Lambda::EventInvokeConfig")
    if len(configs) != 1:
        return problems + [f"the function needs exactly one EventInvokeConfig, has {len(configs)}"]
    config = next(iter(configs.values())).get("Properties", {})
    if config.get("FunctionName") != {"Ref": name} or config.get("Qualifier") != "$LATEST":
        problems.append("the EventInvokeConfig must be for the function's $LATEST")
    if config.get("MaximumRetryAttempts") != 2:
        problems.append(f"MaximumRetryAttempts must be 2, not {config.get('MaximumRetryAttempts')}")
    if not isinstance(config.get("MaximumEventAgeInSeconds"), int) or config["MaximumEventAgeInSeconds"] < 3600:
        problems.append(f"MaximumEventAgeInSeconds is too short: {config.get('MaximumEventAgeInSeconds')}")
    if config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination") != DEAD_LETTER_QUEUE:
        problems.append("failed invocations must go to the dead-letter queue (DestinationConfig.OnFailure)")

    queue = template.get("Resources", {}).get("DeadLetterQueue", {})
    if queue.get("Type") != "AWS::SQS::Queue":
        problems.append("DeadLetterQueue must be an AWS::SQS::Queue")
    elif queue.get("Properties", {}).get("SqsManagedSseEnabled") is not True:
        problems.append("the dead-letter queue must be encrypted with SQS-managed SSE")

    outputs = template.get("Outputs", {})
    wanted = {
        "FunctionArn": {"Fn::GetAtt": [name, "Arn"]},
        "RuleArn": {"Fn::GetAtt": [only_resource(template, "AWS::Events::Rule")[0], "Arn"]},
        "DeadLetterQueueUrl": {"Ref": "DeadLetterQueue"},
    }
    for output, value in wanted.items():
        if outputs.get(output, {}).get("Value") != value:
            problems.append(f"output {output} must be {value}")
    return problems


def cfn_lint(path: Path) -> subprocess.CompletedProcess:
    """cfn-lint's command line, from this interpreter, with informational checks too, in a few partitions' regions."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
            "--format",
            "parseable",
            "--include-checks",
            "I",
            "--regions",
            "us-east-1",
            "eu-west-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "cn-north-1",
            "--",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


# ---- the template passes --------------------------------------------------------------------------------------


def test_cfn_lint_reports_nothing():
    result = cfn_lint(TEMPLATE)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def test_role_allows_exactly_the_handlers_calls(template):
    assert role_policy_problems(template) == []


def test_rule_matches_the_groups_model_package_state_changes(template):
    assert rule_problems(template) == []


def test_function_is_the_approval_handler(template):
    assert function_problems(template) == []


def test_runtime_is_the_one_the_zip_is_built_for(template):
    built_for = re.search(r"^runtime_python_version=(\S+)$", BUILD_SCRIPT.read_text(), re.M)
    assert built_for, "build-lambda-zip must name the runtime it builds for"
    runtime = only_resource(template, "AWS::Lambda::Function")[1]["Properties"]["Runtime"]
    assert runtime == f"python{built_for.group(1)}"


def test_build_script_is_executable():
    assert BUILD_SCRIPT.stat().st_mode & 0o111


# ---- and each checker rejects what it checks ------------------------------------------------------------------


def _statement(template: dict, sid: str) -> dict:
    role = only_resource(template, "AWS::IAM::Role")[1]
    for statement in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]:
        if statement.get("Sid") == sid:
            return statement
    raise KeyError(sid)


def _append_action(sid: str, action: str):
    def mutate(t):
        statement = _statement(t, sid)
        statement["Action"] = as_list(statement["Action"]) + [action]

    return mutate


def _set(path: list, value):
    def mutate(t):
        node = t
        for key in path[:-1]:
            node = node[key]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return mutate


_DELETE = object()


def _remove_action(sid: str, action: str):
    def mutate(t):
        statement = _statement(t, sid)
        statement["Action"] = [a for a in as_list(statement["Action"]) if a != action]

    return mutate


def _add_resource(name: str, resource: dict):
    def mutate(t):
        t["Resources"][name] = resource

    return mutate


ROLE = ["Resources", "FunctionRole", "Properties"]
FUNCTION = ["Resources", "Function", "Properties"]
RULE = ["Resources", "ApprovalRule", "Properties"]
INVOKE_CONFIG = ["Resources", "FunctionEventInvokeConfig", "Properties"]

MUTATIONS = {
    # role_policy_problems
    "extra action": (role_policy_problems, _append_action("LineageArtifacts", "sagemaker:DeleteArtifact")),
    "extra list action on *": (role_policy_problems, _append_action("CallsWithoutResourceLevelPermissions",
                                                                    "sagemaker:ListModelPackages")),
    "wildcard action": (role_policy_problems, _append_action("LineageArtifacts", "sagemaker:*")),
    "prefix-wildcard action": (role_policy_problems, _append_action("LineageArtifacts", "sagemaker:Describe*")),
    "missing action": (role_policy_problems, _remove_action("CallsWithoutResourceLevelPermissions",
                                                            "sagemaker:ListAssociations")),
    "artifacts on *": (role_policy_problems,
                       lambda t: _statement(t, "LineageArtifacts").__setitem__("Resource", "*")),
    "model packages of every group": (role_policy_problems, lambda t: _statement(t, "ModelPackagesOfTheGroup")
                                      .__setitem__("Resource", {"Fn::Sub": GROUP_MODEL_PACKAGES.replace(
                                          "${ModelPackageGroupName}/*", "*")})),
    "every log group": (role_policy_problems, lambda t: _statement(t, "OwnLogGroup").__setitem__("Resource", "*")),
    "every queue": (role_policy_problems, lambda t: _statement(t, "DeadLetterQueue").__setitem__("Resource", "*")),
    "NotAction": (role_policy_problems, lambda t: _statement(t, "DeadLetterQueue").__setitem__(
        "NotAction", "iam:*")),
    "managed policy": (role_policy_problems, _set(ROLE + ["ManagedPolicyArns"],
                                                  ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"])),
    "policy attached from elsewhere": (role_policy_problems, _add_resource("MorePermissions", {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "more", "Roles": [{"Ref": "FunctionRole"}], "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}})),
    "trusted by another service": (role_policy_problems, _set(
        ROLE + ["AssumeRolePolicyDocument", "Statement", 0, "Principal"], {"Service": "ec2.amazonaws.com"})),
    # rule_problems
    "another detail-type": (rule_problems, _set(RULE + ["EventPattern", "detail-type"],
                                                ["SageMaker Model State Change"])),
    "every group": (rule_problems, _set(RULE + ["EventPattern", "detail"], _DELETE)),
    "a fixed group": (rule_problems, _set(RULE + ["EventPattern", "detail", "ModelPackageGroupName"], ["abalone"])),
    "another source": (rule_problems, _set(RULE + ["EventPattern", "source"], ["aws.events"])),
    "custom bus": (rule_problems, _set(RULE + ["EventBusName"], "lineage")),
    "no target DLQ": (rule_problems, _set(RULE + ["Targets", 0, "DeadLetterConfig"], _DELETE)),
    "permission for any rule": (rule_problems, _set(
        ["Resources", "FunctionInvokePermission", "Properties", "SourceArn"], _DELETE)),
    # function_problems
    "another handler": (function_problems, _set(FUNCTION + ["Handler"], "lineage_capture.handler")),
    "short timeout": (function_problems, _set(FUNCTION + ["Timeout"], 300)),
    "unreserved concurrency": (function_problems, _set(FUNCTION + ["ReservedConcurrentExecutions"], _DELETE)),
    "old runtime": (function_problems, _set(FUNCTION + ["Runtime"], "python3.9")),
    "wait not configurable": (function_problems, _set(FUNCTION + ["Environment", "Variables",
                                                                  "CLOUDTRAIL_WAIT_SECONDS"], "600")),
    "wait default": (function_problems, _set(["Parameters", "CloudTrailWaitSeconds", "Default"], 60)),
    "wait beyond timeout": (function_problems, _set(["Parameters", "CloudTrailWaitSeconds", "MaxValue"], 900)),
    "retries": (function_problems, _set(INVOKE_CONFIG + ["MaximumRetryAttempts"], 0)),
    "no failure destination": (function_problems, _set(INVOKE_CONFIG + ["DestinationConfig"], _DELETE)),
    "unencrypted DLQ": (function_problems, _set(["Resources", "DeadLetterQueue", "Properties",
                                                 "SqsManagedSseEnabled"], _DELETE)),
    "no log retention": (function_problems, _set(["Resources", "LogGroup", "Properties", "RetentionInDays"],
                                                 _DELETE)),
    "missing output": (function_problems, _set(["Outputs", "DeadLetterQueueUrl"], _DELETE)),
}


# What the rejection must say: the checker rejects the mutation for the reason it is there for.
REASONS = {
    "NotAction": "uses NotAction",
    "a fixed group": "detail.ModelPackageGroupName",
    "another detail-type": "detail-type",
    "another handler": "handler",
    "another source": "source",
    "artifacts on *": "sagemaker:CreateArtifact on '*'",
    "custom bus": "default bus",
    "every group": "detail.ModelPackageGroupName",
    "every log group": "logs:PutLogEvents on '*'",
    "every queue": "sqs:SendMessage on '*'",
    "extra action": "does not call: ['sagemaker:DeleteArtifact']",
    "extra list action on *": "does not call: ['sagemaker:ListModelPackages']",
    "managed policy": "managed policies",
    "missing action": "lacks: ['sagemaker:ListAssociations']",
    "missing output": "DeadLetterQueueUrl",
    "model packages of every group": "sagemaker:DescribeModelPackage must be allowed on exactly",
    "no failure destination": "OnFailure",
    "no log retention": "retention",
    "no target DLQ": "EventBridge cannot deliver",
    "old runtime": "runtime",
    "permission for any rule": "scoped to the rule's ARN",
    "policy attached from elsewhere": "MorePermissions",
    "prefix-wildcard action": "wildcard or non-literal action 'sagemaker:Describe*'",
    "retries": "MaximumRetryAttempts",
    "short timeout": "timeout",
    "trusted by another service": "lambda.amazonaws.com only",
    "unencrypted DLQ": "SSE",
    "unreserved concurrency": "ReservedConcurrentExecutions",
    "wait beyond timeout": "capped below",
    "wait default": "default to 600",
    "wait not configurable": "CLOUDTRAIL_WAIT_SECONDS",
    "wildcard action": "wildcard or non-literal action 'sagemaker:*'",
}


def test_every_mutation_has_a_reason():
    assert set(REASONS) == set(MUTATIONS)


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_checker_rejects(template, case):
    checker, mutate = MUTATIONS[case]
    broken = copy.deepcopy(template)
    mutate(broken)
    problems = checker(broken)
    assert problems, f"{checker.__name__} accepted a template with: {case}"
    assert any(REASONS[case] in problem for problem in problems), problems
    assert checker(template) == [], "the mutation must not leak into the shared template"


def test_cfn_lint_rejects_a_broken_template(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEMPLATE.read_text().replace("Timeout: 900", "Timeout: 1000", 1))
    assert broken.read_text() != TEMPLATE.read_text()
    result = cfn_lint(broken)
    assert result.returncode != 0 and "E3" in result.stdout, result.stdout + result.stderr
