//! storyline's web UI and JSON API over a store, read-only.
//!
//! - [`router`] builds the whole application (pages, `/api`, `/static`) over a [`Db`];
//!   [`serve`] binds it (127.0.0.1 by default) and runs until Ctrl-C.
//! - Every handler runs its store queries on a blocking thread with a connection from a
//!   small pool of read-only SQLite connections, so slow queries never stall the runtime.
//! - Article text is hostile input. Pages are askama templates, which escape every
//!   interpolation; no handler builds markup by string concatenation; links to article URLs
//!   are only rendered for http(s); a Content-Security-Policy forbids scripts and inline
//!   styles besides our own file, so even a missed escape would not execute.
//! - Static files are compiled into the binary and looked up by exact name: there is no
//!   file-system path to traverse.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use storyline_store::Store;
use tokio::sync::Semaphore;

mod api;
mod error;
pub mod facts;
mod pages;
mod stories;
mod story_pages;

pub use api::{API_ROUTES, openapi};
pub use error::ApiError;
pub use stories::article_ids as story_articles;

/// Largest request body accepted: every route is a GET, so anything bigger is abuse.
const BODY_LIMIT: usize = 16 * 1024;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    pub addr: SocketAddr,
    /// Read-only SQLite connections (and so store queries running at once).
    pub connections: usize,
    /// Longest a request may take before it is answered with 503.
    pub timeout: Duration,
}

impl Config {
    pub fn new(db: PathBuf) -> Config {
        Config {
            db,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            connections: std::thread::available_parallelism().map_or(4, |n| n.get() * 2),
            timeout: Duration::from_secs(10),
        }
    }
}

/// A pool of read-only connections to one store.
pub struct Db {
    path: PathBuf,
    idle: Mutex<Vec<Store>>,
    permits: Semaphore,
}

impl Db {
    /// Brings the store's schema and search index up to date (the one write the server
    /// makes, so the first search does not wait for indexing), then opens `connections`
    /// read-only connections.
    pub fn open(path: &Path, connections: usize) -> anyhow::Result<Arc<Db>> {
        Store::open(path)?.sync_search()?;
        let connections = connections.max(1);
        let idle = (0..connections)
            .map(|_| Store::open_read_only(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Arc::new(Db {
            path: path.to_owned(),
            idle: Mutex::new(idle),
            permits: Semaphore::new(connections),
        }))
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
        let db = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let store = db.checkout()?;
            let out = f(&store);
            db.checkin(store);
            out
        })
        .await
        .map_err(|e| ApiError::internal(format!("query task failed: {e}")))?
    }

    fn checkout(&self) -> Result<Store, ApiError> {
        let pooled = self.idle.lock().map(|mut idle| idle.pop()).unwrap_or(None);
        match pooled {
            Some(store) => Ok(store),
            // Only after a query task died with its connection: replace it.
            None => Ok(Store::open_read_only(&self.path)?),
        }
    }

    fn checkin(&self, store: Store) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(store);
        }
    }
}

/// The application: pages, `/api` and `/static`, with the security layers.
pub fn router(db: Arc<Db>, timeout: Duration) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api", api::routes())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(db)
        .layer(middleware::from_fn(move |req, next| {
            guard(req, next, timeout)
        }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Time limit, body limit and security headers for every response.
async fn guard(req: Request, next: Next, timeout: Duration) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut response = if declared.is_some_and(|n| n > BODY_LIMIT) {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("request bodies are limited to {BODY_LIMIT} bytes"),
        )
        .into_response()
    } else {
        match tokio::time::timeout(timeout, next.run(req)).await {
            Ok(response) => response,
            Err(_) => ApiError::unavailable(format!(
                "the request took longer than {} s",
                timeout.as_secs_f64()
            ))
            .into_response(),
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Serves `config.db` on `config.addr` until Ctrl-C; `ready` is told the bound address
/// (useful with port 0).
pub async fn serve(config: Config, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let db = Db::open(&config.db, config.connections)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(db, config.timeout))
        .with_graceful_shutdown(async {
            // If the signal cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}

/// [`serve`] on a runtime of its own, for callers without one (the CLI).
pub fn run(config: Config, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(config, ready))
}
