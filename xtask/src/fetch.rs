//! `cargo xtask fetch-metadata`: downloads `$metadata`, validates it, and
//! replaces the schema file atomically.
//!
//! The download goes to a temporary file beside the target. It replaces the
//! target only once it has fully arrived (as many bytes as `Content-Length`
//! announced), parses as CSDL and resolves together with the config's
//! overlays, exactly as `cargo xtask codegen` would read it. On any failure
//! the old file stays untouched.

use std::fmt;
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use codegen::{Diagnostic, Errors, Input, Pos};
use graph_intune::{ApiVersion, Cloud};

use crate::{read, ConfigFiles};

/// The name the downloaded document has in diagnostics.
pub const DOWNLOAD_NAME: &str = "$metadata (downloaded)";

/// How many diagnostics an [`FetchError::InvalidCsdl`] message shows.
const SHOWN_ERRORS: usize = 10;

/// Where `$metadata` is downloaded from: the options `fetch-metadata` and
/// `sync` share.
#[derive(Debug, Clone, clap::Args)]
pub struct SourceArgs {
    /// The API version whose `$metadata` is downloaded.
    #[arg(long, value_enum, default_value_t = VersionArg::Beta)]
    pub version: VersionArg,
    /// The national cloud to download from.
    #[arg(long, value_enum, default_value_t = CloudArg::Global)]
    pub cloud: CloudArg,
    /// Download from this URL instead (overrides `--version` and `--cloud`).
    #[arg(long)]
    pub url: Option<String>,
    /// A bearer token sent as `Authorization: Bearer TOKEN` (never printed).
    #[arg(long, env = "GRAPH_TOKEN", hide_env_values = true)]
    pub token: Option<Token>,
}

impl SourceArgs {
    /// The URL to download: `--url`, else the `$metadata` URL of `--version`
    /// on `--cloud`.
    pub fn url(&self) -> String {
        self.url.clone().unwrap_or_else(|| {
            metadata_url(&Cloud::from(self.cloud), &ApiVersion::from(self.version))
        })
    }
}

/// Arguments of `cargo xtask fetch-metadata`.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Where to download from.
    #[command(flatten)]
    pub source: SourceArgs,
    /// The generation config, relative to the workspace root: its schema is
    /// the file replaced, its overlays take part in the check.
    #[arg(long, default_value = "metadata/codegen.toml")]
    pub config: String,
    /// The workspace root (default: the one this xtask belongs to).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Write the download to this file instead of the config's schema.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// A Graph API version, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VersionArg {
    /// `beta`.
    Beta,
    /// `v1.0`.
    #[value(name = "v1.0")]
    V1,
}

impl From<VersionArg> for ApiVersion {
    fn from(v: VersionArg) -> Self {
        match v {
            VersionArg::Beta => ApiVersion::Beta,
            VersionArg::V1 => ApiVersion::V1,
        }
    }
}

/// A national cloud, as given on the command line (the clouds of
/// [`graph_intune::Cloud`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CloudArg {
    /// `https://graph.microsoft.com`.
    Global,
    /// `https://graph.microsoft.us` (GCC High).
    UsGovernment,
    /// `https://dod-graph.microsoft.us` (DoD).
    UsGovernmentDod,
    /// `https://microsoftgraph.chinacloudapi.cn` (21Vianet).
    China,
}

impl From<CloudArg> for Cloud {
    fn from(c: CloudArg) -> Self {
        match c {
            CloudArg::Global => Cloud::Global,
            CloudArg::UsGovernment => Cloud::UsGovernment,
            CloudArg::UsGovernmentDod => Cloud::UsGovernmentDod,
            CloudArg::China => Cloud::China,
        }
    }
}

/// The `$metadata` URL of `version` on `cloud`.
pub fn metadata_url(cloud: &Cloud, version: &ApiVersion) -> String {
    format!("{}/$metadata", cloud.base_url(version))
}

/// A bearer token. Its `Debug` form does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself, for the `Authorization` header.
    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl std::str::FromStr for Token {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Token(s.to_owned()))
    }
}

/// What to download, where to, and what to check it with.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The URL of the `$metadata` document.
    pub url: String,
    /// Sent as `Authorization: Bearer …` when present.
    pub token: Option<Token>,
    /// The workspace root; `config` is relative to it.
    pub root: PathBuf,
    /// The generation config, relative to `root`.
    pub config: String,
    /// The file to write instead of the config's schema (relative to the
    /// current directory).
    pub output: Option<PathBuf>,
    /// How long establishing the connection may take.
    pub connect_timeout: Duration,
    /// How long the server may stay silent while the body is read.
    pub read_timeout: Duration,
    /// Whether the download must resolve together with the config's
    /// overlays (`fetch-metadata`), or only on its own (`sync`, which reports
    /// a conflicting overlay itself, after the download).
    pub with_overlays: bool,
}

impl FetchOptions {
    /// Options for `url` against the workspace at `root` with its default
    /// config, no token, and the default timeouts (connect 30 s, read 120 s).
    pub fn new(url: impl Into<String>, root: impl Into<PathBuf>) -> Self {
        FetchOptions {
            url: url.into(),
            token: None,
            root: root.into(),
            config: "metadata/codegen.toml".to_owned(),
            output: None,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(120),
            with_overlays: true,
        }
    }
}

/// How the download shows its progress on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar with bytes and rate (for a terminal), replaced by one
    /// line when the download ends.
    Bar,
    /// One line when the download starts and one when it ends.
    Lines,
    /// Nothing.
    Quiet,
}

impl Progress {
    /// [`Bar`](Progress::Bar) when stderr is a terminal, else
    /// [`Lines`](Progress::Lines).
    pub fn auto() -> Self {
        if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Lines
        }
    }
}

/// What happened to the target file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The download is byte-identical to the file, which was left alone.
    Unchanged,
    /// The file was replaced by the download.
    Replaced,
    /// There was no file; it was created.
    Created,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Replaced => "replaced",
            Outcome::Created => "created",
        })
    }
}

/// A successful fetch.
#[derive(Debug, Clone)]
pub struct FetchReport {
    /// The file written (or left unchanged).
    pub target: PathBuf,
    /// The target as shown to the user (relative to the root when inside it).
    pub shown: String,
    /// The URL downloaded.
    pub url: String,
    /// The size of the download.
    pub bytes: u64,
    /// How long the download took.
    pub elapsed: Duration,
    /// What happened to the target.
    pub outcome: Outcome,
    /// The generator's warnings about the schema and overlays, formatted.
    pub warnings: Vec<String>,
}

impl fmt::Display for FetchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} bytes from {} ({})",
            self.shown,
            thousands(self.bytes),
            self.url,
            self.outcome
        )
    }
}

/// Why a fetch failed. In every case the target file is untouched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request could not be sent or the response not read.
    #[error("{url}: {message}")]
    Network {
        /// The URL requested.
        url: String,
        /// The error and its causes.
        message: String,
    },
    /// The server answered with a status other than 2xx.
    #[error("{url} answered {status}")]
    Status {
        /// The URL requested.
        url: String,
        /// The status, such as `500 Internal Server Error`.
        status: reqwest::StatusCode,
    },
    /// The connection closed before `Content-Length` bytes arrived.
    #[error("{url}: the connection closed after {received} of {expected} bytes")]
    Truncated {
        /// The URL requested.
        url: String,
        /// Bytes received.
        received: u64,
        /// Bytes announced by `Content-Length`.
        expected: u64,
    },
    /// The body does not parse as CSDL, or does not resolve together with
    /// the overlays.
    #[error("{url}: the download is not valid CSDL ({stage}):\n{}", Shown(.errors))]
    InvalidCsdl {
        /// The URL requested.
        url: String,
        /// Which check failed.
        stage: Stage,
        /// The generator's diagnostics, positioned in [`DOWNLOAD_NAME`] or an
        /// overlay.
        errors: Errors,
    },
    /// Reading or writing a local file failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done, naming the file.
        what: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The generation config or an overlay could not be read.
    #[error("{0}")]
    Config(String),
}

/// The check that a download failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the XML into CSDL.
    Parse,
    /// Resolving names together with the overlays.
    Resolve,
    /// Resolving names of the download alone (no overlays were given).
    ResolveAlone,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Parse => "it does not parse",
            Stage::Resolve => "it does not resolve together with the overlays",
            Stage::ResolveAlone => "it does not resolve",
        })
    }
}

/// The first [`SHOWN_ERRORS`] diagnostics, and how many more there are.
struct Shown<'a>(&'a Errors);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Errors::Input(all) = self.0 else {
            return write!(f, "{}", self.0);
        };
        let shown = Errors::Input(all.iter().take(SHOWN_ERRORS).cloned().collect());
        write!(f, "{shown}")?;
        if all.len() > SHOWN_ERRORS {
            write!(f, "\n… and {} more errors", all.len() - SHOWN_ERRORS)?;
        }
        Ok(())
    }
}

/// Downloads, checks and (when it differs) writes the schema: a blocking
/// wrapper around [`fetch_async`] on a current-thread runtime.
pub fn fetch(options: &FetchOptions, progress: Progress) -> Result<FetchReport, FetchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| FetchError::Io {
            what: "cannot start the async runtime".to_owned(),
            source,
        })?;
    runtime.block_on(fetch_async(options, progress))
}

/// The files involved, resolved from the options.
struct Plan {
    target: PathBuf,
    shown: String,
    overlays: Vec<(String, String)>,
    /// The config's `lenient` key, as `codegen` will read the schema.
    strictness: codegen::Strictness,
}

fn plan(options: &FetchOptions) -> Result<Plan, FetchError> {
    let root = &options.root;
    let files = ConfigFiles::read(root, &options.config).map_err(FetchError::Config)?;
    let overlays = files
        .overlays
        .into_iter()
        .filter(|_| options.with_overlays)
        .map(|name| read(root, &name).map(|text| (name, text)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(FetchError::Config)?;
    let (target, shown) = match &options.output {
        Some(output) => (output.clone(), output.display().to_string()),
        None => (root.join(&files.schema), files.schema),
    };
    Ok(Plan {
        target,
        shown,
        overlays,
        strictness: files.config.strictness(),
    })
}

/// Downloads, checks and (when it differs) writes the schema.
pub async fn fetch_async(
    options: &FetchOptions,
    progress: Progress,
) -> Result<FetchReport, FetchError> {
    let plan = plan(options)?;
    let url = options.url.clone();
    let dir = match plan.target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = plan
        .target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "metadata".to_owned());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".download")
        .tempfile_in(&dir)
        .map_err(|source| FetchError::Io {
            what: format!("cannot create a temporary file in `{}`", dir.display()),
            source,
        })?;

    let started = Instant::now();
    let body = download(options, progress, temp.as_file_mut()).await?;
    let elapsed = started.elapsed();
    let bytes = body.len() as u64;
    if progress != Progress::Quiet {
        let rate = bytes as f64 / elapsed.as_secs_f64().max(1e-9);
        eprintln!(
            "fetch-metadata: received {} bytes in {:.2} s ({}/s)",
            thousands(bytes),
            elapsed.as_secs_f64(),
            indicatif::HumanBytes(rate as u64)
        );
    }

    let warnings = check(&url, &body, &plan.overlays, plan.strictness)?;

    let existing = match fs::read(&plan.target) {
        Ok(existing) => Some(existing),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(FetchError::Io {
                what: format!("cannot read `{}`", plan.target.display()),
                source,
            })
        }
    };
    let outcome = match &existing {
        Some(existing) if *existing == body => Outcome::Unchanged,
        Some(_) => Outcome::Replaced,
        None => Outcome::Created,
    };
    if outcome != Outcome::Unchanged {
        let temp_path = temp.path().display().to_string();
        let io = |what: String| move |source| FetchError::Io { what, source };
        temp.as_file_mut()
            .flush()
            .and_then(|()| temp.as_file().sync_all())
            .map_err(io(format!("cannot write `{temp_path}`")))?;
        let permissions = match fs::metadata(&plan.target) {
            Ok(meta) => Some(meta.permissions()),
            Err(_) => default_permissions(),
        };
        if let Some(permissions) = permissions {
            fs::set_permissions(temp.path(), permissions)
                .map_err(io(format!("cannot set the permissions of `{temp_path}`")))?;
        }
        temp.persist(&plan.target).map_err(|e| FetchError::Io {
            what: format!("cannot replace `{}`", plan.target.display()),
            source: e.error,
        })?;
    }
    Ok(FetchReport {
        target: plan.target,
        shown: plan.shown,
        url,
        bytes,
        elapsed,
        outcome,
        warnings,
    })
}

/// The permissions of a newly created schema file: `rw-r--r--` on Unix.
#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

/// The permissions of a newly created schema file: the temporary file's.
#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

/// Sends the request and streams the body into `file`; returns the body.
async fn download(
    options: &FetchOptions,
    progress: Progress,
    file: &mut fs::File,
) -> Result<Vec<u8>, FetchError> {
    let url = &options.url;
    let network = |e: reqwest::Error| FetchError::Network {
        url: url.clone(),
        message: chain(&e),
    };
    let client = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .read_timeout(options.read_timeout)
        .user_agent(concat!("graph-intune-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(network)?;
    let mut request = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/xml");
    if let Some(token) = &options.token {
        let mut value = reqwest::header::HeaderValue::from_str(&format!(
            "Bearer {}",
            token.expose()
        ))
        .map_err(|_| {
            FetchError::Config(
                "the token contains characters that cannot be sent in an HTTP header".to_owned(),
            )
        })?;
        value.set_sensitive(true);
        request = request.header(reqwest::header::AUTHORIZATION, value);
    }
    if progress != Progress::Quiet {
        eprintln!("fetch-metadata: GET {url}");
    }
    let mut response = request.send().await.map_err(network)?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status {
            url: url.clone(),
            status,
        });
    }
    let expected = response.content_length();
    let bar = match progress {
        Progress::Bar => Some(progress_bar(expected)),
        Progress::Lines | Progress::Quiet => None,
    };
    let mut body = Vec::with_capacity(
        expected
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0)
            .min(64 << 20),
    );
    let truncated = |received: usize| {
        expected
            .filter(|&expected| (received as u64) < expected)
            .map(|expected| FetchError::Truncated {
                url: url.clone(),
                received: received as u64,
                expected,
            })
    };
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                file.write_all(&chunk).map_err(|source| FetchError::Io {
                    what: "cannot write the temporary file".to_owned(),
                    source,
                })?;
                body.extend_from_slice(&chunk);
                if let Some(bar) = &bar {
                    bar.set_position(body.len() as u64);
                }
            }
            Ok(None) => break,
            Err(e) => {
                if let Some(bar) = &bar {
                    bar.finish_and_clear();
                }
                return Err(truncated(body.len()).unwrap_or_else(|| network(e)));
            }
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match truncated(body.len()) {
        Some(e) => Err(e),
        None => Ok(body),
    }
}

fn progress_bar(length: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressStyle};
    let (bar, template) = match length {
        Some(n) => (
            ProgressBar::new(n),
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {bytes} {bytes_per_sec}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// An error and its causes, `: `-separated.
fn chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// Parses the download and resolves it together with the overlays, as
/// `cargo xtask codegen` reads its inputs (with the config's strictness);
/// returns the warnings.
fn check(
    url: &str,
    body: &[u8],
    overlays: &[(String, String)],
    strictness: codegen::Strictness,
) -> Result<Vec<String>, FetchError> {
    let invalid = |stage, errors| FetchError::InvalidCsdl {
        url: url.to_owned(),
        stage,
        errors,
    };
    let text = std::str::from_utf8(body).map_err(|e| {
        let pos = Pos::of_offset(DOWNLOAD_NAME.into(), body, e.valid_up_to());
        invalid(
            Stage::Parse,
            Errors::from(Diagnostic::new(pos, "the download is not UTF-8 text")),
        )
    })?;
    let inputs = std::iter::once(Input {
        name: DOWNLOAD_NAME,
        text,
    })
    .chain(overlays.iter().map(|(name, text)| Input { name, text }));
    let mut documents = Vec::with_capacity(1 + overlays.len());
    for input in inputs {
        let document = codegen::csdl::parse(input.name, input.text)
            .map_err(|d| invalid(Stage::Parse, d.into()))?;
        documents.push(document);
    }
    let stage = if overlays.is_empty() {
        Stage::ResolveAlone
    } else {
        Stage::Resolve
    };
    let (_model, warnings) =
        codegen::model::Model::build_with(&documents, strictness).map_err(|e| invalid(stage, e))?;
    Ok(warnings.iter().map(ToString::to_string).collect())
}

/// `4012345` → `4,012,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl FetchArgs {
    /// The options these arguments describe.
    pub fn options(&self) -> FetchOptions {
        let root = self.root.clone().unwrap_or_else(crate::workspace_root);
        FetchOptions {
            token: self.source.token.clone(),
            config: self.config.clone(),
            output: self.output.clone(),
            ..FetchOptions::new(self.source.url(), root)
        }
    }
}

/// Runs the command.
pub fn main(args: FetchArgs) -> ExitCode {
    match fetch(&args.options(), Progress::auto()) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fetch-metadata: {e}");
            ExitCode::from(2)
        }
    }
}
