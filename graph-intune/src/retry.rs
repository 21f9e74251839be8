//! Retrying throttled and failed requests.
//!
//! Microsoft Graph, and Intune in particular, answers `429 Too Many
//! Requests` when a caller sends too much, and `503 Service Unavailable` or
//! `504 Gateway Timeout` when it is briefly overloaded, usually with a
//! `Retry-After` header saying how long to wait. Graph's guidance is to
//! honour that header, and to back off exponentially when there is none.
//! [`RetryPolicy`] says how the client does so; set it for a client with
//! [`GraphClientBuilder::retry`](crate::GraphClientBuilder::retry) or for a
//! single request with
//! [`RequestBuilder::with_retry`](crate::runtime::RequestBuilder::with_retry).
//!
//! # What is retried
//!
//! Whether a failed attempt is sent again depends on what failed and on
//! whether the request is *idempotent*, that is whether sending it twice
//! leaves the tenant as sending it once: `GET`, `HEAD`, `OPTIONS`, `PUT`,
//! `DELETE` and `PATCH` are (a Graph `PATCH` sets the properties it carries,
//! so sending it again sets them to the same values); `POST`, which creates
//! objects and calls actions such as `assign`, is not. A duplicate create is
//! worse than an error the caller can see, so a `POST` is sent again only
//! when the service certainly did not act on it.
//!
//! | the attempt … | `GET`, `PATCH`, `PUT`, `DELETE` | `POST` (create, action) |
//! |---|---|---|
//! | could not connect: nothing was sent | retried | retried |
//! | was sent, then the connection broke or the time-out passed before the whole answer came | retried | **not retried** |
//! | was answered `429 Too Many Requests` | retried | retried |
//! | was answered `503 Service Unavailable` | retried | retried |
//! | was answered `504 Gateway Timeout` | retried | **not retried** |
//! | was answered any other status | not retried | not retried |
//!
//! A `429` or `503` means the service turned the request away without acting
//! on it (Graph's throttling guidance, and Microsoft's own SDK retry
//! handlers, resend every method on those). A `504` comes from a gateway
//! that gave up waiting for the service behind it, which may still have
//! acted, exactly as when a connection breaks after the request was sent.
//! When a `POST` is not retried for that reason,
//! [`GraphError::is_outcome_unknown`](crate::GraphError::is_outcome_unknown)
//! is `true`: look whether the object was created (or the action applied)
//! before sending it again. A retried `DELETE` whose first attempt did
//! reach the service answers `404 Not Found`.
//!
//! A retry sends the same method, URL, headers (including the same
//! `client-request-id`) and body.
//!
//! # How long it waits
//!
//! * When the answer has a `Retry-After` header, in either of its forms
//!   (delta-seconds such as `Retry-After: 30`, or an HTTP-date such as
//!   `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`), the client waits exactly
//!   that long and never less. An HTTP-date is read against the answer's
//!   own `Date` header when it has one, so a skewed local clock does not
//!   matter.
//! * Otherwise (and after a failed or broken connection) it waits an
//!   exponential backoff with jitter: before the `n`-th retry, a random
//!   delay between half and all of `min(base_backoff × 2ⁿ⁻¹, max_backoff)`.
//!
//! # When it gives up
//!
//! After [`max_attempts`](RetryPolicy::max_attempts) sends, or as soon as
//! the next wait would end after [`total_budget`](RetryPolicy::total_budget)
//! has passed since the first send (the client does not wait in vain: a
//! `Retry-After` longer than what is left of the budget ends the retries at
//! once). The error is then the last answer's
//! [`GraphError::Service`](crate::GraphError::Service), whose
//! [`ServiceError`](crate::ServiceError) tells how many
//! [`attempts`](crate::ServiceError::attempts) were made and the last
//! [`retry_after`](crate::ServiceError::retry_after); see
//! [`GraphError::is_throttled`](crate::GraphError::is_throttled). A
//! connection that still fails, or still breaks, is a
//! [`GraphError::Transport`](crate::GraphError::Transport).

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, DATE, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How a client retries throttled (`429`), unavailable (`503`) and timed-out
/// (`504`) answers and failed connections. See the [module
/// documentation](self) for the rules.
///
/// The defaults ([`RetryPolicy::default`]):
///
/// | setting | default |
/// |---|---|
/// | [`max_attempts`](Self::max_attempts) | 4 (the first send and 3 retries, as the Microsoft Graph SDKs) |
/// | [`total_budget`](Self::total_budget) | 180 s (the Graph SDKs' longest total retry delay) |
/// | [`base_backoff`](Self::base_backoff) | 500 ms |
/// | [`max_backoff`](Self::max_backoff) | 30 s |
/// | [`jitter`](Self::jitter) | on |
///
/// The fields are public to read; set them with the methods of the same
/// name, which start from the defaults.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use graph_intune::{GraphClient, RetryPolicy};
///
/// let policy = RetryPolicy::default()
///     .max_attempts(6)
///     .total_budget(Duration::from_secs(300))
///     .base_backoff(Duration::from_secs(1));
/// assert_eq!(policy.max_attempts, 6);
///
/// let client = GraphClient::builder()
///     .bearer_token("eyJ0eXAi…")
///     .retry(policy)
///     .build()?;
/// # let _ = client;
/// # Ok::<(), graph_intune::GraphError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// The most times one request is sent, the first time included; `1`
    /// disables retries (`0` is read as `1`).
    pub max_attempts: u32,
    /// The longest time from the first send after which no retry is
    /// started.
    pub total_budget: Duration,
    /// The backoff before the first retry when the answer has no
    /// `Retry-After`; it doubles for each further retry.
    pub base_backoff: Duration,
    /// The longest backoff computed without a `Retry-After`. It does not cut
    /// a `Retry-After`, which is always honoured in full.
    pub max_backoff: Duration,
    /// Whether backoffs are randomized (between half and all of the
    /// computed value) so that many clients throttled together do not retry
    /// together.
    pub jitter: bool,
}

impl RetryPolicy {
    /// The default [`max_attempts`](Self::max_attempts): 4.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
    /// The default [`total_budget`](Self::total_budget): 180 s.
    pub const DEFAULT_TOTAL_BUDGET: Duration = Duration::from_secs(180);
    /// The default [`base_backoff`](Self::base_backoff): 500 ms.
    pub const DEFAULT_BASE_BACKOFF: Duration = Duration::from_millis(500);
    /// The default [`max_backoff`](Self::max_backoff): 30 s.
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(30);

    /// The default policy (see the table on [`RetryPolicy`]).
    pub const fn new() -> Self {
        RetryPolicy {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            total_budget: Self::DEFAULT_TOTAL_BUDGET,
            base_backoff: Self::DEFAULT_BASE_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
            jitter: true,
        }
    }

    /// A policy that never retries: every request is sent once.
    pub const fn none() -> Self {
        Self::new().max_attempts(1)
    }

    /// Sets [`max_attempts`](Self::max_attempts), the most times one request
    /// is sent (`1`: no retries).
    pub const fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets [`total_budget`](Self::total_budget), the time after the first
    /// send past which no retry starts.
    pub const fn total_budget(mut self, total_budget: Duration) -> Self {
        self.total_budget = total_budget;
        self
    }

    /// Sets [`base_backoff`](Self::base_backoff), the first backoff without
    /// `Retry-After`.
    pub const fn base_backoff(mut self, base_backoff: Duration) -> Self {
        self.base_backoff = base_backoff;
        self
    }

    /// Sets [`max_backoff`](Self::max_backoff), the cap of computed
    /// backoffs.
    pub const fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Turns [`jitter`](Self::jitter) on or off.
    pub const fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// [`max_attempts`](Self::max_attempts), with `0` read as `1`.
    pub(crate) fn attempt_limit(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The backoff before retry number `retry` (1 for the first retry),
    /// for an answer without `Retry-After`.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let full = self
            .base_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        if self.jitter {
            let half = full / 2;
            half + (full - half).mul_f64(fastrand::f64())
        } else {
            full
        }
    }

    /// What to do after attempt number `attempt` failed in a retryable way,
    /// `elapsed` after the first send, with the answer's `Retry-After`.
    pub(crate) fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Result<Duration, GiveUp> {
        if attempt >= self.attempt_limit() {
            return Err(GiveUp::Attempts);
        }
        let delay = retry_after.unwrap_or_else(|| self.backoff(attempt));
        if elapsed.saturating_add(delay) > self.total_budget {
            return Err(GiveUp::Budget);
        }
        Ok(delay)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// Why the client stopped retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// `max_attempts` sends were made.
    Attempts,
    /// The next wait would end past the total budget.
    Budget,
}

impl GiveUp {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            GiveUp::Attempts => "the attempt limit was reached",
            GiveUp::Budget => "the next wait would exceed the time budget",
        }
    }
}

/// How one attempt failed, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No connection could be made: nothing of the request was sent.
    NotSent,
    /// The request was sent, or may have been, and no whole answer came:
    /// the connection broke or the attempt's time-out passed.
    NoAnswer,
    /// The service answered with this status (not a 2xx).
    Status(StatusCode),
}

impl Failure {
    /// The failure of a send that returned `error`; `None` for an error that
    /// no retry can mend (a request that could not even be built).
    pub(crate) fn of_transport(error: &reqwest::Error) -> Option<Failure> {
        if error.is_builder() {
            None
        } else if error.is_connect() {
            Some(Failure::NotSent)
        } else {
            Some(Failure::NoAnswer)
        }
    }

    /// Whether a request that failed so is sent again (if the policy still
    /// allows): the table of the [module documentation](self).
    pub(crate) fn is_retried(self, idempotent: bool) -> bool {
        match self {
            Failure::NotSent => true,
            Failure::NoAnswer => idempotent,
            Failure::Status(StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) => {
                true
            }
            Failure::Status(StatusCode::GATEWAY_TIMEOUT) => idempotent,
            Failure::Status(_) => false,
        }
    }
}

/// Whether sending a request with this method twice leaves the tenant as
/// sending it once (see the [module documentation](self)).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::PATCH
    )
}

/// Whether this status is one of those that mean "try later": `429`,
/// `503`, `504`.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Reads the `Retry-After` header of an answer: delta-seconds, or an
/// HTTP-date taken relative to the answer's `Date` header (else to the
/// local clock). A date in the past gives zero; a missing or unreadable
/// header gives `None`.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Delta-seconds; absurdly large values saturate.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let now = headers
        .get(DATE)
        .and_then(|date| date.to_str().ok())
        .and_then(|date| httpdate::parse_http_date(date).ok())
        .unwrap_or_else(SystemTime::now);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_delta_seconds() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7".into())])),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", " 0 ".into())])),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after(&headers(&[(
                "retry-after",
                "99999999999999999999999".into()
            )])),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "-1".into())])), None);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "1.5".into())])),
            None
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "soon".into())])),
            None
        );
        assert_eq!(retry_after(&headers(&[])), None);
    }

    #[test]
    fn retry_after_http_date_is_read_against_the_date_header() {
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let later = date + Duration::from_secs(42);
        let map = headers(&[
            ("date", httpdate::fmt_http_date(date)),
            ("retry-after", httpdate::fmt_http_date(later)),
        ]);
        assert_eq!(retry_after(&map), Some(Duration::from_secs(42)));

        let past = headers(&[
            ("date", httpdate::fmt_http_date(later)),
            ("retry-after", httpdate::fmt_http_date(date)),
        ]);
        assert_eq!(retry_after(&past), Some(Duration::ZERO));

        // Without a Date header, the local clock is used.
        let soon = SystemTime::now() + Duration::from_secs(30);
        let got = retry_after(&headers(&[("retry-after", httpdate::fmt_http_date(soon))])).unwrap();
        assert!(got <= Duration::from_secs(30) && got >= Duration::from_secs(28));
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let policy = RetryPolicy::new()
            .base_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350))
            .jitter(false);
        let delays: Vec<_> = (1..=5).map(|n| policy.backoff(n)).collect();
        assert_eq!(delays, [100, 200, 350, 350, 350].map(Duration::from_millis));
        assert_eq!(policy.backoff(u32::MAX), Duration::from_millis(350));

        let jittered = policy.jitter(true);
        for retry in 1..=5 {
            let full = policy.backoff(retry);
            for _ in 0..20 {
                let delay = jittered.backoff(retry);
                assert!(delay >= full / 2 && delay <= full, "{delay:?} vs {full:?}");
            }
        }
    }

    /// The table of the module documentation, row by row.
    #[test]
    fn what_is_retried_depends_on_the_failure_and_the_method() {
        let rows = [
            (Failure::NotSent, true, true),
            (Failure::NoAnswer, true, false),
            (Failure::Status(StatusCode::TOO_MANY_REQUESTS), true, true),
            (Failure::Status(StatusCode::SERVICE_UNAVAILABLE), true, true),
            (Failure::Status(StatusCode::GATEWAY_TIMEOUT), true, false),
            (
                Failure::Status(StatusCode::INTERNAL_SERVER_ERROR),
                false,
                false,
            ),
            (Failure::Status(StatusCode::BAD_GATEWAY), false, false),
            (Failure::Status(StatusCode::NOT_FOUND), false, false),
            (Failure::Status(StatusCode::CONFLICT), false, false),
        ];
        for (failure, idempotent, post) in rows {
            assert_eq!(
                failure.is_retried(true),
                idempotent,
                "{failure:?}, idempotent"
            );
            assert_eq!(failure.is_retried(false), post, "{failure:?}, POST");
        }
        let idempotent: Vec<bool> = [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::POST,
            Method::CONNECT,
        ]
        .iter()
        .map(is_idempotent)
        .collect();
        assert_eq!(
            idempotent,
            [true, true, true, true, true, true, false, false]
        );
    }

    #[test]
    fn next_delay_honours_attempts_and_budget() {
        let policy = RetryPolicy::new()
            .max_attempts(3)
            .total_budget(Duration::from_secs(10))
            .jitter(false);
        let second = Duration::from_secs(1);
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, Some(second)),
            Ok(second)
        );
        assert_eq!(
            policy.next_delay(2, Duration::ZERO, Some(second)),
            Ok(second)
        );
        assert_eq!(
            policy.next_delay(3, Duration::ZERO, Some(second)),
            Err(GiveUp::Attempts)
        );
        assert_eq!(
            policy.next_delay(1, Duration::from_secs(9), Some(Duration::from_secs(2))),
            Err(GiveUp::Budget)
        );
        assert_eq!(
            policy.next_delay(1, Duration::ZERO, None),
            Ok(RetryPolicy::DEFAULT_BASE_BACKOFF)
        );
        assert_eq!(
            RetryPolicy::none().next_delay(1, Duration::ZERO, None),
            Err(GiveUp::Attempts)
        );
        assert_eq!(RetryPolicy::new().max_attempts(0).attempt_limit(), 1);
    }
}
