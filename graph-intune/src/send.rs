//! Sending one request: the HTTP exchange and its retries, the headers of
//! every attempt, the `tracing` spans, and the decoding of the answer.
//!
//! This layer knows nothing of paths, builders or pages: it sends a method,
//! an absolute URL and an optional body with what it needs of the client, a
//! [`Sender`] (which [`GraphClient::sender`](crate::GraphClient) makes), and
//! returns the [`Answer`] of a 2xx status or a [`GraphError`]. What it does
//! is described in the [`runtime`](crate::runtime#what-every-request-does)
//! documentation.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::field::Empty;
use tracing::Instrument;

use crate::auth::TokenProvider;
use crate::common::{error_chain, redact, APPLICATION_JSON, USER_AGENT};
use crate::error::{DecodeError, GraphError, ServiceError};
use crate::pacing::Pacer;
use crate::retry::{self, Failure, RetryPolicy};

/// The header that carries the caller's id of a request.
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The header that names the SDK and its version to Graph.
const SDK_VERSION: HeaderName = HeaderName::from_static("sdkversion");

/// The `Prefer` value asking for enum members added after the client's
/// schema version (see
/// [`GraphClientBuilder::include_unknown_enum_members`](crate::GraphClientBuilder::include_unknown_enum_members)).
const INCLUDE_UNKNOWN_ENUM_MEMBERS: &str = "include-unknown-enum-members";

/// Why a request that may have reached the service is not sent again.
const NOT_RETRIED: &str = "a POST is not sent again when the service may have acted on it";

/// The message of the [`DecodeError`] returned when a success answer that
/// should carry a value has an empty body.
const NO_BODY: &str = "expected a JSON body, got none";

/// What sending a request needs of the client, with the request's own
/// time-out and retry policy already put in place of the client's.
pub(crate) struct Sender<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) tokens: &'a dyn TokenProvider,
    pub(crate) retry: RetryPolicy,
    /// The time-out of each attempt, `None` for none.
    pub(crate) timeout: Option<Duration>,
    pub(crate) include_unknown_enum_members: bool,
    /// The client's request budgets.
    pub(crate) pacer: &'a Pacer,
}

/// A request body and its media type.
#[derive(Clone)]
pub(crate) struct Payload {
    pub(crate) bytes: Vec<u8>,
    pub(crate) content_type: HeaderValue,
}

impl Payload {
    /// `body` serialized as JSON; a [`GraphError::Serialize`] when it
    /// cannot be.
    pub(crate) fn json<B: Serialize + ?Sized>(body: &B) -> Result<Self, GraphError> {
        let bytes = serde_json::to_vec(body).map_err(GraphError::Serialize)?;
        Ok(Payload {
            bytes,
            content_type: HeaderValue::from_static(APPLICATION_JSON),
        })
    }

    /// `bytes` sent as they are, with their media type.
    pub(crate) fn raw(bytes: Vec<u8>, content_type: HeaderValue) -> Self {
        Payload {
            bytes,
            content_type,
        }
    }
}

/// A success answer: its status and raw body.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// `true` when the body is empty or only whitespace.
    pub(crate) fn is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }
}

impl Sender<'_> {
    /// Sends one request, retrying it as the retry policy says, and returns
    /// the answer if its status is 2xx.
    ///
    /// Runs in a `graph_request` span (`method`, `path`, `client_request_id`,
    /// and once done `attempts` and the final `status`), each attempt in a
    /// child `graph_attempt` span (`attempt`, `status`, `request_id`).
    pub(crate) async fn execute(
        &self,
        method: Method,
        url: &str,
        body: Option<Payload>,
        accept: &'static str,
    ) -> Result<Answer, GraphError> {
        self.execute_carrying(method, url, body, accept, None).await
    }

    /// [`execute`](Self::execute) for a request that carries the requests
    /// `carried` (the steps of a `$batch`, by method): each attempt takes
    /// their places in the client's budgets instead of its own, and the
    /// request is as idempotent as they all are (`None`: a request on its
    /// own).
    pub(crate) async fn execute_carrying(
        &self,
        method: Method,
        url: &str,
        body: Option<Payload>,
        accept: &'static str,
        carried: Option<&[Method]>,
    ) -> Result<Answer, GraphError> {
        let url = reqwest::Url::parse(url)
            .map_err(|e| GraphError::Config(format!("invalid request URL `{url}`: {e}")))?;
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let span = tracing::info_span!(
            "graph_request",
            method = %method,
            path = %url.path(),
            client_request_id = %client_request_id,
            attempts = Empty,
            status = Empty,
        );
        let request = Request {
            sender: self,
            idempotent: match carried {
                None => retry::is_idempotent(&method),
                Some(methods) => methods.iter().all(retry::is_idempotent),
            },
            method,
            url,
            body,
            accept,
            client_request_id,
            carried,
            span: span.clone(),
        };
        request.run().instrument(span).await
    }
}

/// One request on its way: what stays the same across its attempts.
struct Request<'a> {
    sender: &'a Sender<'a>,
    method: Method,
    url: reqwest::Url,
    body: Option<Payload>,
    accept: &'static str,
    client_request_id: String,
    /// The requests it carries (the steps of a `$batch`), whose places in
    /// the budgets each attempt takes instead of its own.
    carried: Option<&'a [Method]>,
    /// Whether sending it twice leaves the tenant as sending it once.
    idempotent: bool,
    /// Its `graph_request` span, the parent of the attempts' spans.
    span: tracing::Span,
}

/// What to do after an attempt.
enum Next {
    /// Wait this long, then send the request again.
    Retry(Duration),
    /// Stop with this result.
    Done(Result<Answer, GraphError>),
}

impl Request<'_> {
    /// Sends attempts until one succeeds or the retry policy stops.
    async fn run(&self) -> Result<Answer, GraphError> {
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                parent: &self.span,
                "graph_attempt",
                attempt,
                status = Empty,
                request_id = Empty,
            );
            // Its place in the client's budgets first: a long wait must not
            // age the token.
            match self.carried {
                None => self.sender.pacer.ready(&self.method).await,
                Some(methods) => {
                    for method in methods {
                        self.sender.pacer.ready(method).await;
                    }
                }
            }
            let token = self.sender.tokens.access_token().await?;
            let request = self.attempt(&token)?;
            let next = match send_once(request).instrument(span.clone()).await {
                Ok(answer) => self.on_answer(answer, attempt, started, &span, &token),
                Err(error) => self.on_transport_error(error, attempt, started, &span),
            };
            match next {
                Next::Retry(delay) => tokio::time::sleep(delay).await,
                Next::Done(result) => return result,
            }
        }
    }

    /// One attempt, ready to send with `token`.
    fn attempt(&self, token: &str) -> Result<reqwest::RequestBuilder, GraphError> {
        let headers = self.headers(token)?;
        let mut request = self
            .sender
            .http
            .request(self.method.clone(), self.url.clone())
            .headers(headers);
        if let Some(body) = &self.body {
            request = request.body(body.bytes.clone());
        }
        if let Some(timeout) = self.sender.timeout {
            request = request.timeout(timeout);
        }
        Ok(request)
    }

    /// The headers of one attempt.
    fn headers(&self, token: &str) -> Result<HeaderMap, GraphError> {
        let mut authorization = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
            GraphError::Auth(
                "the access token contains characters that cannot be sent in an HTTP header"
                    .to_owned(),
            )
        })?;
        authorization.set_sensitive(true);

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, authorization);
        headers.insert(ACCEPT, HeaderValue::from_static(self.accept));
        let client_request_id = &self.client_request_id;
        headers.insert(
            CLIENT_REQUEST_ID,
            HeaderValue::try_from(client_request_id).map_err(|e| {
                GraphError::Config(format!(
                    "invalid client-request-id `{client_request_id}`: {e}"
                ))
            })?,
        );
        headers.insert(SDK_VERSION, HeaderValue::from_static(USER_AGENT));
        if self.sender.include_unknown_enum_members {
            headers.insert(
                HeaderName::from_static("prefer"),
                HeaderValue::from_static(INCLUDE_UNKNOWN_ENUM_MEMBERS),
            );
        }
        if let Some(body) = &self.body {
            headers.insert(CONTENT_TYPE, body.content_type.clone());
        }
        Ok(headers)
    }

    /// Decides what follows attempt number `attempt`, which could not be
    /// sent or whose answer could not be read: retry it, or stop with a
    /// [`GraphError::Transport`]. Logs the decision in the attempt's `span`.
    fn on_transport_error(
        &self,
        error: reqwest::Error,
        attempt: u32,
        started: Instant,
        span: &tracing::Span,
    ) -> Next {
        let cause = error_chain(&error);
        let failure = Failure::of_transport(&error);
        let what = match failure {
            Some(Failure::NotSent) => "connection failed",
            _ => "no answer",
        };
        match failure {
            Some(failure) if failure.is_retried(self.idempotent) => {
                match self.sender.retry.next_delay(attempt, started.elapsed(), None) {
                    Ok(delay) => {
                        span.in_scope(|| {
                            tracing::warn!(delay = ?delay, timeout = error.is_timeout(), error = %cause, "{what}; retrying");
                        });
                        return Next::Retry(delay);
                    }
                    Err(why) => span.in_scope(|| {
                        tracing::warn!(timeout = error.is_timeout(), error = %cause, "{what}; giving up: {}", why.as_str());
                    }),
                }
            }
            Some(_) => span.in_scope(|| {
                tracing::warn!(timeout = error.is_timeout(), error = %cause, "{what}; not retried: {NOT_RETRIED}");
            }),
            None => span.in_scope(|| {
                tracing::warn!(error = %cause, "the request could not be built");
            }),
        }
        self.span.record("attempts", attempt);
        Next::Done(Err(GraphError::Transport(error)))
    }

    /// Decides what follows attempt number `attempt`, which was answered
    /// (sent with `token`): done with a 2xx answer, retry a throttled one,
    /// or stop with a [`GraphError::Service`].
    fn on_answer(
        &self,
        (status, headers, body): (StatusCode, HeaderMap, Vec<u8>),
        attempt: u32,
        started: Instant,
        span: &tracing::Span,
        token: &str,
    ) -> Next {
        if status.is_success() {
            self.span.record("attempts", attempt);
            self.span.record("status", status.as_u16());
            span.in_scope(|| tracing::debug!(elapsed = ?started.elapsed(), "answered"));
            return Next::Done(Ok(Answer { status, body }));
        }
        if let Some(delay) = self.retry_delay(status, &headers, attempt, started, span) {
            return Next::Retry(delay);
        }
        self.span.record("attempts", attempt);
        self.span.record("status", status.as_u16());
        Next::Done(Err(service_error(status, &headers, &body, attempt, token)))
    }

    /// The wait before sending the request again after a non-success
    /// `status`, or `None` when it is not sent again: the retry rules of
    /// [`Failure::is_retried`] and the retry policy. Logs the decision in
    /// the attempt's `span`.
    fn retry_delay(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        attempt: u32,
        started: Instant,
        span: &tracing::Span,
    ) -> Option<Duration> {
        if Failure::Status(status).is_retried(self.idempotent) {
            let retry_after = retry::retry_after(headers);
            match self
                .sender
                .retry
                .next_delay(attempt, started.elapsed(), retry_after)
            {
                Ok(delay) => {
                    span.in_scope(|| {
                        tracing::warn!(retry_after = ?retry_after, delay = ?delay, "throttled; retrying");
                    });
                    return Some(delay);
                }
                Err(why) => span.in_scope(|| {
                    tracing::warn!(
                        retry_after = ?retry_after,
                        elapsed = ?started.elapsed(),
                        "throttled; giving up: {}",
                        why.as_str()
                    );
                }),
            }
        } else if retry::is_retryable_status(status) {
            span.in_scope(|| tracing::warn!("gateway time-out; not retried: {NOT_RETRIED}"));
        } else {
            span.in_scope(|| tracing::debug!("answered with an error"));
        }
        None
    }
}

/// The [`GraphError::Service`] of a non-success answer to the last of
/// `attempts`, with `token` removed from anything the service echoed.
fn service_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    attempts: u32,
    token: &str,
) -> GraphError {
    let mut error = ServiceError::from_response(status, headers, body);
    error.attempts = attempts;
    error.body = redact(std::mem::take(&mut error.body), token);
    error.message = error.message.take().map(|message| redact(message, token));
    error.into()
}

/// Sends one attempt and reads its whole answer, recording the status and
/// Graph's `request-id` on the current (attempt) span.
async fn send_once(
    request: reqwest::RequestBuilder,
) -> Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error> {
    let mut response = request.send().await?;
    let status = response.status();
    let span = tracing::Span::current();
    span.record("status", status.as_u16());
    if let Some(id) = response
        .headers()
        .get("request-id")
        .and_then(|value| value.to_str().ok())
    {
        span.record("request_id", tracing::field::display(id));
    }
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await?;
    Ok((status, headers, Vec::from(body)))
}

/// Decodes a success answer's body as `T`, naming the offending JSON path on
/// failure.
pub(crate) fn decode<T: DeserializeOwned>(answer: &Answer) -> Result<T, GraphError> {
    let fail = |path: String, message: String| -> GraphError {
        DecodeError::new(
            answer.status,
            path,
            message,
            String::from_utf8_lossy(&answer.body),
        )
        .into()
    };
    if answer.is_empty() {
        return Err(fail(".".to_owned(), NO_BODY.to_owned()));
    }
    // The fast path; only a body that does not decode is read again,
    // tracking the JSON path, to say where it went wrong.
    if let Ok(value) = serde_json::from_slice(&answer.body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&answer.body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
    deserializer
        .end()
        .map_err(|e| fail(".".to_owned(), e.to_string()))?;
    Ok(value)
}
