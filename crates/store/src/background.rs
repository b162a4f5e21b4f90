//! Catching the search index up from a thread of its own while a writer stores articles, so
//! indexing runs beside parsing and inserting instead of stopping them.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::{Result, Store};

/// A search-index catch-up thread over one database. [`BackgroundSync::poke`] after each
/// write; [`BackgroundSync::finish`] when done, which catches up one last time.
pub struct BackgroundSync {
    pokes: SyncSender<()>,
    thread: JoinHandle<Result<usize>>,
}

impl BackgroundSync {
    /// Starts the thread with its own connection to the database at `path`. It catches up
    /// at most once per `interval` (each catch-up commits a new index segment).
    pub fn start(path: &Path, interval: Duration) -> Result<BackgroundSync> {
        let store = Store::open(path)?;
        // One slot: pokes while a catch-up runs or waits are folded into one.
        let (pokes, poked) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("search-sync".into())
            .spawn(move || -> Result<usize> {
                let mut indexed = 0;
                let mut pending = false;
                loop {
                    // Wait for work, or for the writer to finish.
                    if !pending && poked.recv().is_err() {
                        break;
                    }
                    indexed += store.sync_search()?;
                    pending = false;
                    // Rest for the interval, remembering pokes; stop when the writer is done.
                    let next = Instant::now() + interval;
                    let mut finished = false;
                    while let Some(left) = next.checked_duration_since(Instant::now()) {
                        match poked.recv_timeout(left) {
                            Ok(()) => pending = true,
                            Err(RecvTimeoutError::Timeout) => break,
                            Err(RecvTimeoutError::Disconnected) => {
                                finished = true;
                                break;
                            }
                        }
                    }
                    if finished {
                        break;
                    }
                }
                Ok(indexed + store.sync_search()?)
            })
            .expect("spawn the search sync thread");
        Ok(BackgroundSync { pokes, thread })
    }

    /// Tells the thread there is something new (never blocks).
    pub fn poke(&self) {
        let _ = self.pokes.try_send(());
    }

    /// Catches up one last time and returns how many articles the thread indexed.
    pub fn finish(self) -> Result<usize> {
        drop(self.pokes);
        match self.thread.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}
