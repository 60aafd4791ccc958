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
