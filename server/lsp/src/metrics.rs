//! Handler durations: a bounded ring of samples per method, with percentiles.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

/// Samples kept per method; older ones fall out of the ring.
const RING: usize = 512;

#[derive(Default)]
pub struct Metrics {
    methods: BTreeMap<String, MethodSamples>,
}

#[derive(Default)]
struct MethodSamples {
    count: u64,
    recent: VecDeque<Duration>,
}

/// One method's summary.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodStats {
    pub method: String,
    pub count: u64,
    pub p50: Duration,
    pub p99: Duration,
}

impl Metrics {
    pub fn record(&mut self, method: &str, took: Duration) {
        let m = match self.methods.get_mut(method) {
            Some(m) => m,
            None => self.methods.entry(method.to_string()).or_default(),
        };
        m.count += 1;
        if m.recent.len() == RING {
            m.recent.pop_front();
        }
        m.recent.push_back(took);
    }

    /// Per-method count and percentiles over the kept samples, sorted by method name.
    pub fn stats(&self) -> Vec<MethodStats> {
        self.methods
            .iter()
            .map(|(method, m)| {
                let mut sorted: Vec<Duration> = m.recent.iter().copied().collect();
                sorted.sort_unstable();
                MethodStats {
                    method: method.clone(),
                    count: m.count,
                    p50: percentile(&sorted, 50),
                    p99: percentile(&sorted, 99),
                }
            })
            .collect()
    }
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let mut m = Metrics::default();
        for ms in 1..=100 {
            m.record("textDocument/hover", Duration::from_millis(ms));
        }
        m.record("initialize", Duration::from_millis(7));
        let stats = m.stats();
        assert_eq!(stats[0].method, "initialize");
        assert_eq!(
            (stats[0].count, stats[0].p50, stats[0].p99),
            (1, Duration::from_millis(7), Duration::from_millis(7))
        );
        assert_eq!(stats[1].count, 100);
        assert_eq!(stats[1].p50, Duration::from_millis(50));
        assert_eq!(stats[1].p99, Duration::from_millis(99));
    }

    #[test]
    fn ring_keeps_recent_samples_but_counts_all() {
        let mut m = Metrics::default();
        for _ in 0..RING {
            m.record("x", Duration::from_secs(10));
        }
        for _ in 0..RING {
            m.record("x", Duration::from_millis(1));
        }
        let s = &m.stats()[0];
        assert_eq!(s.count, 2 * RING as u64);
        assert_eq!(s.p99, Duration::from_millis(1));
    }
}
