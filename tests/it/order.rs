//! Order independence and exact times, as properties: every fixture's files given in other orders (reversed, and
//! shuffles from a fixed seed; every order when there are at most four) give byte-identical JSON, Markdown and
//! PDF, warnings and inputs included; ISO and epoch encodings of one instant give the same report.

use std::path::{Path, PathBuf};

use lineage_core::{render, Document, RoleTable};

use crate::{entries, files_under, fixtures, root};

/// A small deterministic generator (SplitMix64): the same permutations on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n <= 1 {
        return vec![(0..n).collect()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for i in 0..n {
            let mut q = p.clone();
            q.insert(i, n - 1);
            out.push(q);
        }
    }
    out
}

fn orders(n: usize, rng: &mut Rng) -> Vec<Vec<usize>> {
    if n <= 4 {
        return permutations(n);
    }
    let mut out = vec![(0..n).collect::<Vec<_>>(), (0..n).rev().collect()];
    for _ in 0..6 {
        let mut p: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut p);
        out.push(p);
    }
    out
}

/// What a case is asked: a report from a start (or none), or by inference ID (with `--endpoint`, `--variant`,
/// `--start`).
#[derive(Clone, serde::Deserialize)]
struct Ask {
    id: Option<String>,
    endpoint: Option<String>,
    variant: Option<String>,
    start: Option<String>,
}

type Outputs = Vec<(String, String, Vec<u8>)>;

/// JSON, Markdown and PDF of each asked report (or its error), and the fleet check's JSON, for files loaded in the
/// given order.
fn outputs(files: &[(String, Vec<u8>)], order: &[usize], asks: &[Ask]) -> Outputs {
    let roles = RoleTable::builtin();
    let inputs = order.iter().map(|&i| (files[i].0.as_str(), files[i].1.as_slice()));
    let lineage = match lineage_core::load(inputs, &roles) {
        Ok(l) => l,
        Err(e) => return vec![(format!("error: {e}"), String::new(), Vec::new())],
    };
    let report = |ask: &Ask| {
        let query = match &ask.id {
            Some(id) => {
                let query = lineage_core::subject::InferenceQuery {
                    id: id.clone(),
                    endpoint: ask.endpoint.clone(),
                    variant: ask.variant.clone(),
                };
                lineage_core::Query::Inference { query, start: ask.start.clone() }
            }
            None => lineage_core::Query::Start(ask.start.clone()),
        };
        lineage_core::answer(&lineage, &query)
    };
    // The fleet check of the same files, in its JSON contract.
    let check = lineage_core::check::check(&lineage, &lineage_core::check::Policy::builtin());
    let fleet = (serde_json::to_string_pretty(&check).unwrap_or_default(), String::new(), Vec::new());
    let reports = asks.iter().map(|ask| match report(ask) {
        Ok(r) => {
            let pdf =
                crate::pdf::with_options(|o| lineage_pdf::pdf(&Document::new(&r), o)).unwrap_or_else(|e| panic!("{e}"));
            (serde_json::to_string_pretty(&r).unwrap_or_default(), render::markdown(&Document::new(&r)), pdf)
        }
        Err(e) => (format!("error: {e}"), render::inspect_text(&lineage), Vec::new()),
    });
    reports.chain(std::iter::once(fleet)).collect()
}

fn start(s: Option<&str>) -> Vec<Ask> {
    vec![Ask { id: None, endpoint: None, variant: None, start: s.map(str::to_owned) }]
}

/// Every fixture folder with what it is asked: the example (by start and by inference), narrative and import
/// folders, inference folders by their queries, real shapes by their start.
fn cases() -> Vec<(PathBuf, Vec<Ask>)> {
    let mut example = start(None);
    example.push(Ask { id: Some("loan-8231".into()), endpoint: None, variant: None, start: None });
    let mut cases = vec![(root().join("examples/credit-xgb"), example)];
    cases.push((root().join("examples/credit-xgb-airflow"), start(None)));
    let mut mlflow = start(Some("models:/credit-xgb@champion"));
    mlflow.extend(start(Some("credit-xgb/2")));
    cases.push((root().join("examples/credit-xgb-mlflow"), mlflow));
    cases.push((root().join("examples/credit-xgb-dvc"), start(None)));
    let json = |p: PathBuf| -> serde_json::Value {
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let real = json(fixtures("real-shapes").join("cases.json"));
    for area in ["narrative", "import", "inference", "real-shapes"] {
        for dir in entries(&fixtures(area)).into_iter().filter(|p| p.is_dir()) {
            let asks = match area {
                "inference" => serde_json::from_value(json(dir.with_extension("queries.json")))
                    .unwrap_or_else(|e| panic!("{}: {e}", dir.display())),
                "real-shapes" => start(real[crate::file_name(&dir)]["start"].as_str()),
                _ => start(None),
            };
            cases.push((dir, asks));
        }
    }
    cases
}

fn read_case(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let files: Vec<PathBuf> = if dir.is_dir() { files_under(dir) } else { vec![dir.to_path_buf()] };
    files
        .iter()
        .map(|f| {
            let name = f.strip_prefix(dir).map(|r| r.to_string_lossy().replace('\\', "/")).unwrap_or_default();
            let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            (if name.is_empty() { crate::file_name(f) } else { name }, bytes)
        })
        .collect()
}

#[test]
fn no_answer_depends_on_file_order() {
    let mut rng = Rng(0x11_4E_A6_E0);
    let cases = cases();
    let mut runs = 0;
    for (dir, asks) in &cases {
        let files = read_case(dir);
        let mut orders = orders(files.len(), &mut rng).into_iter();
        let first = orders.next().unwrap_or_default();
        let expected = outputs(&files, &first, asks);
        for order in orders {
            let got = outputs(&files, &order, asks);
            assert!(got == expected, "{}: loading the files in order {order:?} changes the output", dir.display());
            runs += 1;
        }
    }
    assert!(cases.len() >= 30, "only {} fixtures were permuted", cases.len());
    assert!(runs >= 120, "only {runs} permuted loads were compared");
}

/// A DescribeModelPackage whose times are given as `encode` writes them.
fn package_doc(created: &str, modified: &str) -> Vec<u8> {
    format!(
        r#"{{"ModelPackageArn":"arn:aws:sagemaker:us-east-1:444455556666:model-package/credit-xgb/9","ModelPackageGroupName":"credit-xgb","ModelPackageVersion":9,"ModelApprovalStatus":"Approved","CreationTime":{created},"LastModifiedTime":{modified},"LastModifiedBy":{{"IamIdentity":{{"Arn":"arn:aws:sts::444455556666:assumed-role/approver/jane"}}}}}}"#
    )
    .into_bytes()
}

#[test]
fn iso_and_epoch_encodings_of_an_instant_give_the_same_report() {
    let mut rng = Rng(7);
    let roles = RoleTable::builtin();
    for _ in 0..200 {
        // Instants between 2001 and 2033, to the millisecond (what AWS writes) or the microsecond.
        let ms = 1_000_000_000_000 + (rng.next() % 1_000_000_000_000) as i64;
        let micros = if rng.next() % 2 == 0 { 0 } else { (rng.next() % 1000) as i64 };
        let (secs, frac_ms) = (ms.div_euclid(1000), ms.rem_euclid(1000));
        let dt = chrono::DateTime::from_timestamp(secs, ((frac_ms * 1000 + micros) * 1000) as u32)
            .unwrap_or_else(|| panic!("{ms}"));
        let iso = format!("\"{}\"", dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        let epoch =
            if micros == 0 { format!("{secs}.{frac_ms:03}") } else { format!("{secs}.{frac_ms:03}{micros:03}") };
        let epoch_ms = format!("{ms}");
        let report = |created: &str| {
            let doc = package_doc(created, &iso);
            let lineage = lineage_core::load([("p.json", doc.as_slice())], &roles).unwrap_or_else(|e| panic!("{e}"));
            let start = lineage_core::resolve_start(&lineage, None).unwrap_or_else(|e| panic!("{e}"));
            let mut r = lineage_core::report(&lineage, start).unwrap_or_else(|e| panic!("{e}"));
            r.inputs.clear();
            serde_json::to_string(&r).unwrap_or_default()
        };
        let from_iso = report(&iso);
        assert_eq!(report(&epoch), from_iso, "{epoch} vs {iso}");
        assert_eq!(report(&format!("\"{epoch}\"")), from_iso, "\"{epoch}\" vs {iso}");
        if micros == 0 {
            assert_eq!(report(&epoch_ms), from_iso, "{epoch_ms} ms vs {iso}");
        }
    }
}
