//! Client-side pacing: keeping a client under a known request rate instead
//! of being answered `429 Too Many Requests`.
//!
//! Graph throttles per app and tenant; Intune's published limits are 100
//! writes (`POST`, `PUT`, `PATCH`, `DELETE`) per 20 seconds per app and
//! tenant, and 1,000 requests of any kind per 20 seconds per app. A bulk job
//! that sends as fast as it can is answered 429 hundreds of times and spends
//! its time waiting out `Retry-After`. A [`Pacing`] on the client
//! ([`GraphClientBuilder::pacing`](crate::GraphClientBuilder::pacing))
//! makes each request wait for its turn instead: every attempt (a retry
//! counts, as it does for the service) takes one place in the budget of all
//! requests and, if it is a write, one in the budget of writes.
//!
//! A budget of `n` requests per `window` spaces the requests `window / n`
//! apart, so that no window of that length, wherever it starts, holds more
//! than `n` of them: the service's count never exceeds the limit, and a long
//! job runs at the limit's rate. The budgets are shared by every clone of
//! the client.
//!
//! ```
//! use std::time::Duration;
//! use graph_intune::{GraphClient, Pacing};
//!
//! let client = GraphClient::builder()
//!     .bearer_token("eyJ0eXAi…")
//!     .pacing(Pacing::intune())
//!     .build()?;
//! // Or limits of your own:
//! let pacing = Pacing::none()
//!     .writes(50, Duration::from_secs(20))
//!     .all(500, Duration::from_secs(20));
//! # let _ = (client, pacing);
//! # Ok::<(), graph_intune::GraphError>(())
//! ```

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::Method;

use crate::error::GraphError;

/// Intune's published write limit: requests per [`INTUNE_WINDOW`], per app
/// and tenant.
pub const INTUNE_WRITES: u32 = 100;

/// Graph's published limit for all Intune requests: requests per
/// [`INTUNE_WINDOW`], per app.
pub const INTUNE_ALL: u32 = 1_000;

/// The window of Intune's published limits.
pub const INTUNE_WINDOW: Duration = Duration::from_secs(20);

/// A budget: at most `requests` in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Requests allowed in one window.
    pub requests: u32,
    /// The window.
    pub window: Duration,
}

/// The request budgets a client keeps to (see the [module docs](self)).
/// The default paces nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pacing {
    writes: Option<Budget>,
    all: Option<Budget>,
}

impl Pacing {
    /// No budget: requests are sent as soon as they are made (the default).
    pub fn none() -> Self {
        Self::default()
    }

    /// Intune's published limits: [`INTUNE_WRITES`] writes and
    /// [`INTUNE_ALL`] requests per [`INTUNE_WINDOW`]. Other apps of the
    /// tenant share the tenant's limits; leave them room with lower
    /// figures of your own.
    pub fn intune() -> Self {
        Self::none()
            .writes(INTUNE_WRITES, INTUNE_WINDOW)
            .all(INTUNE_ALL, INTUNE_WINDOW)
    }

    /// At most `requests` writes (`POST`, `PUT`, `PATCH`, `DELETE`) in any
    /// `window`. Zero requests or an empty window is a
    /// [`GraphError::Config`] when the client is built.
    pub fn writes(mut self, requests: u32, window: Duration) -> Self {
        self.writes = Some(Budget { requests, window });
        self
    }

    /// At most `requests` requests of any method in any `window`. Zero
    /// requests or an empty window is a [`GraphError::Config`] when the
    /// client is built.
    pub fn all(mut self, requests: u32, window: Duration) -> Self {
        self.all = Some(Budget { requests, window });
        self
    }

    /// The budget of writes, if any.
    pub fn writes_budget(&self) -> Option<Budget> {
        self.writes
    }

    /// The budget of all requests, if any.
    pub fn all_budget(&self) -> Option<Budget> {
        self.all
    }
}

/// The limiter of one budget.
fn limiter(name: &str, budget: Budget) -> Result<DefaultDirectRateLimiter, GraphError> {
    let invalid = || {
        GraphError::Config(format!(
            "pacing: the budget of {name} must allow at least one request in a window longer than zero, not {} in {:?}",
            budget.requests, budget.window
        ))
    };
    let requests = NonZeroU32::new(budget.requests).ok_or_else(invalid)?;
    // One request every `window / requests`, no burst: no window of that
    // length holds more than `requests`.
    let period = budget.window / requests.get();
    let quota = Quota::with_period(period).ok_or_else(invalid)?;
    Ok(RateLimiter::direct(quota))
}

/// The limiters of a client's [`Pacing`], shared by its clones.
pub(crate) struct Pacer {
    pacing: Pacing,
    writes: Option<DefaultDirectRateLimiter>,
    all: Option<DefaultDirectRateLimiter>,
}

impl Pacer {
    /// The limiters of `pacing`; a [`GraphError::Config`] for an empty
    /// budget.
    pub(crate) fn new(pacing: Pacing) -> Result<Self, GraphError> {
        Ok(Self {
            pacing,
            writes: pacing.writes.map(|b| limiter("writes", b)).transpose()?,
            all: pacing.all.map(|b| limiter("all requests", b)).transpose()?,
        })
    }

    /// The pacing the limiters keep to.
    pub(crate) fn pacing(&self) -> Pacing {
        self.pacing
    }

    /// Waits until a request with `method` may be sent, and takes its place
    /// in the budgets.
    pub(crate) async fn ready(&self, method: &Method) {
        if is_write(method) {
            if let Some(writes) = &self.writes {
                writes.until_ready().await;
            }
        }
        if let Some(all) = &self.all {
            all.until_ready().await;
        }
    }
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pacing.fmt(f)
    }
}

/// Whether the service counts `method` as a write.
fn is_write(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_budgets_are_config_errors() {
        for pacing in [
            Pacing::none().writes(0, Duration::from_secs(1)),
            Pacing::none().all(5, Duration::ZERO),
        ] {
            let error = Pacer::new(pacing).unwrap_err();
            assert!(matches!(error, GraphError::Config(_)), "{error:?}");
        }
        assert_eq!(
            Pacer::new(Pacing::none().writes(0, Duration::from_secs(20)))
                .unwrap_err()
                .to_string(),
            "invalid client configuration: pacing: the budget of writes must allow at least one request in a window longer than zero, not 0 in 20s"
        );
    }

    #[test]
    fn intune_is_the_published_limits() {
        let pacing = Pacing::intune();
        assert_eq!(
            pacing.writes_budget(),
            Some(Budget {
                requests: 100,
                window: Duration::from_secs(20)
            })
        );
        assert_eq!(
            pacing.all_budget(),
            Some(Budget {
                requests: 1_000,
                window: Duration::from_secs(20)
            })
        );
        assert_eq!(Pacing::default(), Pacing::none());
    }

    #[test]
    fn writes_are_post_put_patch_and_delete() {
        let writes: Vec<bool> = [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::HEAD,
        ]
        .iter()
        .map(is_write)
        .collect();
        assert_eq!(writes, [false, true, true, true, true, false]);
    }
}
