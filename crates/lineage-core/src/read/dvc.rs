//! DVC: a repository's `dvc.yaml`, `dvc.lock`, `*.dvc` files, params and metrics files, and `.dvc/config`, read
//! into typed values. YAML is read with saphyr (pure Rust, YAML 1.2, every node with its line), then checked
//! field by field: every error names the file, the line and the YAML path (`stages.train.outs[0].md5`) and what was
//! expected, so a truncated `dvc.lock` is an error, never half an answer.

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use serde_json::Value;

use crate::model::ImportError;

/// Whether a file is one of a DVC repository's own (read by this module, not as JSON).
pub(crate) fn is_dvc_file(name: &str) -> bool {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let in_dvc_dir = name.replace('\\', "/").ends_with(".dvc/config");
    matches!(file, "dvc.yaml" | "dvc.lock" | "params.yaml") || file.ends_with(".dvc") || in_dvc_dir
}

/// A YAML node with its 1-based line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Y {
    pub line: usize,
    pub v: V,
    /// A scalar's text as written: an unquoted md5 of digits is read as a number by YAML's rules, but is text.
    pub raw: Option<String>,
}

/// A YAML value: scalars typed as YAML 1.2's core schema types them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum V {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    /// The value as JSON (a parameter's typed value; a float that JSON cannot hold is its text).
    pub fn to_json(&self) -> Value {
        match &self.v {
            V::Null => Value::Null,
            V::Bool(b) => Value::Bool(*b),
            V::Int(i) => Value::from(*i),
            V::Float(f) => serde_json::Number::from_f64(*f).map_or_else(|| Value::String(f.to_string()), Value::Number),
            V::Str(s) => Value::String(s.clone()),
            V::Seq(items) => Value::Array(items.iter().map(Y::to_json).collect()),
            V::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Y> {
        match &self.v {
            V::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parses YAML text into [`Y`] (an empty document is `Null`).
pub(crate) fn parse_yaml(file: &str, bytes: &[u8]) -> Result<Y, ImportError> {
    let err = |line: Option<usize>, message: String| ImportError {
        file: file.to_owned(),
        line,
        path: String::new(),
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| err(None, format!("not UTF-8 text ({e}); expected YAML")))?;
    let yaml_err = |e: &saphyr::ScanError| {
        err(Some(e.marker().line().max(1)), format!("not valid YAML: {} (column {})", e.info(), e.marker().col() + 1))
    };
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.early_parse(false);
    saphyr_parser::Parser::new_from_str(text).load(&mut loader, true).map_err(|e| yaml_err(&e))?;
    if let Some(e) = loader.error() {
        return Err(yaml_err(e));
    }
    let docs = loader.into_documents();
    match docs.len() {
        0 => Ok(Y { line: 1, v: V::Null, raw: None }),
        1 => convert(&docs[0], file),
        n => Err(err(None, format!("{n} YAML documents; expected one"))),
    }
}

fn convert(n: &MarkedYaml<'_>, file: &str) -> Result<Y, ImportError> {
    let line = n.span.start.line().max(1);
    let mut raw = None;
    let v = match &n.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(text, style, tag) => {
            raw = Some(text.to_string());
            Scalar::parse_from_cow_and_metadata(text.clone(), *style, tag.as_ref())
                .map_or_else(|| V::Str(text.to_string()), |s| scalar(&s))
        }
        YamlData::Sequence(items) => V::Seq(items.iter().map(|i| convert(i, file)).collect::<Result<_, _>>()?),
        YamlData::Mapping(m) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m {
                let key = match &k.data {
                    YamlData::Value(s) => scalar_text(s),
                    YamlData::Representation(text, _, _) => Some(text.to_string()),
                    _ => None,
                };
                let Some(key) = key else {
                    return Err(ImportError {
                        file: file.to_owned(),
                        line: Some(k.span.start.line().max(1)),
                        path: String::new(),
                        message: "a mapping key that is not a scalar; expected text keys".into(),
                    });
                };
                // A block mapping or list starts on its key's line (`train:`), not on its first entry's.
                let mut value = convert(v, file)?;
                if matches!(value.v, V::Map(_) | V::Seq(_)) {
                    value.line = value.line.min(k.span.start.line().max(1));
                }
                out.push((key, value));
            }
            V::Map(out)
        }
        YamlData::Tagged(_, inner) => return convert(inner, file),
        _ => V::Null,
    };
    Ok(Y { line, v, raw })
}

fn scalar(s: &Scalar<'_>) -> V {
    match s {
        Scalar::Null => V::Null,
        Scalar::Boolean(b) => V::Bool(*b),
        Scalar::Integer(i) => V::Int(*i),
        Scalar::FloatingPoint(f) => V::Float(f.into_inner()),
        Scalar::String(t) => V::Str(t.to_string()),
    }
}

fn scalar_text(s: &Scalar<'_>) -> Option<String> {
    Some(match s {
        Scalar::Null => return None,
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.into_inner().to_string(),
        Scalar::String(t) => t.to_string(),
    })
}

/// Reading one file: its name, for errors.
pub(crate) struct Reader<'a> {
    pub file: &'a str,
}

impl Reader<'_> {
    pub fn err(&self, y: &Y, path: &str, message: impl Into<String>) -> ImportError {
        ImportError { file: self.file.to_owned(), line: Some(y.line), path: path.to_owned(), message: message.into() }
    }

    fn map<'y>(&self, y: &'y Y, path: &str, what: &str) -> Result<&'y [(String, Y)], ImportError> {
        match &y.v {
            V::Map(m) => Ok(m),
            V::Null => Ok(&[]),
            other => Err(self.err(y, path, format!("{}; expected {what}", kind(other)))),
        }
    }

    fn seq<'y>(&self, y: &'y Y, path: &str, what: &str) -> Result<&'y [Y], ImportError> {
        match &y.v {
            V::Seq(s) => Ok(s),
            V::Null => Ok(&[]),
            other => Err(self.err(y, path, format!("{}; expected a list of {what}", kind(other)))),
        }
    }

    fn text(&self, y: &Y, path: &str, what: &str) -> Result<String, ImportError> {
        match (&y.v, &y.raw) {
            (V::Str(s), _) if !s.is_empty() => Ok(s.clone()),
            (V::Int(_) | V::Float(_), Some(raw)) => Ok(raw.clone()),
            (V::Int(i), None) => Ok(i.to_string()),
            (other, _) => Err(self.err(y, path, format!("{}; expected {what}", kind(other)))),
        }
    }

    fn opt_text(&self, y: &Y, key: &str, path: &str, what: &str) -> Result<Option<String>, ImportError> {
        match y.get(key) {
            None => Ok(None),
            Some(Y { v: V::Null, .. }) => Ok(None),
            Some(v) => self.text(v, &format!("{path}.{key}"), what).map(Some),
        }
    }

    fn required(&self, y: &Y, key: &str, path: &str, what: &str) -> Result<String, ImportError> {
        match y.get(key) {
            Some(v) => self.text(v, &format!("{path}.{key}"), what),
            None => Err(self.err(y, path, format!("no `{key}`; expected {what}"))),
        }
    }
}

fn kind(v: &V) -> String {
    match v {
        V::Null => "null".into(),
        V::Bool(b) => format!("the boolean {b}"),
        V::Int(i) => format!("the number {i}"),
        V::Float(f) => format!("the number {f}"),
        V::Str(s) if s.is_empty() => "empty text".into(),
        V::Str(s) => format!("the text {:?}", crate::text::one_line(s)),
        V::Seq(_) => "a list".into(),
        V::Map(_) => "a mapping".into(),
    }
}

/// A tracked file or directory as `dvc.lock` or a `.dvc` file records it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub path: String,
    /// 32 hex digits, `.dir` after a directory's.
    pub md5: Option<String>,
    pub size: Option<u64>,
    pub line: usize,
}

/// An MD5 as DVC writes it: 32 lowercase hex digits, with `.dir` for a directory listing.
pub(crate) fn is_md5(s: &str) -> bool {
    let hex = s.strip_suffix(".dir").unwrap_or(s);
    hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn entry(r: &Reader, y: &Y, path: &str, md5_required: bool) -> Result<Entry, ImportError> {
    let p = r.required(y, "path", path, "the tracked path")?;
    let md5 = r.opt_text(y, "md5", path, "an MD5 (32 hex digits)")?;
    if let Some(m) = &md5 {
        if !is_md5(m) {
            let at = y.get("md5").unwrap_or(y);
            return Err(r.err(
                at,
                &format!("{path}.md5"),
                format!("{m:?}; expected an MD5 (32 hex digits, `.dir` after a directory's; is the file truncated?)"),
            ));
        }
    } else if md5_required {
        return Err(r.err(
            y,
            path,
            format!("no `md5` for {p}; expected the MD5 DVC records of every dependency and output"),
        ));
    }
    let size = match y.get("size") {
        None => None,
        Some(Y { v: V::Int(n), .. }) if *n >= 0 => Some(*n as u64),
        Some(other) => {
            return Err(r.err(other, &format!("{path}.size"), format!("{}; expected a size in bytes", kind(&other.v))))
        }
    };
    Ok(Entry { path: p, md5, size, line: y.line })
}

/// One stage as `dvc.lock` records its last run.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LockStage {
    pub name: String,
    pub line: usize,
    pub cmd: String,
    pub deps: Vec<Entry>,
    pub outs: Vec<Entry>,
    /// (params file, key, typed value, line).
    pub params: Vec<(String, String, Value, usize)>,
}

/// `dvc.lock` (schema 2.0).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Lock {
    pub stages: Vec<LockStage>,
}

fn read_lock(r: &Reader, y: &Y) -> Result<Lock, ImportError> {
    let top = r.map(y, "", "a mapping with `schema: '2.0'` and `stages`")?;
    if top.is_empty() {
        return Err(r.err(y, "", "an empty file; expected `schema: '2.0'` and `stages` (is the file truncated?)"));
    }
    match y.get("schema") {
        Some(Y { v: V::Str(s), .. }) if s == "2.0" => {}
        Some(other) => {
            return Err(r.err(other, "schema", format!("{}; expected '2.0' (DVC 2 and 3 lock files)", kind(&other.v))))
        }
        None => return Err(r.err(y, "", "no `schema`; expected `schema: '2.0'` (DVC 1 lock files are not read)")),
    }
    let Some(stages_y) = y.get("stages") else {
        return Err(r.err(
            y,
            "",
            "no `stages`; expected each stage's cmd, deps, params and outs (is the file truncated?)",
        ));
    };
    let mut stages = Vec::new();
    for (name, s) in r.map(stages_y, "stages", "stages by name")? {
        let path = format!("stages.{name}");
        r.map(s, &path, "the stage's cmd, deps, params and outs")?;
        let cmd = match s.get("cmd") {
            Some(Y { v: V::Seq(parts), .. }) => parts
                .iter()
                .map(|p| r.text(p, &format!("{path}.cmd"), "a command"))
                .collect::<Result<Vec<_>, _>>()?
                .join(" && "),
            Some(c) => r.text(c, &format!("{path}.cmd"), "the stage's command")?,
            None => return Err(r.err(s, &path, "no `cmd`; expected the stage's command (is the file truncated?)")),
        };
        let list = |key: &str| -> Result<Vec<Entry>, ImportError> {
            let Some(l) = s.get(key) else { return Ok(Vec::new()) };
            let p = format!("{path}.{key}");
            r.seq(l, &p, "entries with path, md5 and size")?
                .iter()
                .enumerate()
                .map(|(i, e)| entry(r, e, &format!("{p}[{i}]"), true))
                .collect()
        };
        let (deps, outs) = (list("deps")?, list("outs")?);
        let mut params = Vec::new();
        if let Some(ps) = s.get("params") {
            for (file, values) in r.map(ps, &format!("{path}.params"), "parameters by params file")? {
                for (key, v) in r.map(values, &format!("{path}.params.{file}"), "parameter values by name")? {
                    flatten_param(file, key, v, &mut params);
                }
            }
        }
        stages.push(LockStage { name: name.clone(), line: s.line, cmd, deps, outs, params });
    }
    Ok(Lock { stages })
}

/// A parameter whose value is a mapping is its leaves, named with dots (`train.max_depth`).
fn flatten_param(file: &str, key: &str, v: &Y, out: &mut Vec<(String, String, Value, usize)>) {
    match &v.v {
        V::Map(m) if !m.is_empty() => {
            for (k, inner) in m {
                flatten_param(file, &format!("{key}.{k}"), inner, out);
            }
        }
        _ => out.push((file.to_owned(), key.to_owned(), v.to_json(), v.line)),
    }
}

/// A stage as `dvc.yaml` declares it: what it names as metrics and outputs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct YamlStage {
    pub name: String,
    pub line: usize,
    pub metrics: Vec<String>,
}

/// An `artifacts:` entry.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Artifact {
    pub name: String,
    pub path: String,
    pub kind: Option<String>,
    pub line: usize,
}

/// `dvc.yaml`.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Pipeline {
    pub stages: Vec<YamlStage>,
    /// Top-level `metrics:`.
    pub metrics: Vec<String>,
    pub artifacts: Vec<Artifact>,
}

/// Paths of an outs-like list: `- path` or `- path: {cache: false}`.
fn paths(r: &Reader, y: &Y, path: &str) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    for (i, item) in r.seq(y, path, "paths")?.iter().enumerate() {
        match &item.v {
            V::Map(m) if m.len() == 1 => out.push(m[0].0.clone()),
            _ => out.push(r.text(item, &format!("{path}[{i}]"), "a path, or a path with its options")?),
        }
    }
    Ok(out)
}

fn read_pipeline(r: &Reader, y: &Y) -> Result<Pipeline, ImportError> {
    r.map(y, "", "a mapping with `stages`")?;
    let mut p = Pipeline::default();
    if let Some(stages) = y.get("stages") {
        for (name, s) in r.map(stages, "stages", "stages by name")? {
            let path = format!("stages.{name}");
            r.map(s, &path, "the stage's cmd, deps and outs")?;
            let metrics = match s.get("metrics") {
                Some(m) => paths(r, m, &format!("{path}.metrics"))?,
                None => Vec::new(),
            };
            p.stages.push(YamlStage { name: name.clone(), line: s.line, metrics });
        }
    }
    if let Some(m) = y.get("metrics") {
        p.metrics = paths(r, m, "metrics")?;
    }
    if let Some(a) = y.get("artifacts") {
        for (name, art) in r.map(a, "artifacts", "artifacts by name")? {
            let path = format!("artifacts.{name}");
            let file = r.required(art, "path", &path, "the artifact's path")?;
            let kind = r.opt_text(art, "type", &path, "the artifact's type (model, data, …)")?;
            p.artifacts.push(Artifact { name: name.clone(), path: file, kind, line: art.line });
        }
    }
    Ok(p)
}

/// What an import's `.dvc` file says its source was.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Source {
    /// A URL (`s3://…`, `https://…`), or the path inside the DVC repository it was imported from.
    pub path: String,
    pub etag: Option<String>,
    pub version_id: Option<String>,
    pub md5: Option<String>,
    /// `dvc import`: the repository's URL and the commit it was read at.
    pub repo: Option<(String, Option<String>)>,
    pub line: usize,
}

/// A `.dvc` file: an import (`deps` names its source) or a tracked file (`dvc add`: no deps).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tracked {
    pub line: usize,
    pub deps: Vec<Source>,
    pub outs: Vec<Entry>,
}

fn read_tracked(r: &Reader, y: &Y) -> Result<Tracked, ImportError> {
    if r.map(y, "", "a mapping with `outs`")?.is_empty() {
        return Err(r.err(y, "", "an empty file; expected `outs` (the tracked data's md5, size and path)"));
    }
    let Some(outs_y) = y.get("outs") else {
        return Err(r.err(
            y,
            "",
            "no `outs`; expected the tracked data's md5, size and path (the top-level md5 is the stage's)",
        ));
    };
    let outs = r.seq(outs_y, "outs", "entries with md5, size and path")?;
    let outs = outs
        .iter()
        .enumerate()
        .map(|(i, e)| entry(r, e, &format!("outs[{i}]"), true))
        .collect::<Result<Vec<_>, _>>()?;
    let mut deps = Vec::new();
    if let Some(d) = y.get("deps") {
        for (i, dep) in r.seq(d, "deps", "the import's sources")?.iter().enumerate() {
            let path = format!("deps[{i}]");
            let text = |k: &str| r.opt_text(dep, k, &path, "text");
            let repo = match dep.get("repo") {
                Some(repo) => Some((
                    r.required(repo, "url", &format!("{path}.repo"), "the repository's URL")?,
                    r.opt_text(repo, "rev_lock", &format!("{path}.repo"), "a commit")?,
                )),
                None => None,
            };
            let md5 = text("md5")?;
            deps.push(Source {
                path: r.required(dep, "path", &path, "the import's source URL")?,
                // S3/GS/Azure write `etag`, HTTP `checksum`: the ETag header, quotes (and a weak `W/`) included.
                etag: text("etag")?
                    .or(text("checksum")?)
                    .map(|e| e.trim_start_matches("W/").trim_matches('"').to_owned()),
                version_id: text("version_id")?,
                md5,
                repo,
                line: dep.line,
            });
        }
    }
    Ok(Tracked { line: y.line, deps, outs })
}

/// `.dvc/config`: the remotes and which is the default.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Config {
    pub remotes: Vec<(String, String)>,
    pub default: Option<String>,
}

fn read_config(text: &str) -> Config {
    let mut c = Config::default();
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']', '\'', ' ']).to_owned();
        } else if let Some((k, v)) = line.split_once('=') {
            let (k, v) = (k.trim(), v.trim().to_owned());
            if section == "core" && k == "remote" {
                c.default = Some(v);
            } else if let (Some(name), "url") = (section.strip_prefix("remote \"").and_then(|s| s.strip_suffix('"')), k)
            {
                c.remotes.push((name.to_owned(), v));
            }
        }
    }
    c
}

/// One DVC file, read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DvcDoc {
    Pipeline(Pipeline),
    Lock(Lock),
    Tracked(Tracked),
    /// `params.yaml`: `dvc.lock` records the values each stage ran with; the file is listed, and checked to be YAML.
    Params,
    Config(Config),
}

impl DvcDoc {
    /// The kind the evidence appendix lists.
    pub fn kind(&self) -> &'static str {
        match self {
            DvcDoc::Pipeline(_) => "DVC dvc.yaml",
            DvcDoc::Lock(_) => "DVC dvc.lock",
            DvcDoc::Tracked(t) if !t.deps.is_empty() => "DVC import (.dvc)",
            DvcDoc::Tracked(_) => "DVC tracked file (.dvc)",
            DvcDoc::Params => "DVC params",
            DvcDoc::Config(_) => "DVC config",
        }
    }
}

/// Reads one file [`is_dvc_file`] claims.
pub(crate) fn read(name: &str, bytes: &[u8]) -> Result<DvcDoc, ImportError> {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let r = Reader { file: name };
    if file == "config" {
        let text = std::str::from_utf8(bytes).map_err(|e| ImportError {
            file: name.to_owned(),
            line: None,
            path: String::new(),
            message: format!("not UTF-8 text ({e}); expected DVC's INI config"),
        })?;
        return Ok(DvcDoc::Config(read_config(text)));
    }
    let y = parse_yaml(name, bytes)?;
    Ok(match file {
        "dvc.yaml" => DvcDoc::Pipeline(read_pipeline(&r, &y)?),
        "dvc.lock" => DvcDoc::Lock(read_lock(&r, &y)?),
        "params.yaml" => DvcDoc::Params,
        _ => DvcDoc::Tracked(read_tracked(&r, &y)?),
    })
}

/// A metrics file's numbers, named with dots for nested keys (`eval.auc`); text and lists are not metrics.
pub(crate) fn metrics(name: &str, bytes: &[u8]) -> Result<Vec<(String, f64)>, ImportError> {
    let y = parse_yaml(name, bytes)?; // JSON is YAML 1.2.
    let mut out = Vec::new();
    fn walk(prefix: &str, y: &Y, out: &mut Vec<(String, f64)>) {
        let key = |k: &str| if prefix.is_empty() { k.to_owned() } else { format!("{prefix}.{k}") };
        match &y.v {
            V::Map(m) => m.iter().for_each(|(k, v)| walk(&key(k), v, out)),
            V::Int(i) => out.push((prefix.to_owned(), *i as f64)),
            V::Float(f) if f.is_finite() => out.push((prefix.to_owned(), *f)),
            _ => {}
        }
    }
    walk("", &y, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_lock_names_its_line() {
        let lock = b"schema: '2.0'\nstages:\n  train:\n    cmd: python src/train.py\n    outs:\n    - path: model.pkl\n      md5: 3f2a\n";
        let Err(e) = read("r/dvc.lock", lock) else { panic!("a truncated md5 was read") };
        assert_eq!((e.line, e.path.as_str()), (Some(7), "stages.train.outs[0].md5"), "{e}");
        let Err(e) = read("r/dvc.lock", b"schema: '2.0'\nstages:\n  train:\n    cmd: [python") else {
            panic!("bad YAML was read")
        };
        assert!(e.message.contains("not valid YAML"), "{e}");
    }

    #[test]
    fn params_keep_their_yaml_types() {
        let lock = b"schema: '2.0'\nstages:\n  train:\n    cmd: python src/train.py\n    params:\n      params.yaml:\n        train:\n          eta: 0.1\n          depth: 6\n          objective: binary:logistic\n";
        let Ok(DvcDoc::Lock(l)) = read("dvc.lock", lock) else { panic!("not read as a lock") };
        let p: Vec<(String, Value)> = l.stages[0].params.iter().map(|(_, k, v, _)| (k.clone(), v.clone())).collect();
        assert_eq!(p[0], ("train.eta".into(), serde_json::json!(0.1)));
        assert_eq!(p[1], ("train.depth".into(), serde_json::json!(6)));
        assert_eq!(p[2].1, serde_json::json!("binary:logistic"));
        assert_eq!(l.stages[0].line, 3, "the line of `train:`");
    }

    #[test]
    fn config_names_the_default_remote() {
        let c = read_config("[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://b/dvcstore\n");
        assert_eq!(c.default.as_deref(), Some("storage"));
        assert_eq!(c.remotes, vec![("storage".to_owned(), "s3://b/dvcstore".to_owned())]);
    }
}
