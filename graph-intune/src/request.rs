//! Building requests ([`RequestBuilder`]) and sending them.
//!
//! The collection methods of [`RequestBuilder`] (`list`, `stream`, `pages`,
//! `list_all`) are in the `paging` module, with the pages they read.

use std::time::Duration;

use percent_encoding::utf8_percent_encode;
use reqwest::header::HeaderValue;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::call::{read_bytes, read_json, read_nothing, read_optional, read_value, Call, Read};
use crate::client::GraphClient;
use crate::common::{APPLICATION_JSON, KEY_SEGMENT};
use crate::error::GraphError;
use crate::query::Query;
use crate::retry::RetryPolicy;
use crate::send::Payload;

/// A request to Microsoft Graph that has not been sent yet: a client and a
/// URL path relative to the client's [base URL](GraphClient::base_url).
///
/// Builders are immutable: [`segment`](Self::segment), [`key`](Self::key),
/// [`query`](Self::query), [`with_query`](Self::with_query),
/// [`with_timeout`](Self::with_timeout) and [`with_retry`](Self::with_retry)
/// return a new builder, so one builder can be the prefix of many requests.
/// The request methods ([`get`](Self::get), [`list`](Self::list),
/// [`post`](Self::post), …) return a [`Call`]: `.await` sends it alone, and
/// [`Batch::add`](crate::batch::Batch::add) puts it in a JSON batch. Sent
/// alone, a call
///
/// * sends `Authorization: Bearer <token>` with a token fresh from the
///   client's [`TokenProvider`](crate::TokenProvider) (its error is returned
///   unchanged and nothing is sent), `Accept: application/json` and the
///   other headers listed in the [`runtime`](crate::runtime#what-every-request-does)
///   documentation;
/// * is retried when throttled, as the client's [`RetryPolicy`] says;
/// * sends a body serialized with `serde_json`, with
///   `Content-Type: application/json`, when it takes one (a body that
///   cannot be serialized is a [`GraphError::Serialize`], and nothing is
///   sent);
/// * treats any 2xx status as success, and returns [`GraphError::Service`]
///   for any other status;
/// * returns [`GraphError::Decode`], naming the JSON path of the offending
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
        format!("{}{}", self.client.base_url(), self.target())
    }

    pub(crate) fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// The client that will send the request.
    pub fn client(&self) -> &GraphClient {
        &self.client
    }

    /// The percent-encoded path and query string: what a [`Call`] of this
    /// request targets below the base URL.
    fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// A call of `method` on this request with `body`, expecting JSON,
    /// whose success answer `read` decodes.
    fn call<T>(
        &self,
        method: Method,
        body: Result<Option<Payload>, GraphError>,
        read: Read<T>,
    ) -> Call<T> {
        Call {
            client: self.client.clone(),
            method,
            target: self.target(),
            body,
            accept: APPLICATION_JSON,
            options: self.options.clone(),
            read,
        }
    }

    /// `GET`, decoding the answer body as `T`.
    pub fn get<T: DeserializeOwned>(&self) -> Call<T> {
        self.call(Method::GET, Ok(None), read_json::<T>)
    }

    /// `PATCH` with `body`, decoding the answer body as `T`.
    ///
    /// Graph often answers updates with `204 No Content`, which this call
    /// reports as a [`GraphError::Decode`]; use
    /// [`patch_optional`](Self::patch_optional) or
    /// [`patch_no_content`](Self::patch_no_content) for those.
    pub fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(&self, body: &B) -> Call<T> {
        self.call(Method::PATCH, json(body), read_json::<T>)
    }

    /// `PATCH` with a JSON body, for an update: the entity when the service
    /// answers with one (200), `None` when it answers `204 No Content`.
    pub fn patch_optional<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Call<Option<T>> {
        self.call(Method::PATCH, json(body), read_optional::<T>)
    }

    /// `PATCH` with `body`, ignoring the body of the (2xx) answer.
    pub fn patch_no_content<B: Serialize + ?Sized>(&self, body: &B) -> Call<()> {
        self.call(Method::PATCH, json(body), read_nothing)
    }

    /// `POST` with `body`, decoding the answer body as `T`: the created
    /// entity (`201 Created`) or an action's result (`200 OK`).
    pub fn post<B: Serialize + ?Sized, T: DeserializeOwned>(&self, body: &B) -> Call<T> {
        self.call(Method::POST, json(body), read_json::<T>)
    }

    /// `POST` with `body` to an action that returns nothing; any 2xx
    /// answer (typically `204 No Content`, `200 OK` or `202 Accepted`) is a
    /// success and its body is ignored.
    pub fn post_no_content<B: Serialize + ?Sized>(&self, body: &B) -> Call<()> {
        self.call(Method::POST, json(body), read_nothing)
    }

    /// `POST` with `body` to an action whose answer wraps its result as
    /// `{"value": …}` (collections and primitive values, per OData JSON),
    /// returning the unwrapped value.
    pub fn post_value<B: Serialize + ?Sized, T: DeserializeOwned>(&self, body: &B) -> Call<T> {
        self.call(Method::POST, json(body), read_value::<T>)
    }

    /// `GET` of a function whose answer wraps its result as
    /// `{"value": …}`, returning the unwrapped value.
    pub fn get_value<T: DeserializeOwned>(&self) -> Call<T> {
        self.call(Method::GET, Ok(None), read_value::<T>)
    }

    /// `DELETE`; any 2xx answer is a success and its body is ignored.
    pub fn delete(&self) -> Call<()> {
        self.call(Method::DELETE, Ok(None), read_nothing)
    }

    /// `GET` of a media resource (a `HasStream` entity's `$value`, a stream
    /// property): the raw bytes of the answer, whatever their type.
    pub fn get_bytes(&self) -> Call<Vec<u8>> {
        Call {
            accept: "*/*",
            ..self.call(Method::GET, Ok(None), read_bytes)
        }
    }

    /// `PUT` of a media resource's bytes with their `Content-Type`; any 2xx
    /// answer is a success and its body is ignored.
    ///
    /// A `content_type` that is not a valid header value (one with a
    /// control character such as CR, LF or NUL) is a [`GraphError::Config`]
    /// and nothing is sent; its message shows the value with those
    /// characters escaped (`\r`, `\n`, `\0`).
    pub fn put_bytes(&self, content_type: &str, bytes: Vec<u8>) -> Call<()> {
        let body = HeaderValue::from_str(content_type)
            .map(|content_type| Some(Payload::raw(bytes, content_type)))
            .map_err(|e| {
                GraphError::Config(format!(
                    "invalid content type `{}`: {e}",
                    content_type.escape_debug()
                ))
            });
        self.call(Method::PUT, body, read_nothing)
    }
}

/// `body` serialized as JSON, or why it cannot be.
fn json<B: Serialize + ?Sized>(body: &B) -> Result<Option<Payload>, GraphError> {
    Payload::json(body).map(Some)
}
