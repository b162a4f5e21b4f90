//! The polite HTTP client: robots.txt, per-host turns, conditional GET, redirects followed by
//! hand (so every hop is checked against robots.txt and takes its host's turn), retries with
//! exponential backoff on 429/5xx honouring Retry-After, and a body cap enforced while
//! streaming.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::time::Instant;
use url::Url;

use crate::polite::Politeness;
use crate::urls;

/// How to behave on the network.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Sent with every request. Names storyline and, ideally, how to reach its operator.
    pub user_agent: String,
    /// Minimum pause between two requests to one host.
    pub min_delay: Duration,
    /// Whole-request limit (connect, headers and body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Larger bodies (after decompression) are cut off and the fetch fails.
    pub max_bytes: u64,
    pub max_redirects: usize,
    /// Retries after a 429 or 5xx answer (so at most `1 + max_retries` requests).
    pub max_retries: u32,
    /// First backoff; each retry doubles it unless the server says otherwise.
    pub retry_base: Duration,
    /// A server asking for a longer wait than this is left alone until the next poll.
    pub max_retry_wait: Duration,
    /// Longest robots.txt Crawl-delay honoured.
    pub max_crawl_delay: Duration,
    /// How long a host's robots.txt is trusted before being fetched again.
    pub robots_ttl: Duration,
}

impl FetchConfig {
    /// The User-Agent for a contact (an email address or URL), or storyline's bare name.
    pub fn user_agent_for(contact: Option<&str>) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match contact {
            Some(contact) if !contact.trim().is_empty() => {
                format!("storyline/{version} (news monitor; +{})", contact.trim())
            }
            _ => format!("storyline/{version} (news monitor)"),
        }
    }
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: FetchConfig::user_agent_for(None),
            min_delay: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            max_retries: 3,
            retry_base: Duration::from_secs(2),
            max_retry_wait: Duration::from_secs(120),
            max_crawl_delay: Duration::from_secs(60),
            robots_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// Validators of an earlier copy, for a conditional GET.
#[derive(Debug, Clone, Default)]
pub struct Conditional {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// Where the body came from, after redirects (normalised).
    pub url: Url,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Fetched {
    Ok(Response),
    /// 304: the copy we have is current.
    NotModified,
}

/// Why a fetch failed. Every message names the URL.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{0}: disallowed by the site's robots.txt")]
    Robots(Url),
    #[error("{url}: HTTP {status}")]
    Status { url: Url, status: u16 },
    #[error("{url}: HTTP {status} and still failing after {attempts} attempts")]
    GaveUp {
        url: Url,
        status: u16,
        attempts: u32,
    },
    #[error("{url}: the server asks to wait {seconds}s (Retry-After); trying again next poll")]
    RetryLater { url: Url, seconds: u64 },
    #[error("{url}: response larger than {max} bytes; cut off")]
    TooLarge { url: Url, max: u64 },
    #[error("{url}: redirect loop")]
    RedirectLoop { url: Url },
    #[error("{url}: more than {max} redirects")]
    TooManyRedirects { url: Url, max: usize },
    #[error("{url}: redirect without a usable Location ({reason})")]
    BadRedirect { url: Url, reason: String },
    #[error("{url}: timed out")]
    Timeout { url: Url },
    #[error("{url}: {message}")]
    Network { url: Url, message: String },
}

impl FetchError {
    /// Whether trying again later could succeed (the URL is then not remembered as done).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. }
            | FetchError::Network { .. }
            | FetchError::GaveUp { .. }
            | FetchError::RetryLater { .. } => true,
            FetchError::Status { status, .. } => *status == 408 || *status == 429,
            _ => false,
        }
    }
}

/// What a host's robots.txt allows us.
#[derive(Debug)]
enum Rules {
    All,
    /// The host could not say (robots.txt answered 5xx or not at all): nothing is fetched
    /// from it until the rules are checked again, as RFC 9309 asks.
    Nothing,
    Parsed(Box<texting_robots::Robot>),
}

/// A host's rules once known; the async lock keeps a second task from fetching them again.
type RobotsSlot = std::sync::Arc<tokio::sync::Mutex<Option<RobotsEntry>>>;

#[derive(Debug)]
struct RobotsEntry {
    rules: Rules,
    until: Instant,
}

/// The shared client. Cheap to share by reference across tasks.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    politeness: Politeness,
    robots: Mutex<HashMap<String, RobotsSlot>>,
    /// The product token matched against robots.txt `User-agent` lines.
    robots_agent: String,
}

/// How long an unreachable robots.txt keeps a host closed.
const ROBOTS_RETRY: Duration = Duration::from_secs(300);
/// Redirects followed when fetching robots.txt (RFC 9309 §2.3.1.2).
const ROBOTS_MAX_REDIRECTS: usize = 5;
/// robots.txt files beyond this size are cut; RFC 9309 asks parsers to read at least 500 KiB.
const ROBOTS_MAX_BYTES: u64 = 512 * 1024;

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Fetcher, String> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|err| format!("cannot set up the HTTP client: {err}"))?;
        Ok(Fetcher {
            client,
            politeness: Politeness::new(config.min_delay),
            robots: Mutex::new(HashMap::new()),
            robots_agent: "storyline".to_owned(),
            config,
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// GETs `url` politely, following redirects. With validators, an unchanged document
    /// costs a 304 ([`Fetched::NotModified`]).
    pub async fn get(&self, url: &Url, conditional: &Conditional) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut visited = vec![current.clone()];
        loop {
            self.check_robots(&current).await?;
            match self.get_one(&current, conditional).await? {
                Hop::Done(fetched) => return Ok(fetched),
                Hop::Redirect(location) => {
                    let next = urls::resolve(&current, &location).map_err(|reason| {
                        FetchError::BadRedirect {
                            url: current.clone(),
                            reason,
                        }
                    })?;
                    if visited.contains(&next) {
                        return Err(FetchError::RedirectLoop { url: url.clone() });
                    }
                    if visited.len() > self.config.max_redirects {
                        return Err(FetchError::TooManyRedirects {
                            url: url.clone(),
                            max: self.config.max_redirects,
                        });
                    }
                    tracing::debug!(from = %current, to = %next, "redirect");
                    visited.push(next.clone());
                    current = next;
                }
            }
        }
    }

    /// One URL, with retries on 429/5xx; no redirects followed.
    async fn get_one(&self, url: &Url, conditional: &Conditional) -> Result<Hop, FetchError> {
        let host = urls::host_key(url);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let mut turn = self.politeness.turn(&host).await;
            let mut request = self.client.get(url.clone());
            if let Some(etag) = &conditional.etag {
                request = request.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(modified) = &conditional.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, modified);
            }
            tracing::debug!(%url, attempt, "GET");
            let response = request
                .send()
                .await
                .map_err(|err| network_error(url, &err))?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                return match location {
                    Some(location) => Ok(Hop::Redirect(location)),
                    None => Err(FetchError::BadRedirect {
                        url: url.clone(),
                        reason: format!("HTTP {} without Location", status.as_u16()),
                    }),
                };
            }
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Hop::Done(Fetched::NotModified));
            }
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                let asked = retry_after(response.headers());
                let backoff = self.config.retry_base * 2u32.saturating_pow(attempt - 1);
                let wait = asked.unwrap_or(backoff);
                if wait > self.config.max_retry_wait {
                    turn.pause(self.config.max_retry_wait);
                    return Err(FetchError::RetryLater {
                        url: url.clone(),
                        seconds: wait.as_secs(),
                    });
                }
                turn.pause(wait);
                drop(turn);
                if attempt > self.config.max_retries {
                    return Err(FetchError::GaveUp {
                        url: url.clone(),
                        status: status.as_u16(),
                        attempts: attempt,
                    });
                }
                tracing::info!(%url, status = status.as_u16(), wait_ms = wait.as_millis() as u64, "server busy; retrying");
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    url: url.clone(),
                    status: status.as_u16(),
                });
            }
            let headers = response.headers().clone();
            let body = read_capped(response, url, self.config.max_bytes).await?;
            drop(turn);
            let text = |name: header::HeaderName| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            return Ok(Hop::Done(Fetched::Ok(Response {
                url: url.clone(),
                body,
                content_type: text(header::CONTENT_TYPE),
                etag: text(header::ETAG),
                last_modified: text(header::LAST_MODIFIED),
            })));
        }
    }

    /// Fails when the host's robots.txt disallows `url`; fetches and caches the rules first
    /// when needed, and applies the host's Crawl-delay.
    async fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        let host = urls::host_key(url);
        let slot = {
            let mut robots = self.robots.lock().unwrap_or_else(|e| e.into_inner());
            robots.entry(host).or_default().clone()
        };
        // One task fetches a host's rules; the others wait for them instead of asking too.
        let mut entry = slot.lock().await;
        if entry.as_ref().is_none_or(|e| e.until <= Instant::now()) {
            *entry = Some(self.fetch_robots(url).await);
        }
        let allowed = match entry.as_ref().map(|e| &e.rules) {
            Some(Rules::Parsed(robot)) => robot.allowed(url.as_str()),
            Some(Rules::All) => true,
            Some(Rules::Nothing) | None => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(FetchError::Robots(url.clone()))
        }
    }

    async fn fetch_robots(&self, url: &Url) -> RobotsEntry {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        let host = urls::host_key(url);
        let mut turn = self.politeness.turn(&host).await;
        let now = Instant::now();
        let closed = RobotsEntry {
            rules: Rules::Nothing,
            until: now + ROBOTS_RETRY,
        };
        // Redirects are followed (RFC 9309 asks for at least five); the rules found apply to
        // this host. A hop to another host goes without that host's turn: waiting for it
        // while holding ours could deadlock two hosts redirecting to each other.
        let mut current = robots_url.clone();
        let mut hops = 0;
        let response = loop {
            let response = match self.client.get(current.clone()).send().await {
                Ok(response) => response,
                Err(err) => {
                    tracing::warn!(url = %current, error = %err, "robots.txt unreachable; host skipped for now");
                    return closed;
                }
            };
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| urls::resolve(&current, l).ok());
            match location {
                Some(next) if response.status().is_redirection() && hops < ROBOTS_MAX_REDIRECTS => {
                    hops += 1;
                    current = next;
                }
                _ => break response,
            }
        };
        let status = response.status();
        let ttl = now + self.config.robots_ttl;
        // No robots.txt (4xx, or redirects that lead nowhere): everything is allowed.
        if status.is_client_error() || status.is_redirection() {
            return RobotsEntry {
                rules: Rules::All,
                until: ttl,
            };
        }
        if !status.is_success() {
            tracing::warn!(url = %robots_url, status = status.as_u16(), "robots.txt failed; host skipped for now");
            return closed;
        }
        let body = match read_capped(response, &robots_url, ROBOTS_MAX_BYTES).await {
            Ok(body) => body,
            Err(FetchError::TooLarge { .. }) => Vec::new(),
            Err(err) => {
                tracing::warn!(error = %err, "robots.txt unreadable; host skipped for now");
                return closed;
            }
        };
        match texting_robots::Robot::new(&self.robots_agent, &body) {
            Ok(robot) => {
                if let Some(delay) = robot.delay.filter(|d| d.is_finite() && *d > 0.0) {
                    let delay = Duration::from_secs_f32(delay).min(self.config.max_crawl_delay);
                    turn.set_host_delay(delay);
                }
                RobotsEntry {
                    rules: Rules::Parsed(Box::new(robot)),
                    until: ttl,
                }
            }
            // An unparseable file says nothing we can follow: treat it as absent.
            Err(err) => {
                tracing::warn!(url = %robots_url, error = %err, "robots.txt unparseable; treated as absent");
                RobotsEntry {
                    rules: Rules::All,
                    until: ttl,
                }
            }
        }
    }
}

enum Hop {
    Done(Fetched),
    Redirect(String),
}

/// Reads the body chunk by chunk, stopping as soon as it passes `max` bytes, so a huge or
/// endless response costs at most `max` bytes of memory.
async fn read_capped(
    mut response: reqwest::Response,
    url: &Url,
    max: u64,
) -> Result<Vec<u8>, FetchError> {
    if response.content_length().is_some_and(|len| len > max) {
        return Err(FetchError::TooLarge {
            url: url.clone(),
            max,
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| network_error(url, &err))?
    {
        if body.len() as u64 + chunk.len() as u64 > max {
            return Err(FetchError::TooLarge {
                url: url.clone(),
                max,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn network_error(url: &Url, err: &reqwest::Error) -> FetchError {
    if err.is_timeout() {
        return FetchError::Timeout { url: url.clone() };
    }
    // The innermost cause says what actually went wrong (refused, reset, DNS).
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message = cause.to_string();
        source = cause.source();
    }
    FetchError::Network {
        url: url.clone(),
        message,
    }
}

/// Retry-After as delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap<HeaderValue>) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn user_agent_names_storyline_and_the_contact() {
        let ua = FetchConfig::user_agent_for(Some("ops@example.org"));
        assert!(ua.starts_with("storyline/"));
        assert!(ua.ends_with("+ops@example.org)"));
        assert!(!FetchConfig::user_agent_for(Some("  ")).contains('+'));
    }
}
