//! Support for the generated request builders.
//!
//! The generated request builders describe *what* to ask for (a path built
//! from entity sets, keys, navigation properties and operations); this
//! module does the HTTP work: it adds the credentials and headers, sends the
//! request, and turns the answer into a value or a [`GraphError`].
//!
//! The central type is [`RequestBuilder`], an immutable URL path plus the
//! client that will send it. [`Page`] is one page of a collection, and
//! [`WithODataType`] helps serializing polymorphic values.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::GraphClient;
use crate::error::{DecodeError, GraphError, ServiceError};

/// Bytes kept as they are in a key segment: ASCII alphanumerics and `-._~`
/// (the RFC 3986 unreserved characters). Everything else is percent-encoded.
const KEY_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes kept as they are in query parameter names and values: the
/// unreserved characters plus `$` (so that `$filter` stays readable).
const QUERY_COMPONENT: &AsciiSet = &KEY_SEGMENT.remove(b'$');

const APPLICATION_JSON: &str = "application/json";

/// The message of the [`DecodeError`] returned when a success answer that
/// should carry a value has an empty body.
const NO_BODY: &str = "expected a JSON body, got none";

/// A request to Microsoft Graph that has not been sent yet: a client and a
/// URL path relative to the client's [base URL](GraphClient::base_url).
///
/// Builders are immutable: [`segment`](Self::segment), [`key`](Self::key)
/// and [`query`](Self::query) return a new builder, so one builder can be
/// the prefix of many requests. The sending methods ([`get`](Self::get),
/// [`list`](Self::list), [`post`](Self::post), …) all
///
/// * send `Authorization: Bearer <token>` with a token fresh from the
///   client's [`TokenProvider`](crate::TokenProvider) (its error is returned
///   unchanged and nothing is sent), and `Accept: application/json`;
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
    /// Percent-encoded query string without the leading `?`; empty if none.
    query: String,
}

impl RequestBuilder {
    /// A request on the entity set or singleton `root`, which becomes the
    /// path `/` followed by `root` (used verbatim, not encoded).
    pub fn new(client: GraphClient, root: &str) -> Self {
        RequestBuilder {
            client,
            path: format!("/{root}"),
            query: String::new(),
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
    ///
    /// ```
    /// # let client = graph_intune::GraphClient::builder().bearer_token("t").build()?;
    /// let request = client.request("things").query("$top", "5");
    /// assert_eq!(request.url(), "https://graph.microsoft.com/beta/things?$top=5");
    /// # Ok::<(), graph_intune::GraphError>(())
    /// ```
    pub fn query(&self, name: &str, value: &str) -> Self {
        let mut next = self.clone();
        if !next.query.is_empty() {
            next.query.push('&');
        }
        next.query
            .extend(utf8_percent_encode(name, QUERY_COMPONENT));
        next.query.push('=');
        next.query
            .extend(utf8_percent_encode(value, QUERY_COMPONENT));
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
    /// Use [`GraphClient::next_page`] to get the following pages, or
    /// [`list_all`](Self::list_all) to get them all.
    pub async fn list<T: DeserializeOwned>(&self) -> Result<Page<T>, GraphError> {
        self.get().await
    }

    /// Sends `GET` to a collection and follows `@odata.nextLink` until the
    /// last page, returning the items of all pages in order.
    ///
    /// The next links must be on the same scheme, host and port as the
    /// client's base URL (see [`GraphClient::next_page`]).
    pub async fn list_all<T: DeserializeOwned>(&self) -> Result<Vec<T>, GraphError> {
        let mut page: Page<T> = self.list().await?;
        let mut items = std::mem::take(&mut page.value);
        while let Some(mut next) = self.client.next_page(&page).await? {
            items.append(&mut next.value);
            page = next;
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
        execute(&self.client, method, &self.url(), body).await
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
pub(crate) async fn fetch_page<T: DeserializeOwned>(
    client: &GraphClient,
    link: &str,
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
    let answer = execute(client, Method::GET, target.as_str(), None).await?;
    decode(&answer)
}

/// Serializes a request body.
fn to_json<B: Serialize + ?Sized>(body: &B) -> Result<Vec<u8>, GraphError> {
    serde_json::to_vec(body)
        .map_err(|e| GraphError::Config(format!("cannot serialize the request body: {e}")))
}

/// Sends one request and returns the answer if its status is 2xx.
async fn execute(
    client: &GraphClient,
    method: Method,
    url: &str,
    body: Option<Vec<u8>>,
) -> Result<Answer, GraphError> {
    let url = reqwest::Url::parse(url)
        .map_err(|e| GraphError::Config(format!("invalid request URL `{url}`: {e}")))?;

    let token = client.token_provider().access_token().await?;
    let mut authorization = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
        GraphError::Auth(
            "the access token contains characters that cannot be sent in an HTTP header".to_owned(),
        )
    })?;
    authorization.set_sensitive(true);

    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, authorization);
    headers.insert(ACCEPT, HeaderValue::from_static(APPLICATION_JSON));
    let mut request = client.http().request(method, url);
    if let Some(body) = body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(APPLICATION_JSON));
        request = request.body(body);
    }

    let response = request
        .headers(headers)
        .send()
        .await
        .map_err(GraphError::Transport)?;
    let status = response.status();
    let answer_headers = response.headers().clone();
    let body = Vec::from(response.bytes().await.map_err(GraphError::Transport)?);

    if status.is_success() {
        Ok(Answer { status, body })
    } else {
        Err(ServiceError::from_response(status, &answer_headers, &body).into())
    }
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
    let mut deserializer = serde_json::Deserializer::from_slice(&answer.body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
    deserializer
        .end()
        .map_err(|e| fail(".".to_owned(), e.to_string()))?;
    Ok(value)
}

pub use crate::polymorphic::{deserialize_polymorphic, serialize_variant, Polymorphic};
