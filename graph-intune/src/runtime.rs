//! Support for the generated request builders.
//!
//! The generated request builders describe *what* to ask for (a path built
//! from entity sets, keys, navigation properties and operations); this
//! module does the HTTP work: it adds the credentials and headers, sends the
//! request, and turns the answer into a value or a [`GraphError`].
//!
//! The central type is [`RequestBuilder`], an immutable URL path plus the
//! client that will send it. [`Page`] is one page of a collection,
//! [`Query`] the typed OData query options of a collection request,
//! [`Pages`] and [`Items`] the streams over every page of a collection, and
//! [`WithODataType`] helps serializing polymorphic values.
//!
//! # What every request does
//!
//! * It carries `Authorization: Bearer <token>` (a token fresh from the
//!   client's [`TokenProvider`](crate::TokenProvider), asked again before
//!   each attempt), `Accept: application/json`, a `client-request-id` (a new
//!   UUID per request, the same on all its retries, quoted by Graph in its
//!   errors and logs), `SdkVersion: graph-intune/<version>`, and, when the
//!   client asks for it, `Prefer: include-unknown-enum-members`.
//! * It is retried on `429`, `503`, `504` and failed connections as the
//!   client's [`RetryPolicy`] says, honouring `Retry-After`; its body is
//!   kept so that it is sent again unchanged.
//! * Each attempt is limited by the client's time-out (see
//!   [`GraphClientBuilder::timeout`](crate::GraphClientBuilder::timeout)).
//! * It runs in a `tracing` span named `graph_request` with the fields
//!   `method`, `path` (without the query string, which may hold personal
//!   data), `client_request_id`, and once known `attempts` and `status`;
//!   each attempt runs in a child span `graph_attempt` with the fields
//!   `attempt`, `status` and `request_id` (Graph's id of that answer).
//!   Retries and give-ups are logged at `WARN`, answers at `DEBUG`. No
//!   header and no body is logged, so the token never is.

use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use crate::client::GraphClient;
use crate::error::{DecodeError, GraphError, ServiceError};
use crate::retry::{Failure, RetryPolicy};

pub use crate::paging::{Items, Pages, Query};
pub use futures_core::Stream;

/// Bytes kept as they are in a key segment: ASCII alphanumerics and `-._~`
/// (the RFC 3986 unreserved characters). Everything else is percent-encoded.
pub(crate) const KEY_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes kept as they are in query parameter names and values: the
/// unreserved characters plus `$` (so that `$filter` stays readable).
pub(crate) const QUERY_COMPONENT: &AsciiSet = &KEY_SEGMENT.remove(b'$');

const APPLICATION_JSON: &str = "application/json";

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
///   other headers listed in the [module documentation](self);
/// * retry throttled requests as the client's [`RetryPolicy`] says;
/// * send a body serialized with `serde_json`, with
///   `Content-Type: application/json`, when they take one;
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
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
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

    /// Sends `GET` to a collection and decodes one [`Page`] of it.
    ///
    /// Use [`GraphClient::next_page`] to get the following pages,
    /// [`stream`](Self::stream) or [`pages`](Self::pages) to go through them
    /// all as they come, or [`list_all`](Self::list_all) to collect them.
    pub async fn list<T: DeserializeOwned>(&self) -> Result<Page<T>, GraphError> {
        self.get().await
    }

    /// Every item of a collection, page after page, as a [`Stream`]: the
    /// stream sends `GET` for the first page when first polled, and follows
    /// `@odata.nextLink` as the items are consumed, until a page has no
    /// next link. Items come once each, in the order of the pages.
    ///
    /// A next link on another scheme, host or port than the client's base
    /// URL ends the stream with a [`GraphError::Config`], and nothing is
    /// sent there. Any error ends the stream. See [`Items`].
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// use graph_intune::Query;
    ///
    /// # async fn run(client: graph_intune::GraphClient) -> Result<(), graph_intune::GraphError> {
    /// let mut policies = client
    ///     .request("deviceManagement")
    ///     .segment("deviceCompliancePolicies")
    ///     .with_query(&Query::new().select(["id", "displayName"]).top(100))
    ///     .stream::<serde_json::Value>();
    /// while let Some(policy) = policies.try_next().await? {
    ///     println!("{}", policy["displayName"]);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn stream<T: DeserializeOwned + Send + 'static>(&self) -> Items<T> {
        Pages::new(self.clone()).items()
    }

    /// The pages of a collection as a [`Stream`], following
    /// `@odata.nextLink` until a page has none; like
    /// [`stream`](Self::stream), but page by page, so that
    /// [`Page::count`] and the other members of each answer can be read.
    /// See [`Pages`].
    pub fn pages<T: DeserializeOwned + Send + 'static>(&self) -> Pages<T> {
        Pages::new(self.clone())
    }

    /// Sends `GET` to a collection and follows `@odata.nextLink` until the
    /// last page, returning the items of all pages in order.
    ///
    /// The next links must be on the same scheme, host and port as the
    /// client's base URL (see [`GraphClient::next_page`]); each page is
    /// sent with this builder's time-out and retry policy. For large
    /// collections prefer [`stream`](Self::stream), which does not hold
    /// every item in memory.
    ///
    /// A next link back to a page already read (the first page's URL, or
    /// any link followed before) ends it with a [`GraphError::Config`]
    /// instead of looping forever.
    pub async fn list_all<T: DeserializeOwned>(&self) -> Result<Vec<T>, GraphError> {
        let mut followed = FollowedLinks::starting_at(&self.url());
        let mut page: Page<T> = self.list().await?;
        let mut items = std::mem::take(&mut page.value);
        while let Some(link) = page.next_link.take() {
            followed.follow(&link)?;
            page = fetch_page(&self.client, &link, &self.options).await?;
            items.append(&mut page.value);
        }
        Ok(items)
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
        let answer = self.send(Method::PATCH, Some(to_json(body)?)).await?;
        decode(&answer)
    }

    /// `PATCH` with a JSON body, for an update: the entity when the service
    /// answers with one (200), `None` when it answers `204 No Content`.
    pub async fn patch_optional<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<Option<T>, GraphError> {
        let answer = self.send(Method::PATCH, Some(to_json(body)?)).await?;
        if answer.status == StatusCode::NO_CONTENT
            || answer.body.iter().all(u8::is_ascii_whitespace)
        {
            return Ok(None);
        }
        decode(&answer).map(Some)
    }

    /// Sends `PATCH` with `body` and ignores the body of the (2xx) answer.
    pub async fn patch_no_content<B: Serialize + ?Sized>(
        &self,
        body: &B,
    ) -> Result<(), GraphError> {
        self.send(Method::PATCH, Some(to_json(body)?)).await?;
        Ok(())
    }

    /// Sends `POST` with `body` and decodes the answer body as `T`: the
    /// created entity (`201 Created`) or an action's result (`200 OK`).
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<T, GraphError> {
        let answer = self.send(Method::POST, Some(to_json(body)?)).await?;
        decode(&answer)
    }

    /// Sends `POST` with `body` to an action that returns nothing; any 2xx
    /// answer (typically `204 No Content`, `200 OK` or `202 Accepted`) is a
    /// success and its body is ignored.
    pub async fn post_no_content<B: Serialize + ?Sized>(&self, body: &B) -> Result<(), GraphError> {
        self.send(Method::POST, Some(to_json(body)?)).await?;
        Ok(())
    }

    /// Sends `POST` with `body` to an action whose answer wraps its result
    /// as `{"value": …}` (collections and primitive values, per OData JSON),
    /// and returns the unwrapped value.
    pub async fn post_value<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<T, GraphError> {
        let answer = self.send(Method::POST, Some(to_json(body)?)).await?;
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

    async fn send(&self, method: Method, body: Option<Vec<u8>>) -> Result<Answer, GraphError> {
        let body = body.map(|bytes| Payload {
            bytes,
            content_type: HeaderValue::from_static(APPLICATION_JSON),
        });
        execute(
            &self.client,
            method,
            &self.url(),
            body,
            APPLICATION_JSON,
            &self.options,
        )
        .await
    }

    /// `GET` of a media resource (a `HasStream` entity's `$value`, a stream
    /// property): the raw bytes of the answer, whatever their type.
    pub async fn get_bytes(&self) -> Result<Vec<u8>, GraphError> {
        let answer = execute(
            &self.client,
            Method::GET,
            &self.url(),
            None,
            "*/*",
            &self.options,
        )
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
        let body = Payload {
            bytes,
            content_type,
        };
        execute(
            &self.client,
            Method::PUT,
            &self.url(),
            Some(body),
            APPLICATION_JSON,
            &self.options,
        )
        .await?;
        Ok(())
    }
}

/// One page of a collection, as Graph returns it:
/// `{"value": [...], "@odata.nextLink": "...", "@odata.count": n, ...}`.
///
/// # Examples
///
/// ```
/// use graph_intune::runtime::Page;
///
/// let page: Page<String> = serde_json::from_str(
///     r#"{"value": ["a", "b"], "@odata.nextLink": "https://graph.microsoft.com/beta/x?$skiptoken=1"}"#,
/// )?;
/// assert_eq!(page.value, ["a", "b"]);
/// assert!(!page.is_last());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub value: Vec<T>,
    /// The URL of the next page, absent on the last page. Follow it with
    /// [`GraphClient::next_page`].
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// The total number of items in the collection, when the request asked
    /// for it with `$count=true`.
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// The other members of the answer, such as `@odata.context`.
    #[serde(flatten)]
    pub additional_data: serde_json::Map<String, serde_json::Value>,
}

impl<T> Page<T> {
    /// A last page holding `value`, with no count and no other data.
    pub fn new(value: Vec<T>) -> Self {
        Page {
            value,
            next_link: None,
            count: None,
            additional_data: serde_json::Map::new(),
        }
    }

    /// Sets the link to the next page.
    pub fn with_next_link(mut self, next_link: impl Into<String>) -> Self {
        self.next_link = Some(next_link.into());
        self
    }

    /// Sets the total number of items of the collection.
    pub fn with_count(mut self, count: i64) -> Self {
        self.count = Some(count);
        self
    }

    /// `true` when there is no page after this one.
    pub fn is_last(&self) -> bool {
        self.next_link.is_none()
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page::new(Vec::new())
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.value.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Page<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.value.iter()
    }
}

/// Serializes `inner` (a struct that serializes as a JSON object) with `"@odata.type": odata_type` put first.
///
/// Generated polymorphic enums use it for values built in Rust, which carry
/// no `@odata.type` of their own. `inner` must not serialize an
/// `@odata.type` member itself, or the output would hold it twice.
///
/// # Examples
///
/// ```
/// use graph_intune::runtime::WithODataType;
///
/// #[derive(serde::Serialize)]
/// struct Target {
///     #[serde(rename = "groupId")]
///     group_id: String,
/// }
///
/// let target = Target { group_id: "g1".into() };
/// let json = serde_json::to_string(&WithODataType::new(
///     "#microsoft.graph.groupAssignmentTarget",
///     &target,
/// ))?;
/// assert_eq!(
///     json,
///     r##"{"@odata.type":"#microsoft.graph.groupAssignmentTarget","groupId":"g1"}"##
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, serde::Serialize)]
pub struct WithODataType<'a, T: ?Sized + Serialize> {
    /// The OData type name, such as `#microsoft.graph.groupAssignmentTarget`.
    #[serde(rename = "@odata.type")]
    pub odata_type: &'a str,
    /// The value whose members follow `@odata.type`.
    #[serde(flatten)]
    pub inner: &'a T,
}

impl<'a, T: ?Sized + Serialize> WithODataType<'a, T> {
    /// Pairs `inner` with its OData type name.
    pub fn new(odata_type: &'a str, inner: &'a T) -> Self {
        WithODataType { odata_type, inner }
    }
}

impl<T: ?Sized + Serialize> Clone for WithODataType<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized + Serialize> Copy for WithODataType<'_, T> {}

/// The `{"value": …}` wrapper of OData collection and primitive results.
#[derive(Deserialize)]
struct ValueWrapper<T> {
    value: T,
}

/// A success answer: its status and raw body.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

/// Fetches the page at `link`, an absolute `@odata.nextLink`, refusing links
/// that leave the origin of the client's base URL.
/// The pages a paging loop has read, by URL, so that a next link back to
/// any of them (a misbehaving service or proxy) stops the loop.
#[derive(Debug, Clone, Default)]
pub(crate) struct FollowedLinks(std::collections::HashSet<String>);

impl FollowedLinks {
    /// A loop whose first page is at `first`.
    pub(crate) fn starting_at(first: &str) -> Self {
        let mut links = FollowedLinks::default();
        links.0.insert(first.to_owned());
        links
    }

    /// Records that `link` is about to be followed; an error when a page at
    /// that link was read already.
    pub(crate) fn follow(&mut self, link: &str) -> Result<(), GraphError> {
        if self.0.insert(link.to_owned()) {
            Ok(())
        } else {
            Err(GraphError::Config(format!(
                "the service returned the next link `{link}`, which points back to a page \
                 already read; stopping instead of looping"
            )))
        }
    }
}

pub(crate) async fn fetch_page<T: DeserializeOwned>(
    client: &GraphClient,
    link: &str,
    options: &RequestOptions,
) -> Result<Page<T>, GraphError> {
    let refuse =
        |why: String| GraphError::Config(format!("cannot follow the next link `{link}`: {why}"));
    let target = reqwest::Url::parse(link).map_err(|e| refuse(e.to_string()))?;
    let base = reqwest::Url::parse(client.base_url()).map_err(|e| refuse(e.to_string()))?;
    if target.origin() != base.origin() {
        return Err(refuse(format!(
            "it is not on the origin of the base URL `{}`",
            client.base_url()
        )));
    }
    let answer = execute(
        client,
        Method::GET,
        target.as_str(),
        None,
        APPLICATION_JSON,
        options,
    )
    .await?;
    decode(&answer)
}

/// Serializes a request body.
fn to_json<B: Serialize + ?Sized>(body: &B) -> Result<Vec<u8>, GraphError> {
    serde_json::to_vec(body)
        .map_err(|e| GraphError::Config(format!("cannot serialize the request body: {e}")))
}

/// A request body and its media type.
struct Payload {
    bytes: Vec<u8>,
    content_type: HeaderValue,
}

/// Sends one request, retrying it as the retry policy says, and returns the
/// answer if its status is 2xx.
///
/// Runs in a `graph_request` span (`method`, `path`, `client_request_id`,
/// and once done `attempts` and the final `status`), each attempt in a
/// child `graph_attempt` span (`attempt`, `status`, `request_id`).
async fn execute(
    client: &GraphClient,
    method: Method,
    url: &str,
    body: Option<Payload>,
    accept: &'static str,
    options: &RequestOptions,
) -> Result<Answer, GraphError> {
    let url = reqwest::Url::parse(url)
        .map_err(|e| GraphError::Config(format!("invalid request URL `{url}`: {e}")))?;
    let policy = options.retry.unwrap_or_else(|| client.retry_policy());
    let idempotent = crate::retry::is_idempotent(&method);
    let timeout = options.timeout.or_else(|| client.timeout());
    let client_request_id = uuid::Uuid::new_v4().to_string();
    let request_span = tracing::info_span!(
        "graph_request",
        method = %method,
        path = %url.path(),
        client_request_id = %client_request_id,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    let parent = request_span.clone();
    let attempts = async {
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                parent: &parent,
                "graph_attempt",
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let token = client.token_provider().access_token().await?;
            let headers = request_headers(
                client,
                &token,
                &client_request_id,
                accept,
                body.as_ref().map(|b| &b.content_type),
            )?;
            let mut request = client
                .http()
                .request(method.clone(), url.clone())
                .headers(headers);
            if let Some(body) = &body {
                request = request.body(body.bytes.clone());
            }
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }

            let sent = send_once(request).instrument(span.clone()).await;
            let (status, answer_headers, answer_body) = match sent {
                Ok(answer) => answer,
                Err(error) => {
                    let cause = crate::auth::error_chain(&error);
                    let failure = Failure::of_transport(&error);
                    let what = match failure {
                        Some(Failure::NotSent) => "connection failed",
                        _ => "no answer",
                    };
                    match failure {
                        Some(failure) if failure.is_retried(idempotent) => {
                            match policy.next_delay(attempt, started.elapsed(), None) {
                                Ok(delay) => {
                                    span.in_scope(|| {
                                        tracing::warn!(delay = ?delay, timeout = error.is_timeout(), error = %cause, "{what}; retrying");
                                    });
                                    tokio::time::sleep(delay).await;
                                    continue;
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
                    parent.record("attempts", attempt);
                    return Err(GraphError::Transport(error));
                }
            };
            if status.is_success() {
                parent.record("attempts", attempt);
                parent.record("status", status.as_u16());
                span.in_scope(|| tracing::debug!(elapsed = ?started.elapsed(), "answered"));
                return Ok(Answer {
                    status,
                    body: answer_body,
                });
            }
            let failure = Failure::Status(status);
            if failure.is_retried(idempotent) {
                let retry_after = crate::retry::retry_after(&answer_headers);
                match policy.next_delay(attempt, started.elapsed(), retry_after) {
                    Ok(delay) => {
                        span.in_scope(|| {
                            tracing::warn!(retry_after = ?retry_after, delay = ?delay, "throttled; retrying");
                        });
                        tokio::time::sleep(delay).await;
                        continue;
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
            } else if crate::retry::is_retryable_status(status) {
                span.in_scope(|| tracing::warn!("gateway time-out; not retried: {NOT_RETRIED}"));
            } else {
                span.in_scope(|| tracing::debug!("answered with an error"));
            }
            parent.record("attempts", attempt);
            parent.record("status", status.as_u16());
            let mut error = ServiceError::from_response(status, &answer_headers, &answer_body);
            error.attempts = attempt;
            error.body = crate::auth::redact(std::mem::take(&mut error.body), &token);
            error.message = error
                .message
                .take()
                .map(|message| crate::auth::redact(message, &token));
            return Err(error.into());
        }
    };
    attempts.instrument(request_span).await
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

/// The headers of one attempt.
fn request_headers(
    client: &GraphClient,
    token: &str,
    client_request_id: &str,
    accept: &'static str,
    content_type: Option<&HeaderValue>,
) -> Result<HeaderMap, GraphError> {
    let mut authorization = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
        GraphError::Auth(
            "the access token contains characters that cannot be sent in an HTTP header".to_owned(),
        )
    })?;
    authorization.set_sensitive(true);

    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, authorization);
    headers.insert(ACCEPT, HeaderValue::from_static(accept));
    headers.insert(
        CLIENT_REQUEST_ID,
        HeaderValue::try_from(client_request_id).map_err(|e| {
            GraphError::Config(format!(
                "invalid client-request-id `{client_request_id}`: {e}"
            ))
        })?,
    );
    headers.insert(
        SDK_VERSION,
        HeaderValue::from_static(crate::client::USER_AGENT),
    );
    if client.include_unknown_enum_members() {
        headers.insert(
            HeaderName::from_static("prefer"),
            HeaderValue::from_static(INCLUDE_UNKNOWN_ENUM_MEMBERS),
        );
    }
    if let Some(content_type) = content_type {
        headers.insert(CONTENT_TYPE, content_type.clone());
    }
    Ok(headers)
}

/// Decodes a success answer's body as `T`, naming the offending JSON path on
/// failure.
fn decode<T: DeserializeOwned>(answer: &Answer) -> Result<T, GraphError> {
    let fail = |path: String, message: String| -> GraphError {
        DecodeError::new(
            answer.status,
            path,
            message,
            String::from_utf8_lossy(&answer.body),
        )
        .into()
    };
    if answer.body.iter().all(u8::is_ascii_whitespace) {
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

pub use crate::object::{
    collect_into, deserialize_object, write_additional, write_lenient_member, write_member, Member,
    Object,
};
pub use crate::polymorphic::{
    deserialize_polymorphic, read_variant, serialize_variant, Polymorphic,
};
