//! `run --export-scenarios FILE`: where the scenario set's two files go
//! and writing them whole (docs/scenario-export.md).
//!
//! `FILE` names both: `FILE.npy` and `FILE.csv` (a `.npy` or `.csv` that
//! `FILE` ends in is dropped first, so `sets/a`, `sets/a.npy` and
//! `sets/a.csv` all give `sets/a.npy` and `sets/a.csv`). Inside `--out`
//! they are written into the run's staging folder and arrive with the
//! rest of the output; elsewhere each goes to a hidden file beside its
//! place, made before the run starts, and both are renamed into place
//! once the run's folder is in.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use pensionsim::engine::{ScenarioSet, check_export};
use pensionsim::report;
use pensionsim::scenario::{Scenario, Simulation};

use super::output::{Pending, Staging};

/// Where one of the two files goes.
enum Target {
    /// Inside the output folder, at this path within it.
    Staged(PathBuf),
    /// Anywhere else, whole by a rename.
    Alone(Pending),
}

/// The two files of an export, checked and placed before the run.
pub struct Export {
    npy: (PathBuf, Target),
    csv: (PathBuf, Target),
}

/// The export's files once the output folder is written: those outside
/// it still to be renamed into place.
pub struct Written {
    npy: PathBuf,
    csv: PathBuf,
    alone: Vec<Pending>,
}

/// `file` with a `.npy` or `.csv` it ends in dropped.
fn stem(file: &Path) -> PathBuf {
    match file.extension().and_then(|e| e.to_str()) {
        Some("npy" | "csv") => file.with_extension(""),
        _ => file.to_path_buf(),
    }
}

/// `file`'s path inside the folder `out`, when it is in it.
fn inside(out: &Path, file: &Path) -> Option<PathBuf> {
    let (out, file) = (std::path::absolute(out).ok()?, std::path::absolute(file).ok()?);
    let rel = file.strip_prefix(out).ok()?;
    (!rel.as_os_str().is_empty()).then(|| rel.to_path_buf())
}

impl Export {
    /// Checks `--export-scenarios FILE` before anything is computed: a
    /// scenario with a `[market]`, the set's memory within the limit, and
    /// (outside `out`) the two files' folders writable.
    pub fn new(file: &Path, out: &Path, scenario: &Scenario, simulation: Simulation) -> Result<Export> {
        let option = "--export-scenarios";
        if scenario.market().is_none() {
            bail!("{option}: the scenario has no [market], so there are no simulated paths to export");
        }
        check_export(simulation.paths, simulation.horizon_months)
            .map_err(|e| anyhow::anyhow!("{option}: {e}"))?;
        let stem = stem(file);
        if stem.file_name().is_none() {
            bail!("{option}: expected a file name, found {}", file.display());
        }
        let target = |ext: &str| -> Result<(PathBuf, Target)> {
            let mut name = stem.clone().into_os_string();
            name.push(format!(".{ext}"));
            let path = PathBuf::from(name);
            let target = match inside(out, &path) {
                Some(rel) => Target::Staged(rel),
                None => Target::Alone(Pending::new(&path).map_err(|e| anyhow::anyhow!("{option}: {e:#}"))?),
            };
            Ok((path, target))
        };
        Ok(Export { npy: target("npy")?, csv: target("csv")? })
    }

    /// Writes `set` (valued on `valuation`): into `staging` for a file
    /// inside the output folder (refusing a name the run's own files in
    /// `folders` take), else into its hidden file.
    pub fn write(
        self,
        staging: &Staging,
        folders: &[report::run::Folder],
        set: &ScenarioSet,
        valuation: chrono::NaiveDate,
    ) -> Result<Written> {
        let csv_name = self.csv.0.display().to_string();
        report::export::check_finite(set, &csv_name)?;
        let mut alone = Vec::new();
        let mut paths = Vec::new();
        for (kind, (path, target)) in [("npy", self.npy), ("csv", self.csv)] {
            let fill = |w: &mut dyn std::io::Write| match kind {
                "npy" => report::export::write_npy(set, w),
                _ => report::export::write_csv(set, valuation, w),
            };
            match target {
                Target::Staged(rel) => {
                    let taken = folders.iter().any(|(sub, files)| {
                        files.iter().any(|(name, _)| Path::new(sub.unwrap_or("")).join(name) == rel)
                    });
                    if taken {
                        bail!(
                            "--export-scenarios: {} is a file the run itself writes; give another name",
                            path.display()
                        );
                    }
                    staging.write_streamed(&rel, fill)?;
                }
                Target::Alone(mut pending) => {
                    pending.write(fill)?;
                    alone.push(pending);
                }
            }
            paths.push(path);
        }
        let [npy, csv] = <[PathBuf; 2]>::try_from(paths).map_err(|_| anyhow::anyhow!("two files"))?;
        Ok(Written { npy, csv, alone })
    }
}

impl Written {
    /// Renames the files outside the output folder into place; returns
    /// the line naming both files and the set's shape.
    pub fn commit(self, set: &ScenarioSet, lang: report::Lang) -> Result<String> {
        for pending in self.alone {
            pending.commit()?;
        }
        let (npy, csv) = (self.npy.display().to_string(), self.csv.display().to_string());
        Ok(format!("{}\n", report::export::written(&npy, &csv, set, lang)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_both_files_by_its_stem() {
        assert_eq!(stem(Path::new("sets/a")), PathBuf::from("sets/a"));
        assert_eq!(stem(Path::new("sets/a.npy")), PathBuf::from("sets/a"));
        assert_eq!(stem(Path::new("sets/a.csv")), PathBuf::from("sets/a"));
        assert_eq!(stem(Path::new("sets/a.2025")), PathBuf::from("sets/a.2025"));
    }

    #[test]
    fn a_file_in_the_output_folder_is_staged_with_it() {
        assert_eq!(inside(Path::new("out/run"), Path::new("out/run/x.npy")), Some(PathBuf::from("x.npy")));
        assert_eq!(
            inside(Path::new("out/run"), Path::new("out/run/s/x.npy")),
            Some(PathBuf::from("s/x.npy"))
        );
        assert_eq!(inside(Path::new("out/run"), Path::new("out/x.npy")), None);
        assert_eq!(inside(Path::new("out/run"), Path::new("out/run2/x.npy")), None);
    }
}
