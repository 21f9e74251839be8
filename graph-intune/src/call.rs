//! [`Call`]: one request, ready to be sent alone (`.await`) or added to a
//! [`Batch`](crate::batch::Batch), with the type its answer decodes to.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::client::GraphClient;
use crate::error::GraphError;
use crate::request::RequestOptions;
use crate::send::{decode, Answer, Payload};

/// How a success answer becomes the call's output.
pub(crate) type Read<T> = fn(Answer) -> Result<T, GraphError>;

/// One request to Microsoft Graph, built and not sent yet, whose success
/// answer decodes to `T`.
///
/// Every request method of the generated builders (`get`, `update`,
/// `delete`, `list`, `create`, every action and function) and of
/// [`RequestBuilder`](crate::runtime::RequestBuilder) returns a `Call`.
/// Awaiting it sends it alone, as described in the
/// [`runtime`](crate::runtime#what-every-request-does) documentation:
///
/// ```no_run
/// # async fn run(client: graph_intune::GraphClient) -> Result<(), graph_intune::GraphError> {
///
/// let policy = client
///     .device_management()
///     .device_compliance_policies()
///     .by_id("9f7c6c1e-0000-0000-0000-000000000001")
///     .get()
///     .await?;
/// # let _ = policy; Ok(()) }
/// ```
///
/// [`Batch::add`](crate::batch::Batch::add) puts it in a JSON batch
/// instead, and gives back a [`Step<T>`](crate::batch::Step) to read the
/// same `Result<T, GraphError>` from the batch's answers.
///
/// The body, if any, is serialized when the call is made; a body that
/// cannot be is returned as [`GraphError::Serialize`] by `.await` (or by
/// [`Batch::send`](crate::batch::Batch::send)), and nothing is sent.
#[must_use = "a call does nothing until it is awaited or added to a batch"]
pub struct Call<T> {
    pub(crate) client: GraphClient,
    pub(crate) method: Method,
    /// The percent-encoded path and query string below the client's base
    /// URL (the API version root); starts with `/`.
    pub(crate) target: String,
    /// The serialized body, or why it could not be made.
    pub(crate) body: Result<Option<Payload>, GraphError>,
    /// The media type asked for alone (`Accept`).
    pub(crate) accept: &'static str,
    pub(crate) options: RequestOptions,
    pub(crate) read: Read<T>,
}

impl<T> Call<T> {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The percent-encoded path and query string relative to the client's
    /// base URL (the API version root, such as
    /// `https://graph.microsoft.com/beta`): what a batch step's `url` is.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The full URL the call is sent to alone.
    pub fn url(&self) -> String {
        format!("{}{}", self.client.base_url(), self.target)
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl<T> IntoFuture for Call<T> {
    type Output = Result<T, GraphError>;
    type IntoFuture = CallFuture<T>;

    fn into_future(self) -> CallFuture<T> {
        let Call {
            client,
            method,
            target,
            body,
            accept,
            options,
            read,
        } = self;
        let exchange = async move {
            let body = body?;
            let url = format!("{}{target}", client.base_url());
            client
                .sender(&options)
                .execute(method, &url, body, accept)
                .await
        };
        CallFuture {
            exchange: Box::pin(exchange),
            read,
        }
    }
}

/// The future of a [`Call`] sent alone: the HTTP exchange (the same code
/// for every output type), then the call's decoding.
#[must_use = "futures do nothing unless polled"]
pub struct CallFuture<T> {
    exchange: Pin<Box<dyn Future<Output = Result<Answer, GraphError>> + Send>>,
    read: Read<T>,
}

impl<T> fmt::Debug for CallFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallFuture").finish_non_exhaustive()
    }
}

impl<T> Future for CallFuture<T> {
    type Output = Result<T, GraphError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let read = self.read;
        self.exchange
            .as_mut()
            .poll(cx)
            .map(|answer| answer.and_then(read))
    }
}

/// The body decoded as `T`.
pub(crate) fn read_json<T: DeserializeOwned>(answer: Answer) -> Result<T, GraphError> {
    decode(&answer)
}

/// The `{"value": …}` wrapper of OData collection and primitive results,
/// unwrapped.
pub(crate) fn read_value<T: DeserializeOwned>(answer: Answer) -> Result<T, GraphError> {
    decode::<ValueWrapper<T>>(&answer).map(|wrapper| wrapper.value)
}

/// `None` for `204 No Content` or an empty body, else the body as `T`.
pub(crate) fn read_optional<T: DeserializeOwned>(answer: Answer) -> Result<Option<T>, GraphError> {
    if answer.status == StatusCode::NO_CONTENT || answer.is_empty() {
        return Ok(None);
    }
    decode(&answer).map(Some)
}

/// Nothing: the body of a success answer is ignored.
pub(crate) fn read_nothing(_: Answer) -> Result<(), GraphError> {
    Ok(())
}

/// The raw bytes of the body.
pub(crate) fn read_bytes(answer: Answer) -> Result<Vec<u8>, GraphError> {
    Ok(answer.body)
}

/// The `{"value": …}` wrapper of OData collection and primitive results.
#[derive(Deserialize)]
struct ValueWrapper<T> {
    value: T,
}
