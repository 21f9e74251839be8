//! Errors returned by the client.
//!
//! Every fallible operation of this crate returns a [`GraphError`]. The two
//! variants that carry an HTTP answer, [`GraphError::Service`] and
//! [`GraphError::Decode`], box their details ([`ServiceError`] and
//! [`DecodeError`]) so that `Result<T, GraphError>` stays small.
//!
//! The errors this crate makes never show an access token or a client
//! secret, in their `Display` or their `Debug` output: a token or secret
//! echoed by a service is replaced by `<redacted>`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// How many characters of a non-JSON error body the [`ServiceError`]
/// `Display` implementation shows.
const BODY_SNIPPET_CHARS: usize = 200;

/// The error type of every fallible operation of this crate.
///
/// Use [`status`](GraphError::status) to get the HTTP status of the answer
/// (when there was one), [`is_throttled`](GraphError::is_throttled) to
/// learn whether the service was still throttling when the client gave up,
/// and [`as_service`](GraphError::as_service) /
/// [`as_decode`](GraphError::as_decode) to reach the details.
///
/// # Examples
///
/// ```
/// use graph_intune::GraphError;
/// use reqwest::StatusCode;
///
/// fn is_not_found(error: &GraphError) -> bool {
///     error.status() == Some(StatusCode::NOT_FOUND)
/// }
/// # let _ = is_not_found;
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// The service answered with a non-success status.
    ///
    /// For a throttled request (`429`, `503`, `504`) this is the last answer,
    /// once the client's [`RetryPolicy`](crate::RetryPolicy) gave up; its
    /// [`attempts`](ServiceError::attempts) and
    /// [`retry_after`](ServiceError::retry_after) say how many times the
    /// request was sent and how long the service last asked to wait, and
    /// the `Display` text says so too.
    #[error("{error}{note}", error = .0, note = RetryNote(.0))]
    Service(Box<ServiceError>),
    /// A success answer whose body is not what the request expects.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request could not be sent or its answer not read, including
    /// a connection that still failed after the retries of the
    /// [`RetryPolicy`](crate::RetryPolicy), and a request that exceeded its
    /// time-out (see [`is_timeout`](GraphError::is_timeout)).
    #[error("the request to Microsoft Graph could not be sent or its answer not read")]
    Transport(#[source] reqwest::Error),
    /// No access token could be had: the token provider failed, for
    /// example because the token endpoint refused the client credentials
    /// (the message then quotes its `error` and `error_description`).
    #[error("cannot get an access token: {0}")]
    Auth(String),
    /// The client was configured wrongly (bad base URL, no credentials), or
    /// a request was given a value that cannot be sent (such as a media
    /// type that is not a valid header value).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A request body could not be serialized to JSON (for example a map
    /// whose keys are not strings, or a `Serialize` implementation that
    /// failed). Nothing was sent.
    #[error("cannot serialize the request body to JSON")]
    Serialize(#[source] serde_json::Error),
    /// The client did not follow the `@odata.nextLink` of a page, for the
    /// `reason` given, and sent nothing to it. The pages read before are
    /// unaffected: a stream yields them, then this error.
    #[error("refused to follow the next link `{url}`: {reason}")]
    NextLink {
        /// The next link, as the service returned it.
        url: String,
        /// Why it was not followed.
        reason: NextLinkRefusal,
    },
    /// A [`Batch`](crate::batch::Batch) was not sent, for the `reason`
    /// given; nothing of it was sent.
    #[error("the batch was not sent: {0}")]
    BatchRefused(BatchRefusal),
    /// The `POST /$batch` that carried batch step `step` failed as a whole
    /// (`source`: it could not be sent, no access token could be had, or the
    /// service refused the whole post), so the step has no answer of its
    /// own. Every step of that post has this error, sharing its `source`;
    /// [`status`](GraphError::status), [`is_timeout`](GraphError::is_timeout),
    /// [`is_outcome_unknown`](GraphError::is_outcome_unknown) and
    /// [`as_service`](GraphError::as_service) look through to it.
    #[error("the `$batch` post carrying step `{step}` failed")]
    BatchPost {
        /// The step's id in the batch.
        step: String,
        /// Why the post failed.
        #[source]
        source: Arc<GraphError>,
    },
}

/// Why a [`Batch`](crate::batch::Batch) was not sent: the reason of a
/// [`GraphError::BatchRefused`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BatchRefusal {
    /// The steps linked by `dependsOn` with step `step` (the first of
    /// them) are `steps` in all, more than one `$batch` post may carry
    /// ([`MAX_STEPS`](crate::batch::MAX_STEPS)); a chain of dependent
    /// steps is never split across posts.
    ChainTooLong {
        /// The id of the chain's first step.
        step: String,
        /// How many steps the chain has.
        steps: usize,
    },
    /// Step `step` depends on a step of another batch.
    ForeignStep {
        /// The id of the step that names the other batch's step.
        step: String,
    },
}

impl fmt::Display for BatchRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchRefusal::ChainTooLong { step, steps } => write!(
                f,
                "the chain of dependent steps starting at step `{step}` has {steps} steps, \
                 more than the {} one `$batch` post may carry",
                crate::batch::MAX_STEPS
            ),
            BatchRefusal::ForeignStep { step } => {
                write!(f, "step `{step}` depends on a step of another batch")
            }
        }
    }
}

/// Why the client did not follow an `@odata.nextLink`: the reason of a
/// [`GraphError::NextLink`].
///
/// # Examples
///
/// ```
/// use graph_intune::{GraphError, NextLinkRefusal};
///
/// fn is_paging_loop(error: &GraphError) -> bool {
///     matches!(
///         error,
///         GraphError::NextLink { reason: NextLinkRefusal::Cycle, .. }
///     )
/// }
/// # let _ = is_paging_loop;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NextLinkRefusal {
    /// The link is not on the scheme, host and port of the client's base
    /// URL: following it would send the access token to another server.
    OtherOrigin,
    /// The link leads back to a page already read (the first one, or one
    /// reached by an earlier link): following it would loop forever.
    Cycle,
    /// The link is not a valid absolute URL.
    Unparsable,
}

impl fmt::Display for NextLinkRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NextLinkRefusal::OtherOrigin => {
                "it is not on the scheme, host and port of the client's base URL"
            }
            NextLinkRefusal::Cycle => "it leads back to a page already read",
            NextLinkRefusal::Unparsable => "it is not a valid absolute URL",
        })
    }
}

impl GraphError {
    /// The HTTP status of the answer, for [`Service`](GraphError::Service)
    /// and [`Decode`](GraphError::Decode) errors; `None` for the others,
    /// which have no answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            GraphError::Service(e) => Some(e.status),
            GraphError::Decode(e) => Some(e.status),
            GraphError::BatchPost { source, .. } => source.status(),
            _ => None,
        }
    }

    /// `true` when the service was still throttling the request when the
    /// client gave up: a [`Service`](GraphError::Service) error with status
    /// `429 Too Many Requests`, `503 Service Unavailable` or
    /// `504 Gateway Timeout`.
    ///
    /// ```
    /// use graph_intune::{GraphError, ServiceError};
    /// use reqwest::header::{HeaderMap, HeaderValue};
    /// use reqwest::StatusCode;
    /// use std::time::Duration;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", HeaderValue::from_static("30"));
    /// let error: GraphError =
    ///     ServiceError::from_response(StatusCode::TOO_MANY_REQUESTS, &headers, b"").into();
    /// assert!(error.is_throttled());
    /// assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    /// ```
    pub fn is_throttled(&self) -> bool {
        self.as_service().is_some_and(ServiceError::is_throttled)
    }

    /// The wait the service asked for in the `Retry-After` header of its
    /// last answer, for a [`Service`](GraphError::Service) error that had
    /// one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_service().and_then(|e| e.retry_after)
    }

    /// `true` when the request, or reading its answer, exceeded its
    /// time-out (see [`GraphClientBuilder::timeout`](crate::GraphClientBuilder::timeout)).
    pub fn is_timeout(&self) -> bool {
        match self {
            GraphError::Transport(e) => e.is_timeout(),
            GraphError::BatchPost { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// `true` when the service may or may not have acted on the request:
    /// the request was sent and then the connection broke, or the
    /// time-out passed, before the whole answer came; or a gateway answered
    /// `504 Gateway Timeout`.
    ///
    /// A `POST` (a create or an action such as `assign`) that failed so was
    /// not sent again, so that it is never applied twice (see [what is
    /// retried](crate::retry#what-is-retried)): look whether it took effect
    /// before sending it again. For other methods this is what remained
    /// after the retries.
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            GraphError::Transport(e) => {
                crate::retry::Failure::of_transport(e) == Some(crate::retry::Failure::NoAnswer)
            }
            GraphError::Service(e) => e.status == StatusCode::GATEWAY_TIMEOUT,
            GraphError::BatchPost { source, .. } => source.is_outcome_unknown(),
            _ => false,
        }
    }

    /// The details of a [`Service`](GraphError::Service) error, or `None`.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            GraphError::Service(e) => Some(e),
            GraphError::BatchPost { source, .. } => source.as_service(),
            _ => None,
        }
    }

    /// The details of a [`Decode`](GraphError::Decode) error, or `None`.
    pub fn as_decode(&self) -> Option<&DecodeError> {
        match self {
            GraphError::Decode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ServiceError> for GraphError {
    fn from(error: ServiceError) -> Self {
        GraphError::Service(Box::new(error))
    }
}

impl From<DecodeError> for GraphError {
    fn from(error: DecodeError) -> Self {
        GraphError::Decode(Box::new(error))
    }
}

/// A non-success answer of Microsoft Graph.
///
/// Graph describes errors with a JSON body such as
///
/// ```json
/// {"error": {"code": "ResourceNotFound", "message": "…",
///            "innerError": {"request-id": "…", "client-request-id": "…", "date": "…"}}}
/// ```
///
/// whose parts fill [`code`](ServiceError::code),
/// [`message`](ServiceError::message), [`request_id`](ServiceError::request_id),
/// [`client_request_id`](ServiceError::client_request_id) and
/// [`date`](ServiceError::date). When the body is not such JSON (for example
/// an HTML page from a gateway) those fields are `None`. The raw body is
/// always kept in [`body`](ServiceError::body).
///
/// [`retry_after`](ServiceError::retry_after) and
/// [`attempts`](ServiceError::attempts) tell how the client's
/// [`RetryPolicy`](crate::RetryPolicy) dealt with a throttled request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// Graph's error code, such as `ResourceNotFound` or `BadRequest`.
    pub code: Option<String>,
    /// Graph's human-readable error message.
    pub message: Option<String>,
    /// The `request-id` Graph assigned to the request (from the error body,
    /// or else from the `request-id` answer header). Quote it when asking
    /// Microsoft for support.
    pub request_id: Option<String>,
    /// The `client-request-id` of the request (from the error body, or else
    /// from the `client-request-id` answer header).
    pub client_request_id: Option<String>,
    /// The date and time of the error as given by Graph in the error body.
    pub date: Option<String>,
    /// The raw answer body (invalid UTF-8 replaced by `U+FFFD`).
    pub body: String,
    /// The wait asked for by the answer's `Retry-After` header, given as
    /// delta-seconds or as an HTTP-date (read against the answer's `Date`
    /// header); `None` when the answer had no such header.
    pub retry_after: Option<Duration>,
    /// How many times the request was sent, this answer's attempt
    /// included: `1` unless the client retried it.
    pub attempts: u32,
    /// The id of the [batch](crate::batch) step this answer is for, when it
    /// is the answer to one step of a `$batch`.
    pub batch_step: Option<String>,
}

impl ServiceError {
    /// Builds the error from a non-success answer: its status, headers and
    /// raw body.
    ///
    /// The Graph error JSON is read when present (both the `innerError` and
    /// the `innererror` spellings are accepted); the `request-id` and
    /// `client-request-id` headers are used for the ids the body lacks, and
    /// the `Retry-After` header fills [`retry_after`](ServiceError::retry_after).
    /// [`attempts`](ServiceError::attempts) is `1`. This never fails: an
    /// unreadable body only leaves the parsed fields `None`.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let mut error = ServiceError {
            status,
            code: None,
            message: None,
            request_id: None,
            client_request_id: None,
            date: None,
            body: String::from_utf8_lossy(body).into_owned(),
            retry_after: crate::retry::retry_after(headers),
            attempts: 1,
            batch_step: None,
        };
        if let Ok(serde_json::Value::Object(root)) = serde_json::from_slice(body) {
            if let Some(serde_json::Value::Object(inner)) = root.get("error") {
                let text = |object: &serde_json::Map<String, serde_json::Value>, key: &str| {
                    object
                        .get(key)
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_owned)
                };
                error.code = text(inner, "code");
                error.message = text(inner, "message");
                let details = inner
                    .get("innerError")
                    .or_else(|| inner.get("innererror"))
                    .and_then(serde_json::Value::as_object);
                if let Some(details) = details {
                    error.request_id = text(details, "request-id");
                    error.client_request_id = text(details, "client-request-id");
                    error.date = text(details, "date");
                }
            }
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        if error.request_id.is_none() {
            error.request_id = header("request-id");
        }
        if error.client_request_id.is_none() {
            error.client_request_id = header("client-request-id");
        }
        error
    }
}

impl ServiceError {
    /// `true` for the statuses that mean "throttled, try later" and that the
    /// client retries: `429 Too Many Requests`, `503 Service Unavailable`
    /// and `504 Gateway Timeout`.
    pub fn is_throttled(&self) -> bool {
        crate::retry::is_retryable_status(self.status)
    }
}

/// The part of a [`GraphError::Service`] message that tells about retries:
/// empty for a request sent once.
struct RetryNote<'a>(&'a ServiceError);

impl fmt::Display for RetryNote<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.0;
        if error.attempts <= 1 {
            return Ok(());
        }
        if error.is_throttled() {
            write!(f, " (still throttled after {} attempts", error.attempts)?;
        } else {
            write!(f, " (after {} attempts", error.attempts)?;
        }
        match error.retry_after {
            Some(wait) => write!(f, "; last Retry-After: {wait:?})"),
            None => f.write_str("; no Retry-After)"),
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Graph returned {}", self.status)?;
        if self.code.is_some() || self.message.is_some() {
            for part in [&self.code, &self.message].into_iter().flatten() {
                write!(f, ": {part}")?;
            }
        } else {
            let collapsed = self.body.split_whitespace().collect::<Vec<_>>().join(" ");
            if collapsed.is_empty() {
                f.write_str(" (empty body)")?;
            } else {
                let snippet: String = collapsed.chars().take(BODY_SNIPPET_CHARS).collect();
                write!(f, ": {snippet}")?;
                if snippet.len() < collapsed.len() {
                    f.write_str("…")?;
                }
            }
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request-id {request_id})")?;
        }
        if let Some(step) = &self.batch_step {
            write!(f, " (batch step `{step}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// A success answer whose body does not decode into the expected type.
///
/// This usually means the crate's models disagree with what the service
/// actually sent; [`path`](DecodeError::path) names the offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// The JSON path of the offending value, such as `target.groupId` or
    /// `value[3].id`; `.` stands for the whole body.
    pub path: String,
    /// What went wrong, as reported by the JSON decoder.
    pub message: String,
    /// The raw answer body (invalid UTF-8 replaced by `U+FFFD`).
    pub body: String,
}

impl DecodeError {
    /// Builds a decode error from its parts.
    pub fn new(
        status: StatusCode,
        path: impl Into<String>,
        message: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        DecodeError {
            status,
            path: path.into(),
            message: message.into(),
            body: body.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the {} answer at `{}`: {}",
            self.status, self.path, self.message
        )
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn next_link_errors_name_the_link_and_the_reason() {
        let cases = [
            (
                NextLinkRefusal::OtherOrigin,
                "it is not on the scheme, host and port of the client's base URL",
            ),
            (
                NextLinkRefusal::Cycle,
                "it leads back to a page already read",
            ),
            (
                NextLinkRefusal::Unparsable,
                "it is not a valid absolute URL",
            ),
        ];
        for (reason, why) in cases {
            let error = GraphError::NextLink {
                url: "https://elsewhere.example/beta/x?$skiptoken=1".to_owned(),
                reason,
            };
            assert_eq!(
                error.to_string(),
                format!(
                    "refused to follow the next link \
                     `https://elsewhere.example/beta/x?$skiptoken=1`: {why}"
                )
            );
            assert!(error.source().is_none());
            assert_eq!(error.status(), None);
            assert!(!error.is_outcome_unknown());
        }
    }

    #[test]
    fn serialize_errors_carry_the_serde_json_error_as_their_source() {
        let cause = serde_json::to_vec(&std::collections::HashMap::from([((1, 2), 3)]))
            .expect_err("tuple keys are not JSON object keys");
        let error = GraphError::Serialize(cause);
        assert_eq!(
            error.to_string(),
            "cannot serialize the request body to JSON"
        );
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("key must be a string")
        );
        assert_eq!(error.status(), None);
    }
}
