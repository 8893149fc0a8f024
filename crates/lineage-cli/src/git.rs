//! The git history beside a DVC repository's `dvc.lock`, read with gix (in-process, no network): the last commit
//! that changed `dvc.lock` on the first-parent line from HEAD, its author and date, and whether the work tree's
//! `dvc.lock` is that commit's. The core gets these as plain values (`Loader::add_git_facts`).

use std::path::Path;

use lineage_core::model::dvc::GitFacts;

/// The git facts of `dir` (a folder the command line names) when it holds `dvc.lock` and `.git`; `folder` is how
/// the input files inside it are named. `Err` says why the history could not be read (a warning, not a failure).
pub fn facts(dir: &Path, folder: &str) -> Option<Result<GitFacts, String>> {
    let lock = dir.join("dvc.lock");
    if !lock.is_file() || !dir.join(".git").exists() {
        return None;
    }
    Some(read(dir, &lock, folder).map_err(|e| format!("{}: cannot read the git history: {e}", dir.display())))
}

fn read(dir: &Path, lock: &Path, folder: &str) -> Result<GitFacts, Box<dyn std::error::Error>> {
    let repo = gix::open(dir)?;
    let blob_at = |c: &gix::Commit<'_>| -> Result<Option<gix::ObjectId>, Box<dyn std::error::Error>> {
        Ok(c.tree()?.lookup_entry_by_path("dvc.lock")?.map(|e| e.object_id()))
    };
    let mut commit = repo.head_commit()?;
    let mut blob = blob_at(&commit)?.ok_or("no commit holds dvc.lock")?;
    // Down the first-parent line until the parent's dvc.lock differs (or there is none): that commit changed it.
    loop {
        let Some(parent) = commit.parent_ids().next() else { break };
        let parent = parent.object()?.try_into_commit()?;
        if blob_at(&parent)? != Some(blob) {
            break;
        }
        commit = parent;
        blob = blob_at(&commit)?.ok_or("no commit holds dvc.lock")?;
    }
    let work_tree = std::fs::read(lock)?;
    let work_tree_id = gix::objs::compute_hash(repo.object_hash(), gix::object::Kind::Blob, &work_tree)?;
    let author = commit.author()?;
    let time = author.time()?;
    let message = commit.message()?;
    let remote_url = repo
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url(gix::remote::Direction::Fetch).map(|u| u.to_bstring().to_string()));
    Ok(GitFacts {
        folder: folder.to_owned(),
        commit: commit.id.to_string(),
        author_name: author.name.to_string().trim().to_owned(),
        author_email: author.email.to_string().trim().to_owned(),
        time_seconds: time.seconds,
        offset_seconds: time.offset,
        summary: message.summary().to_string(),
        lock_current: work_tree_id == blob,
        remote_url,
    })
}
