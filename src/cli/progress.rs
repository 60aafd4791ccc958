//! What a long computation shows on a terminal (nothing otherwise): one
//! bar or spinner at a time, which the library's progress callbacks move
//! from any worker thread.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// The progress display of a command.
#[derive(Default)]
pub struct Display {
    current: Mutex<Option<ProgressBar>>,
}

impl Display {
    /// A bar of `len` `unit` (e.g. "paths"), replacing what was shown.
    pub fn bar(&self, len: usize, unit: &str) {
        let template = format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{elapsed}} (about {{eta}} left)");
        let style = ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar());
        self.show(Some(ProgressBar::new(len as u64).with_style(style)));
    }

    /// A spinner saying `message`, replacing what was shown.
    pub fn spinner(&self, message: &'static str) {
        let spinner = ProgressBar::new_spinner().with_message(message);
        spinner.enable_steady_tick(Duration::from_millis(120));
        self.show(Some(spinner));
    }

    /// `n` more done on the bar.
    pub fn inc(&self, n: usize) {
        if let Ok(current) = self.current.lock()
            && let Some(bar) = current.as_ref()
        {
            bar.inc(n as u64);
        }
    }

    /// Nothing shown.
    pub fn clear(&self) {
        self.show(None);
    }

    fn show(&self, next: Option<ProgressBar>) {
        if let Ok(mut current) = self.current.lock() {
            if let Some(old) = current.take() {
                old.finish_and_clear();
            }
            *current = next;
        }
    }
}
