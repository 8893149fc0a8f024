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
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions { models: 3, weeks: 4, raw_partitions: 16 }
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
    let mut first = true;
    let mut vertex = |out: &mut dyn Write, arn: &str, ty: &str, lt: &str| -> io::Result<()> {
        let sep = if std::mem::take(&mut first) { "\n" } else { ",\n" };
        write!(out, "{sep}{{\"Arn\":\"{arn}\",\"Type\":\"{ty}\",\"LineageType\":\"{lt}\"}}")
    };
    for m in 0..opts.models {
        let group = format!("credit-m{m:04}");
        vertex(out, &arn("artifact", &id(&format!("{m}/train-image"))), "Image", "Artifact")?;
        vertex(out, &arn("artifact", &id(&format!("{m}/proc-image"))), "Image", "Artifact")?;
        vertex(
            out,
            &arn("context", &format!("{group}-{}-ModelGroup", &id(&format!("{m}/group"))[..8])),
            "ModelGroup",
            "Context",
        )?;
        vertex(
            out,
            &arn("context", &format!("{group}-prod-{}-Endpoint", &id(&format!("{m}/endpoint"))[..8])),
            "Endpoint",
            "Context",
        )?;
        for w in 0..opts.weeks {
            let u = unit(m, w, opts.raw_partitions);
            for r in &u.raws {
                vertex(out, r, "DataSet", "Artifact")?;
            }
            vertex(out, &u.fs_acc, "FeatureStoreVersion", "Artifact")?;
            vertex(out, &u.fs_beh, "FeatureStoreVersion", "Artifact")?;
            vertex(out, &u.excl, "DataSet", "Artifact")?;
            vertex(out, &u.proc, "ProcessingJob", "TrialComponent")?;
            vertex(out, &u.dataset, "DataSet", "Artifact")?;
            vertex(out, &u.train, "TrainingJob", "TrialComponent")?;
            vertex(out, &u.code, "CodeCommit", "Artifact")?;
            vertex(out, &u.model_data, "Model", "Artifact")?;
            vertex(out, &u.package, "Model", "Artifact")?;
            vertex(out, &u.approval, "Approval", "Action")?;
            vertex(out, &u.deployment, "ModelDeployment", "Action")?;
        }
    }
    write!(out, "\n],\n\"Edges\":[")?;
    let mut first = true;
    let mut edge = |out: &mut dyn Write, s: &str, d: &str, t: &str| -> io::Result<()> {
        let sep = if std::mem::take(&mut first) { "\n" } else { ",\n" };
        write!(out, "{sep}{{\"SourceArn\":\"{s}\",\"DestinationArn\":\"{d}\",\"AssociationType\":\"{t}\"}}")
    };
    for m in 0..opts.models {
        let group = format!("credit-m{m:04}");
        let train_image = arn("artifact", &id(&format!("{m}/train-image")));
        let proc_image = arn("artifact", &id(&format!("{m}/proc-image")));
        let group_ctx = arn("context", &format!("{group}-{}-ModelGroup", &id(&format!("{m}/group"))[..8]));
        let endpoint = arn("context", &format!("{group}-prod-{}-Endpoint", &id(&format!("{m}/endpoint"))[..8]));
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
                (&proc_image, &u.proc, "ContributedTo"),
                (&u.proc, &u.dataset, "Produced"),
                (&u.fs_acc, &u.dataset, "ContributedTo"),
                (&u.fs_beh, &u.dataset, "ContributedTo"),
                (&u.excl, &u.dataset, "ContributedTo"),
                (&u.dataset, &u.train, "ContributedTo"),
                (&train_image, &u.train, "ContributedTo"),
                (&u.code, &u.train, "AssociatedWith"),
                (&u.train, &u.model_data, "Produced"),
                (&u.model_data, &u.package, "ContributedTo"),
                (&train_image, &u.package, "ContributedTo"),
                (&u.package, &group_ctx, "AssociatedWith"),
                (&u.package, &u.approval, "ContributedTo"),
                (&u.approval, &u.deployment, "ContributedTo"),
                (&u.package, &u.deployment, "ContributedTo"),
                (&u.deployment, &endpoint, "AssociatedWith"),
            ] {
                edge(out, s, d, t)?;
            }
        }
    }
    write!(out, "\n],\n\"Descriptions\":")?;
    let descriptions = descriptions(&start, opts.weeks.saturating_sub(1));
    serde_json::to_writer(&mut *out, &descriptions)?;
    writeln!(out, "}}")
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
        let opts = SynthOptions { models: 2, weeks: 3, raw_partitions: 2 };
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert!(synth(&opts, &mut a).is_ok());
        assert!(synth(&opts, &mut b).is_ok());
        assert_eq!(a, b);
        let v: serde_json::Value = serde_json::from_slice(&a).unwrap_or_default();
        assert_eq!(v["Vertices"].as_array().map(Vec::len), Some(opts.vertex_count()));
        assert_eq!(v["Edges"].as_array().map(Vec::len), Some(opts.edge_count()));
    }
}
