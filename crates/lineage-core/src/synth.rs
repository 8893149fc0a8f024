//! A deterministic generator of realistic large exports (weekly retrains of many model groups) for benchmarks.
//!
//! The same options always give the same bytes. The generator writes into any `std::io::Write` the caller hands
//! it; it opens nothing itself.

use std::io::{self, Write};

use serde_json::json;
use sha2::{Digest, Sha256};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthOptions {
    /// Model package groups (each with its own images, group context and endpoint).
    pub models: usize,
    /// Weekly retrains per group.
    pub weeks: usize,
    /// Raw-data partitions feeding each week's feature-store versions, processing job and dataset.
    pub raw_partitions: usize,
    /// Describe responses as `lineage-export-sagemaker` writes them: one per vertex other than the raw partitions,
    /// and each week's training job, processing job and model package (about a third of the bytes). Off: only the
    /// start package's lineage is described (a lineage-only export).
    pub described: bool,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions { models: 3, weeks: 4, raw_partitions: 16, described: true }
    }
}

impl SynthOptions {
    /// Vertices the export will hold.
    pub fn vertex_count(&self) -> usize {
        self.models * (4 + self.weeks * (11 + self.raw_partitions))
    }

    /// Edges the export will hold.
    pub fn edge_count(&self) -> usize {
        self.models * self.weeks * (19 + 4 * self.raw_partitions)
    }

    /// Describe responses the export will hold.
    pub fn description_count(&self) -> usize {
        let start = 9;
        if self.described {
            start + self.models * (4 + self.weeks * 14)
        } else {
            start
        }
    }
}

const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";

fn id(parts: &str) -> String {
    let digest = Sha256::digest(parts.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/{name}")
}

fn week_label(w: usize) -> String {
    format!("{}-W{:02}", 2027 + w / 52, w % 52 + 1)
}

struct Unit {
    raws: Vec<String>,
    fs_acc: String,
    fs_beh: String,
    excl: String,
    proc: String,
    dataset: String,
    train: String,
    code: String,
    model_data: String,
    package: String,
    approval: String,
    deployment: String,
}

fn unit(m: usize, w: usize, raw_partitions: usize) -> Unit {
    let k = |kind: &str| id(&format!("{m}/{w}/{kind}"));
    let group = format!("credit-m{m:04}");
    Unit {
        raws: (0..raw_partitions).map(|r| arn("artifact", &k(&format!("raw{r}")))).collect(),
        fs_acc: arn("artifact", &k("fs-accounts")),
        fs_beh: arn("artifact", &k("fs-behaviour")),
        excl: arn("artifact", &k("exclusion")),
        proc: arn("experiment-trial-component", &format!("{group}-assemble-w{w}-{}-aws-processing-job", &k("p")[..6])),
        dataset: arn("artifact", &k("dataset")),
        train: arn("experiment-trial-component", &format!("{group}-w{w}-{}-aws-training-job", &k("t")[..6])),
        code: arn("artifact", &k("code")),
        model_data: arn("artifact", &k("model-data")),
        package: arn("artifact", &k("package")),
        approval: arn("action", &format!("{group}-{}-approval", w + 1)),
        deployment: arn("action", &format!("{group}-w{w}-deployment-{}", &k("d")[..8])),
    }
}

/// Writes a bundle: `StartArns` (the newest package of the first group), `Vertices`, `Edges`, and the
/// Describe responses of that package's lineage so its report answers every question.
pub fn synth(opts: &SynthOptions, out: &mut dyn Write) -> io::Result<()> {
    let start = unit(0, opts.weeks.saturating_sub(1), opts.raw_partitions);
    write!(out, "{{\"StartArns\":[\"{}\"],\"Direction\":\"Ascendants\",\n\"Vertices\":[", start.package)?;
    write_vertices(opts, out)?;
    write!(out, "\n],\n\"Edges\":[")?;
    write_edges(opts, out)?;
    write!(out, "\n],\n\"Descriptions\":[")?;
    write_descriptions(opts, &start, out)?;
    writeln!(out, "\n]}}")
}

/// The separator before an element of a JSON list written one element a line: a newline before the first, a
/// comma and newline before the others.
fn separator(first: &mut bool) -> &'static str {
    if std::mem::take(first) {
        "\n"
    } else {
        ",\n"
    }
}

/// A model group's vertices other than its weekly ones.
struct GroupArns {
    train_image: String,
    proc_image: String,
    context: String,
    endpoint: String,
}

fn group_arns(m: usize) -> GroupArns {
    let group = format!("credit-m{m:04}");
    GroupArns {
        train_image: arn("artifact", &id(&format!("{m}/train-image"))),
        proc_image: arn("artifact", &id(&format!("{m}/proc-image"))),
        context: arn("context", &format!("{group}-{}-ModelGroup", &id(&format!("{m}/group"))[..8])),
        endpoint: arn("context", &format!("{group}-prod-{}-Endpoint", &id(&format!("{m}/endpoint"))[..8])),
    }
}

/// The elements of `Vertices`: each group's own vertices, then each week's.
fn write_vertices(opts: &SynthOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    let mut vertex = |out: &mut dyn Write, arn: &str, ty: &str, lt: &str| -> io::Result<()> {
        let sep = separator(&mut first);
        write!(out, "{sep}{{\"Arn\":\"{arn}\",\"Type\":\"{ty}\",\"LineageType\":\"{lt}\"}}")
    };
    for m in 0..opts.models {
        let g = group_arns(m);
        vertex(out, &g.train_image, "Image", "Artifact")?;
        vertex(out, &g.proc_image, "Image", "Artifact")?;
        vertex(out, &g.context, "ModelGroup", "Context")?;
        vertex(out, &g.endpoint, "Endpoint", "Context")?;
        for w in 0..opts.weeks {
            let u = unit(m, w, opts.raw_partitions);
            for r in &u.raws {
                vertex(out, r, "DataSet", "Artifact")?;
            }
            for (a, ty, lt) in [
                (&u.fs_acc, "FeatureStoreVersion", "Artifact"),
                (&u.fs_beh, "FeatureStoreVersion", "Artifact"),
                (&u.excl, "DataSet", "Artifact"),
                (&u.proc, "ProcessingJob", "TrialComponent"),
                (&u.dataset, "DataSet", "Artifact"),
                (&u.train, "TrainingJob", "TrialComponent"),
                (&u.code, "CodeCommit", "Artifact"),
                (&u.model_data, "Model", "Artifact"),
                (&u.package, "Model", "Artifact"),
                (&u.approval, "Approval", "Action"),
                (&u.deployment, "ModelDeployment", "Action"),
            ] {
                vertex(out, a, ty, lt)?;
            }
        }
    }
    Ok(())
}

/// The elements of `Edges`: each week's, group by group.
fn write_edges(opts: &SynthOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    let mut edge = |out: &mut dyn Write, s: &str, d: &str, t: &str| -> io::Result<()> {
        let sep = separator(&mut first);
        write!(out, "{sep}{{\"SourceArn\":\"{s}\",\"DestinationArn\":\"{d}\",\"AssociationType\":\"{t}\"}}")
    };
    for m in 0..opts.models {
        let g = group_arns(m);
        for w in 0..opts.weeks {
            let u = unit(m, w, opts.raw_partitions);
            for r in &u.raws {
                edge(out, r, &u.proc, "ContributedTo")?;
                edge(out, r, &u.fs_acc, "ContributedTo")?;
                edge(out, r, &u.fs_beh, "ContributedTo")?;
                edge(out, r, &u.dataset, "DerivedFrom")?;
            }
            for (s, d, t) in [
                (&u.fs_acc, &u.proc, "ContributedTo"),
                (&u.fs_beh, &u.proc, "ContributedTo"),
                (&u.excl, &u.proc, "ContributedTo"),
                (&g.proc_image, &u.proc, "ContributedTo"),
                (&u.proc, &u.dataset, "Produced"),
                (&u.fs_acc, &u.dataset, "ContributedTo"),
                (&u.fs_beh, &u.dataset, "ContributedTo"),
                (&u.excl, &u.dataset, "ContributedTo"),
                (&u.dataset, &u.train, "ContributedTo"),
                (&g.train_image, &u.train, "ContributedTo"),
                (&u.code, &u.train, "AssociatedWith"),
                (&u.train, &u.model_data, "Produced"),
                (&u.model_data, &u.package, "ContributedTo"),
                (&g.train_image, &u.package, "ContributedTo"),
                (&u.package, &g.context, "AssociatedWith"),
                (&u.package, &u.approval, "ContributedTo"),
                (&u.approval, &u.deployment, "ContributedTo"),
                (&u.package, &u.deployment, "ContributedTo"),
                (&u.deployment, &g.endpoint, "AssociatedWith"),
            ] {
                edge(out, s, d, t)?;
            }
        }
    }
    Ok(())
}

/// The elements of `Descriptions`: the start package's lineage, then (when described) every group's and week's.
fn write_descriptions(opts: &SynthOptions, start: &Unit, out: &mut dyn Write) -> io::Result<()> {
    let mut first = true;
    let mut describe = |out: &mut dyn Write, d: &serde_json::Value| -> io::Result<()> {
        out.write_all(separator(&mut first).as_bytes())?;
        serde_json::to_writer(&mut *out, d).map_err(io::Error::from)
    };
    let start_week = opts.weeks.saturating_sub(1);
    for d in descriptions(start, start_week).as_array().into_iter().flatten() {
        describe(out, d)?;
    }
    if opts.described {
        for m in 0..opts.models {
            for d in group_descriptions(m) {
                describe(out, &d)?;
            }
            for w in 0..opts.weeks {
                for d in week_descriptions(m, w, &unit(m, w, opts.raw_partitions)) {
                    describe(out, &d)?;
                }
            }
        }
    }
    Ok(())
}

/// A model group's own vertices as DescribeArtifact / DescribeContext print them.
fn group_descriptions(m: usize) -> Vec<serde_json::Value> {
    let group = format!("credit-m{m:04}");
    let image = |kind: &str| {
        json!({"ArtifactArn": arn("artifact", &id(&format!("{m}/{kind}-image"))), "ArtifactType": "Image",
               "Source": {"SourceUri": format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{group}-{kind}:1.7-1"),
                          "SourceTypes": [{"SourceIdType": "Custom", "Value": format!("sha256:{}", id(&format!("{m}/{kind}")))}]},
               "CreationTime": 1_800_000_000, "LastModifiedTime": 1_800_000_000,
               "CreatedBy": {"UserProfileName": "ml-platform"}})
    };
    let context = |name: String, ty: &str, source: String| {
        json!({"ContextArn": arn("context", &name), "ContextName": name, "ContextType": ty,
               "Source": {"SourceUri": source}, "CreationTime": 1_800_000_000, "LastModifiedTime": 1_800_000_000})
    };
    vec![
        image("train"),
        image("proc"),
        context(
            format!("{group}-{}-ModelGroup", &id(&format!("{m}/group"))[..8]),
            "ModelGroup",
            arn("model-package-group", &group),
        ),
        context(
            format!("{group}-prod-{}-Endpoint", &id(&format!("{m}/endpoint"))[..8]),
            "Endpoint",
            arn("endpoint", &format!("{group}-prod")),
        ),
    ]
}

/// One week's vertices, jobs and package, as the exporter describes them, with realistic sizes: parameters and
/// metrics on the trial components, `InputDataConfig`, `HyperParameters` and metric lists on the training job,
/// `ModelMetrics` and `MetadataProperties` on the package.
fn week_descriptions(m: usize, w: usize, u: &Unit) -> Vec<serde_json::Value> {
    let k = Week::new(m, w, u);
    let (group, week, t0, job) = (&k.group, &k.week, k.t0, &k.job);
    vec![
        k.artifact(&u.fs_acc, "FeatureStoreVersion", arn("feature-group", "accounts"), json!({"version": week})),
        k.artifact(&u.fs_beh, "FeatureStoreVersion", arn("feature-group", "behaviour"), json!({"version": week})),
        k.artifact(
            &u.excl,
            "DataSet",
            format!("s3://policy/{group}/excl-w{w}.csv"),
            json!({"version": format!("v{w}")}),
        ),
        k.artifact(
            &u.dataset,
            "DataSet",
            format!("s3://credit/{group}/train/{week}/"),
            json!({"rows": "27000000", "features": "180", "format": "parquet"}),
        ),
        k.artifact(
            &u.code,
            "CodeCommit",
            format!("https://github.com/acme/credit-ml/commit/{}", k.commit),
            json!({"repository": "github.com/acme/credit-ml"}),
        ),
        k.artifact(&u.model_data, "Model", format!("s3://credit-models/{job}/output/model.tar.gz"), json!({})),
        k.artifact(&u.package, "Model", k.package_arn.clone(), json!({})),
        k.trial(&u.train, arn("training-job", job), "SageMakerTrainingJob"),
        k.trial(&u.proc, arn("processing-job", &k.proc), "SageMakerProcessingJob"),
        json!({"ActionArn": u.approval, "ActionName": crate::model::resource_name(&u.approval), "ActionType": "Approval",
               "Source": {"SourceUri": k.package_arn}, "Status": "Completed", "CreationTime": t0 + 86400,
               "Properties": {"approver": "risk-ops@company.com", "status": "Approved"}}),
        json!({"ActionArn": u.deployment, "ActionName": crate::model::resource_name(&u.deployment), "ActionType": "ModelDeployment",
               "Source": {"SourceUri": arn("endpoint", &format!("{group}-prod"))}, "Status": "Completed", "CreationTime": t0 + 90000}),
        k.training_job(),
        k.processing_job(),
        k.model_package(),
    ]
}

/// What one week's descriptions share.
struct Week {
    w: usize,
    group: String,
    week: String,
    t0: i64,
    /// The training job's name.
    job: String,
    /// The processing job's name.
    proc: String,
    package_arn: String,
    commit: String,
    /// The pipeline execution that generated the week's artifacts.
    execution: String,
    hyper: serde_json::Value,
}

impl Week {
    fn new(m: usize, w: usize, u: &Unit) -> Week {
        let group = format!("credit-m{m:04}");
        Week {
            w,
            week: week_label(w),
            t0: 1_830_000_000 + 604_800 * w as i64,
            job: crate::model::resource_name(&u.train).trim_end_matches("-aws-training-job").to_owned(),
            proc: crate::model::resource_name(&u.proc).trim_end_matches("-aws-processing-job").to_owned(),
            package_arn: arn("model-package", &format!("{group}/{}", w + 1)),
            commit: id(&format!("{m}/commit{w}")),
            execution: arn("pipeline", &format!("{group}/execution/{}", &id(&format!("{m}/{w}/x"))[..12])),
            hyper: json!({"max_depth": "6", "eta": "0.2", "num_round": "400", "subsample": "0.8",
                "colsample_bytree": "0.7", "min_child_weight": "6", "gamma": "4", "objective": "binary:logistic",
                "eval_metric": "auc", "scale_pos_weight": "3.1"}),
            group,
        }
    }

    fn artifact(&self, a: &str, ty: &str, uri: String, props: serde_json::Value) -> serde_json::Value {
        let t0 = self.t0;
        json!({"ArtifactArn": a, "ArtifactName": crate::model::resource_name(a), "ArtifactType": ty,
               "Source": {"SourceUri": uri}, "Properties": props, "CreationTime": t0, "LastModifiedTime": t0,
               "CreatedBy": {"UserProfileName": "ml-platform"},
               "MetadataProperties": {"GeneratedBy": self.execution}})
    }

    fn trial(&self, tc: &str, source: String, ty: &str) -> serde_json::Value {
        let t0 = self.t0;
        json!({"TrialComponentArn": tc,
        "TrialComponentName": crate::model::resource_name(tc), "DisplayName": crate::model::resource_name(tc),
        "Source": {"SourceArn": source, "SourceType": ty}, "Status": {"PrimaryStatus": "Completed"},
        "StartTime": t0, "EndTime": t0 + 3600, "CreationTime": t0, "LastModifiedTime": t0 + 3600,
        "Parameters": self.hyper.as_object().map(|h| h.iter().map(|(k, v)| (k.clone(), json!({"StringValue": v}))).collect::<serde_json::Map<_, _>>()),
        "Metrics": [{"MetricName": "validation:auc", "SourceArn": source, "TimeStamp": t0 + 3600, "Max": 0.912, "Min": 0.5, "Last": 0.912, "Count": 400, "Avg": 0.85, "StdDev": 0.1}]})
    }

    fn training_job(&self) -> serde_json::Value {
        let (group, week, t0, job) = (&self.group, &self.week, self.t0, &self.job);
        let metrics = |at: i64| {
            json!([
            {"MetricName": "train:auc", "Value": 0.934, "Timestamp": at},
            {"MetricName": "validation:auc", "Value": 0.912, "Timestamp": at},
            {"MetricName": "validation:logloss", "Value": 0.301, "Timestamp": at}])
        };
        let channel = |name: &str, uri: String| {
            json!({"ChannelName": name, "ContentType": "application/x-parquet",
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}}})
        };
        json!({"TrainingJobArn": arn("training-job", job), "TrainingJobName": job, "TrainingJobStatus": "Completed",
               "SecondaryStatus": "Completed", "HyperParameters": self.hyper,
               "AlgorithmSpecification": {"TrainingImage": format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{group}-train:1.7-1"), "TrainingInputMode": "File"},
               "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"),
               "InputDataConfig": [channel("train", format!("s3://credit/{group}/train/{week}/")), channel("validation", format!("s3://credit/{group}/validation/{week}/"))],
               "OutputDataConfig": {"S3OutputPath": "s3://credit-models/"},
               "ResourceConfig": {"InstanceType": "ml.m5.4xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
               "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
               "ModelArtifacts": {"S3ModelArtifacts": format!("s3://credit-models/{job}/output/model.tar.gz")},
               "CreationTime": t0, "TrainingStartTime": t0 + 60, "TrainingEndTime": t0 + 3600, "LastModifiedTime": t0 + 3600,
               "FinalMetricDataList": metrics(t0 + 3600),
               "SecondaryStatusTransitions": [{"Status": "Starting", "StartTime": t0, "EndTime": t0 + 60, "StatusMessage": "Preparing the instances for training"},
                                              {"Status": "Training", "StartTime": t0 + 60, "EndTime": t0 + 3500, "StatusMessage": "Training image download completed. Training in progress."},
                                              {"Status": "Completed", "StartTime": t0 + 3500, "EndTime": t0 + 3600, "StatusMessage": "Training job completed"}]})
    }

    fn processing_job(&self) -> serde_json::Value {
        let (group, week, t0, proc) = (&self.group, &self.week, self.t0, &self.proc);
        json!({"ProcessingJobArn": arn("processing-job", proc), "ProcessingJobName": proc, "ProcessingJobStatus": "Completed",
               "ProcessingInputs": [{"InputName": "raw", "S3Input": {"S3Uri": format!("s3://raw/{group}/{week}/"), "LocalPath": "/opt/ml/processing/input", "S3DataType": "S3Prefix", "S3InputMode": "File"}}],
               "ProcessingOutputConfig": {"Outputs": [{"OutputName": "train", "S3Output": {"S3Uri": format!("s3://credit/{group}/train/{week}/"), "LocalPath": "/opt/ml/processing/train", "S3UploadMode": "EndOfJob"}}]},
               "ProcessingResources": {"ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}},
               "AppSpecification": {"ImageUri": format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{group}-proc:1.0")},
               "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"),
               "CreationTime": t0 - 7200, "ProcessingStartTime": t0 - 7100, "ProcessingEndTime": t0 - 600, "LastModifiedTime": t0 - 600})
    }

    fn model_package(&self) -> serde_json::Value {
        let (group, t0, job, w) = (&self.group, self.t0, &self.job, self.w);
        json!({"ModelPackageArn": self.package_arn, "ModelPackageName": group, "ModelPackageGroupName": group,
               "ModelPackageVersion": w + 1, "ModelApprovalStatus": "Approved", "ModelPackageStatus": "Completed",
               "ApprovalDescription": "Backtest, stability and fairness review passed.",
               "InferenceSpecification": {"Containers": [{"Image": format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{group}-train:1.7-1"),
                   "ModelDataUrl": format!("s3://credit-models/{job}/output/model.tar.gz")}],
                   "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
               "ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": format!("s3://credit-models/{job}/evaluation.json")}}},
               "MetadataProperties": {"CommitId": self.commit, "Repository": "github.com/acme/credit-ml", "GeneratedBy": self.execution},
               "CreationTime": t0 + 7200, "LastModifiedTime": t0 + 86400,
               "CreatedBy": {"UserProfileName": "ml-platform"},
               "LastModifiedBy": {"IamIdentity": {"Arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/RiskOps/risk-ops@company.com")}}})
    }
}

fn descriptions(u: &Unit, w: usize) -> serde_json::Value {
    let week = week_label(w);
    let package_arn = arn("model-package", &format!("credit-m0000/{}", w + 1));
    let job_name = crate::model::resource_name(&u.train).trim_end_matches("-aws-training-job").to_owned();
    let job_arn = arn("training-job", &job_name);
    let t0 = 1_830_000_000 + 604_800 * w as i64;
    json!([
        {"ArtifactArn": u.package, "ArtifactType": "Model", "Source": {"SourceUri": package_arn}, "CreationTime": t0 + 7200},
        {"ModelPackageArn": package_arn, "ModelPackageName": "credit-m0000", "ModelPackageGroupName": "credit-m0000",
         "ModelPackageVersion": w + 1, "ModelApprovalStatus": "Approved", "ModelPackageStatus": "Completed",
         "CreationTime": t0 + 7200, "LastModifiedTime": t0 + 90000,
         "LastModifiedBy": {"IamIdentity": {"Arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/RiskOps/risk-ops@company.com")}}},
        {"ArtifactArn": u.fs_acc, "ArtifactType": "FeatureStoreVersion",
         "Source": {"SourceUri": arn("feature-group", "accounts")}, "Properties": {"version": week}},
        {"ArtifactArn": u.fs_beh, "ArtifactType": "FeatureStoreVersion",
         "Source": {"SourceUri": arn("feature-group", "behaviour")}, "Properties": {"version": week}},
        {"ArtifactArn": u.excl, "ArtifactType": "DataSet", "Source": {"SourceUri": format!("s3://policy/excl-w{w}.csv")}},
        {"ArtifactArn": u.dataset, "ArtifactType": "DataSet", "Source": {"SourceUri": format!("s3://credit/train/{week}/")},
         "Properties": {"rows": "27000000", "features": "180"}},
        {"ArtifactArn": u.code, "ArtifactType": "CodeCommit",
         "Source": {"SourceUri": format!("https://github.com/acme/credit-ml/commit/{}", &id(&format!("commit{w}"))[..7])}},
        {"TrialComponentArn": u.train, "TrialComponentName": crate::model::resource_name(&u.train),
         "Source": {"SourceArn": job_arn, "SourceType": "SageMakerTrainingJob"}},
        {"TrainingJobArn": job_arn, "TrainingJobName": job_name, "TrainingJobStatus": "Completed",
         "TrainingEndTime": t0 + 3600, "HyperParameters": {"max_depth": "6", "eta": "0.2", "num_round": "400"},
         "FinalMetricDataList": [{"MetricName": "validation:auc", "Value": 0.91, "Timestamp": t0 + 3600}]}
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_options_and_output_is_stable() {
        let opts = SynthOptions { models: 2, weeks: 3, raw_partitions: 2, described: true };
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert!(synth(&opts, &mut a).is_ok());
        assert!(synth(&opts, &mut b).is_ok());
        assert_eq!(a, b);
        let v: serde_json::Value = serde_json::from_slice(&a).unwrap_or_default();
        assert_eq!(v["Vertices"].as_array().map(Vec::len), Some(opts.vertex_count()));
        assert_eq!(v["Edges"].as_array().map(Vec::len), Some(opts.edge_count()));
        assert_eq!(v["Descriptions"].as_array().map(Vec::len), Some(opts.description_count()));
        let lineage_only = SynthOptions { described: false, ..opts };
        let mut c = Vec::new();
        assert!(synth(&lineage_only, &mut c).is_ok());
        let v: serde_json::Value = serde_json::from_slice(&c).unwrap_or_default();
        assert_eq!(v["Descriptions"].as_array().map(Vec::len), Some(lineage_only.description_count()));
    }

    #[test]
    fn a_described_export_loads_and_answers() {
        let opts = SynthOptions { models: 2, weeks: 3, raw_partitions: 2, described: true };
        let mut bytes = Vec::new();
        assert!(synth(&opts, &mut bytes).is_ok());
        let lineage = crate::load([("synth.json", bytes.as_slice())], &crate::RoleTable::builtin());
        let lineage = lineage.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lineage.stats.descriptions, opts.description_count());
        let report = crate::answer(&lineage, &crate::Query::Start(None)).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.gaps.is_empty(), "{:?}", report.gaps);
    }
}
