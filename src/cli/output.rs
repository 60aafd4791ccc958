//! Writing results: every output folder whole or not at all.
//!
//! A command's files go to a staging folder beside its output folder,
//! created before any figure is computed (so a folder that cannot be
//! written fails at once); once every file is written and synced, the
//! staging folder is swapped in for the old folder in one rename, and the
//! old one removed. A reader, a full disk or a kill at any moment sees the
//! old folder or the new one, never a mix. Staging folders left by a
//! process that no longer runs are removed on the next write beside them.
//!
//! Folders and files are created by `std::fs`, so they have the modes the
//! umask gives (0755 and 0644 under umask 022), as colleagues on a shared
//! drive expect; `tempfile`'s private 0700/0600 is not used here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

/// What every staging folder's name starts with: `.pensionsim-new-PID-N`
/// while written, the old folder's after a swap that cannot exchange.
const NEW: &str = ".pensionsim-new-";
const OLD: &str = ".pensionsim-old-";

/// When this process started (close enough: when `main` first asked).
static STARTED: LazyLock<SystemTime> = LazyLock::new(SystemTime::now);

/// Notes the process's start, against which leftovers from older runs are
/// told from a staging folder another command is writing now.
pub fn started() {
    LazyLock::force(&STARTED);
}

/// A folder written whole or not at all: its files go to a staging
/// sibling folder, which replaces the folder only once every file is
/// written; the old folder is removed only after that. Dropped without
/// [`Staging::commit`] (an error), the staging folder goes and the old one
/// stays.
pub struct Staging {
    dir: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

/// The folder `dir` is in, `.` for a bare name.
fn parent_of(dir: &Path) -> &Path {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl Staging {
    /// Checks `dir` and creates its staging sibling (and `dir`'s parents),
    /// so a folder that cannot be written fails before any work is done.
    /// `dir` may be missing, empty, or an earlier output of the command,
    /// recognised by its `marker` file (`summary.json` for `run`); any
    /// other folder is refused, since it would be replaced whole.
    pub fn new(dir: &Path, marker: &str) -> Result<Staging> {
        if dir.exists() && !dir.is_dir() {
            bail!("the output folder {} exists and is not a folder", dir.display());
        }
        if dir.is_dir()
            && !dir.join(marker).is_file()
            && std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some())
        {
            bail!(
                "--out {}: the folder exists and holds something other than an earlier output of this command (no {marker}); the output replaces its folder whole, so give a new or empty folder, or an earlier output's",
                dir.display()
            );
        }
        if dir.is_dir() && !writable(dir) {
            bail!("cannot write the output folder {}: it is read-only", dir.display());
        }
        let parent = parent_of(dir);
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
        remove_leftovers(parent);
        let tmp = create_unique(parent, NEW).with_context(|| {
            format!("cannot write the output folder {} (in {})", dir.display(), parent.display())
        })?;
        Ok(Staging { dir: dir.to_path_buf(), tmp, committed: false })
    }

    /// Writes `files` (name, contents) into the staging folder, in its
    /// folder `sub` when given, and returns the paths they will have once
    /// committed.
    pub fn write_in(&self, sub: Option<&str>, files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>> {
        let (tmp, dir) = match sub {
            Some(s) => (self.tmp.join(s), self.dir.join(s)),
            None => (self.tmp.clone(), self.dir.clone()),
        };
        std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", dir.display()))?;
        files
            .iter()
            .map(|(name, bytes)| {
                let path = tmp.join(name);
                std::fs::File::create(&path)
                    .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
                    .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
                Ok(dir.join(name))
            })
            .collect()
    }

    /// Writes the file at `name` (a path inside the folder; its folders
    /// are made) through `fill`, buffered, so a large file is streamed
    /// rather than held, and returns the path it will have once committed.
    pub fn write_streamed(
        &self,
        name: &Path,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<PathBuf> {
        let (tmp, path) = (self.tmp.join(name), self.dir.join(name));
        if let Some(folder) = tmp.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create a folder for {}", path.display()))?;
        }
        let file = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", path.display()))?;
        fill_synced(file, fill).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }

    /// [`Staging::write_in`] the folder itself.
    pub fn write(&self, files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>> {
        self.write_in(None, files)
    }

    /// Puts the new folder in place of the old one, then removes the old.
    pub fn commit(mut self) -> Result<PathBuf> {
        let (dir, tmp) = (self.dir.clone(), self.tmp.clone());
        if let Ok(f) = std::fs::File::open(&tmp) {
            let _ = f.sync_all();
        }
        if !dir.exists() {
            std::fs::rename(&tmp, &dir)
                .with_context(|| format!("cannot put the output folder {} in place", dir.display()))?;
        } else if exchange(&tmp, &dir).is_ok() {
            // The staging folder's name now holds the old folder.
            self.committed = true;
            std::fs::remove_dir_all(&tmp)
                .with_context(|| format!("cannot remove the previous output {}", tmp.display()))?;
        } else {
            // No atomic exchange here: two renames, the old folder first
            // moved aside (for a moment `dir` is missing).
            let parent = parent_of(&dir);
            let holder = create_unique(parent, OLD)
                .with_context(|| format!("cannot write in {}", parent.display()))?;
            std::fs::remove_dir(&holder).with_context(|| format!("cannot write in {}", parent.display()))?;
            std::fs::rename(&dir, &holder)
                .with_context(|| format!("cannot replace the output folder {}", dir.display()))?;
            if let Err(e) = std::fs::rename(&tmp, &dir) {
                let _ = std::fs::rename(&holder, &dir);
                return Err(e)
                    .with_context(|| format!("cannot put the output folder {} in place", dir.display()));
            }
            self.committed = true;
            std::fs::remove_dir_all(&holder)
                .with_context(|| format!("cannot remove the previous output {}", holder.display()))?;
        }
        self.committed = true;
        if let Ok(f) = std::fs::File::open(parent_of(&dir)) {
            let _ = f.sync_all();
        }
        Ok(dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// `file` filled by `fill` through a buffer, then synced.
fn fill_synced(
    file: std::fs::File,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    fill(&mut w)?;
    let file = w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    file.sync_all()
}

/// A file outside any output folder written whole or not at all: its
/// bytes go to a hidden file beside it (`.pensionsim-new-PID-N-NAME`,
/// made at once, so a folder that cannot be written fails before any
/// work), which [`Pending::commit`] renames over it. Dropped without a
/// commit, the hidden file goes and the old file stays; one left by a
/// killed process goes on the next write beside it.
pub struct Pending {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::fs::File>,
}

impl Pending {
    /// Makes `path`'s folder if missing and the hidden file beside it.
    pub fn new(path: &Path) -> Result<Pending> {
        if path.is_dir() {
            bail!("{} is a folder", path.display());
        }
        let parent = parent_of(path);
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        remove_leftovers(parent);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let pid = std::process::id();
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        for n in 0..1000u32 {
            let tmp = parent.join(format!("{NEW}{pid}-{}-{name}", nanos.wrapping_add(n)));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(file) => return Ok(Pending { path: path.to_path_buf(), tmp, file: Some(file) }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
            }
        }
        bail!("cannot write {}: no free name for its hidden file in {}", path.display(), parent.display())
    }

    /// Fills the hidden file through `fill`, buffered, and syncs it.
    pub fn write(&mut self, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let file = self.file.take().context("invariant: a pending file is written once")?;
        fill_synced(file, fill).with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// Renames the written file over `path` in one step; returns `path`.
    pub fn commit(mut self) -> Result<PathBuf> {
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot put {} in place", self.path.display()))?;
        self.tmp = PathBuf::new();
        if let Ok(f) = std::fs::File::open(parent_of(&self.path)) {
            let _ = f.sync_all();
        }
        Ok(std::mem::take(&mut self.path))
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Whether this process may write in `dir`.
fn writable(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        match std::ffi::CString::new(dir.as_os_str().as_bytes()) {
            // SAFETY: a valid C string, and access only reads it.
            Ok(c) => unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 },
            Err(_) => true,
        }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
    }
}

/// Creates a new folder `PREFIXPID-N` in `parent` (mode by the umask).
fn create_unique(parent: &Path, prefix: &str) -> std::io::Result<PathBuf> {
    let pid = std::process::id();
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    for n in 0..1000u32 {
        let path = parent.join(format!("{prefix}{pid}-{}", nanos.wrapping_add(n)));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free name for a staging folder"))
}

/// Swaps `a` and `b` in one step where the system can (Linux's
/// `renameat2` with `RENAME_EXCHANGE`); an error elsewhere.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            std::ffi::CString::new(p.as_os_str().as_bytes())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
        };
        let (a, b) = (c(a)?, c(b)?);
        // SAFETY: two valid C strings, relative to the current folder.
        let r = unsafe {
            libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE)
        };
        if r == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no atomic exchange"))
    }
}

/// Removes the staging folders in `parent` that an interrupted command
/// left: those whose process no longer runs, and those of an unknown
/// process (an older naming) made before this process started. A folder
/// another running command is writing is left alone. Best effort: what
/// cannot be removed stays for the next time.
fn remove_leftovers(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(NEW).or_else(|| name.strip_prefix(OLD)) else { continue };
        let pid = rest.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok());
        let stale = match pid {
            Some(pid) if pid == std::process::id() => false,
            Some(pid) => !running(pid),
            None => entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < *STARTED),
        };
        if stale {
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}

/// Whether process `pid` runs (on a system that cannot tell, yes).
fn running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
        // SAFETY: signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_folder_replaces_the_old_one_whole_with_the_umasks_modes() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("summary.json"), "old").unwrap();
        std::fs::write(out.join("gone.csv"), "old").unwrap();
        let s = Staging::new(&out, "summary.json").unwrap();
        let written = s.write(&[("summary.json", b"new")]).unwrap();
        s.write_in(Some("sub"), &[("a.csv", b"a")]).unwrap();
        assert_eq!(written, vec![out.join("summary.json")]);
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("summary.json")).unwrap(), "new");
        assert!(!out.join("gone.csv").exists());
        assert_eq!(std::fs::read_to_string(out.join("sub/a.csv")).unwrap(), "a");
        let names: Vec<_> = std::fs::read_dir(base.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // SAFETY: reads and restores the process's umask.
            let umask = unsafe {
                let m = libc::umask(0o022);
                libc::umask(m);
                m
            } as u32;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&out), 0o777 & !umask);
            assert_eq!(mode(&out.join("sub")), 0o777 & !umask);
            assert_eq!(mode(&out.join("summary.json")), 0o666 & !umask);
        }
    }

    #[test]
    fn a_dropped_staging_leaves_the_old_folder_and_no_trace() {
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("summary.json"), "old").unwrap();
        {
            let s = Staging::new(&out, "summary.json").unwrap();
            s.write(&[("summary.json", b"new")]).unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("summary.json")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(base.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_pending_file_replaces_the_old_one_only_on_commit() {
        let base = tempfile::tempdir().unwrap();
        let path = base.path().join("sets/x.npy");
        let mut p = Pending::new(&path).unwrap();
        p.write(|w| w.write_all(b"first")).unwrap();
        assert!(!path.exists());
        assert_eq!(p.commit().unwrap(), path);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        {
            let mut p = Pending::new(&path).unwrap();
            p.write(|w| w.write_all(b"second")).unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        let names: Vec<_> =
            std::fs::read_dir(base.path().join("sets")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.npy")]);
        let s = Staging::new(&base.path().join("out"), "summary.json").unwrap();
        let written = s.write_streamed(Path::new("a/b.csv"), |w| w.write_all(b"b")).unwrap();
        assert_eq!(written, base.path().join("out/a/b.csv"));
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(base.path().join("out/a/b.csv")).unwrap(), "b");
    }

    #[test]
    fn a_folder_of_other_files_is_refused_and_kept() {
        let base = tempfile::tempdir().unwrap();
        std::fs::write(base.path().join("notes.txt"), "mine").unwrap();
        let err = Staging::new(base.path(), "summary.json").err().unwrap();
        assert!(err.to_string().contains("no summary.json"), "{err}");
        assert!(base.path().join("notes.txt").is_file());
    }

    #[test]
    fn leftovers_of_dead_processes_and_older_runs_go_and_a_live_ones_stay() {
        let base = tempfile::tempdir().unwrap();
        let dead = base.path().join(format!("{NEW}{}-1", 2_000_000_000u32));
        let legacy = base.path().join(format!("{NEW}aB3xYz"));
        // A running process's (its parent's, here: not this one). Above any
        // pid_max, the dead one's pid names no process.
        #[cfg(unix)]
        let live = base.path().join(format!("{NEW}{}-1", unsafe { libc::getppid() }));
        #[cfg(not(unix))]
        let live = base.path().join(format!("{NEW}1-1"));
        for d in [&dead, &legacy, &live] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("half.png"), "x").unwrap();
        }
        // An older naming: stale when made before this process started.
        LazyLock::force(&STARTED);
        let long_ago = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::open(&legacy).unwrap().set_modified(long_ago).unwrap();
        let later = base.path().join(format!("{NEW}later"));
        std::fs::create_dir(&later).unwrap();
        std::fs::File::open(&later)
            .unwrap()
            .set_modified(SystemTime::now() + std::time::Duration::from_secs(60))
            .unwrap();
        let s = Staging::new(&base.path().join("out"), "summary.json").unwrap();
        assert!(!dead.exists());
        assert!(!legacy.exists());
        assert!(live.exists());
        assert!(later.exists());
        drop(s);
    }
}
