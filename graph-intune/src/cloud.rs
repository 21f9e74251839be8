//! National clouds and API versions.
//!
//! Microsoft Graph is deployed in several independent clouds, each with its
//! own Graph endpoint and its own Microsoft identity platform (Entra ID)
//! authority. A [`Cloud`] names both; an [`ApiVersion`] names the path
//! segment (`beta` or `v1.0`) below the Graph endpoint.
//!
//! | [`Cloud`] | Graph endpoint | Authority host |
//! |---|---|---|
//! | [`Global`](Cloud::Global) | `https://graph.microsoft.com` | `https://login.microsoftonline.com` |
//! | [`UsGovernment`](Cloud::UsGovernment) (GCC High, L4) | `https://graph.microsoft.us` | `https://login.microsoftonline.us` |
//! | [`UsGovernmentDod`](Cloud::UsGovernmentDod) (DoD, L5) | `https://dod-graph.microsoft.us` | `https://login.microsoftonline.us` |
//! | [`China`](Cloud::China) (operated by 21Vianet) | `https://microsoftgraph.chinacloudapi.cn` | `https://login.chinacloudapi.cn` |
//!
//! The values are those of Microsoft's "National cloud deployments" page of
//! the Graph documentation.
//!
//! # Examples
//!
//! ```
//! use graph_intune::{ApiVersion, Cloud};
//!
//! let cloud = Cloud::UsGovernment;
//! assert_eq!(cloud.base_url(&ApiVersion::Beta), "https://graph.microsoft.us/beta");
//! assert_eq!(cloud.graph_scope(), "https://graph.microsoft.us/.default");
//! assert_eq!(cloud.authority_host(), "https://login.microsoftonline.us");
//! ```

use std::fmt;

/// A Microsoft Graph deployment: where Graph is, and where its tokens come
/// from.
///
/// Used by [`GraphClientBuilder::cloud`](crate::GraphClientBuilder::cloud)
/// for the base URL and by
/// [`ClientCredentials::cloud`](crate::ClientCredentials::cloud) for the
/// token endpoint and the default scope. The default is
/// [`Global`](Cloud::Global).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service: `https://graph.microsoft.com`, tokens from
    /// `https://login.microsoftonline.com`.
    #[default]
    Global,
    /// Microsoft Graph for US Government L4 (GCC High):
    /// `https://graph.microsoft.us`, tokens from
    /// `https://login.microsoftonline.us`.
    UsGovernment,
    /// Microsoft Graph for US Government L5 (DoD):
    /// `https://dod-graph.microsoft.us`, tokens from
    /// `https://login.microsoftonline.us`.
    UsGovernmentDod,
    /// Microsoft Graph China operated by 21Vianet:
    /// `https://microsoftgraph.chinacloudapi.cn`, tokens from
    /// `https://login.chinacloudapi.cn`.
    China,
    /// Any other deployment (or a test server): build it with
    /// [`Cloud::custom`].
    Custom {
        /// The Graph endpoint without a version segment or trailing `/`,
        /// such as `https://graph.example`.
        graph_endpoint: String,
        /// The authority host without a trailing `/`, such as
        /// `https://login.example`.
        authority_host: String,
    },
}

impl Cloud {
    /// A deployment with its own Graph endpoint (without the version
    /// segment) and authority host. Trailing `/`s are removed.
    ///
    /// ```
    /// use graph_intune::{ApiVersion, Cloud};
    ///
    /// let cloud = Cloud::custom("http://127.0.0.1:8080/", "http://127.0.0.1:8081");
    /// assert_eq!(cloud.base_url(&ApiVersion::V1), "http://127.0.0.1:8080/v1.0");
    /// ```
    pub fn custom(graph_endpoint: impl Into<String>, authority_host: impl Into<String>) -> Self {
        let trim = |s: String| s.trim_end_matches('/').to_owned();
        Cloud::Custom {
            graph_endpoint: trim(graph_endpoint.into()),
            authority_host: trim(authority_host.into()),
        }
    }

    /// The Graph endpoint, without a version segment or trailing `/`.
    pub fn graph_endpoint(&self) -> &str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovernment => "https://graph.microsoft.us",
            Cloud::UsGovernmentDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
            Cloud::Custom { graph_endpoint, .. } => graph_endpoint,
        }
    }

    /// The Microsoft identity platform authority host that issues tokens for
    /// this cloud, without a trailing `/`. The token endpoint of a tenant is
    /// `{authority_host}/{tenant}/oauth2/v2.0/token`.
    pub fn authority_host(&self) -> &str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovernment | Cloud::UsGovernmentDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
            Cloud::Custom { authority_host, .. } => authority_host,
        }
    }

    /// The OAuth 2.0 scope that asks for all the application permissions
    /// granted on this cloud's Graph: `{graph_endpoint}/.default`.
    pub fn graph_scope(&self) -> String {
        format!("{}/.default", self.graph_endpoint())
    }

    /// The base URL of `version` on this cloud, such as
    /// `https://graph.microsoft.com/beta`.
    pub fn base_url(&self, version: &ApiVersion) -> String {
        format!("{}/{}", self.graph_endpoint(), version.as_str())
    }
}

/// A version of the Microsoft Graph API: the path segment after the
/// endpoint.
///
/// The default is [`Beta`](ApiVersion::Beta), the version this crate's
/// models are generated from. [`V1`](ApiVersion::V1) is offered for the
/// entities that exist unchanged in `v1.0`; the models may hold beta-only
/// properties that `v1.0` rejects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiVersion {
    /// `beta` (the default).
    #[default]
    Beta,
    /// `v1.0`.
    V1,
}

impl ApiVersion {
    /// The path segment: `beta` or `v1.0`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ApiVersion::Beta => "beta",
            ApiVersion::V1 => "v1.0",
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_of_the_national_clouds() {
        let cases = [
            (
                Cloud::Global,
                "https://graph.microsoft.com/beta",
                "https://login.microsoftonline.com",
            ),
            (
                Cloud::UsGovernment,
                "https://graph.microsoft.us/beta",
                "https://login.microsoftonline.us",
            ),
            (
                Cloud::UsGovernmentDod,
                "https://dod-graph.microsoft.us/beta",
                "https://login.microsoftonline.us",
            ),
            (
                Cloud::China,
                "https://microsoftgraph.chinacloudapi.cn/beta",
                "https://login.chinacloudapi.cn",
            ),
        ];
        for (cloud, base, authority) in cases {
            assert_eq!(cloud.base_url(&ApiVersion::default()), base);
            assert_eq!(cloud.authority_host(), authority);
            assert_eq!(
                cloud.graph_scope(),
                format!("{}/.default", cloud.graph_endpoint())
            );
        }
        assert_eq!(Cloud::default(), Cloud::Global);
        assert_eq!(
            Cloud::China.base_url(&ApiVersion::V1),
            "https://microsoftgraph.chinacloudapi.cn/v1.0"
        );
        assert_eq!(ApiVersion::V1.to_string(), "v1.0");
    }
}
