//! Writing results: every file whole or not at all.
//!
//! Each file is written to a temporary file in its folder and renamed into
//! place, so a reader never sees half a file and a failed run leaves the
//! previous file untouched.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Writes `files` (name, contents) into `dir`, creating it if needed, and
/// returns the paths written.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            write_atomic(&path, bytes)?;
            Ok(path)
        })
        .collect()
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".pensionsim-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A folder written whole or not at all: its files go to a temporary
/// sibling folder, which replaces the folder only once every file is
/// written; the old folder is removed only after that. Dropped without
/// [`Staging::commit`], the temporary folder goes and the old one stays.
pub struct Staging {
    dir: PathBuf,
    tmp: tempfile::TempDir,
}

impl Staging {
    /// Creates the temporary sibling of `dir` (and `dir`'s parents), so a
    /// folder that cannot be written fails before any work is done.
    pub fn new(dir: &Path) -> Result<Staging> {
        if dir.exists() && !dir.is_dir() {
            anyhow::bail!("the output folder {} exists and is not a folder", dir.display());
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
        let tmp = tempfile::Builder::new()
            .prefix(".pensionsim-new-")
            .tempdir_in(parent)
            .with_context(|| format!("cannot write the output folder {}", dir.display()))?;
        Ok(Staging { dir: dir.to_path_buf(), tmp })
    }

    /// Writes `files` (name, contents) into the temporary folder.
    pub fn write(&self, files: &[(&str, &[u8])]) -> Result<()> {
        for (name, bytes) in files {
            let path = self.tmp.path().join(name);
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// Puts the new folder in place of the old one, then removes the old.
    pub fn commit(self) -> Result<PathBuf> {
        let Staging { dir, tmp } = self;
        let parent = tmp.path().parent().unwrap_or(Path::new(".")).to_path_buf();
        let old = if dir.exists() {
            // An empty, uniquely named folder to move the old one onto.
            let holder = tempfile::Builder::new()
                .prefix(".pensionsim-old-")
                .tempdir_in(&parent)
                .with_context(|| format!("cannot write in {}", parent.display()))?
                .keep();
            std::fs::remove_dir(&holder).with_context(|| format!("cannot write in {}", parent.display()))?;
            std::fs::rename(&dir, &holder)
                .with_context(|| format!("cannot replace the output folder {}", dir.display()))?;
            Some(holder)
        } else {
            None
        };
        let new = tmp.keep();
        // A temporary folder is private to its owner; a report is not.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o755));
        }
        if let Err(e) = std::fs::rename(&new, &dir) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &dir);
            }
            let _ = std::fs::remove_dir_all(&new);
            return Err(e)
                .with_context(|| format!("cannot put the output folder {} in place", dir.display()));
        }
        if let Some(old) = old {
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove the previous report {}", old.display()))?;
        }
        Ok(dir)
    }
}
