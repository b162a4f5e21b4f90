//! Per-host turns: at most one request at a time to a host, and a minimum delay between the
//! end of one request and the start of the next.
//!
//! A host that asks us to slow down (429 or 5xx with Retry-After, a robots.txt Crawl-delay)
//! gets a longer pause; the pause applies to every task that wants that host, not just the
//! one that was told.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

/// The turn-keeper for every host this process talks to.
#[derive(Debug)]
pub struct Politeness {
    min_delay: Duration,
    hosts: Mutex<HashMap<String, Arc<AsyncMutex<HostState>>>>,
}

#[derive(Debug)]
struct HostState {
    /// Earliest start of the next request.
    next: Instant,
    /// This host's own delay (robots Crawl-delay), when longer than the minimum.
    delay: Duration,
}

/// The right to send one request to a host. Waiting for it is [`Politeness::turn`]; dropping
/// it (after the response body was read) starts the host's delay.
#[derive(Debug)]
pub struct Turn {
    state: OwnedMutexGuard<HostState>,
    min_delay: Duration,
    pause: Duration,
}

impl Politeness {
    pub fn new(min_delay: Duration) -> Politeness {
        Politeness {
            min_delay,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `host` is free and its delay has passed.
    pub async fn turn(&self, host: &str) -> Turn {
        let gate = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            hosts
                .entry(host.to_owned())
                .or_insert_with(|| {
                    Arc::new(AsyncMutex::new(HostState {
                        next: Instant::now(),
                        delay: Duration::ZERO,
                    }))
                })
                .clone()
        };
        // tokio's mutex is fair (FIFO), so tasks waiting for one host go in arrival order.
        let state = gate.lock_owned().await;
        tokio::time::sleep_until(state.next).await;
        Turn {
            state,
            min_delay: self.min_delay,
            pause: Duration::ZERO,
        }
    }
}

impl Turn {
    /// Keeps the host quiet for at least `pause` after this request (Retry-After, backoff).
    pub fn pause(&mut self, pause: Duration) {
        self.pause = self.pause.max(pause);
    }

    /// Sets the host's own delay between requests (robots.txt Crawl-delay).
    pub fn set_host_delay(&mut self, delay: Duration) {
        self.state.delay = delay;
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let wait = self.min_delay.max(self.state.delay).max(self.pause);
        self.state.next = Instant::now() + wait;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_host_waits_other_hosts_do_not() {
        let polite = Arc::new(Politeness::new(Duration::from_secs(2)));
        let start = Instant::now();
        drop(polite.turn("a").await);
        drop(polite.turn("b").await);
        assert_eq!(start.elapsed(), Duration::ZERO);
        drop(polite.turn("a").await);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        let mut turn = polite.turn("a").await;
        turn.pause(Duration::from_secs(30));
        drop(turn);
        let before = Instant::now();
        drop(polite.turn("a").await);
        assert_eq!(before.elapsed(), Duration::from_secs(30));
        // "b" was never slowed down by "a".
        let before = Instant::now();
        drop(polite.turn("b").await);
        assert_eq!(before.elapsed(), Duration::ZERO);
    }
}
