//! The rolling window of completed month-end values and its high `H`
//! (`dynamic-risk-rule.md`, "Quantities" and "Flows").

use std::collections::VecDeque;

/// The last `capacity` completed month-end values, flow-adjusted.
///
/// Until `capacity` month-ends exist, the starting value counts towards the
/// high as well; once the window is full it no longer does. The high is
/// cached: it changes only when a month completes or a flow scales the
/// window, never on an ordinary day.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthEndWindow {
    capacity: usize,
    values: VecDeque<f64>,
    start_value: Option<f64>,
    high: f64,
}

impl MonthEndWindow {
    /// A window for a fund that starts now, at `start_value`, with no
    /// month-end history.
    pub fn starting_at(capacity: usize, start_value: f64) -> MonthEndWindow {
        MonthEndWindow::from_history(capacity, &[], Some(start_value))
            .expect("invariant: a start value makes the window non-empty")
    }

    /// A window holding the given month-end values, oldest first. Only the
    /// last `capacity` are kept. `start_value` counts while fewer than
    /// `capacity` month-ends exist. Returns `None` when there is neither a
    /// month-end nor a start value, since the high is then undefined.
    pub fn from_history(
        capacity: usize,
        month_ends: &[f64],
        start_value: Option<f64>,
    ) -> Option<MonthEndWindow> {
        let capacity = capacity.max(1);
        let keep = &month_ends[month_ends.len().saturating_sub(capacity)..];
        let mut window = MonthEndWindow {
            capacity,
            values: keep.iter().copied().collect(),
            start_value: if keep.len() < capacity { start_value } else { None },
            high: f64::NAN,
        };
        if window.values.is_empty() && window.start_value.is_none() {
            return None;
        }
        window.recompute_high();
        Some(window)
    }

    /// Completes a month with value `value` (step 6 of the trading day).
    pub fn push(&mut self, value: f64) {
        self.values.push_back(value);
        let dropped = if self.values.len() > self.capacity { self.values.pop_front() } else { None };
        let start_dropped = self.values.len() == self.capacity && self.start_value.take().is_some();
        // A maximum is exact, so it can be kept up to date: only a high
        // that leaves the window needs a search. (The usual month, a
        // select rather than a branch: whether a month-end is a new high
        // is a coin toss the processor cannot predict.)
        let rises = value >= self.high;
        let stale = start_dropped || dropped.is_some_and(|d| d >= self.high);
        if stale && !rises {
            self.recompute_high();
        } else {
            self.high = if rises { value } else { self.high };
        }
    }

    /// Scales every stored value (and the start value) by `factor`: the
    /// flow adjustment for a deposit or withdrawal.
    pub fn scale(&mut self, factor: f64) {
        for v in &mut self.values {
            *v *= factor;
        }
        if let Some(s) = &mut self.start_value {
            *s *= factor;
        }
        self.high *= factor;
    }

    /// `H`: the highest value in the window.
    pub fn high(&self) -> f64 {
        self.high
    }

    /// The completed month-ends held, oldest first.
    pub fn month_ends(&self) -> impl ExactSizeIterator<Item = f64> + '_ {
        self.values.iter().copied()
    }

    /// Whether the start value still counts towards the high.
    pub fn start_value(&self) -> Option<f64> {
        self.start_value
    }

    fn recompute_high(&mut self) {
        self.high = self.values.iter().copied().chain(self.start_value).fold(f64::NEG_INFINITY, f64::max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_value_counts_until_the_window_is_full() {
        let mut w = MonthEndWindow::starting_at(3, 100.0);
        assert_eq!(w.high(), 100.0);
        w.push(90.0);
        w.push(95.0);
        assert_eq!(w.high(), 100.0, "two of three month-ends: start still counts");
        w.push(92.0);
        assert_eq!(w.high(), 95.0, "window full: the start value no longer counts");
        assert_eq!(w.start_value(), None);
    }

    #[test]
    fn oldest_month_end_drops_out() {
        let mut w = MonthEndWindow::from_history(3, &[120.0, 100.0, 100.0], None).unwrap();
        assert_eq!(w.high(), 120.0);
        w.push(101.0);
        assert_eq!(w.high(), 101.0);
        assert_eq!(w.month_ends().collect::<Vec<_>>(), [100.0, 100.0, 101.0]);
    }

    #[test]
    fn history_longer_than_the_window_keeps_the_last_values() {
        let w = MonthEndWindow::from_history(2, &[500.0, 100.0, 110.0], Some(900.0)).unwrap();
        assert_eq!(w.high(), 110.0);
        assert_eq!(w.start_value(), None);
    }

    #[test]
    fn scaling_moves_the_high_with_the_flow() {
        let mut w = MonthEndWindow::from_history(24, &[100.0, 120.0], Some(110.0)).unwrap();
        w.scale(1.5);
        assert_eq!(w.high(), 180.0);
        w.push(170.0);
        assert_eq!(w.high(), 180.0);
    }

    #[test]
    fn no_history_and_no_start_value_has_no_high() {
        assert_eq!(MonthEndWindow::from_history(24, &[], None), None);
    }
}
