//! Counts the SQL statements an app instance runs, so tests can assert that a
//! list costs the same number of queries whatever its page size (no N+1).
//! Enabled by `settings.count_queries` (the test configuration only).
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use loco_rs::app::AppContext;

#[derive(Clone, Default)]
pub struct QueryCounter(Arc<AtomicUsize>);

impl QueryCounter {
    /// Hooks a counter into the context's connection pool and keeps it in the
    /// shared store for [`QueryCounter::of`].
    pub fn install(ctx: &mut AppContext) {
        let counter = Self::default();
        let inner = counter.0.clone();
        ctx.db.set_metric_callback(move |_| {
            inner.fetch_add(1, Ordering::Relaxed);
        });
        ctx.shared_store.insert(counter);
    }

    #[must_use]
    pub fn of(ctx: &AppContext) -> Option<Self> {
        ctx.shared_store.get::<Self>()
    }

    #[must_use]
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}
