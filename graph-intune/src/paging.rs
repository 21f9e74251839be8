//! Collections: the [`Page`]s of a collection request, the methods of
//! [`RequestBuilder`] and [`GraphClient`] that read them, and the streams
//! ([`Pages`], [`Items`]) that follow `@odata.nextLink` until the last page.
//!
//! The next links are checked here: a link is followed only when it is on
//! the origin of the client's base URL (so that the access token never
//! leaves for another host) and leads to a page not read yet.

use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{stream, TryStreamExt};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::call::Call;
use crate::client::GraphClient;
use crate::common::APPLICATION_JSON;
use crate::error::{GraphError, NextLinkRefusal};
use crate::request::{RequestBuilder, RequestOptions};
use crate::send::decode;

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

impl RequestBuilder {
    /// `GET` of a collection, decoding one [`Page`] of it.
    ///
    /// Use [`GraphClient::next_page`] to get the following pages,
    /// [`stream`](Self::stream) or [`pages`](Self::pages) to go through them
    /// all as they come, or [`list_all`](Self::list_all) to collect them.
    pub fn list<T: DeserializeOwned>(&self) -> Call<Page<T>> {
        self.get()
    }

    /// Every item of a collection, page after page, as a [`Stream`]: the
    /// stream sends `GET` for the first page when first polled, and follows
    /// `@odata.nextLink` as the items are consumed, until a page has no
    /// next link. Items come once each, in the order of the pages.
    ///
    /// A next link on another scheme, host or port than the client's base
    /// URL ends the stream with a [`GraphError::NextLink`]
    /// ([`NextLinkRefusal::OtherOrigin`]), and nothing is sent there; so
    /// does a next link back to a page already read
    /// ([`NextLinkRefusal::Cycle`]). Any error ends the stream. See [`Items`].
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
    /// any link followed before) ends it with a [`GraphError::NextLink`]
    /// ([`NextLinkRefusal::Cycle`]) instead of looping forever.
    pub async fn list_all<T: DeserializeOwned>(&self) -> Result<Vec<T>, GraphError> {
        let mut followed = FollowedLinks::starting_at(&self.url());
        let mut page: Page<T> = self.list().await?;
        let mut items = std::mem::take(&mut page.value);
        while let Some(link) = page.next_link.take() {
            followed.follow(&link)?;
            page = fetch_page(self.client(), &link, self.options()).await?;
            items.append(&mut page.value);
        }
        Ok(items)
    }
}

impl GraphClient {
    /// Fetches the page after `page`, following its `@odata.nextLink`.
    ///
    /// Returns `Ok(None)` when `page` is the last one. The link must point
    /// to the same scheme, host and port as [`base_url`](Self::base_url);
    /// otherwise a [`GraphError::NextLink`] is returned
    /// ([`NextLinkRefusal::OtherOrigin`], or [`NextLinkRefusal::Unparsable`]
    /// for a link that is not an absolute URL) and nothing is sent, so that
    /// the access token never leaves for another host.
    ///
    /// [`RequestBuilder::stream`] and [`RequestBuilder::pages`] follow the
    /// links for you.
    pub async fn next_page<T: DeserializeOwned>(
        &self,
        page: &Page<T>,
    ) -> Result<Option<Page<T>>, GraphError> {
        match &page.next_link {
            None => Ok(None),
            Some(link) => fetch_page(self, link, &RequestOptions::default())
                .await
                .map(Some),
        }
    }
}

/// The pages a paging loop has read, by URL, so that a next link back to
/// any of them (a misbehaving service or proxy) stops the loop.
#[derive(Debug, Clone, Default)]
struct FollowedLinks(HashSet<String>);

impl FollowedLinks {
    /// A loop whose first page is at `first`.
    fn starting_at(first: &str) -> Self {
        let mut links = FollowedLinks::default();
        links.0.insert(first.to_owned());
        links
    }

    /// Records that `link` is about to be followed; a
    /// [`NextLinkRefusal::Cycle`] error when a page at that link was read
    /// already.
    fn follow(&mut self, link: &str) -> Result<(), GraphError> {
        if self.0.insert(link.to_owned()) {
            Ok(())
        } else {
            Err(GraphError::NextLink {
                url: link.to_owned(),
                reason: NextLinkRefusal::Cycle,
            })
        }
    }
}

/// Fetches the page at `link`, an absolute `@odata.nextLink`, refusing links
/// that leave the origin of the client's base URL.
async fn fetch_page<T: DeserializeOwned>(
    client: &GraphClient,
    link: &str,
    options: &RequestOptions,
) -> Result<Page<T>, GraphError> {
    let refuse = |reason| GraphError::NextLink {
        url: link.to_owned(),
        reason,
    };
    let target = reqwest::Url::parse(link).map_err(|_| refuse(NextLinkRefusal::Unparsable))?;
    let base = reqwest::Url::parse(client.base_url()).map_err(|e| {
        GraphError::Config(format!("invalid base URL `{}`: {e}", client.base_url()))
    })?;
    if target.origin() != base.origin() {
        return Err(refuse(NextLinkRefusal::OtherOrigin));
    }
    let answer = client
        .sender(options)
        .execute(Method::GET, target.as_str(), None, APPLICATION_JSON)
        .await?;
    decode(&answer)
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, GraphError>> + Send>>;

/// A stream of the pages of a collection, from
/// [`RequestBuilder::pages`](crate::runtime::RequestBuilder::pages).
///
/// It fetches the first page when first polled, then each next page when
/// polled again after the previous one, following `@odata.nextLink` until
/// a page has none. A next link on another scheme, host or port than the
/// client's base URL is not followed (the stream yields a
/// [`GraphError::NextLink`] with [`NextLinkRefusal::OtherOrigin`] and sends
/// nothing, so the access token does not leave), nor is a next link back to
/// a page already read (the stream yields a [`GraphError::NextLink`] with
/// [`NextLinkRefusal::Cycle`] instead of looping). After an error the
/// stream ends.
///
/// Each page is a request of its own, with its own `client-request-id`,
/// retried as the client's [`RetryPolicy`](crate::RetryPolicy) says.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    inner: BoxStream<Page<T>>,
}

/// A stream of every item of a collection, page after page, in the order
/// the service returns them, from
/// [`RequestBuilder::stream`](crate::runtime::RequestBuilder::stream).
///
/// Pages are fetched as the items are consumed, as with [`Pages`], whose
/// rules it follows. After an error the stream ends.
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    inner: BoxStream<T>,
}

/// Where a [`Pages`] stream is.
enum State {
    First(RequestBuilder),
    Next {
        request: RequestBuilder,
        link: String,
        followed: FollowedLinks,
    },
    Failed(GraphError),
    Done,
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    pub(crate) fn new(request: RequestBuilder) -> Self {
        let pages = stream::try_unfold(State::First(request), |state| async move {
            let (request, page, mut followed) = match state {
                State::Done => return Ok(None),
                State::Failed(error) => return Err(error),
                State::First(request) => {
                    let followed = FollowedLinks::starting_at(&request.url());
                    let page: Page<T> = request.list().await?;
                    (request, page, followed)
                }
                State::Next {
                    request,
                    link,
                    followed,
                } => {
                    let page: Page<T> =
                        fetch_page(request.client(), &link, request.options()).await?;
                    (request, page, followed)
                }
            };
            let next = match &page.next_link {
                None => State::Done,
                Some(link) => match followed.follow(link) {
                    Ok(()) => State::Next {
                        request,
                        link: link.clone(),
                        followed,
                    },
                    // Yield this page, then the error.
                    Err(error) => State::Failed(error),
                },
            };
            Ok(Some((page, next)))
        });
        Pages {
            inner: Box::pin(pages),
        }
    }

    /// The items of the pages, in order: the same as
    /// [`RequestBuilder::stream`](crate::runtime::RequestBuilder::stream).
    pub fn items(self) -> Items<T> {
        let items = self
            .inner
            .map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
            .try_flatten();
        Items {
            inner: Box::pin(items),
        }
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, GraphError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().inner.as_mut().poll_next(cx)
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T, GraphError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}
