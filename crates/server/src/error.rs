//! One error shape for the whole server: a status code and a JSON body
//! `{"error": {"status", "code", "message"}}`. Pages render the same error as HTML.

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    /// A stable machine-readable reason: `not_found`, `bad_request`, …
    pub code: &'static str,
    /// What was wrong, for a person.
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<storyline_store::StoreError> for ApiError {
    fn from(e: storyline_store::StoreError) -> ApiError {
        tracing::error!("store: {e}");
        ApiError::internal(format!("store: {e}"))
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    status: u16,
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: ErrorBody {
                status: self.status.as_u16(),
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// Unknown paths: JSON under `/api`, an HTML page elsewhere.
pub async fn not_found(req: Request) -> Response {
    let error = ApiError::not_found(format!("no such page: {}", req.uri().path()));
    if req.uri().path().starts_with("/api/") {
        error.into_response()
    } else {
        crate::pages::error_page(error)
    }
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this server is read-only: only GET is supported",
    )
}
