//! Building requests ([`RequestBuilder`]) and sending them.
//!
//! The collection methods of [`RequestBuilder`] (`list`, `stream`, `pages`,
//! `list_all`) are in the `paging` module, with the pages they read.

use std::time::Duration;

use percent_encoding::utf8_percent_encode;
use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::GraphClient;
use crate::common::{APPLICATION_JSON, KEY_SEGMENT};
use crate::error::GraphError;
use crate::query::Query;
use crate::retry::RetryPolicy;
use crate::send::{decode, Answer, Payload};

/// A request to Microsoft Graph that has not been sent yet: a client and a
/// URL path relative to the client's [base URL](GraphClient::base_url).
///
/// Builders are immutable: [`segment`](Self::segment), [`key`](Self::key),
/// [`query`](Self::query), [`with_query`](Self::with_query),
/// [`with_timeout`](Self::with_timeout) and [`with_retry`](Self::with_retry)
/// return a new builder, so one builder can be the prefix of many requests.
/// The sending methods ([`get`](Self::get), [`list`](Self::list),
/// [`post`](Self::post), …) all
///
/// * send `Authorization: Bearer <token>` with a token fresh from the
///   client's [`TokenProvider`](crate::TokenProvider) (its error is returned
///   unchanged and nothing is sent), `Accept: application/json` and the
///   other headers listed in the [`runtime`](crate::runtime#what-every-request-does)
///   documentation;
/// * retry throttled requests as the client's [`RetryPolicy`] says;
/// * send a body serialized with `serde_json`, with
///   `Content-Type: application/json`, when they take one (a body that
///   cannot be serialized is a [`GraphError::Serialize`], and nothing is
///   sent);
/// * treat any 2xx status as success, and return [`GraphError::Service`]
///   for any other status;
/// * return [`GraphError::Decode`], naming the JSON path of the offending
///   field, when a success answer does not decode into the expected type
///   (including an empty body where a value is expected).
#[derive(Clone, Debug)]
pub struct RequestBuilder {
    client: GraphClient,
    /// Percent-encoded, starts with `/`.
    path: String,
    /// The query parameters, unencoded, in order.
    query: Query,
    options: RequestOptions,
}

/// Settings of one request that override the client's.
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestOptions {
    /// The time-out of each attempt, instead of the client's.
    pub(crate) timeout: Option<Duration>,
    /// The retry policy, instead of the client's.
    pub(crate) retry: Option<RetryPolicy>,
}

impl RequestBuilder {
    /// A request on the entity set or singleton `root`, which becomes the
    /// path `/` followed by `root` (used verbatim, not encoded).
    pub fn new(client: GraphClient, root: &str) -> Self {
        RequestBuilder {
            client,
            path: format!("/{root}"),
            query: Query::new(),
            options: RequestOptions::default(),
        }
    }

    /// Appends `/name`, verbatim: a navigation property, a structural
    /// property, or a bound operation name such as
    /// `microsoft.graph.syncDevice`.
    pub fn segment(&self, name: &str) -> Self {
        let mut next = self.clone();
        next.path.push('/');
        next.path.push_str(name);
        next
    }

    /// Appends `/` and the key `id`, percent-encoded as a single path
    /// segment: every byte except ASCII alphanumerics and `-._~` is encoded
    /// (so `/` becomes `%2F`, a space `%20` and `'` `%27`).
    ///
    /// ```
    /// # let client = graph_intune::GraphClient::builder().bearer_token("t").build()?;
    /// let request = client.request("things").key("a/b c'd");
    /// assert_eq!(request.path(), "/things/a%2Fb%20c%27d");
    /// # Ok::<(), graph_intune::GraphError>(())
    /// ```
    pub fn key(&self, id: &str) -> Self {
        let mut next = self.clone();
        next.path.push('/');
        next.path.extend(utf8_percent_encode(id, KEY_SEGMENT));
        next
    }

    /// Adds the query parameter `name=value` (both percent-encoded), such as
    /// `$filter` or `$top`. Parameters are sent in the order they were added.
    /// [`with_query`](Self::with_query) sets the OData options with types.
    ///
    /// ```
    /// # let client = graph_intune::GraphClient::builder().bearer_token("t").build()?;
    /// let request = client.request("things").query("$top", "5");
    /// assert_eq!(request.url(), "https://graph.microsoft.com/beta/things?$top=5");
    /// # Ok::<(), graph_intune::GraphError>(())
    /// ```
    pub fn query(&self, name: &str, value: &str) -> Self {
        let mut next = self.clone();
        next.query = next.query.param(name, value);
        next
    }

    /// Adds the options of `query` (`$top`, `$filter`, `$select`, …) to the
    /// query string; an option already set on this builder is replaced.
    ///
    /// ```
    /// use graph_intune::Query;
    /// # let client = graph_intune::GraphClient::builder().bearer_token("t").build()?;
    /// let request = client
    ///     .request("deviceManagement")
    ///     .segment("deviceCompliancePolicies")
    ///     .with_query(&Query::new().filter("isAssigned eq true").top(100));
    /// assert_eq!(
    ///     request.url(),
    ///     "https://graph.microsoft.com/beta/deviceManagement/deviceCompliancePolicies\
    ///      ?$filter=isAssigned%20eq%20true&$top=100"
    /// );
    /// # Ok::<(), graph_intune::GraphError>(())
    /// ```
    pub fn with_query(&self, query: &Query) -> Self {
        let mut next = self.clone();
        for (name, value) in query.iter() {
            next.query = next.query.param(name, value);
        }
        next
    }

    /// Limits each attempt of this request (sending it and reading the
    /// whole answer) to `timeout`, instead of the client's
    /// [time-out](crate::GraphClientBuilder::timeout). An attempt that
    /// exceeds it fails with a [`GraphError::Transport`] for which
    /// [`GraphError::is_timeout`] is `true`. The attempt is retried when the
    /// request is idempotent (not a `POST`); see [what is
    /// retried](crate::retry#what-is-retried).
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let mut next = self.clone();
        next.options.timeout = Some(timeout);
        next
    }

    /// Retries this request as `policy` says, instead of the client's
    /// [`RetryPolicy`](crate::GraphClientBuilder::retry).
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        let mut next = self.clone();
        next.options.retry = Some(policy);
        next
    }

    /// The percent-encoded path relative to the base URL; it starts with
    /// `/` and has no query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The full URL: the client's base URL, the path and the query string
    /// (if any).
    pub fn url(&self) -> String {
        let base = self.client.base_url();
        if self.query.is_empty() {
            format!("{base}{}", self.path)
        } else {
            format!("{base}{}?{}", self.path, self.query)
        }
    }

    pub(crate) fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// The client that will send the request.
    pub fn client(&self) -> &GraphClient {
        &self.client
    }

    /// Sends `GET` and decodes the answer body as `T`.
    pub async fn get<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        let answer = self.send(Method::GET, None).await?;
        decode(&answer)
    }

    /// Sends `PATCH` with `body` and decodes the answer body as `T`.
    ///
    /// Graph often answers updates with `204 No Content`, which this method
    /// reports as a [`GraphError::Decode`]; use
    /// [`patch_no_content`](Self::patch_no_content) for those.
    pub async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<T, GraphError> {
        let answer = self.send(Method::PATCH, Some(Payload::json(body)?)).await?;
        decode(&answer)
    }

    /// `PATCH` with a JSON body, for an update: the entity when the service
    /// answers with one (200), `None` when it answers `204 No Content`.
    pub async fn patch_optional<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<Option<T>, GraphError> {
        let answer = self.send(Method::PATCH, Some(Payload::json(body)?)).await?;
        if answer.status == StatusCode::NO_CONTENT || answer.is_empty() {
            return Ok(None);
        }
        decode(&answer).map(Some)
    }

    /// Sends `PATCH` with `body` and ignores the body of the (2xx) answer.
    pub async fn patch_no_content<B: Serialize + ?Sized>(
        &self,
        body: &B,
    ) -> Result<(), GraphError> {
        self.send(Method::PATCH, Some(Payload::json(body)?)).await?;
        Ok(())
    }

    /// Sends `POST` with `body` and decodes the answer body as `T`: the
    /// created entity (`201 Created`) or an action's result (`200 OK`).
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<T, GraphError> {
        let answer = self.send(Method::POST, Some(Payload::json(body)?)).await?;
        decode(&answer)
    }

    /// Sends `POST` with `body` to an action that returns nothing; any 2xx
    /// answer (typically `204 No Content`, `200 OK` or `202 Accepted`) is a
    /// success and its body is ignored.
    pub async fn post_no_content<B: Serialize + ?Sized>(&self, body: &B) -> Result<(), GraphError> {
        self.send(Method::POST, Some(Payload::json(body)?)).await?;
        Ok(())
    }

    /// Sends `POST` with `body` to an action whose answer wraps its result
    /// as `{"value": …}` (collections and primitive values, per OData JSON),
    /// and returns the unwrapped value.
    pub async fn post_value<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<T, GraphError> {
        let answer = self.send(Method::POST, Some(Payload::json(body)?)).await?;
        decode::<ValueWrapper<T>>(&answer).map(|wrapper| wrapper.value)
    }

    /// Sends `GET` to a function whose answer wraps its result as
    /// `{"value": …}`, and returns the unwrapped value.
    pub async fn get_value<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        let answer = self.send(Method::GET, None).await?;
        decode::<ValueWrapper<T>>(&answer).map(|wrapper| wrapper.value)
    }

    /// Sends `DELETE`; any 2xx answer is a success and its body is ignored.
    pub async fn delete(&self) -> Result<(), GraphError> {
        self.send(Method::DELETE, None).await?;
        Ok(())
    }

    /// Sends the request with `body`, expecting a JSON answer.
    async fn send(&self, method: Method, body: Option<Payload>) -> Result<Answer, GraphError> {
        self.client
            .sender(&self.options)
            .execute(method, &self.url(), body, APPLICATION_JSON)
            .await
    }

    /// `GET` of a media resource (a `HasStream` entity's `$value`, a stream
    /// property): the raw bytes of the answer, whatever their type.
    pub async fn get_bytes(&self) -> Result<Vec<u8>, GraphError> {
        let answer = self
            .client
            .sender(&self.options)
            .execute(Method::GET, &self.url(), None, "*/*")
            .await?;
        Ok(answer.body)
    }

    /// `PUT` of a media resource's bytes with their `Content-Type`; any 2xx
    /// answer is a success and its body is ignored.
    ///
    /// A `content_type` that is not a valid header value (one with a
    /// control character such as CR, LF or NUL) is a [`GraphError::Config`]
    /// and nothing is sent; its message shows the value with those
    /// characters escaped (`\r`, `\n`, `\0`).
    pub async fn put_bytes(&self, content_type: &str, bytes: Vec<u8>) -> Result<(), GraphError> {
        let content_type = HeaderValue::from_str(content_type).map_err(|e| {
            GraphError::Config(format!(
                "invalid content type `{}`: {e}",
                content_type.escape_debug()
            ))
        })?;
        self.send(Method::PUT, Some(Payload::raw(bytes, content_type)))
            .await?;
        Ok(())
    }
}

/// The `{"value": …}` wrapper of OData collection and primitive results.
#[derive(Deserialize)]
struct ValueWrapper<T> {
    value: T,
}
