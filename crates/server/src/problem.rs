//! Errors as RFC 9457 problem details (`application/problem+json`) for the API, and the same
//! problems rendered as a page for the web application.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rcm_store::StoreError;
use serde::Serialize;

/// One field that could not be accepted.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path in the request (`lines[1].charge`, `birth_date`).
    pub field: String,
    pub message: String,
}

/// A problem: status, a short title, the detail a biller can act on, and the fields concerned.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:openrcm:problem:validation`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a version conflict: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// Seconds to wait (throttled sign-ins).
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("urn:openrcm:problem:{kind}"),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            current_version: None,
            retry_after: None,
        }
    }
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
    pub fn not_found(what: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no such {what} in this organization"),
        )
    }
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }
    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in, or send an API token as `Authorization: Bearer rcm_…`",
        )
    }
    pub fn forbidden() -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "your role does not allow this; ask an administrator",
        )
    }
    /// 422 with the fields that could not be accepted.
    pub fn invalid(errors: Vec<FieldError>) -> Problem {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            many => format!("{} fields could not be accepted", many.len()),
        };
        Problem {
            errors,
            ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail)
        }
    }
    pub fn field(field: &str, message: impl Into<String>) -> Problem {
        Problem::invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not complete this; nothing was changed. Try again, and tell your administrator if it persists",
        )
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        match e {
            StoreError::NotFound { record, .. } => Problem::not_found(record),
            StoreError::Invalid { field, reason } => Problem::field(field, reason),
            StoreError::Conflict { current_version } => Problem {
                current_version: Some(current_version),
                ..Problem::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "someone else saved this record since you opened it; reload it, then make your change again",
                )
            },
            StoreError::InvalidTransition { from, to } => Problem::new(
                StatusCode::CONFLICT,
                "status",
                format!("a {from} claim cannot become {to}"),
            ),
            StoreError::NotEditable { status } => Problem::new(
                StatusCode::CONFLICT,
                "not-editable",
                format!("a {status} claim cannot be edited; correct it as a replacement claim"),
            ),
            StoreError::Duplicate { what } => Problem::new(
                StatusCode::CONFLICT,
                "duplicate",
                format!("{what} already exists"),
            ),
            StoreError::BatchFile(msg) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "batch-file",
                format!("the 837 could not be written, so no claim was submitted: {msg}"),
            ),
            other => {
                // The message names tables and reasons, never values: it cannot carry PHI.
                tracing::error!(error = %other, "store error");
                Problem::internal()
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"rcm\""),
            );
        }
        if let Some(s) = retry
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, Problem>;
