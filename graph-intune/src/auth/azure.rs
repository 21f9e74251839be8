//! An adapter from the Azure SDK's credentials to [`TokenProvider`]
//! (cargo feature `azure`).
//!
//! The Azure SDK for Rust (`azure_identity`) offers credentials this crate
//! does not: managed identity (Azure VMs, App Service, Functions),
//! workload identity (AKS federated tokens), the Azure CLI's sign-in, and
//! client certificates. They all implement
//! [`azure_core::credentials::TokenCredential`]; [`AzureCredential`] makes
//! any of them a [`TokenProvider`] for [`GraphClient`](crate::GraphClient).
//!
//! The feature depends on `azure_core` 1.x only (without its HTTP
//! client); add `azure_identity` to your own project for the credential
//! types. `azure_core` 1.x needs Rust 1.88.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::credentials::TokenCredential;

use super::{FreshToken, TokenCache, TokenProvider};
use crate::cloud::Cloud;
use crate::common::REDACTED;
use crate::error::GraphError;

/// A [`TokenProvider`] that gets its tokens from an Azure SDK
/// [`TokenCredential`], asking for the Graph scope of a [`Cloud`].
///
/// Tokens are cached as [`ClientCredentials`](crate::ClientCredentials)
/// caches them: until 5 minutes (at most half their lifetime) before their
/// `expires_on`, with one call to the credential for any number of
/// concurrent requests.
///
/// # Examples
///
/// ```ignore
/// // With `azure_identity` in your Cargo.toml:
/// use std::sync::Arc;
/// use graph_intune::{auth::AzureCredential, GraphClient};
///
/// let credential = azure_identity::ManagedIdentityCredential::new(None)?;
/// let client = GraphClient::builder()
///     .token_provider(AzureCredential::new(credential))
///     .build()?;
/// ```
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    refresh_margin: Duration,
    cache: TokenCache,
}

impl AzureCredential {
    /// Wraps `credential`, asking for the global Graph scope
    /// `https://graph.microsoft.com/.default`.
    pub fn new(credential: Arc<dyn TokenCredential>) -> Self {
        AzureCredential {
            credential,
            scope: Cloud::Global.graph_scope(),
            refresh_margin: super::ClientCredentials::DEFAULT_REFRESH_MARGIN,
            cache: TokenCache::default(),
        }
    }

    /// Asks for the Graph scope of `cloud` instead, such as
    /// `https://graph.microsoft.us/.default` for [`Cloud::UsGovernment`].
    /// (The credential itself must be configured for that cloud's
    /// authority.)
    pub fn cloud(mut self, cloud: &Cloud) -> Self {
        self.scope = cloud.graph_scope();
        self
    }

    /// Asks for `scope` instead of the cloud's Graph scope.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Sets how long before its expiry a token is replaced (default 5
    /// minutes; at most half of the token's lifetime is used).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    async fn fetch(&self) -> Result<FreshToken, GraphError> {
        let asked = Instant::now();
        let token = self
            .credential
            .get_token(&[self.scope.as_str()], None)
            .await
            .map_err(|e| GraphError::Auth(format!("the Azure credential failed: {e}")))?;
        let seconds =
            (token.expires_on - azure_core::time::OffsetDateTime::now_utc()).whole_seconds();
        let lifetime = Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
        Ok(FreshToken {
            secret: token.token.secret().to_owned(),
            refresh_at: asked + lifetime.saturating_sub(self.refresh_margin.min(lifetime / 2)),
            expires_at: asked + lifetime,
        })
    }
}

#[async_trait::async_trait]
impl TokenProvider for AzureCredential {
    async fn access_token(&self) -> Result<String, GraphError> {
        self.cache.get(|| self.fetch()).await
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential")
            .field("credential", &REDACTED)
            .field("scope", &self.scope)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}
