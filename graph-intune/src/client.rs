//! The HTTP client and its credentials.
//!
//! A [`GraphClient`] is built with [`GraphClient::builder`] from an access
//! token ([`GraphClientBuilder::bearer_token`]) or from a
//! [`TokenProvider`] that hands out fresh tokens
//! ([`GraphClientBuilder::token_provider`]), such as
//! [`ClientCredentials`](crate::ClientCredentials). The builder also
//! chooses the [`Cloud`] and [`ApiVersion`], the [`RetryPolicy`] for
//! throttled requests, the [`Pacing`] that keeps requests under the
//! service's limits, the time-out of each attempt, and whether to ask for
//! enum members newer than the schema.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::batch::Batch;
use crate::cloud::{ApiVersion, Cloud};
use crate::common::REDACTED;
use crate::error::GraphError;
use crate::pacing::{Pacer, Pacing};
use crate::request::{RequestBuilder, RequestOptions};
use crate::retry::RetryPolicy;
use crate::send::Sender;

pub use crate::auth::{StaticToken, TokenProvider};
pub use crate::common::USER_AGENT;

/// The base URL used when none is given: the Microsoft Graph beta endpoint.
pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/beta";

/// The default time-out of one attempt of a request: 100 seconds, as in the
/// Microsoft Graph .NET SDK.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// A client for the Microsoft Graph API.
///
/// Cloning is cheap: clones share the connection pool, the token provider
/// (and so its token cache) and the settings. Its `Debug` output does not
/// show credentials.
///
/// Requests must run inside a Tokio runtime with its time driver enabled
/// (as `#[tokio::main]` and `#[tokio::test]` set up): time-outs and the
/// waits between retries use Tokio timers.
///
/// # Examples
///
/// ```
/// use graph_intune::GraphClient;
///
/// let client = GraphClient::builder().bearer_token("eyJ0eXAi…").build()?;
/// assert_eq!(client.base_url(), "https://graph.microsoft.com/beta");
/// # Ok::<(), graph_intune::GraphError>(())
/// ```
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    /// Absolute http(s) URL without a trailing `/`.
    base_url: String,
    cloud: Cloud,
    token_provider: Arc<dyn TokenProvider>,
    http: reqwest::Client,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    include_unknown_enum_members: bool,
    pacer: Pacer,
}

impl GraphClient {
    /// Starts configuring a client.
    pub fn builder() -> GraphClientBuilder {
        GraphClientBuilder::new()
    }

    /// The base URL that request paths are appended to, without a trailing
    /// `/` (by default [`DEFAULT_BASE_URL`]).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The cloud the client was built for (by default [`Cloud::Global`]).
    /// When a [base URL](GraphClientBuilder::base_url) was given, it is used
    /// instead of the cloud's endpoint.
    pub fn cloud(&self) -> &Cloud {
        &self.inner.cloud
    }

    /// How throttled requests are retried (see [`RetryPolicy`]).
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The time-out of one attempt of a request, `None` for none.
    pub fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    /// Whether requests carry `Prefer: include-unknown-enum-members`.
    pub fn include_unknown_enum_members(&self) -> bool {
        self.inner.include_unknown_enum_members
    }

    /// The request budgets the client keeps to (see [`Pacing`]).
    pub fn pacing(&self) -> Pacing {
        self.inner.pacer.pacing()
    }

    /// Starts a request on the entity set or singleton `root` (used
    /// verbatim as the first path segment). Called by the generated request
    /// builders.
    #[doc(hidden)]
    pub fn request(&self, root: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), root)
    }

    /// An empty [`Batch`]: calls to send together in `POST /$batch`
    /// requests (see the [`batch`](crate::batch) module).
    pub fn batch(&self) -> Batch {
        Batch::new(self.clone())
    }

    /// What sending a request needs of the client, with the request's
    /// `options` put in place of the client's settings.
    pub(crate) fn sender(&self, options: &RequestOptions) -> Sender<'_> {
        let inner = &*self.inner;
        Sender {
            http: &inner.http,
            tokens: &*inner.token_provider,
            retry: options.retry.unwrap_or(inner.retry),
            timeout: options.timeout.or(inner.timeout),
            include_unknown_enum_members: inner.include_unknown_enum_members,
            pacer: &inner.pacer,
        }
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("base_url", &self.inner.base_url)
            .field("cloud", &self.inner.cloud)
            .field("token_provider", &REDACTED)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field(
                "include_unknown_enum_members",
                &self.inner.include_unknown_enum_members,
            )
            .field("pacing", &self.inner.pacer)
            .finish_non_exhaustive()
    }
}

/// Configures and builds a [`GraphClient`].
///
/// A token or a token provider is required; everything else has a default:
///
/// | setting | default |
/// |---|---|
/// | [`cloud`](Self::cloud) | [`Cloud::Global`] |
/// | [`version`](Self::version) | [`ApiVersion::Beta`] |
/// | [`base_url`](Self::base_url) | the cloud's endpoint and the version: [`DEFAULT_BASE_URL`] |
/// | [`retry`](Self::retry) | [`RetryPolicy::default`]: 4 attempts within 180 s, honouring `Retry-After` |
/// | [`timeout`](Self::timeout) | [`DEFAULT_TIMEOUT`] (100 s) per attempt |
/// | [`include_unknown_enum_members`](Self::include_unknown_enum_members) | off |
/// | [`http_client`](Self::http_client) | a new reqwest client with rustls and `User-Agent: graph-intune/<version>` |
///
/// Its `Debug` output does not show credentials.
///
/// # Examples
///
/// ```
/// use graph_intune::GraphClient;
///
/// let client = GraphClient::builder()
///     .base_url("https://graph.microsoft.com/beta/")
///     .bearer_token("eyJ0eXAi…")
///     .build()?;
/// assert_eq!(client.base_url(), "https://graph.microsoft.com/beta");
/// # Ok::<(), graph_intune::GraphError>(())
/// ```
#[derive(Clone, Default)]
pub struct GraphClientBuilder {
    base_url: Option<String>,
    cloud: Cloud,
    version: ApiVersion,
    token_provider: Option<Arc<dyn TokenProvider>>,
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
    /// `None`: the default; `Some(None)`: no time-out.
    timeout: Option<Option<Duration>>,
    include_unknown_enum_members: bool,
    pacing: Pacing,
}

impl GraphClientBuilder {
    /// A builder with nothing set; same as [`GraphClient::builder`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the base URL, an absolute `http` or `https` URL such as
    /// `https://graph.microsoft.com/beta` (the default). A trailing `/` is
    /// removed. It wins over [`cloud`](Self::cloud) and
    /// [`version`](Self::version), which only choose the default base URL.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sends requests to the Graph endpoint of `cloud` (the default is
    /// [`Cloud::Global`]): for example
    /// `https://graph.microsoft.us/beta` for [`Cloud::UsGovernment`].
    ///
    /// The token provider must get its tokens from the same cloud: give
    /// [`ClientCredentials::cloud`](crate::ClientCredentials::cloud) the
    /// same value.
    ///
    /// ```
    /// use graph_intune::{ApiVersion, Cloud, GraphClient};
    ///
    /// let client = GraphClient::builder()
    ///     .cloud(Cloud::UsGovernmentDod)
    ///     .version(ApiVersion::V1)
    ///     .bearer_token("eyJ0eXAi…")
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://dod-graph.microsoft.us/v1.0");
    /// # Ok::<(), graph_intune::GraphError>(())
    /// ```
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// Chooses the API version of the default base URL (the default is
    /// [`ApiVersion::Beta`]).
    pub fn version(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// Retries throttled requests as `policy` says (the default is
    /// [`RetryPolicy::default`]; [`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Limits each attempt of a request, from sending it to reading the
    /// whole answer, to `timeout` (the default is [`DEFAULT_TIMEOUT`],
    /// 100 s). A request can override it with
    /// [`RequestBuilder::with_timeout`]. It also applies over the time-out
    /// of a custom [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    /// Removes the time-out of requests: an attempt waits as long as the
    /// connection lives (or as the custom
    /// [`http_client`](Self::http_client)'s own time-out says).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    /// Whether to send `Prefer: include-unknown-enum-members` with every
    /// request (off by default).
    ///
    /// Graph hides the members of "evolvable" enums that were added after a
    /// sentinel member `unknownFutureValue`, replacing them by that
    /// sentinel, unless asked with this header. The generated enums keep
    /// any member they do not know (as `Unrecognized`), so turning this on
    /// is safe and shows the real values.
    pub fn include_unknown_enum_members(mut self, include: bool) -> Self {
        self.include_unknown_enum_members = include;
        self
    }

    /// Keeps requests within `pacing`'s budgets (none by default): each
    /// attempt waits for its place instead of being answered `429`. See
    /// [`Pacing`]; [`Pacing::intune`] has Intune's published limits.
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// Authenticates every request with this fixed access token (without the
    /// `Bearer ` prefix). Replaces any token provider set before.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// Gets the access token of every request from `provider`. Replaces any
    /// token or provider set before.
    pub fn token_provider(self, provider: impl TokenProvider) -> Self {
        self.token_provider_arc(Arc::new(provider))
    }

    /// Like [`token_provider`](Self::token_provider), for a provider that is
    /// already shared.
    pub fn token_provider_arc(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.token_provider = Some(provider);
        self
    }

    /// Sends requests with this HTTP client (for proxies, extra default
    /// headers…) instead of a default one. The client's own `User-Agent`, if
    /// any, is used; every request still carries
    /// `SdkVersion: graph-intune/<version>`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`GraphError::Config`] when no token or token provider was given,
    /// when the base URL (given, or made from the cloud and version) is not
    /// an absolute `http`/`https` URL (or has a query or fragment), when a
    /// [`pacing`](Self::pacing) budget is empty, or when the default HTTP
    /// client cannot be created.
    pub fn build(self) -> Result<GraphClient, GraphError> {
        let token_provider = self.token_provider.ok_or_else(|| {
            GraphError::Config(
                "no access token or token provider was given \
                 (use `bearer_token` or `token_provider`)"
                    .to_owned(),
            )
        })?;
        let base_url = match &self.base_url {
            Some(base_url) => normalize_base_url(base_url)?,
            None => normalize_base_url(&self.cloud.base_url(&self.version))?,
        };
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .build()
                .map_err(|e| GraphError::Config(format!("cannot create the HTTP client: {e}")))?,
        };
        let pacer = Pacer::new(self.pacing)?;
        Ok(GraphClient {
            inner: Arc::new(ClientInner {
                base_url,
                cloud: self.cloud,
                token_provider,
                http,
                retry: self.retry,
                timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
                include_unknown_enum_members: self.include_unknown_enum_members,
                pacer,
            }),
        })
    }
}

impl fmt::Debug for GraphClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClientBuilder")
            .field("base_url", &self.base_url)
            .field("cloud", &self.cloud)
            .field("version", &self.version)
            .field(
                "token_provider",
                &self.token_provider.as_ref().map(|_| REDACTED),
            )
            .field("http_client", &self.http_client.as_ref().map(|_| ".."))
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field(
                "include_unknown_enum_members",
                &self.include_unknown_enum_members,
            )
            .finish()
    }
}

/// Checks that `raw` is an absolute http(s) URL usable as a base and returns
/// it without a trailing `/`.
fn normalize_base_url(raw: &str) -> Result<String, GraphError> {
    let invalid = |why: &str| GraphError::Config(format!("invalid base URL `{raw}`: {why}"));
    let url = reqwest::Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host().is_none() {
        return Err(invalid("there is no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or a fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use crate::reserved::RESERVED_CLIENT_METHODS;

    /// Names on the reserved list that are not methods of an inherent
    /// `impl GraphClient`: trait methods that generated code must not
    /// shadow.
    const TRAIT_METHODS: &[&str] = &["clone"];

    /// The method names of the inherent `impl GraphClient` blocks in `items`.
    fn collect_methods(items: &[syn::Item], methods: &mut BTreeSet<String>) {
        for item in items {
            match item {
                syn::Item::Impl(block) if block.trait_.is_none() => {
                    let syn::Type::Path(ty) = &*block.self_ty else {
                        continue;
                    };
                    if ty
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "GraphClient")
                    {
                        for member in &block.items {
                            if let syn::ImplItem::Fn(method) = member {
                                methods.insert(method.sig.ident.to_string());
                            }
                        }
                    }
                }
                syn::Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        collect_methods(items, methods);
                    }
                }
                _ => {}
            }
        }
    }

    /// The method names of `GraphClient` in every hand-written source file
    /// under `dir` (the generated code is what must avoid them).
    fn graph_client_methods(dir: &Path, methods: &mut BTreeSet<String>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "generated") {
                    graph_client_methods(&path, methods);
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let file =
                    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                collect_methods(&file.items, methods);
            }
        }
    }

    /// The list the generator reads (`src/reserved.rs`) must name every
    /// method of `GraphClient`, public or not, or a generated entry point
    /// could take its name; and nothing else but the trait methods.
    #[test]
    fn reserved_client_methods_are_the_methods_of_graph_client() {
        let mut methods = BTreeSet::new();
        graph_client_methods(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut methods,
        );
        // The scan finds the methods wherever they are defined.
        for known in ["builder", "request", "sender", "next_page"] {
            assert!(methods.contains(known), "{known} not found in {methods:?}");
        }
        let reserved: BTreeSet<String> = RESERVED_CLIENT_METHODS
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        let missing: Vec<&String> = methods.difference(&reserved).collect();
        assert!(
            missing.is_empty(),
            "add these GraphClient methods to RESERVED_CLIENT_METHODS in src/reserved.rs, \
             then run `cargo xtask codegen`: {missing:?}"
        );
        let stale: Vec<&String> = reserved
            .difference(&methods)
            .filter(|name| !TRAIT_METHODS.contains(&name.as_str()))
            .collect();
        assert!(
            stale.is_empty(),
            "RESERVED_CLIENT_METHODS names what is not a GraphClient method: {stale:?}"
        );
        assert_eq!(
            reserved.len(),
            RESERVED_CLIENT_METHODS.len(),
            "RESERVED_CLIENT_METHODS has duplicates"
        );
    }
}
