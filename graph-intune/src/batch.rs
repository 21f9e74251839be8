//! JSON batching: many [`Call`]s in few `POST /$batch` requests.
//!
//! Graph takes up to [`MAX_STEPS`] requests in one
//! [`POST /$batch`](https://learn.microsoft.com/graph/json-batching). A
//! [`Batch`] takes any number of calls (every request method of the
//! generated builders returns one), splits them into posts of at most
//! twenty, sends the posts (several at a time), and gives each call's
//! result back, typed, through the [`Step`] handle [`Batch::add`] returned:
//!
//! ```no_run
//! # async fn run(client: graph_intune::GraphClient) -> Result<(), graph_intune::GraphError> {
//! use graph_intune::models::DeviceCompliancePolicyAssignment;
//!
//! let policies = client.device_management().device_compliance_policies();
//! let mut batch = client.batch();
//! let read = batch.add(policies.by_id("policy-1").get());
//! let removed = batch.add(policies.by_id("policy-2").assignments().by_id("a-1").delete());
//! let mut responses = batch.send().await?;
//! let policy = responses.get(read)?; // the policy, as `.await` would give it
//! responses.get(removed)?; // `()`, or this step's error
//! # let _ = policy; Ok(()) }
//! ```
//!
//! # What a batch does
//!
//! * **Steps.** Each call is a step with the id `"1"`, `"2"`, … in the
//!   order added, its method, its URL relative to the API version root
//!   (`/deviceManagement/…`, as Graph requires), and its JSON body with
//!   `Content-Type: application/json` (a body of another media type is
//!   sent base64-encoded, with its `Content-Type`).
//! * **Dependencies.** [`Batch::add_after`] makes a step wait for others
//!   (`dependsOn`): Graph runs it after them, and answers it
//!   `424 Failed Dependency` when one of them failed. Steps linked by
//!   dependencies, directly or through others, form a chain that is always
//!   sent in one post; a chain of more than [`MAX_STEPS`] steps is a
//!   [`GraphError::BatchRefused`] ([`BatchRefusal::ChainTooLong`]) before
//!   anything is sent.
//! * **Posts.** Chains are put, in the order of their first step, in the
//!   first post with room for them (so steps without dependencies fill
//!   posts of twenty in order); up to [`concurrency`](Batch::concurrency)
//!   posts are in flight at once. Each post is a request like any other
//!   (see [what every request does](crate::runtime#what-every-request-does)):
//!   auth, `client-request-id`, the client's time-out and its retries of a
//!   throttled post, in a `graph_request` span inside a `graph_batch_post`
//!   span with the fields `round` and `steps`. A post is retried as its
//!   steps would be: a post that may have reached the service (its
//!   connection broke, its time-out passed, a gateway answered `504`) is
//!   sent again only when none of its steps is a `POST`.
//! * **Throttled steps.** A step answered `429`, `503` or `504` (a `504` only
//!   for steps other than `POST`, which may have taken effect) is sent
//!   again, with the steps answered `424` because they depend on it, in a
//!   later post, after the longest `Retry-After` of the steps throttled in
//!   that round (or the policy's backoff when none gave one), as long as the
//!   [`RetryPolicy`] allows (its attempts count the times a step was sent,
//!   its budget the time since the batch was sent). Only those steps are
//!   sent again.
//! * **Results.** A step answered with another status is final:
//!   [`Responses::get`] returns it as a [`GraphError::Service`] with the
//!   step's status, code, message, request id, its attempts and its id in
//!   [`ServiceError::batch_step`]. A success answer is decoded as the same
//!   call sent alone would be: JSON, or the bytes of a base64 body of
//!   another media type, and `204 No Content` or an empty body where the
//!   call expects none. A post that fails as a whole gives each of its steps
//!   a [`GraphError::BatchPost`] that names the step and shares the post's
//!   error.
//! * **Pacing.** Each step takes its place in the client's
//!   [`Pacing`](crate::Pacing) budgets (a write step in the write budget),
//!   before every attempt of its post, as a request sent alone would.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use futures_util::StreamExt as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tracing::Instrument as _;

use crate::call::{Call, Read};
use crate::client::GraphClient;
use crate::common::APPLICATION_JSON;
use crate::error::{BatchRefusal, DecodeError, GraphError, ServiceError};
use crate::request::RequestOptions;
use crate::retry::{self, Failure, RetryPolicy};
use crate::send::{Answer, Payload};

/// The most requests one `POST /$batch` may carry.
pub const MAX_STEPS: usize = 20;

/// How many posts a batch has in flight at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The source of batch identities, so that a [`Step`] of one batch is
/// never read from, or depended on by, another.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Calls to send in `POST /$batch` requests (see the [module docs](self)).
/// Made by [`GraphClient::batch`]; sent by the client that made it.
#[must_use = "a batch does nothing until it is sent"]
pub struct Batch {
    client: GraphClient,
    id: u64,
    steps: Vec<Entry>,
    concurrency: usize,
    options: RequestOptions,
    /// Why the batch cannot be sent, found while adding steps.
    refusal: Option<BatchRefusal>,
}

/// One step as added.
struct Entry {
    method: Method,
    target: String,
    body: Result<Option<Payload>, GraphError>,
    /// The indexes of the steps it depends on, all lower than its own.
    depends_on: Vec<usize>,
}

/// The id of a step in its batch: `"1"` for the first step added. Get it
/// from [`Step::id`], to make other steps depend on that one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepId {
    batch: u64,
    index: usize,
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&step_id(self.index))
    }
}

/// The id of the step at `index` (in the order added): `"1"` for the first.
fn step_id(index: usize) -> String {
    (index + 1).to_string()
}

/// The handle of a step whose result is a `Result<T, GraphError>`, from
/// [`Batch::add`]; [`Responses::get`] takes it back for the result, once.
#[must_use = "a step's result is only read through its handle"]
pub struct Step<T> {
    id: StepId,
    /// How the step's success answer becomes its result.
    read: Read<T>,
}

impl<T> Step<T> {
    /// The step's id, for [`Batch::add_after`].
    pub fn id(&self) -> StepId {
        self.id
    }
}

impl<T> fmt::Debug for Step<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Step").field("id", &self.id).finish()
    }
}

impl Batch {
    /// An empty batch sent by `client`.
    pub(crate) fn new(client: GraphClient) -> Self {
        Batch {
            client,
            id: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            steps: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            options: RequestOptions::default(),
            refusal: None,
        }
    }

    /// Adds `call` as a step; its result is read with the returned handle.
    /// The call's own time-out and retry policy are not used: the batch's
    /// are.
    pub fn add<T>(&mut self, call: Call<T>) -> Step<T> {
        self.add_after(call, &[])
    }

    /// Adds `call` as a step that Graph runs after the steps `after`
    /// (`dependsOn`), all sent in the same post. A step of another batch in
    /// `after` makes [`send`](Self::send) fail with
    /// [`BatchRefusal::ForeignStep`].
    pub fn add_after<T>(&mut self, call: Call<T>, after: &[StepId]) -> Step<T> {
        let id = StepId {
            batch: self.id,
            index: self.steps.len(),
        };
        let mut depends_on = Vec::with_capacity(after.len());
        for step in after {
            if step.batch == self.id && step.index < id.index {
                depends_on.push(step.index);
            } else if self.refusal.is_none() {
                self.refusal = Some(BatchRefusal::ForeignStep {
                    step: id.to_string(),
                });
            }
        }
        depends_on.sort_unstable();
        depends_on.dedup();
        self.steps.push(Entry {
            method: call.method,
            target: call.target,
            body: call.body,
            depends_on,
        });
        Step {
            id,
            read: call.read,
        }
    }

    /// At most `posts` posts in flight at once (at least one); the default
    /// is [`DEFAULT_CONCURRENCY`].
    pub fn concurrency(mut self, posts: usize) -> Self {
        self.concurrency = posts.max(1);
        self
    }

    /// Retries throttled posts and steps as `policy` says, instead of the
    /// client's [`RetryPolicy`].
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Limits each attempt of each post to `timeout`, instead of the
    /// client's time-out.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// `true` when no step was added.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Sends every step, in as few posts as the chains allow, and returns
    /// their results (see the [module docs](self)).
    ///
    /// Returns an error, having sent nothing, when the batch cannot be sent
    /// as a whole: [`GraphError::BatchRefused`] for a chain of more than
    /// [`MAX_STEPS`] steps or a dependency on another batch's step, and the
    /// error of a call that could not be made ([`GraphError::Serialize`] for
    /// a body that cannot be serialized, [`GraphError::Config`] for an
    /// invalid media type). Every other failure is a step's own result.
    pub async fn send(self) -> Result<Responses, GraphError> {
        let Batch {
            client,
            id,
            steps,
            concurrency,
            options,
            refusal,
        } = self;
        if let Some(reason) = refusal {
            return Err(GraphError::BatchRefused(reason));
        }
        let steps = steps
            .into_iter()
            .map(Prepared::new)
            .collect::<Result<Vec<_>, GraphError>>()?;
        let all: Vec<usize> = (0..steps.len()).collect();
        let first_posts = plan(&steps, &all)?;
        let span = tracing::info_span!("graph_batch", steps = steps.len());
        let run = Run {
            client,
            options,
            steps,
            concurrency,
        };
        let outcomes = run.run(first_posts).instrument(span).await;
        Ok(Responses {
            batch: id,
            outcomes: outcomes.into_iter().map(Some).collect(),
        })
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("steps", &self.steps.len())
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// The results of a sent [`Batch`], one per step, read with the steps'
/// handles.
pub struct Responses {
    batch: u64,
    outcomes: Vec<Option<Result<Answer, GraphError>>>,
}

impl Responses {
    /// The result of `step`: what sending its call alone would have given
    /// (the decoded answer, or the step's error; see the [module
    /// docs](self)). A handle of another batch is a [`GraphError::Config`].
    pub fn get<T>(&mut self, step: Step<T>) -> Result<T, GraphError> {
        let outcome = (step.id.batch == self.batch)
            .then(|| self.outcomes.get_mut(step.id.index))
            .flatten()
            .and_then(Option::take);
        match outcome {
            Some(outcome) => outcome.and_then(step.read),
            None => Err(GraphError::Config(format!(
                "step `{}` is not a step of this batch",
                step.id
            ))),
        }
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// `true` for the results of an empty batch.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }
}

impl fmt::Debug for Responses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Responses")
            .field("steps", &self.outcomes.len())
            .finish_non_exhaustive()
    }
}

/// One step, ready to send.
struct Prepared {
    method: Method,
    target: String,
    /// The body as a step carries it, and its media type.
    body: Option<(String, StepBody)>,
    depends_on: Vec<usize>,
}

impl Prepared {
    /// `entry` as sent in every post that carries it; the error of a call
    /// that could not be made, or of a body a step cannot carry.
    fn new(entry: Entry) -> Result<Self, GraphError> {
        let body = match entry.body? {
            None => None,
            Some(payload) => Some(step_body(payload)?),
        };
        Ok(Prepared {
            method: entry.method,
            target: entry.target,
            body,
            depends_on: entry.depends_on,
        })
    }
}

/// A request body as a step carries it: JSON as it is, any other media type
/// base64-encoded; and its media type.
fn step_body(payload: Payload) -> Result<(String, StepBody), GraphError> {
    let content_type = payload
        .content_type
        .to_str()
        .map_err(|e| GraphError::Config(format!("invalid content type of a batch step: {e}")))?
        .to_owned();
    let body = if is_json(&content_type) {
        let text = String::from_utf8(payload.bytes)
            .map_err(|e| GraphError::Config(format!("a JSON step body is not UTF-8: {e}")))?;
        StepBody::Json(RawValue::from_string(text).map_err(GraphError::Serialize)?)
    } else {
        StepBody::Encoded(base64::engine::general_purpose::STANDARD.encode(&payload.bytes))
    };
    Ok((content_type, body))
}

/// The posts of [`pack`], or the refusal of a chain longer than
/// [`MAX_STEPS`] (the only way a post of `pack` can be longer).
fn plan(steps: &[Prepared], pending: &[usize]) -> Result<Vec<Vec<usize>>, GraphError> {
    let posts = pack(steps, pending);
    match posts.iter().find(|post| post.len() > MAX_STEPS) {
        Some(chain) => Err(GraphError::BatchRefused(BatchRefusal::ChainTooLong {
            step: step_id(chain[0]),
            steps: chain.len(),
        })),
        None => Ok(posts),
    }
}

/// The steps of `pending` (ascending indexes) in posts, each chain of
/// dependent steps (among `pending`) in one post: chains in the order of
/// their first step, each in the first post with room for it of at most
/// [`MAX_STEPS`] (a longer chain is a post of its own). Each post's indexes
/// are ascending.
fn pack(steps: &[Prepared], pending: &[usize]) -> Vec<Vec<usize>> {
    // Union-find over the positions in `pending`.
    let positions: BTreeMap<usize, usize> = pending
        .iter()
        .enumerate()
        .map(|(position, &index)| (index, position))
        .collect();
    let mut parent: Vec<usize> = (0..pending.len()).collect();
    fn root(parent: &mut [usize], mut at: usize) -> usize {
        while parent[at] != at {
            parent[at] = parent[parent[at]];
            at = parent[at];
        }
        at
    }
    for (position, &index) in pending.iter().enumerate() {
        for dependency in &steps[index].depends_on {
            if let Some(&other) = positions.get(dependency) {
                let (a, b) = (root(&mut parent, position), root(&mut parent, other));
                // The lower position is the root: a chain's root is its first step.
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut chains: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (position, &index) in pending.iter().enumerate() {
        let first = root(&mut parent, position);
        chains.entry(first).or_default().push(index);
    }
    let mut posts: Vec<Vec<usize>> = Vec::new();
    for chain in chains.into_values() {
        match posts
            .iter_mut()
            .find(|post| post.len() + chain.len() <= MAX_STEPS)
        {
            Some(post) => post.extend(chain),
            None => posts.push(chain),
        }
    }
    for post in &mut posts {
        post.sort_unstable();
    }
    posts
}

/// A batch being sent.
struct Run {
    client: GraphClient,
    options: RequestOptions,
    steps: Vec<Prepared>,
    concurrency: usize,
}

/// A step's answer in a post, as read from the post's answer.
type StepResult = Result<StepAnswer, GraphError>;

/// What to do with a step after a round.
enum Verdict {
    /// Final.
    Done(Result<Answer, GraphError>),
    /// Sent again in the next round, unless the retry policy stops; then
    /// this error is final.
    Again {
        error: GraphError,
        retry_after: Option<Duration>,
    },
}

impl Run {
    /// Sends the steps in rounds until none is to be sent again; the final
    /// result of each step.
    async fn run(self, first_posts: Vec<Vec<usize>>) -> Vec<Result<Answer, GraphError>> {
        let retry = self.client.sender(&self.options).retry;
        let started = Instant::now();
        let mut outcomes: Vec<Option<Result<Answer, GraphError>>> =
            (0..self.steps.len()).map(|_| None).collect();
        let mut posts = first_posts;
        let mut round: u32 = 1;
        loop {
            let answers = self.send_round(&posts, round).await;
            let mut again: BTreeMap<usize, GraphError> = BTreeMap::new();
            let mut longest: Option<Duration> = None;
            for (index, answer) in answers {
                match self.verdict(index, answer, round, &again) {
                    Verdict::Done(outcome) => outcomes[index] = Some(outcome),
                    Verdict::Again { error, retry_after } => {
                        longest = longest.max(retry_after);
                        again.insert(index, error);
                    }
                }
            }
            if again.is_empty() {
                break;
            }
            match retry.next_delay(round, started.elapsed(), longest) {
                Ok(delay) => {
                    tracing::warn!(steps = again.len(), delay = ?delay, "batch steps throttled; sending them again");
                    tokio::time::sleep(delay).await;
                }
                Err(why) => {
                    tracing::warn!(
                        steps = again.len(),
                        "batch steps throttled; giving up: {}",
                        why.as_str()
                    );
                    for (index, error) in again {
                        outcomes[index] = Some(Err(error));
                    }
                    break;
                }
            }
            let pending: Vec<usize> = again.into_keys().collect();
            // Parts of chains that fitted: every post fits.
            posts = pack(&self.steps, &pending);
            round += 1;
        }
        outcomes
            .into_iter()
            .map(|outcome| {
                outcome.unwrap_or_else(|| {
                    Err(GraphError::Config("a batch step was never sent".to_owned()))
                })
            })
            .collect()
    }

    /// Sends `posts`, up to the concurrency limit at once; each step's
    /// answer, in step order.
    async fn send_round(&self, posts: &[Vec<usize>], round: u32) -> Vec<(usize, StepResult)> {
        let mut answers: Vec<(usize, StepResult)> = futures_util::stream::iter(posts)
            .map(|post| self.send_post(post, round))
            .buffer_unordered(self.concurrency)
            .flat_map(futures_util::stream::iter)
            .collect()
            .await;
        answers.sort_unstable_by_key(|(index, _)| *index);
        answers
    }

    /// Sends one post of the steps `post`; each step's answer.
    async fn send_post(&self, post: &[usize], round: u32) -> Vec<(usize, StepResult)> {
        let span = tracing::info_span!("graph_batch_post", round, steps = post.len());
        let result = self.exchange(post).instrument(span).await;
        match result {
            Ok(mut answers) => post
                .iter()
                .map(|&index| {
                    let answer = answers.remove(&step_id(index)).ok_or_else(|| {
                        GraphError::from(DecodeError::new(
                            StatusCode::OK,
                            "responses",
                            format!(
                                "the `$batch` answer has no answer for step `{}`",
                                step_id(index)
                            ),
                            "",
                        ))
                    });
                    (index, answer.and_then(|answer| answer))
                })
                .collect(),
            Err(error) => {
                let source = Arc::new(error);
                post.iter()
                    .map(|&index| {
                        let error = match &*source {
                            // An answer that did not decode is each step's own.
                            GraphError::Decode(decode) => GraphError::Decode(decode.clone()),
                            _ => GraphError::BatchPost {
                                step: step_id(index),
                                source: Arc::clone(&source),
                            },
                        };
                        (index, Err(error))
                    })
                    .collect()
            }
        }
    }

    /// The `POST /$batch` of the steps `post`, and the answers by step id.
    async fn exchange(&self, post: &[usize]) -> Result<BTreeMap<String, StepResult>, GraphError> {
        let prefer = self
            .client
            .include_unknown_enum_members()
            .then_some("include-unknown-enum-members");
        let requests = post
            .iter()
            .map(|&index| self.step_request(index, post, prefer))
            .collect();
        let body = Payload::json(&BatchRequest { requests })?;
        let methods: Vec<Method> = post.iter().map(|&i| self.steps[i].method.clone()).collect();
        let url = format!("{}/$batch", self.client.base_url());
        let answer = self
            .client
            .sender(&self.options)
            .execute_carrying(
                Method::POST,
                &url,
                Some(body),
                APPLICATION_JSON,
                Some(&methods),
            )
            .await?;
        let envelope: BatchAnswer = crate::send::decode(&answer)?;
        Ok(envelope
            .responses
            .into_iter()
            .map(|step| (step.id.clone(), Ok(step)))
            .collect())
    }

    /// Step `index` as sent in the post of the steps `post`.
    fn step_request<'a>(
        &'a self,
        index: usize,
        post: &[usize],
        prefer: Option<&'static str>,
    ) -> StepRequest<'a> {
        let step = &self.steps[index];
        let mut headers = BTreeMap::new();
        if let Some((content_type, _)) = &step.body {
            headers.insert("Content-Type", content_type.as_str());
        }
        if let Some(prefer) = prefer {
            headers.insert("Prefer", prefer);
        }
        StepRequest {
            id: step_id(index),
            method: step.method.as_str(),
            url: &step.target,
            depends_on: step
                .depends_on
                .iter()
                .filter(|dependency| post.binary_search(dependency).is_ok())
                .map(|&dependency| step_id(dependency))
                .collect(),
            headers,
            body: step.body.as_ref().map(|(_, body)| body),
        }
    }

    /// What becomes of step `index` after its answer in round `round`;
    /// `again` holds the steps of this round to be sent again (all before
    /// this one).
    fn verdict(
        &self,
        index: usize,
        answer: StepResult,
        round: u32,
        again: &BTreeMap<usize, GraphError>,
    ) -> Verdict {
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => return Verdict::Done(Err(error)),
        };
        let id = step_id(index);
        let (status, headers, body) = match answer.read(&id) {
            Ok(parts) => parts,
            Err(error) => return Verdict::Done(Err(error)),
        };
        if status.is_success() {
            return Verdict::Done(Ok(Answer { status, body }));
        }
        let mut error = ServiceError::from_response(status, &headers, &body);
        error.attempts = round;
        error.batch_step = Some(id);
        let step = &self.steps[index];
        let throttled = Failure::Status(status).is_retried(retry::is_idempotent(&step.method));
        let blocked = status == StatusCode::FAILED_DEPENDENCY
            && step.depends_on.iter().any(|d| again.contains_key(d));
        if throttled || blocked {
            let retry_after = error.retry_after.filter(|_| throttled);
            return Verdict::Again {
                error: error.into(),
                retry_after,
            };
        }
        Verdict::Done(Err(error.into()))
    }
}

/// Whether a media type is JSON (`application/json`, `…+json`).
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == APPLICATION_JSON || essence.ends_with("+json")
}

/// The body of `POST /$batch`.
#[derive(Serialize)]
struct BatchRequest<'a> {
    requests: Vec<StepRequest<'a>>,
}

/// One step of a `POST /$batch` body.
#[derive(Serialize)]
struct StepRequest<'a> {
    id: String,
    method: &'a str,
    url: &'a str,
    #[serde(rename = "dependsOn", skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a StepBody>,
}

/// A step's body: JSON as it is, anything else base64-encoded.
#[derive(Serialize)]
#[serde(untagged)]
enum StepBody {
    Json(Box<RawValue>),
    Encoded(String),
}

/// The answer of `POST /$batch`.
#[derive(Deserialize)]
struct BatchAnswer {
    responses: Vec<StepAnswer>,
}

/// One step's answer in a `$batch` answer.
#[derive(Deserialize)]
struct StepAnswer {
    id: String,
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    body: Option<Box<RawValue>>,
}

impl StepAnswer {
    /// The step's status, headers and body bytes (a base64 body of a media
    /// type other than JSON decoded); a [`GraphError::Decode`] when they
    /// cannot be read. `id` is the step's id.
    fn read(self, id: &str) -> Result<(StatusCode, HeaderMap, Vec<u8>), GraphError> {
        let raw = self.body.as_deref().map(RawValue::get).unwrap_or("null");
        let fail = |message: String| -> GraphError {
            DecodeError::new(StatusCode::OK, format!("responses[id={id}]"), message, raw).into()
        };
        let status = StatusCode::from_u16(self.status).map_err(|_| {
            fail(format!(
                "step `{id}` has the invalid status {}",
                self.status
            ))
        })?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let value = match value {
                serde_json::Value::String(text) => HeaderValue::from_str(text).ok(),
                serde_json::Value::Number(number) => {
                    HeaderValue::from_str(&number.to_string()).ok()
                }
                _ => None,
            };
            if let (Ok(name), Some(value)) = (HeaderName::from_bytes(name.as_bytes()), value) {
                headers.insert(name, value);
            }
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok());
        let body = match raw.trim() {
            "null" => Vec::new(),
            text => match (content_type, serde_json::from_str::<String>(text)) {
                // Graph sends bodies of other media types base64-encoded.
                (Some(content_type), Ok(encoded)) if !is_json(content_type) => {
                    base64::engine::general_purpose::STANDARD
                        .decode(encoded.as_bytes())
                        .map_err(|e| {
                            fail(format!(
                                "the `{content_type}` body of step `{id}` is not base64: {e}"
                            ))
                        })?
                }
                _ => text.as_bytes().to_vec(),
            },
        };
        Ok((status, headers, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps with these dependencies (by index).
    fn steps(dependencies: &[&[usize]]) -> Vec<Prepared> {
        dependencies
            .iter()
            .map(|depends_on| Prepared {
                method: Method::DELETE,
                target: "/x".to_owned(),
                body: None,
                depends_on: depends_on.to_vec(),
            })
            .collect()
    }

    fn all(steps: &[Prepared]) -> Vec<usize> {
        (0..steps.len()).collect()
    }

    #[test]
    fn independent_steps_fill_posts_of_twenty_in_order() {
        let steps = steps(&[&[] as &[usize]; 45]);
        let posts = plan(&steps, &all(&steps)).unwrap();
        let expected: Vec<Vec<usize>> =
            vec![(0..20).collect(), (20..40).collect(), (40..45).collect()];
        assert_eq!(posts, expected);
    }

    #[test]
    fn a_chain_goes_whole_into_the_first_post_with_room() {
        // 18 alone, a chain of 3 (18 <- 19 <- 20, and 21 on 18), 5 alone.
        let mut dependencies: Vec<&[usize]> = vec![&[]; 27];
        dependencies[19] = &[18];
        dependencies[20] = &[19];
        dependencies[21] = &[18];
        let steps = steps(&dependencies);
        let posts = plan(&steps, &all(&steps)).unwrap();
        let mut first: Vec<usize> = (0..18).collect();
        first.extend([22, 23]);
        assert_eq!(posts, vec![first, vec![18, 19, 20, 21, 24, 25, 26]]);
    }

    #[test]
    fn steps_joined_through_a_shared_dependency_are_one_chain() {
        // 1 and 2 both depend on 0; 3 depends on 2: one chain of 4.
        let steps = steps(&[&[], &[0], &[0], &[2]]);
        let posts = plan(&steps, &[1, 2, 3]).unwrap();
        assert_eq!(posts, vec![vec![1, 2, 3]]);
    }

    #[test]
    fn a_chain_of_twenty_one_is_refused_naming_its_first_step() {
        // Step 0 alone; steps 1 to 21 each depend on the one before.
        let dependencies: Vec<Vec<usize>> = (0..22)
            .map(|n| if n < 2 { vec![] } else { vec![n - 1] })
            .collect();
        let refs: Vec<&[usize]> = dependencies.iter().map(Vec::as_slice).collect();
        let steps = steps(&refs);
        let error = plan(&steps, &all(&steps)).unwrap_err();
        assert!(
            matches!(
                &error,
                GraphError::BatchRefused(BatchRefusal::ChainTooLong { step, steps })
                    if step == "2" && *steps == 21
            ),
            "{error:?}"
        );
        // Twenty fit.
        assert_eq!(plan(&steps, &all(&steps)[..21]).unwrap().len(), 2);
    }

    fn answer(body: &str, headers: &[(&str, &str)], status: u16) -> StepAnswer {
        StepAnswer {
            id: "7".to_owned(),
            status,
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), serde_json::Value::from(*value)))
                .collect(),
            body: Some(RawValue::from_string(body.to_owned()).unwrap()),
        }
    }

    #[test]
    fn step_bodies_are_json_as_sent_or_base64_of_other_media_types() {
        let (_, _, body) = answer(r#"{"a": 1}"#, &[("Content-Type", "application/json")], 200)
            .read("7")
            .unwrap();
        assert_eq!(body, br#"{"a": 1}"#);
        let (_, _, body) = answer(r#""aGk=""#, &[("content-type", "text/plain")], 200)
            .read("7")
            .unwrap();
        assert_eq!(body, b"hi");
        let (status, _, body) = answer("null", &[], 204).read("7").unwrap();
        assert_eq!((status, body), (StatusCode::NO_CONTENT, Vec::new()));
    }

    #[test]
    fn unreadable_step_answers_are_decode_errors_naming_the_step() {
        let error = answer(r#""not base64!""#, &[("Content-Type", "image/png")], 200)
            .read("7")
            .unwrap_err();
        let decode = error.as_decode().expect("a decode error");
        assert_eq!(decode.path, "responses[id=7]");
        assert!(
            decode
                .message
                .starts_with("the `image/png` body of step `7` is not base64"),
            "{}",
            decode.message
        );
        let error = answer("null", &[], 1000).read("7").unwrap_err();
        assert_eq!(
            error.as_decode().map(|d| d.message.as_str()),
            Some("step `7` has the invalid status 1000")
        );
    }

    #[test]
    fn media_types_are_json_by_their_essence() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in ["text/plain", "image/png", "application/jsonl"] {
            assert!(!is_json(other), "{other}");
        }
    }
}
