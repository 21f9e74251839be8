//! Access tokens: the [`TokenProvider`] trait that the client asks for
//! them, the OAuth 2.0 client-credentials flow, and the token cache it
//! shares between concurrent requests.
//!
//! [`ClientCredentials`] is a [`TokenProvider`] for a
//! daemon or script that signs in as an application (an app registration
//! with Intune application permissions such as
//! `DeviceManagementConfiguration.ReadWrite.All`): it asks the Microsoft
//! identity platform for a token with the application's id and secret,
//! caches it until shortly before it expires, and asks again then.
//!
//! For a token you already have, use [`StaticToken`] or
//! [`GraphClientBuilder::bearer_token`](crate::GraphClientBuilder::bearer_token);
//! for any other source, implement [`TokenProvider`].
//! With the `azure` cargo feature, `AzureCredential` adapts the Azure SDK's
//! credentials (managed identity, workload identity, Azure CLI, …).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use percent_encoding::utf8_percent_encode;
use serde::Deserialize;

use crate::cloud::Cloud;
use crate::common::{error_chain, redact, APPLICATION_JSON, KEY_SEGMENT, REDACTED, USER_AGENT};
use crate::error::GraphError;

#[cfg(feature = "azure")]
mod azure;
#[cfg(feature = "azure")]
pub use azure::AzureCredential;

/// How many characters of a token endpoint answer that is not an OAuth 2.0
/// error document an [`GraphError::Auth`] message quotes.
const BODY_SNIPPET_CHARS: usize = 200;

/// A source of OAuth 2.0 access tokens for Microsoft Graph.
///
/// The client calls [`access_token`](TokenProvider::access_token) before
/// every request, so an implementation can refresh tokens as they expire
/// (and should cache them: the call is on the path of every request). For a
/// token that never changes use [`StaticToken`], or simply
/// [`GraphClientBuilder::bearer_token`](crate::GraphClientBuilder::bearer_token).
///
/// # Examples
///
/// ```
/// use graph_intune::{GraphError, TokenProvider};
///
/// struct FromEnvironment;
///
/// #[async_trait::async_trait]
/// impl TokenProvider for FromEnvironment {
///     async fn access_token(&self) -> Result<String, GraphError> {
///         std::env::var("GRAPH_TOKEN")
///             .map_err(|e| GraphError::Auth(format!("GRAPH_TOKEN: {e}")))
///     }
/// }
///
/// let client = graph_intune::GraphClient::builder()
///     .token_provider(FromEnvironment)
///     .build()?;
/// # Ok::<(), GraphError>(())
/// ```
#[async_trait::async_trait]
pub trait TokenProvider: Send + Sync + 'static {
    /// Returns the access token to send, without the `Bearer ` prefix.
    ///
    /// An error is returned unchanged by the request that asked for the
    /// token, and no request is sent; report failures to get a token as
    /// [`GraphError::Auth`].
    async fn access_token(&self) -> Result<String, GraphError>;
}

#[async_trait::async_trait]
impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    async fn access_token(&self) -> Result<String, GraphError> {
        (**self).access_token().await
    }
}

/// A fixed bearer token.
///
/// Its `Debug` output does not show the token.
///
/// # Examples
///
/// ```
/// use graph_intune::StaticToken;
///
/// let token = StaticToken::new("eyJ0eXAi…");
/// assert_eq!(format!("{token:?}"), r#"StaticToken("<redacted>")"#);
/// ```
#[derive(Clone)]
pub struct StaticToken(String);

impl StaticToken {
    /// Wraps `token` (the access token itself, without the `Bearer ` prefix).
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(token.into())
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StaticToken").field(&REDACTED).finish()
    }
}

#[async_trait::async_trait]
impl TokenProvider for StaticToken {
    async fn access_token(&self) -> Result<String, GraphError> {
        Ok(self.0.clone())
    }
}

/// A [`TokenProvider`] for the OAuth 2.0 client-credentials grant of the
/// Microsoft identity platform: an application signs in with its client id
/// and a client secret.
///
/// Tokens are requested from `{authority}/{tenant}/oauth2/v2.0/token` with
/// a form `POST` of `grant_type=client_credentials`, `client_id`,
/// `client_secret` and `scope`. The authority and the scope default to
/// those of the [`Cloud`] (global unless [`cloud`](Self::cloud) says
/// otherwise): `https://login.microsoftonline.com` and
/// `https://graph.microsoft.com/.default`.
///
/// # Caching
///
/// A token is kept and handed out until [`refresh_margin`](Self::refresh_margin)
/// (5 minutes by default, at most half the token's lifetime) before it
/// expires. Then the next caller fetches a new one while concurrent callers
/// wait for it: however many requests need a token at once, the endpoint
/// receives one request.
///
/// # When refresh fails
///
/// A token request fails when the endpoint refuses it or answers with an
/// error status, when its answer is not a bearer token response, when it
/// cannot be sent or read (a connection failure), or when it takes longer
/// than the [`timeout`](Self::timeout) (30 s by default).
///
/// - While the cached token has not expired (it is within its refresh
///   margin), a failed refresh is not an error: the caller, and every caller
///   that waited for that same request, gets the cached token, and a
///   warning is logged. The next caller after that tries again, so each
///   request made in the margin may wait for a token request (up to the
///   timeout) before it goes out with the old token.
/// - Once the cached token has expired (or when there is none), a failed
///   request is a [`GraphError::Auth`] whose message says what failed (the
///   status and the endpoint's `error`, `error_description`, trace and
///   correlation ids; `the token request timed out: …`; `cannot reach the
///   token endpoint: …`), and the Graph request is not sent. The callers
///   that waited for that request get the same error; the next caller tries
///   again.
/// - A token request that succeeds replaces the cached token at once.
///
/// Share one provider (it is cheap to wrap in an `Arc`, and
/// `Arc<ClientCredentials>` is a `TokenProvider` too) between clients that
/// use the same application.
///
/// # Secrets
///
/// The secret and the tokens are never shown: not by `Debug`, not in
/// errors (an error text from the endpoint that quotes the secret has it
/// replaced by `<redacted>`), not in logs.
///
/// # Examples
///
/// ```no_run
/// use graph_intune::{ClientCredentials, Cloud, GraphClient};
///
/// let credentials = ClientCredentials::new(
///     "contoso.onmicrosoft.com", // tenant id or domain
///     "00000000-0000-0000-0000-000000000000", // application (client) id
///     std::env::var("GRAPH_CLIENT_SECRET").unwrap_or_default(),
/// )
/// .cloud(Cloud::UsGovernment); // authority and scope of GCC High
/// let client = GraphClient::builder()
///     .cloud(Cloud::UsGovernment)
///     .token_provider(credentials)
///     .build()?;
/// # let _ = client;
/// # Ok::<(), graph_intune::GraphError>(())
/// ```
pub struct ClientCredentials {
    tenant: String,
    client_id: String,
    client_secret: String,
    cloud: Cloud,
    authority: Option<String>,
    scope: Option<String>,
    http: Option<reqwest::Client>,
    default_http: OnceLock<Result<reqwest::Client, String>>,
    refresh_margin: Duration,
    timeout: Duration,
    cache: TokenCache,
}

impl ClientCredentials {
    /// The default [`refresh_margin`](Self::refresh_margin): 5 minutes.
    pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);
    /// The default [`timeout`](Self::timeout) of a token request: 30 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Credentials of the application `client_id` in the directory `tenant`
    /// (a tenant id such as `72f988bf-…` or a domain such as
    /// `contoso.onmicrosoft.com`), with its `client_secret`.
    ///
    /// Nothing is sent until the first token is needed.
    pub fn new(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        ClientCredentials {
            tenant: tenant.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            cloud: Cloud::default(),
            authority: None,
            scope: None,
            http: None,
            default_http: OnceLock::new(),
            refresh_margin: Self::DEFAULT_REFRESH_MARGIN,
            timeout: Self::DEFAULT_TIMEOUT,
            cache: TokenCache::default(),
        }
    }

    /// Takes the default authority and scope from `cloud` (the default is
    /// [`Cloud::Global`]). An [`authority`](Self::authority) or
    /// [`scope`](Self::scope) set explicitly wins over the cloud's.
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// Sets the authority host, such as `https://login.microsoftonline.com`
    /// (a trailing `/` is removed); the token endpoint is
    /// `{authority}/{tenant}/oauth2/v2.0/token`. Tests point it at a local
    /// server.
    pub fn authority(mut self, authority: impl Into<String>) -> Self {
        self.authority = Some(authority.into().trim_end_matches('/').to_owned());
        self
    }

    /// Sets the scope to ask for, by default the cloud's
    /// `https://graph.microsoft.com/.default` (all the application
    /// permissions granted to the application).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sends token requests with this HTTP client (for a proxy, or a test)
    /// instead of a default one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets how long before its expiry a token is replaced (default 5
    /// minutes; at most half of the token's lifetime is used, so that short
    /// tokens are still cached).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Sets the time-out of one token request, from sending it to reading
    /// the whole answer (default [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT),
    /// 30 s). It applies with a custom [`http_client`](Self::http_client)
    /// too. A request that takes longer fails with a [`GraphError::Auth`]
    /// whose message starts with `the token request timed out`, unless the
    /// cached token is still valid (see [When refresh fails](Self#when-refresh-fails)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The token endpoint that will be asked:
    /// `{authority}/{tenant}/oauth2/v2.0/token`, with the tenant
    /// percent-encoded as one path segment.
    ///
    /// ```
    /// use graph_intune::{ClientCredentials, Cloud};
    ///
    /// let credentials = ClientCredentials::new("contoso.onmicrosoft.com", "app", "secret")
    ///     .cloud(Cloud::China);
    /// assert_eq!(
    ///     credentials.token_endpoint(),
    ///     "https://login.chinacloudapi.cn/contoso.onmicrosoft.com/oauth2/v2.0/token"
    /// );
    /// ```
    pub fn token_endpoint(&self) -> String {
        let authority = self
            .authority
            .as_deref()
            .unwrap_or_else(|| self.cloud.authority_host());
        let tenant = utf8_percent_encode(&self.tenant, KEY_SEGMENT);
        format!("{authority}/{tenant}/oauth2/v2.0/token")
    }

    /// The scope that will be asked for.
    pub fn requested_scope(&self) -> String {
        self.scope
            .clone()
            .unwrap_or_else(|| self.cloud.graph_scope())
    }

    fn http(&self) -> Result<reqwest::Client, GraphError> {
        if let Some(client) = &self.http {
            return Ok(client.clone());
        }
        self.default_http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .user_agent(USER_AGENT)
                    .build()
                    .map_err(|e| format!("cannot create the HTTP client: {e}"))
            })
            .clone()
            .map_err(GraphError::Config)
    }

    /// Asks the token endpoint for a new token.
    async fn fetch(&self) -> Result<FreshToken, GraphError> {
        let endpoint = self.token_endpoint();
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| GraphError::Config(format!("invalid token endpoint `{endpoint}`: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(GraphError::Config(format!(
                "invalid token endpoint `{endpoint}`: the scheme must be http or https"
            )));
        }
        let scope = self.requested_scope();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
            ("scope", scope.as_str()),
        ];
        let sent = Instant::now();
        tracing::debug!(token_endpoint = %endpoint, scope = %scope, "requesting an access token");
        let response = self
            .http()?
            .post(url)
            .header(reqwest::header::ACCEPT, APPLICATION_JSON)
            .timeout(self.timeout)
            .form(&form)
            .send()
            .await
            .map_err(|e| self.transport_error("cannot reach the token endpoint", &e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error("cannot read the token endpoint's answer", &e))?;
        if !status.is_success() {
            tracing::warn!(token_endpoint = %endpoint, status = status.as_u16(), "the token endpoint refused");
            return Err(self.auth_error(describe_token_error(status, &body)));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
            self.auth_error(format!(
                "the token endpoint answered {status} with a body that is not a token response: {e}"
            ))
        })?;
        if let Some(kind) = &answer.token_type {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(self.auth_error(format!(
                    "the token endpoint issued a `{kind}` token; only bearer tokens are supported"
                )));
            }
        }
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(0));
        tracing::debug!(
            expires_in_s = lifetime.as_secs(),
            "received an access token"
        );
        Ok(FreshToken {
            secret: answer.access_token,
            refresh_at: sent + lifetime.saturating_sub(self.refresh_margin.min(lifetime / 2)),
            expires_at: sent + lifetime,
        })
    }

    /// The [`GraphError::Auth`] of a token request that could not be sent
    /// or whose answer could not be read: `what` and the causes, or, when
    /// the [`timeout`](Self::timeout) ran out, a message that says so.
    fn transport_error(&self, what: &str, error: &reqwest::Error) -> GraphError {
        if error.is_timeout() {
            self.auth_error(format!(
                "the token request timed out: no complete answer from the token \
                 endpoint within {:?} (ClientCredentials::timeout)",
                self.timeout
            ))
        } else {
            self.auth_error(format!("{what}: {}", error_chain(error)))
        }
    }

    /// An [`GraphError::Auth`] whose message cannot contain the secret.
    fn auth_error(&self, message: String) -> GraphError {
        GraphError::Auth(redact(message, &self.client_secret))
    }
}

#[async_trait::async_trait]
impl TokenProvider for ClientCredentials {
    async fn access_token(&self) -> Result<String, GraphError> {
        self.cache.get(|| self.fetch()).await
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .field("token_endpoint", &self.token_endpoint())
            .field("scope", &self.requested_scope())
            .field("refresh_margin", &self.refresh_margin)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The answer of a token endpoint. Deliberately not `Debug`: it holds the
/// token.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    /// Seconds; the Microsoft identity platform sends a number, some
    /// servers a string.
    #[serde(default, deserialize_with = "seconds")]
    expires_in: Option<u64>,
}

fn seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(u64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Seconds>::deserialize(deserializer)? {
        None => None,
        Some(Seconds::Number(n)) => Some(n),
        // Saturating float-to-int conversion; negatives and NaN give 0.
        Some(Seconds::Float(f)) => Some(f as u64),
        Some(Seconds::Text(text)) => text.trim().parse().ok(),
    })
}

/// The OAuth 2.0 error document (RFC 6749 §5.2) with the Microsoft identity
/// platform's extra members.
#[derive(Deserialize)]
struct TokenErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    trace_id: Option<String>,
    #[serde(default)]
    correlation_id: Option<String>,
}

/// The message of the error for a non-success token endpoint answer.
fn describe_token_error(status: reqwest::StatusCode, body: &[u8]) -> String {
    let mut message = format!("the token endpoint answered {status}");
    match serde_json::from_slice::<TokenErrorAnswer>(body) {
        Ok(answer) => {
            message.push_str(": ");
            message.push_str(&answer.error);
            if let Some(description) = answer.error_description {
                message.push_str(": ");
                message.push_str(description.trim());
            }
            let ids: Vec<String> = [
                ("trace id", answer.trace_id),
                ("correlation id", answer.correlation_id),
            ]
            .into_iter()
            .filter_map(|(name, id)| id.map(|id| format!("{name} {id}")))
            .collect();
            if !ids.is_empty() {
                message.push_str(&format!(" ({})", ids.join(", ")));
            }
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !collapsed.is_empty() {
                let snippet: String = collapsed.chars().take(BODY_SNIPPET_CHARS).collect();
                message.push_str(": ");
                message.push_str(&snippet);
                if snippet.len() < collapsed.len() {
                    message.push('…');
                }
            }
        }
    }
    message
}

/// A token just received, with when to replace it.
pub(crate) struct FreshToken {
    pub(crate) secret: String,
    /// When to stop handing the token out and fetch a new one.
    pub(crate) refresh_at: Instant,
    /// When the token stops being valid.
    pub(crate) expires_at: Instant,
}

/// A single-flight token cache: one fetch at a time, whose result all the
/// callers that waited for it share.
#[derive(Default)]
pub(crate) struct TokenCache {
    state: tokio::sync::Mutex<CacheState>,
    /// The number of fetches finished, to tell a caller whether a fetch
    /// ended while it waited.
    fetches: AtomicU64,
}

#[derive(Default)]
struct CacheState {
    token: Option<FreshToken>,
    /// The message of the last fetch, if it failed, and its number.
    failure: Option<(u64, String)>,
}

impl TokenCache {
    /// A valid token: the cached one until its refresh time, else a new one
    /// from `fetch`.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<String, GraphError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<FreshToken, GraphError>>,
    {
        let seen = self.fetches.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = Instant::now();
        if let Some(token) = &state.token {
            if now < token.refresh_at {
                return Ok(token.secret.clone());
            }
        }
        if let Some((fetch_number, message)) = &state.failure {
            if *fetch_number > seen {
                // A fetch failed while this caller waited for it: share its
                // error rather than asking again at once.
                return match &state.token {
                    Some(token) if now < token.expires_at => Ok(token.secret.clone()),
                    _ => Err(GraphError::Auth(message.clone())),
                };
            }
        }
        let result = fetch().await;
        let number = self.fetches.fetch_add(1, Ordering::AcqRel) + 1;
        match result {
            Ok(token) => {
                let secret = token.secret.clone();
                state.token = Some(token);
                state.failure = None;
                Ok(secret)
            }
            Err(error) => {
                let message = match &error {
                    GraphError::Auth(message) => message.clone(),
                    other => other.to_string(),
                };
                state.failure = Some((number, message));
                match &state.token {
                    Some(token) if Instant::now() < token.expires_at => {
                        tracing::warn!(
                            error = %error,
                            "cannot refresh the access token; using the current one until it expires"
                        );
                        Ok(token.secret.clone())
                    }
                    _ => Err(error),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_error_descriptions() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\n","error_codes":[7000215],"trace_id":"t-1","correlation_id":"c-1"}"#;
        assert_eq!(
            describe_token_error(reqwest::StatusCode::UNAUTHORIZED, body),
            "the token endpoint answered 401 Unauthorized: invalid_client: \
             AADSTS7000215: Invalid client secret provided. (trace id t-1, correlation id c-1)"
        );
        assert_eq!(
            describe_token_error(reqwest::StatusCode::BAD_GATEWAY, b"<html>\n oops </html>"),
            "the token endpoint answered 502 Bad Gateway: <html> oops </html>"
        );
        assert_eq!(
            describe_token_error(reqwest::StatusCode::BAD_REQUEST, b""),
            "the token endpoint answered 400 Bad Request"
        );
    }

    #[test]
    fn expires_in_may_be_a_number_or_a_string() {
        for (json, expected) in [
            (r#"{"access_token":"a","expires_in":3599}"#, Some(3599)),
            (r#"{"access_token":"a","expires_in":"3599"}"#, Some(3599)),
            (r#"{"access_token":"a","expires_in":12.7}"#, Some(12)),
            (r#"{"access_token":"a","expires_in":null}"#, None),
            (r#"{"access_token":"a"}"#, None),
        ] {
            let answer: TokenAnswer = serde_json::from_str(json).unwrap();
            assert_eq!(answer.expires_in, expected, "{json}");
        }
    }

    #[test]
    fn endpoint_and_scope_follow_the_cloud_unless_set() {
        let credentials = ClientCredentials::new("t/1", "app", "pw");
        assert_eq!(
            credentials.token_endpoint(),
            "https://login.microsoftonline.com/t%2F1/oauth2/v2.0/token"
        );
        assert_eq!(
            credentials.requested_scope(),
            "https://graph.microsoft.com/.default"
        );
        let dod = ClientCredentials::new("t", "app", "pw").cloud(Cloud::UsGovernmentDod);
        assert_eq!(
            dod.token_endpoint(),
            "https://login.microsoftonline.us/t/oauth2/v2.0/token"
        );
        assert_eq!(
            dod.requested_scope(),
            "https://dod-graph.microsoft.us/.default"
        );
        let custom = ClientCredentials::new("t", "app", "pw")
            .authority("http://127.0.0.1:1/")
            .scope("api://x/.default")
            .cloud(Cloud::China);
        assert_eq!(
            custom.token_endpoint(),
            "http://127.0.0.1:1/t/oauth2/v2.0/token"
        );
        assert_eq!(custom.requested_scope(), "api://x/.default");
        let debug = format!("{custom:?}");
        assert!(!debug.contains("pw"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }

    /// What a failed refresh does while the cached token is still valid,
    /// and once it has expired: against a wiremock token endpoint and Graph.
    /// The cached token is put into its refresh window directly (a real
    /// token stays out of it for at least half its lifetime, which is whole
    /// seconds: half a second or more), so no test waits.
    mod refresh_failure {
        use std::net::{SocketAddr, TcpListener};
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        use std::time::{Duration, Instant};

        use serde_json::{json, Value};
        use wiremock::matchers::{header, method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};

        use super::super::{ClientCredentials, FreshToken};
        use crate::{GraphClient, GraphError, RetryPolicy, TokenProvider};

        const TOKEN_PATH: &str = "/tenant/oauth2/v2.0/token";
        const SECRET: &str = "client-secret-value";

        /// How the token endpoint fails.
        #[derive(Clone, Copy, Debug)]
        enum Failure {
            /// `500 Internal Server Error` with a text body.
            ServerError,
            /// `200 OK` with a body that is not JSON.
            NotJson,
            /// The connection is accepted and closed at once.
            ConnectionClosed,
        }

        const FAILURES: [Failure; 3] = [
            Failure::ServerError,
            Failure::NotJson,
            Failure::ConnectionClosed,
        ];

        /// A token endpoint that always fails as `failure` says, and counts
        /// the attempts.
        enum TokenEndpoint {
            Mock(MockServer),
            /// A listener (kept bound) that closes every connection it
            /// accepts, and the number it accepted.
            Closing(SocketAddr, Arc<AtomicUsize>),
        }

        impl TokenEndpoint {
            async fn start(failure: Failure) -> Self {
                let answer = match failure {
                    Failure::ServerError => {
                        ResponseTemplate::new(500).set_body_string("upstream  busy\n")
                    }
                    Failure::NotJson => {
                        ResponseTemplate::new(200).set_body_string("<html>sign-in page</html>")
                    }
                    Failure::ConnectionClosed => {
                        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
                        let address = listener.local_addr().expect("its address");
                        let accepted = Arc::new(AtomicUsize::new(0));
                        let count = accepted.clone();
                        std::thread::spawn(move || {
                            for connection in listener.incoming() {
                                count.fetch_add(1, Ordering::SeqCst);
                                drop(connection);
                            }
                        });
                        return TokenEndpoint::Closing(address, accepted);
                    }
                };
                let server = MockServer::start().await;
                Mock::given(method("POST"))
                    .and(path(TOKEN_PATH))
                    .respond_with(answer)
                    .mount(&server)
                    .await;
                TokenEndpoint::Mock(server)
            }

            fn authority(&self) -> String {
                match self {
                    TokenEndpoint::Mock(server) => server.uri(),
                    TokenEndpoint::Closing(address, _) => format!("http://{address}"),
                }
            }

            async fn attempts(&self) -> usize {
                match self {
                    TokenEndpoint::Mock(server) => server
                        .received_requests()
                        .await
                        .expect("request recording is on")
                        .len(),
                    TokenEndpoint::Closing(_, accepted) => accepted.load(Ordering::SeqCst),
                }
            }
        }

        fn credentials(endpoint: &TokenEndpoint) -> Arc<ClientCredentials> {
            Arc::new(
                ClientCredentials::new("tenant", "app", SECRET)
                    .authority(endpoint.authority())
                    .http_client(reqwest::Client::new()),
            )
        }

        /// Caches `secret` as a token due for refresh now, valid for
        /// `valid_for` more (zero: it has expired).
        async fn cache_token(provider: &ClientCredentials, secret: &str, valid_for: Duration) {
            let now = Instant::now();
            provider.cache.state.lock().await.token = Some(FreshToken {
                secret: secret.to_owned(),
                refresh_at: now,
                expires_at: now + valid_for,
            });
        }

        async fn graph_accepting(token: &str, times: u64) -> MockServer {
            let graph = MockServer::start().await;
            Mock::given(method("GET"))
                .and(path("/beta/things"))
                .and(header("authorization", format!("Bearer {token}").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
                .expect(times)
                .mount(&graph)
                .await;
            graph
        }

        fn client(graph: &MockServer, provider: &Arc<ClientCredentials>) -> GraphClient {
            GraphClient::builder()
                .base_url(format!("{}/beta", graph.uri()))
                .token_provider(provider.clone())
                .retry(RetryPolicy::none())
                .build()
                .expect("a valid client")
        }

        /// The message of the `Auth` error that `failure` gives.
        fn assert_failure_message(failure: Failure, message: &str) {
            match failure {
                Failure::ServerError => assert_eq!(
                    message,
                    "the token endpoint answered 500 Internal Server Error: upstream busy"
                ),
                Failure::NotJson => assert_eq!(
                    message,
                    "the token endpoint answered 200 OK with a body that is not a token \
                     response: expected value at line 1 column 1"
                ),
                Failure::ConnectionClosed => {
                    let cause = message
                        .strip_prefix("cannot reach the token endpoint: ")
                        .unwrap_or_else(|| panic!("{message}"));
                    assert!(!cause.is_empty(), "{message}");
                }
            }
            assert!(!message.contains(SECRET), "{message}");
        }

        #[tokio::test]
        async fn a_failed_refresh_sends_the_still_valid_token() {
            for failure in FAILURES {
                let endpoint = TokenEndpoint::start(failure).await;
                let provider = credentials(&endpoint);
                cache_token(&provider, "old-token", Duration::from_secs(600)).await;
                let graph = graph_accepting("old-token", 2).await;
                let client = client(&graph, &provider);

                for request in 1..=2 {
                    let answer: Value = client
                        .request("things")
                        .get()
                        .await
                        .unwrap_or_else(|e| panic!("{failure:?}, request {request}: {e:?}"));
                    assert_eq!(answer, json!({"ok": true}), "{failure:?}");
                    // Every request in the refresh window tries again.
                    assert_eq!(endpoint.attempts().await, request, "{failure:?}");
                }
                assert_eq!(
                    graph.received_requests().await.expect("recorded").len(),
                    2,
                    "{failure:?}"
                );
                graph.verify().await;
            }
        }

        #[tokio::test]
        async fn a_failed_refresh_of_an_expired_token_is_an_auth_error() {
            for failure in FAILURES {
                let endpoint = TokenEndpoint::start(failure).await;
                let provider = credentials(&endpoint);
                cache_token(&provider, "old-token", Duration::ZERO).await;
                let graph = graph_accepting("old-token", 0).await;
                let client = client(&graph, &provider);

                let error = client
                    .request("things")
                    .get::<Value>()
                    .await
                    .expect_err("no valid token");
                match &error {
                    GraphError::Auth(message) => assert_failure_message(failure, message),
                    other => panic!("{failure:?}: expected an Auth error, got {other:?}"),
                }
                assert!(
                    error
                        .to_string()
                        .starts_with("cannot get an access token: "),
                    "{error}"
                );
                assert_eq!(endpoint.attempts().await, 1, "{failure:?}");
                // The provider itself says the same, after one more attempt.
                match provider.access_token().await {
                    Err(GraphError::Auth(message)) => assert_failure_message(failure, &message),
                    other => panic!("{failure:?}: expected an Auth error, got {other:?}"),
                }
                assert_eq!(endpoint.attempts().await, 2, "{failure:?}");
                graph.verify().await;
            }
        }

        #[tokio::test]
        async fn concurrent_callers_share_one_failed_refresh_and_the_still_valid_token() {
            let login = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path(TOKEN_PATH))
                .respond_with(
                    ResponseTemplate::new(503)
                        .set_body_string("busy")
                        .set_delay(Duration::from_millis(50)),
                )
                .mount(&login)
                .await;
            let provider = Arc::new(
                ClientCredentials::new("tenant", "app", SECRET)
                    .authority(login.uri())
                    .http_client(reqwest::Client::new()),
            );
            cache_token(&provider, "old-token", Duration::from_secs(600)).await;

            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..10 {
                let provider = provider.clone();
                tasks.spawn(async move { provider.access_token().await });
            }
            while let Some(result) = tasks.join_next().await {
                assert_eq!(result.expect("the task ran").expect("a token"), "old-token");
            }
            assert_eq!(
                login.received_requests().await.expect("recorded").len(),
                1,
                "one refresh for all the callers"
            );
        }

        #[tokio::test]
        async fn the_new_token_replaces_the_old_once_a_refresh_succeeds() {
            let login = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path(TOKEN_PATH))
                .respond_with(ResponseTemplate::new(500))
                .up_to_n_times(1)
                .with_priority(1)
                .mount(&login)
                .await;
            Mock::given(method("POST"))
                .and(path(TOKEN_PATH))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "token_type": "Bearer", "expires_in": 3599, "access_token": "new-token"
                })))
                .mount(&login)
                .await;
            let provider = Arc::new(
                ClientCredentials::new("tenant", "app", SECRET)
                    .authority(login.uri())
                    .http_client(reqwest::Client::new()),
            );
            cache_token(&provider, "old-token", Duration::from_secs(600)).await;

            assert_eq!(provider.access_token().await.expect("a token"), "old-token");
            assert_eq!(provider.access_token().await.expect("a token"), "new-token");
            assert_eq!(provider.access_token().await.expect("a token"), "new-token");
            assert_eq!(login.received_requests().await.expect("recorded").len(), 2);
        }
    }
}
