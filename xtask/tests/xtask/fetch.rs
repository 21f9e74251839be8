//! `cargo xtask fetch-metadata` against a local HTTP server: real schemas
//! land byte-identical; truncated, failed, non-CSDL and dropped downloads
//! leave the old schema file untouched and say why.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use graph_intune::{ApiVersion, Cloud};
use graph_intune_tests::{copy_dir, corpus_dir, VALID_SCHEMAS};
use xtask::fetch::{
    fetch, metadata_url, FetchError, FetchOptions, Outcome, Progress, Stage, Token, DOWNLOAD_NAME,
};

/// The corpus file that does not resolve (Microsoft's preprocessing test input).
const BROKEN_SCHEMA: &str = "graph-preprocess-test-input.xml";

/// The schema files of the corpus that hold the base type the overlay's
/// `organizationalUnitAssignmentTarget` derives from; the other valid ones
/// are slices without it.
const SCHEMAS_WITH_OVERLAY_BASE: &[&str] = &["graph-beta-2021-06.xml", "graph-v1.0-2026-08.xml"];

// ---------------------------------------------------------------------------
// A tiny HTTP/1.1 server

/// What the server answers to every request.
#[derive(Clone)]
enum Reply {
    /// A complete response.
    Full {
        status: &'static str,
        content_type: &'static str,
        body: Arc<Vec<u8>>,
    },
    /// Announces `declared` bytes, sends `body` (fewer), and closes.
    Drop { declared: usize, body: Arc<Vec<u8>> },
}

impl Reply {
    fn xml(body: Vec<u8>) -> Self {
        Reply::Full {
            status: "200 OK",
            content_type: "application/xml",
            body: Arc::new(body),
        }
    }
}

/// A server on 127.0.0.1 that records the head of every request.
struct Server {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(reply: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&heads);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let reply = reply.clone();
                let recorded = Arc::clone(&recorded);
                thread::spawn(move || answer(stream, &reply, &recorded));
            }
        });
        Server {
            url: format!("http://{addr}/$metadata"),
            heads,
        }
    }

    /// The one request received, lower-cased header names and all.
    fn only_request(&self) -> String {
        let heads = self.heads.lock().unwrap();
        assert_eq!(heads.len(), 1, "expected one request, got {heads:?}");
        heads[0].clone()
    }

    /// Asserts the head of the one request: `GET /$metadata`, XML accepted,
    /// and the bearer token when given (no `Authorization` otherwise).
    fn assert_request(&self, token: Option<&str>) {
        let head = self.only_request();
        let mut lines = head.lines();
        assert_eq!(lines.next(), Some("GET /$metadata HTTP/1.1"), "{head}");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let get = |name: &str| {
            headers
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("accept"), ["application/xml"], "{head}");
        match token {
            Some(token) => assert_eq!(get("authorization"), [format!("Bearer {token}")]),
            None => assert!(get("authorization").is_empty(), "{head}"),
        }
    }
}

fn answer(mut stream: TcpStream, reply: &Reply, heads: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    heads
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&head).into_owned());
    let (status, content_type, declared, body) = match reply {
        Reply::Full {
            status,
            content_type,
            body,
        } => (*status, *content_type, body.len(), body),
        Reply::Drop { declared, body } => ("200 OK", "application/xml", *declared, body),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    // Wait for the client to close, so that the close is orderly.
    while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
}

// ---------------------------------------------------------------------------
// Scratch workspaces

/// A temporary workspace holding a copy of `metadata/` and of
/// graph-intune's manifest.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &xtask::workspace_root().join("metadata"),
            &dir.path().join("metadata"),
        );
        // The manifest whose features block the config's `[features]` writes.
        fs::create_dir_all(dir.path().join("graph-intune")).unwrap();
        fs::copy(
            xtask::workspace_root().join("graph-intune/Cargo.toml"),
            dir.path().join("graph-intune/Cargo.toml"),
        )
        .unwrap();
        Scratch { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn schema(&self) -> PathBuf {
        self.root().join("metadata/graph-beta.xml")
    }

    fn schema_bytes(&self) -> Vec<u8> {
        fs::read(self.schema()).unwrap()
    }

    /// The file names in `metadata/`.
    fn metadata_files(&self) -> BTreeSet<String> {
        fs::read_dir(self.root().join("metadata"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// Adds a config with the same schema and no overlays; returns its path.
    fn config_without_overlays(&self) -> String {
        let name = "metadata/no-overlays.toml";
        fs::write(
            self.root().join(name),
            "schema = \"graph-beta.xml\"\noutput = \"graph-intune/src/generated\"\n",
        )
        .unwrap();
        name.to_owned()
    }

    fn options(&self, url: &str) -> FetchOptions {
        FetchOptions::new(url, self.root())
    }

    /// Runs a fetch that must fail; asserts that the schema file and the
    /// folder are as before, and returns the error.
    fn refused(&self, options: &FetchOptions) -> FetchError {
        let before = self.schema_bytes();
        let files = self.metadata_files();
        let err = fetch(options, Progress::Quiet).expect_err("the fetch must fail");
        assert!(
            self.schema_bytes() == before,
            "the schema file changed after a failed fetch ({err})"
        );
        assert_eq!(
            self.metadata_files(),
            files,
            "a file was left behind in metadata/ ({err})"
        );
        err
    }
}

/// The workspace's own schema file (not a corpus file).
fn own_schema() -> Vec<u8> {
    fs::read(xtask::workspace_root().join("metadata/graph-beta.xml")).unwrap()
}

fn corpus_file(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Real schemas

/// Every valid corpus schema lands byte-identical (checked without overlays,
/// which the slices of national clouds cannot carry); fetching the same
/// document again leaves the file alone.
#[test]
fn corpus_schemas_land_byte_identical() {
    let Some(corpus) = corpus_dir("corpus_schemas_land_byte_identical") else {
        return;
    };
    let scratch = Scratch::new();
    let config = scratch.config_without_overlays();
    let files = scratch.metadata_files();
    for name in VALID_SCHEMAS {
        let served = corpus_file(&corpus, name);
        let server = Server::start(Reply::xml(served.clone()));
        let options = FetchOptions {
            config: config.clone(),
            ..scratch.options(&server.url)
        };
        let report = fetch(&options, Progress::Quiet)
            .unwrap_or_else(|e| panic!("{name}: the fetch failed: {e}"));
        assert_eq!(report.outcome, Outcome::Replaced, "{name}");
        assert_eq!(report.bytes, served.len() as u64, "{name}");
        assert_eq!(report.shown, "metadata/graph-beta.xml");
        assert!(
            scratch.schema_bytes() == served,
            "{name}: the file is not byte-identical to the download"
        );
        assert_eq!(
            scratch.metadata_files(),
            files,
            "{name}: a file was left behind"
        );
        server.assert_request(None);
    }

    // The same document again: unchanged, and not rewritten.
    let last = corpus_file(&corpus, VALID_SCHEMAS[VALID_SCHEMAS.len() - 1]);
    let modified = fs::metadata(scratch.schema()).unwrap().modified().unwrap();
    thread::sleep(Duration::from_millis(20));
    let server = Server::start(Reply::xml(last.clone()));
    let options = FetchOptions {
        config,
        ..scratch.options(&server.url)
    };
    let report = fetch(&options, Progress::Quiet).unwrap();
    assert_eq!(report.outcome, Outcome::Unchanged);
    assert!(scratch.schema_bytes() == last);
    assert_eq!(
        fs::metadata(scratch.schema()).unwrap().modified().unwrap(),
        modified,
        "an unchanged download must not rewrite the file"
    );
}

/// With the real config, the schemas that hold the overlay's base type land
/// byte-identical; the slices without it are refused, naming the overlay's
/// unresolved base type.
#[test]
fn corpus_schemas_with_the_overlay() {
    let Some(corpus) = corpus_dir("corpus_schemas_with_the_overlay") else {
        return;
    };
    let scratch = Scratch::new();
    for name in VALID_SCHEMAS {
        let served = corpus_file(&corpus, name);
        let server = Server::start(Reply::xml(served.clone()));
        let options = scratch.options(&server.url);
        if SCHEMAS_WITH_OVERLAY_BASE.contains(name) {
            let report = fetch(&options, Progress::Quiet)
                .unwrap_or_else(|e| panic!("{name}: the fetch failed: {e}"));
            assert_eq!(report.outcome, Outcome::Replaced, "{name}");
            assert!(
                scratch.schema_bytes() == served,
                "{name}: not byte-identical"
            );
            continue;
        }
        let err = scratch.refused(&options);
        let FetchError::InvalidCsdl { stage, errors, .. } = &err else {
            panic!("{name}: expected InvalidCsdl, got {err:?}");
        };
        assert_eq!(*stage, Stage::Resolve, "{name}");
        // Each overlay type derived from the missing base is named.
        let found: Vec<(&str, &str)> = errors
            .diagnostics()
            .iter()
            .map(|e| (&*e.pos.file, e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "metadata/overlay.xml",
                    "base type of `microsoft.graph.androidFotaDeploymentAssignmentTarget` has unknown type \
                     `graph.deviceAndAppManagementAssignmentTarget`"
                ),
                (
                    "metadata/overlay.xml",
                    "base type of `microsoft.graph.organizationalUnitAssignmentTarget` has unknown type \
                     `graph.deviceAndAppManagementAssignmentTarget`"
                ),
            ],
            "{name}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "{}: the download is not valid CSDL (it does not resolve together with the overlays):\nerror: metadata/overlay.xml:",
                server.url
            )),
            "{message}"
        );
    }
}

/// Microsoft's preprocessing test input does not resolve: refused, with the
/// first errors positioned in the download.
#[test]
fn unresolvable_corpus_file_is_refused() {
    let Some(corpus) = corpus_dir("unresolvable_corpus_file_is_refused") else {
        return;
    };
    let scratch = Scratch::new();
    let server = Server::start(Reply::xml(corpus_file(&corpus, BROKEN_SCHEMA)));
    let err = scratch.refused(&scratch.options(&server.url));
    let FetchError::InvalidCsdl { stage, errors, .. } = &err else {
        panic!("expected InvalidCsdl, got {err:?}");
    };
    assert_eq!(*stage, Stage::Resolve);
    assert!(
        errors.diagnostics().len() > 100,
        "{} errors",
        errors.diagnostics().len()
    );
    // Most errors are in the download; the overlay's base type is missing too.
    assert_eq!(&*errors.diagnostics()[0].pos.file, DOWNLOAD_NAME);
    let in_download = errors
        .diagnostics()
        .iter()
        .filter(|e| &*e.pos.file == DOWNLOAD_NAME)
        .count();
    assert!(in_download > 100, "{in_download} errors in the download");
    assert!(errors
        .diagnostics()
        .iter()
        .all(|e| &*e.pos.file == DOWNLOAD_NAME || &*e.pos.file == "metadata/overlay.xml"));
    let message = err.to_string();
    assert!(
        message.contains("the download is not valid CSDL"),
        "{message}"
    );
    let first = format!("error: {}", errors.diagnostics()[0]);
    assert!(
        first.starts_with(&format!(
            "error: {DOWNLOAD_NAME}:{}:",
            errors.diagnostics()[0].pos.line
        )),
        "{first}"
    );
    assert!(message.contains(&first), "{message}");
    // Only the first errors are shown.
    assert!(
        message.ends_with(&format!(
            "… and {} more errors",
            errors.diagnostics().len() - 10
        )),
        "{message}"
    );
}

/// A truncated copy of a real schema, served with a matching
/// `Content-Length`, does not parse.
#[test]
fn truncated_corpus_file_is_refused() {
    let Some(corpus) = corpus_dir("truncated_corpus_file_is_refused") else {
        return;
    };
    let full = corpus_file(&corpus, "graph-v1.0-2026-08.xml");
    // Cut at a line break near the middle, so the text stays valid UTF-8.
    let half = full.len() / 2;
    let cut = half + full[half..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let truncated = full[..cut].to_vec();
    let scratch = Scratch::new();
    let server = Server::start(Reply::xml(truncated));
    let err = scratch.refused(&scratch.options(&server.url));
    let FetchError::InvalidCsdl { stage, errors, .. } = &err else {
        panic!("expected InvalidCsdl, got {err:?}");
    };
    assert_eq!(*stage, Stage::Parse);
    assert_eq!(&*errors.diagnostics()[0].pos.file, DOWNLOAD_NAME);
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "{}: the download is not valid CSDL (it does not parse):\nerror: {DOWNLOAD_NAME}:",
            server.url
        )),
        "{message}"
    );
}

// ---------------------------------------------------------------------------
// Failures that need no corpus

#[test]
fn server_error_is_refused() {
    let scratch = Scratch::new();
    let server = Server::start(Reply::Full {
        status: "500 Internal Server Error",
        content_type: "text/plain",
        body: Arc::new(b"boom".to_vec()),
    });
    let err = scratch.refused(&scratch.options(&server.url));
    let FetchError::Status { status, .. } = &err else {
        panic!("expected Status, got {err:?}");
    };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(
        err.to_string(),
        format!("{} answered 500 Internal Server Error", server.url)
    );
    server.assert_request(None);
}

#[test]
fn html_page_is_refused() {
    let scratch = Scratch::new();
    let page = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body><p>Please sign in.</p></body></html>\n";
    let server = Server::start(Reply::Full {
        status: "200 OK",
        content_type: "text/html",
        body: Arc::new(page.as_bytes().to_vec()),
    });
    let err = scratch.refused(&scratch.options(&server.url));
    let FetchError::InvalidCsdl { stage, errors, .. } = &err else {
        panic!("expected InvalidCsdl, got {err:?}");
    };
    assert_eq!(*stage, Stage::Parse);
    assert_eq!(&*errors.diagnostics()[0].pos.file, DOWNLOAD_NAME);
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "{}: the download is not valid CSDL (it does not parse):\nerror: {DOWNLOAD_NAME}:2:1: \
             the root element is `html`, expected `edmx:Edmx`",
            server.url
        )),
        "{message}"
    );
}

#[test]
fn dropped_connection_is_refused() {
    let scratch = Scratch::new();
    let full = own_schema();
    let server = Server::start(Reply::Drop {
        declared: full.len(),
        body: Arc::new(full[..1000].to_vec()),
    });
    let err = scratch.refused(&scratch.options(&server.url));
    let FetchError::Truncated {
        received, expected, ..
    } = &err
    else {
        panic!("expected Truncated, got {err:?}");
    };
    assert_eq!((*received, *expected), (1000, full.len() as u64));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the connection closed after 1000 of {} bytes",
            server.url,
            full.len()
        )
    );
}

#[test]
fn nothing_listening_is_a_network_error() {
    let scratch = Scratch::new();
    // A port bound but not listening: it refuses connections, and no other
    // test can take it while `socket` lives.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    socket.bind(&any.into()).unwrap();
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/$metadata");
    let err = scratch.refused(&scratch.options(&url));
    assert!(matches!(err, FetchError::Network { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!("{url}: ")), "{err}");
}

// ---------------------------------------------------------------------------
// Token, URLs

#[test]
fn token_is_sent_as_bearer() {
    let scratch = Scratch::new();
    let server = Server::start(Reply::xml(own_schema()));
    let options = FetchOptions {
        token: Some(Token::new("s3cret-token")),
        ..scratch.options(&server.url)
    };
    assert!(!format!("{options:?}").contains("s3cret"));
    let report = fetch(&options, Progress::Quiet).unwrap();
    assert_eq!(report.outcome, Outcome::Unchanged);
    server.assert_request(Some("s3cret-token"));
}

#[test]
fn cloud_urls() {
    assert_eq!(
        metadata_url(&Cloud::Global, &ApiVersion::Beta),
        "https://graph.microsoft.com/beta/$metadata"
    );
    assert_eq!(
        metadata_url(&Cloud::UsGovernmentDod, &ApiVersion::V1),
        "https://dod-graph.microsoft.us/v1.0/$metadata"
    );
}

// ---------------------------------------------------------------------------
// The binary

fn run(root: &Path, url: &str, token_env: Option<&str>) -> (Option<i32>, String, String) {
    run_with(root, url, token_env, &[])
}

fn run_with(
    root: &Path,
    url: &str,
    token_env: Option<&str>,
    extra: &[&str],
) -> (Option<i32>, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(["fetch-metadata", "--root"])
        .arg(root)
        .args(["--url", url])
        .args(extra)
        .env_remove("GRAPH_TOKEN");
    if let Some(token) = token_env {
        command.env("GRAPH_TOKEN", token);
    }
    let out = command.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn binary_replaces_then_leaves_unchanged() {
    let scratch = Scratch::new();
    let mut served = own_schema();
    served.extend_from_slice(b"<!-- refreshed -->\n");
    assert_eq!(xtask::fetch::thousands(4_181_117), "4,181,117");
    let size = xtask::fetch::thousands(served.len() as u64);

    let server = Server::start(Reply::xml(served.clone()));
    let (code, stdout, stderr) = run(scratch.root(), &server.url, None);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "metadata/graph-beta.xml: {size} bytes from {} (replaced)\n",
            server.url
        )
    );
    // stderr is not a terminal here: plain lines, no progress bar.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert_eq!(lines[0], format!("fetch-metadata: GET {}", server.url));
    assert!(
        lines[1].starts_with(&format!("fetch-metadata: received {size} bytes in ")),
        "{stderr}"
    );
    assert!(lines[1].ends_with("/s)"), "{stderr}");
    assert!(scratch.schema_bytes() == served);
    server.assert_request(None);

    let server = Server::start(Reply::xml(served.clone()));
    let (code, stdout, stderr) = run(scratch.root(), &server.url, None);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "metadata/graph-beta.xml: {size} bytes from {} (unchanged)\n",
            server.url
        )
    );
}

#[test]
fn binary_reports_failures_with_status_2() {
    let scratch = Scratch::new();
    let before = scratch.schema_bytes();
    let server = Server::start(Reply::Full {
        status: "500 Internal Server Error",
        content_type: "text/plain",
        body: Arc::new(b"boom".to_vec()),
    });
    let (code, stdout, stderr) = run(scratch.root(), &server.url, Some("env-s3cret"));
    assert_eq!(code, Some(2));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr.lines().last(),
        Some(
            format!(
                "fetch-metadata: {} answered 500 Internal Server Error",
                server.url
            )
            .as_str()
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("env-s3cret"));
    assert!(scratch.schema_bytes() == before);

    let server = Server::start(Reply::Full {
        status: "200 OK",
        content_type: "text/html",
        body: Arc::new(b"<html><body>not here</body></html>".to_vec()),
    });
    let (code, _, stderr) = run(scratch.root(), &server.url, None);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(&format!(
            "fetch-metadata: {}: the download is not valid CSDL (it does not parse):\nerror: {DOWNLOAD_NAME}:1:1: \
             the root element is `html`",
            server.url
        )),
        "{stderr}"
    );
    assert!(scratch.schema_bytes() == before);
}

#[test]
fn binary_sends_graph_token_from_env() {
    let scratch = Scratch::new();
    let server = Server::start(Reply::xml(own_schema()));
    let (code, stdout, stderr) = run(scratch.root(), &server.url, Some("env-s3cret"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.ends_with("(unchanged)\n"), "{stdout}");
    assert!(!stdout.contains("env-s3cret") && !stderr.contains("env-s3cret"));
    server.assert_request(Some("env-s3cret"));
}

#[test]
fn binary_sends_token_option() {
    let scratch = Scratch::new();
    let server = Server::start(Reply::xml(own_schema()));
    let (code, stdout, stderr) = run_with(
        scratch.root(),
        &server.url,
        Some("env-token"),
        &["--token", "opt-s3cret"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stdout.contains("opt-s3cret") && !stderr.contains("opt-s3cret"));
    // The option wins over the environment.
    server.assert_request(Some("opt-s3cret"));
}

// ---------------------------------------------------------------------------
// `cargo xtask sync`: fetch, diff, regenerate, test, report

mod sync {
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::Path;
    use std::process::Command;
    use std::sync::Arc;

    use xtask::sync::{
        github_output, render, sync, to_json, Status, SyncOptions, SyncReport, TestOutcome,
        TestRunner,
    };

    use super::{corpus_file, own_schema, Progress, Reply, Scratch, Server};

    /// The generated folder of the workspace, relative to the root.
    const GENERATED: &str = "graph-intune/src/generated";

    /// A test runner that passes or fails without running anything, and
    /// records the schema file as it was when it ran.
    struct FakeTests {
        pass: bool,
        schemas_seen: Vec<Vec<u8>>,
    }

    impl FakeTests {
        fn passing() -> Self {
            FakeTests {
                pass: true,
                schemas_seen: Vec::new(),
            }
        }

        fn failing() -> Self {
            FakeTests {
                pass: false,
                schemas_seen: Vec::new(),
            }
        }
    }

    impl TestRunner for FakeTests {
        fn command(&self) -> String {
            "cargo test --workspace".to_owned()
        }

        fn run(&mut self, root: &Path) -> TestOutcome {
            self.schemas_seen
                .push(fs::read(root.join("metadata/graph-beta.xml")).unwrap());
            if self.pass {
                TestOutcome::Passed
            } else {
                TestOutcome::Failed {
                    status: "exit status: 101".to_owned(),
                    output: "test seed::round_trip ... FAILED\n\
                             test result: FAILED. 11 passed; 1 failed; 0 ignored"
                        .to_owned(),
                }
            }
        }
    }

    impl Scratch {
        /// A scratch workspace with `metadata/` and the generated code.
        fn with_generated() -> Scratch {
            let scratch = Scratch::new();
            graph_intune_tests::copy_dir(
                &xtask::workspace_root().join(GENERATED),
                &scratch.root().join(GENERATED),
            );
            scratch
        }

        /// Every file of the generated folder, with its bytes.
        fn generated(&self) -> BTreeMap<String, Vec<u8>> {
            fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
                for entry in fs::read_dir(dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        walk(&path, base, out);
                    } else {
                        let relative = path.strip_prefix(base).unwrap();
                        out.insert(relative.display().to_string(), fs::read(&path).unwrap());
                    }
                }
            }
            let mut out = BTreeMap::new();
            let dir = self.root().join(GENERATED);
            walk(&dir, &dir, &mut out);
            out
        }

        fn sync_options(&self, url: &str) -> SyncOptions {
            SyncOptions {
                fetch: self.options(url),
                progress: Progress::Quiet,
            }
        }

        /// Serves `body` and syncs against it.
        fn sync(&self, body: Vec<u8>, tests: &mut FakeTests) -> (SyncReport, Server) {
            let server = Server::start(Reply::xml(body));
            let report = sync(&self.sync_options(&server.url), tests).unwrap();
            server.assert_request(None);
            (report, server)
        }
    }

    /// The workspace's schema with each `(from, to)` replaced once.
    fn edited(edits: &[(&str, &str)]) -> Vec<u8> {
        let mut text = String::from_utf8(own_schema()).unwrap();
        for (from, to) in edits {
            assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
            text = text.replacen(from, to, 1);
        }
        text.into_bytes()
    }

    /// The workspace's schema with `types` added at the end of the
    /// `microsoft.graph` namespace; returns it and the line they start at.
    fn with_types(types: &str) -> (Vec<u8>, usize) {
        let text = String::from_utf8(own_schema()).unwrap();
        let at = text.find("    </Schema>").unwrap();
        let line = text[..at].lines().count() + 1;
        (
            format!("{}{types}{}", &text[..at], &text[at..]).into_bytes(),
            line,
        )
    }

    /// The size of the download, as the report shows it.
    fn size(report: &SyncReport) -> String {
        xtask::fetch::thousands(report.bytes.unwrap())
    }

    #[test]
    fn no_change() {
        let scratch = Scratch::with_generated();
        let generated = scratch.generated();
        let mut tests = FakeTests::passing();
        let served = own_schema();
        let (report, server) = scratch.sync(served.clone(), &mut tests);
        assert_eq!(report.status, Status::NoChange);
        assert_eq!(report.exit_code(), 0);
        assert!(tests.schemas_seen.is_empty(), "no tests without a change");
        assert_eq!(
            render(&report),
            format!(
                "## Schema sync: no change\n\n\
                 The download from {} ({} bytes) is identical to `metadata/graph-beta.xml`: nothing changed.\n",
                server.url,
                xtask::fetch::thousands(served.len() as u64)
            )
        );
        assert!(scratch.schema_bytes() == served);
        assert!(scratch.generated() == generated);
    }

    /// A compatible change: a property and an enum member added.
    #[test]
    fn compatible_changes() {
        let scratch = Scratch::with_generated();
        let generated = scratch.generated();
        let served = edited(&[
            (
                r#"      <EntityType Name="deviceCompliancePolicyAssignment" BaseType="graph.entity">"#,
                r#"      <EntityType Name="deviceCompliancePolicyAssignment" BaseType="graph.entity">
        <Property Name="createdDateTime" Type="Edm.DateTimeOffset" />"#,
            ),
            (
                r#"        <Member Name="exclude" Value="2" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
                r#"        <Member Name="exclude" Value="2" />
        <Member Name="unknownFutureValue" Value="3" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
            ),
        ]);
        let mut tests = FakeTests::passing();
        let (report, server) = scratch.sync(served.clone(), &mut tests);
        assert_eq!(report.status, Status::Changed);
        assert_eq!(report.exit_code(), 1);
        assert!(
            tests.schemas_seen == [served.clone()],
            "the tests ran once, on the new schema"
        );
        assert!(scratch.schema_bytes() == served);
        assert!(scratch.generated() != generated);
        assert_eq!(
            render(&report),
            format!(
                r#"## Schema sync: 2 compatible changes

The download from {url} ({size} bytes) replaced `metadata/graph-beta.xml`; the changes below are limited to what `metadata/codegen.toml` selects. Regenerated `graph-intune/src/generated`: `models/mod.rs` written.

### Compatible changes

- `microsoft.graph.deviceAndAppManagementAssignmentFilterType`
  - `unknownFutureValue`: enum member added: value 3
- `microsoft.graph.deviceCompliancePolicyAssignment`
  - `createdDateTime`: property added: `Edm.DateTimeOffset`, nullable

### Overlay

- Still needed (not in the schema): `microsoft.graph.organizationalUnitAssignmentOverride`, `microsoft.graph.androidFotaDeploymentAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentConflictSetting`, `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting`.

### Tests

`cargo test --workspace` passed.
"#,
                url = server.url,
                size = size(&report)
            )
        );
    }

    /// Breaking changes: a property type, a nullability, an enum member
    /// removed, and a type that gains its first derived type.
    #[test]
    fn breaking_changes() {
        let scratch = Scratch::with_generated();
        let served = edited(&[
            (
                r#"      <ComplexType Name="groupAssignmentTarget" BaseType="graph.deviceAndAppManagementAssignmentTarget">
        <Property Name="groupId" Type="Edm.String" />"#,
                r#"      <ComplexType Name="groupAssignmentTarget" BaseType="graph.deviceAndAppManagementAssignmentTarget">
        <Property Name="groupId" Type="Edm.Guid" />"#,
            ),
            (
                r#"      <EntityType Name="deviceCompliancePolicyAssignment" BaseType="graph.entity">
        <Property Name="source" Type="graph.deviceAndAppManagementAssignmentSource" Nullable="false" />
        <Property Name="sourceId" Type="Edm.String" />"#,
                r#"      <EntityType Name="deviceCompliancePolicyAssignment" BaseType="graph.entity">
        <Property Name="source" Type="graph.deviceAndAppManagementAssignmentSource" Nullable="false" />
        <Property Name="sourceId" Type="Edm.String" Nullable="false" />"#,
            ),
            (
                r#"        <Member Name="include" Value="1" />
        <Member Name="exclude" Value="2" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
                r#"        <Member Name="include" Value="1" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
            ),
            (
                r#"      <EntityType Name="deviceCompliancePolicyGroupAssignment" BaseType="graph.entity">"#,
                r#"      <EntityType Name="deviceComplianceEmailActionItem" BaseType="graph.deviceComplianceActionItem">
        <Property Name="recipients" Type="Collection(Edm.String)" />
      </EntityType>
      <EntityType Name="deviceCompliancePolicyGroupAssignment" BaseType="graph.entity">"#,
            ),
        ]);
        let mut tests = FakeTests::passing();
        let (report, server) = scratch.sync(served.clone(), &mut tests);
        assert_eq!(report.status, Status::Changed);
        assert_eq!(report.exit_code(), 1);
        assert_eq!(
            render(&report),
            format!(
                r#"## Schema sync: 4 breaking changes

The download from {url} ({size} bytes) replaced `metadata/graph-beta.xml`; the changes below are limited to what `metadata/codegen.toml` selects. Regenerated `graph-intune/src/generated`: `models/mod.rs`, `requests.rs` written.

### Breaking changes

Code written against the current bindings may stop compiling; what to change in it:

- `microsoft.graph.deviceAndAppManagementAssignmentFilterType/exclude`: enum member removed: value 2
  - variant `DeviceAndAppManagementAssignmentFilterType::Exclude` is removed: remove the match arms and values that name it
- `microsoft.graph.deviceComplianceActionItem`: polymorphism changed: `microsoft.graph.deviceComplianceActionItem` gains its first derived type `microsoft.graph.deviceComplianceEmailActionItem`: fields, parameters and return values of type `DeviceComplianceActionItem` become `DeviceComplianceActionItemKind`
  - `DeviceComplianceScheduledActionForRule::scheduled_action_configurations`: `DeviceComplianceActionItem` is now `DeviceComplianceActionItemKind`
- `microsoft.graph.deviceCompliancePolicyAssignment/sourceId`: property nullability changed: nullable → not nullable
  - field `DeviceCompliancePolicyAssignment::source_id` is now `Option<…>` instead of `Nullable<…>`: update the code that reads it (`Nullable::Null` and `Nullable::Value(x)` correspond to `None` and `Some(x)`)
- `microsoft.graph.groupAssignmentTarget/groupId`: property type changed: `Edm.String` → `Edm.Guid`
  - field `GroupAssignmentTarget::group_id` changes type (`Edm.String` → `Edm.Guid`): update the code that reads it or sets it with `with_group_id`

### Compatible changes

- `microsoft.graph.deviceComplianceEmailActionItem`
  - type added: entity type, base `microsoft.graph.deviceComplianceActionItem`

### Overlay

- Still needed (not in the schema): `microsoft.graph.organizationalUnitAssignmentOverride`, `microsoft.graph.androidFotaDeploymentAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentConflictSetting`, `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting`.

### Tests

`cargo test --workspace` passed.
"#,
                url = server.url,
                size = size(&report)
            )
        );
    }

    /// The schema now defines an overlay type identically: the report says
    /// the overlay entry can be deleted.
    #[test]
    fn overlay_entry_now_redundant() {
        let scratch = Scratch::with_generated();
        let (served, line) = with_types(
            r#"      <EnumType Name="organizationalUnitAssignmentOverride">
        <Member Name="allowed" Value="0" />
        <Member Name="denied" Value="1" />
        <Member Name="unknown" Value="2" />
        <Member Name="unknownFutureValue" Value="3" />
      </EnumType>
"#,
        );
        let mut tests = FakeTests::passing();
        let (report, server) = scratch.sync(served.clone(), &mut tests);
        assert_eq!(report.status, Status::Changed);
        assert_eq!(
            render(&report),
            format!(
                r#"## Schema sync: no change

The download from {url} ({size} bytes) replaced `metadata/graph-beta.xml`; nothing that `metadata/codegen.toml` selects changed. The generated code in `graph-intune/src/generated` is unchanged.

### Overlay

- `microsoft.graph.organizationalUnitAssignmentOverride` (metadata/overlay.xml:12:7): the schema now defines it identically (metadata/graph-beta.xml:{line}:7): **delete this overlay entry**.
- Still needed (not in the schema): `microsoft.graph.androidFotaDeploymentAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentConflictSetting`, `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting`.

### Tests

`cargo test --workspace` passed.
"#,
                url = server.url,
                size = size(&report),
                line = line
            )
        );
    }

    /// The schema defines an overlay type differently: generation fails,
    /// and the working tree is as before.
    #[test]
    fn overlay_conflict_fails_and_restores() {
        let scratch = Scratch::with_generated();
        let before = (scratch.schema_bytes(), scratch.generated());
        // The enum as in the overlay, the conflict setting with
        // `versionNumber` nullable (the overlay has `Nullable="false"`).
        let (served, line) = with_types(
            r#"      <EnumType Name="organizationalUnitAssignmentOverride">
        <Member Name="allowed" Value="0" />
        <Member Name="denied" Value="1" />
        <Member Name="unknown" Value="2" />
        <Member Name="unknownFutureValue" Value="3" />
      </EnumType>
      <ComplexType Name="organizationalUnitAssignmentConflictSetting">
        <Property Name="assignmentOverride" Type="graph.organizationalUnitAssignmentOverride" Nullable="false" />
        <Property Name="versionNumber" Type="Edm.Int32" />
      </ComplexType>
"#,
        );
        let mut tests = FakeTests::passing();
        let (report, server) = scratch.sync(served, &mut tests);
        assert_eq!(report.status, Status::Failed);
        assert_eq!(report.exit_code(), 2);
        assert!(tests.schemas_seen.is_empty());
        assert!((scratch.schema_bytes(), scratch.generated()) == before);
        assert_eq!(
            render(&report),
            format!(
                r#"## Schema sync: no change; generation failed

The download from {url} ({size} bytes) differs from `metadata/graph-beta.xml`, but generating the code failed. **Nothing was changed**: `metadata/graph-beta.xml` and `graph-intune/src/generated` are as they were.

### Overlay

- `microsoft.graph.organizationalUnitAssignmentOverride` (metadata/overlay.xml:12:7): the schema now defines it identically (metadata/graph-beta.xml:{line}:7): **delete this overlay entry**.
- **Error:** `microsoft.graph.organizationalUnitAssignmentConflictSetting` (metadata/overlay.xml:25:7) differs from the schema's definition (metadata/graph-beta.xml:{setting}:7): remove it from the overlay or make them identical.
- Still needed (not in the schema): `microsoft.graph.androidFotaDeploymentAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting`.

### Generation

```text
error: metadata/overlay.xml:25:7: overlay type `microsoft.graph.organizationalUnitAssignmentConflictSetting` differs from the definition at metadata/graph-beta.xml:{setting}:7: remove it from the overlay or make them identical
```
"#,
                url = server.url,
                size = size(&report),
                line = line,
                setting = line + 6
            )
        );
    }

    /// The regenerated code fails its tests: exit status 2, and the schema
    /// file and the generated folder are byte-identical to before.
    #[test]
    fn failing_tests_restore_the_working_tree() {
        let scratch = Scratch::with_generated();
        // A stray file in the generated folder stays; one the generator
        // would add does not.
        fs::write(scratch.root().join(GENERATED).join("notes.txt"), "kept\n").unwrap();
        let before = (
            scratch.schema_bytes(),
            scratch.generated(),
            scratch.metadata_files(),
        );
        let served = edited(&[(
            r#"        <Member Name="exclude" Value="2" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
            r#"        <Member Name="exclude" Value="2" />
        <Member Name="unknownFutureValue" Value="3" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
        )]);
        let mut tests = FakeTests::failing();
        let (report, server) = scratch.sync(served.clone(), &mut tests);
        assert_eq!(
            tests.schemas_seen,
            [served],
            "the tests ran on the new schema"
        );
        assert_eq!(report.status, Status::Failed);
        assert_eq!(report.exit_code(), 2);
        assert!(
            (
                scratch.schema_bytes(),
                scratch.generated(),
                scratch.metadata_files()
            ) == before,
            "the working tree was not restored"
        );
        assert_eq!(
            render(&report),
            format!(
                r#"## Schema sync: 1 compatible change; the regenerated code fails its tests

The download from {url} ({size} bytes) differs from `metadata/graph-beta.xml`, but the regenerated code fails its tests (`cargo test --workspace`). **Nothing was changed**: `metadata/graph-beta.xml` and `graph-intune/src/generated` are as they were.

### Compatible changes

- `microsoft.graph.deviceAndAppManagementAssignmentFilterType`
  - `unknownFutureValue`: enum member added: value 3

### Overlay

- Still needed (not in the schema): `microsoft.graph.organizationalUnitAssignmentOverride`, `microsoft.graph.androidFotaDeploymentAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentTarget`, `microsoft.graph.organizationalUnitAssignmentConflictSetting`, `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting`.

### Tests

`cargo test --workspace` failed (exit status: 101).
The last lines of its output:

```text
test seed::round_trip ... FAILED
test result: FAILED. 11 passed; 1 failed; 0 ignored
```
"#,
                url = server.url,
                size = size(&report)
            )
        );
    }

    /// A download that fails: exit status 3, nothing touched, no tests.
    #[test]
    fn failed_download() {
        let scratch = Scratch::with_generated();
        let before = (
            scratch.schema_bytes(),
            scratch.generated(),
            scratch.metadata_files(),
        );
        let server = Server::start(Reply::Full {
            status: "503 Service Unavailable",
            content_type: "text/plain",
            body: Arc::new(b"try later".to_vec()),
        });
        let mut tests = FakeTests::passing();
        let report = sync(&scratch.sync_options(&server.url), &mut tests).unwrap();
        assert_eq!(report.status, Status::FetchFailed);
        assert_eq!(report.exit_code(), 3);
        assert!(tests.schemas_seen.is_empty());
        assert!(
            (
                scratch.schema_bytes(),
                scratch.generated(),
                scratch.metadata_files()
            ) == before
        );
        assert_eq!(
            render(&report),
            format!(
                r#"## Schema sync: could not fetch the schema

Could not fetch the schema from {url}: `metadata/graph-beta.xml` and `graph-intune/src/generated` are untouched.

### Download

```text
{url} answered 503 Service Unavailable
```
"#,
                url = server.url
            )
        );
    }

    /// The real beta schemas of 2021-06 and 2021-07: the committed schema
    /// is the June one, the server has the July one.
    #[test]
    fn corpus_2021_06_to_2021_07() {
        let Some(corpus) = graph_intune_tests::corpus_dir("sync_corpus_2021_06_to_2021_07") else {
            return;
        };
        let scratch = Scratch::with_generated();
        fs::write(
            scratch.schema(),
            corpus_file(&corpus, "graph-beta-2021-06.xml"),
        )
        .unwrap();
        let july = corpus_file(&corpus, "graph-beta-2021-07-raw.xml");
        let mut tests = FakeTests::passing();
        let (report, server) = scratch.sync(july.clone(), &mut tests);
        assert_eq!(report.status, Status::Changed);
        assert!(scratch.schema_bytes() == july);
        let text = render(&report);
        // The whole Intune surface is compared: the cleaned June file marks
        // 32 navigation properties contained that the raw July file does
        // not (a request builder fewer each), and July adds
        // `deviceManagement/remoteAssistanceSettings` and a few members.
        assert!(
            text.starts_with("## Schema sync: 32 breaking changes\n"),
            "{text}"
        );
        assert_eq!(
            text.matches(": navigation property changed: ").count(),
            32,
            "{text}"
        );
        let intro = format!(
            "The download from {} ({} bytes) replaced `metadata/graph-beta.xml`; the changes below are limited to what `metadata/codegen.toml` selects. The generated code in `graph-intune/src/generated` is unchanged.\n",
            server.url,
            size(&report)
        );
        for expected in [
            intro.as_str(),
            "- `microsoft.graph.windowsUniversalAppX/committedContainedApps`: navigation property changed: `Collection(microsoft.graph.mobileContainedApp)`, contained, nullable → `Collection(microsoft.graph.mobileContainedApp)`, nullable\n",
            "- `microsoft.graph.deviceManagement`\n  - `remoteAssistanceSettings`: navigation property added: `microsoft.graph.remoteAssistanceSettings`, contained, nullable\n",
            "- `microsoft.graph.remoteAssistanceSettings`\n  - type added: entity type, base `microsoft.graph.entity`\n",
            "### Tests\n\n`cargo test --workspace` passed.\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in {text}");
        }
    }

    /// The JSON report and the workflow outputs of a breaking change.
    #[test]
    fn json_and_workflow_outputs() {
        let scratch = Scratch::with_generated();
        let served = edited(&[(
            r#"        <Member Name="include" Value="1" />
        <Member Name="exclude" Value="2" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
            r#"        <Member Name="include" Value="1" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
        )]);
        let (report, server) = scratch.sync(served.clone(), &mut FakeTests::passing());
        let json: serde_json::Value = serde_json::from_str(&to_json(&report)).unwrap();
        assert_eq!(
            json["changes"],
            serde_json::json!([{
                "subject": "microsoft.graph.deviceAndAppManagementAssignmentFilterType/exclude",
                "kind": "enum_member_removed",
                "impact": "breaking",
                "detail": "value 2",
                "action": "variant `DeviceAndAppManagementAssignmentFilterType::Exclude` is removed: remove the match arms and values that name it",
            }])
        );
        let head: Vec<(&str, serde_json::Value)> = [
            "verdict",
            "title",
            "exit_code",
            "breaking",
            "compatible",
            "status",
            "url",
            "schema",
            "config",
            "output",
            "bytes",
            "generation",
            "tests",
        ]
        .into_iter()
        .map(|key| (key, json[key].clone()))
        .collect();
        assert_eq!(
            head,
            [
                ("verdict", "1 breaking change".into()),
                ("title", "Schema sync: 1 breaking change".into()),
                ("exit_code", 1.into()),
                ("breaking", 1.into()),
                ("compatible", 0.into()),
                ("status", "changed".into()),
                ("url", server.url.as_str().into()),
                ("schema", "metadata/graph-beta.xml".into()),
                ("config", "metadata/codegen.toml".into()),
                ("output", "graph-intune/src/generated".into()),
                ("bytes", served.len().into()),
                (
                    "generation",
                    serde_json::json!({"status": "done", "written": ["models/mod.rs"], "removed": []})
                ),
                (
                    "tests",
                    serde_json::json!({"status": "passed", "command": "cargo test --workspace"})
                ),
            ]
        );
        assert_eq!(json["overlay"].as_array().map(Vec::len), Some(5));
        assert_eq!(
            json["overlay"][0],
            serde_json::json!({
                "type": "microsoft.graph.organizationalUnitAssignmentOverride",
                "at": "metadata/overlay.xml:12:7",
                "status": "needed",
            })
        );
        assert_eq!(
            github_output(&report),
            "status=changed\nverdict=1 breaking change\ntitle=Schema sync: 1 breaking change\n\
             breaking=true\nlabels=schema-sync,breaking\n"
        );
    }

    /// Runs `cargo xtask sync` on a scratch workspace, with `GITHUB_OUTPUT`
    /// and `GITHUB_STEP_SUMMARY` set to files of the scratch folder (and
    /// never to the ones of a workflow this test may run in).
    fn run(scratch: &Scratch, url: &str, extra: &[&str]) -> (Option<i32>, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["sync", "--root"])
            .arg(scratch.root())
            .args(["--url", url])
            .args(extra)
            .env_remove("GRAPH_TOKEN")
            .env("GITHUB_OUTPUT", scratch.root().join("github-output"))
            .env("GITHUB_STEP_SUMMARY", scratch.root().join("step-summary"))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn read(scratch: &Scratch, file: &str) -> String {
        fs::read_to_string(scratch.root().join(file)).unwrap_or_default()
    }

    /// The binary: the test command after `--` decides exit status 1 or 2;
    /// `--exit-zero-on-change` turns 1 into 0; the reports go to the files
    /// named, the step outputs and summary to the workflow's files.
    #[test]
    fn binary_exit_statuses_reports_and_workflow_files() {
        let scratch = Scratch::with_generated();
        let before = (scratch.schema_bytes(), scratch.generated());
        let served = edited(&[(
            r#"      <EntityType Name="deviceCompliancePolicyAssignment" BaseType="graph.entity">"#,
            r#"      <EntityType Name="deviceCompliancePolicyAssignment" BaseType="graph.entity">
        <Property Name="createdDateTime" Type="Edm.DateTimeOffset" />"#,
        )]);
        let server = Server::start(Reply::xml(served.clone()));

        // The tests fail: 2, the working tree as before.
        let (code, stdout, stderr) = run(&scratch, &server.url, &["--", "false"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stdout.starts_with(
                "## Schema sync: 1 compatible change; the regenerated code fails its tests\n"
            ),
            "{stdout}"
        );
        assert!(
            stdout.contains("\n`false` failed (exit status: 1).\n"),
            "{stdout}"
        );
        assert!((scratch.schema_bytes(), scratch.generated()) == before);
        assert_eq!(
            read(&scratch, "github-output"),
            "status=failed\nverdict=1 compatible change\n\
             title=Schema sync: 1 compatible change; the regenerated code fails its tests\n\
             breaking=false\nlabels=schema-sync\n"
        );
        assert_eq!(read(&scratch, "step-summary"), stdout);
        fs::remove_file(scratch.root().join("github-output")).unwrap();
        fs::remove_file(scratch.root().join("step-summary")).unwrap();

        // The tests pass: 1, or 0 with --exit-zero-on-change; the JSON on
        // stdout, the Markdown in the report file.
        let report_md = scratch.root().join("report.md").display().to_string();
        let (code, stdout, stderr) = run(
            &scratch,
            &server.url,
            &[
                "--exit-zero-on-change",
                "--report",
                &report_md,
                "--json",
                "--",
                "true",
            ],
        );
        assert_eq!(code, Some(0), "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["exit_code"], 1);
        assert_eq!(json["tests"]["command"], "true");
        let markdown = read(&scratch, "report.md");
        assert!(
            markdown.starts_with("## Schema sync: 1 compatible change\n"),
            "{markdown}"
        );
        assert!(
            markdown.ends_with("\n### Tests\n\n`true` passed.\n"),
            "{markdown}"
        );
        assert_eq!(read(&scratch, "step-summary"), markdown);
        assert!(
            read(&scratch, "github-output").starts_with("status=changed\n"),
            "{}",
            read(&scratch, "github-output")
        );
        assert!(scratch.schema_bytes() == served);
        assert!(scratch.generated() != before.1);

        // The same download again: 0, nothing to do, the tests not run.
        let sync_json = scratch.root().join("sync.json").display().to_string();
        let (code, stdout, stderr) = run(
            &scratch,
            &server.url,
            &["--json", &sync_json, "--", "false"],
        );
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stdout.starts_with("## Schema sync: no change\n"),
            "{stdout}"
        );
        let json: serde_json::Value = serde_json::from_str(&read(&scratch, "sync.json")).unwrap();
        assert_eq!(json["status"], "no_change");
        assert_eq!(json["tests"], serde_json::json!({"status": "not_run"}));

        // A failed download: 3.
        let server = Server::start(Reply::Full {
            status: "500 Internal Server Error",
            content_type: "text/plain",
            body: Arc::new(b"boom".to_vec()),
        });
        let (code, stdout, stderr) = run(&scratch, &server.url, &[]);
        assert_eq!(code, Some(3), "{stderr}");
        assert!(
            stdout.starts_with("## Schema sync: could not fetch the schema\n"),
            "{stdout}"
        );
        assert!(scratch.schema_bytes() == served);
    }

    /// The scheduled workflow's sync step, run as written (its command line
    /// against a scratch workspace and a local server), gives the pull
    /// request step what it reads: the report at `body-path` and the step
    /// outputs it names.
    #[test]
    fn workflow_steps_run_as_written() {
        let workflow_path = xtask::workspace_root().join(".github/workflows/schema-sync.yml");
        let workflow = fs::read_to_string(&workflow_path).unwrap();
        // The folded `run: >-` scalar of the step `id: sync`.
        let lines: Vec<&str> = workflow.lines().collect();
        let id = lines.iter().position(|l| l.trim() == "- id: sync").unwrap();
        assert_eq!(lines[id + 1].trim(), "run: >-");
        let indent = |l: &str| l.len() - l.trim_start().len();
        let command: Vec<&str> = lines[id + 2..]
            .iter()
            .take_while(|l| !l.trim().is_empty() && indent(l) > indent(lines[id + 1]))
            .flat_map(|l| l.split_whitespace())
            .collect();
        assert_eq!(command[..3], ["cargo", "xtask", "sync"], "{command:?}");
        assert!(
            lines.iter().filter(|l| l.contains("run:")).count() == 1,
            "the sync step is the workflow's only command"
        );

        let scratch = Scratch::with_generated();
        let runner_temp = scratch.root().join("runner-temp");
        fs::create_dir(&runner_temp).unwrap();
        let args: Vec<String> = command[3..]
            .iter()
            .map(|a| {
                a.trim_matches('"')
                    .replace("$RUNNER_TEMP", &runner_temp.display().to_string())
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let served = edited(&[(
            r#"        <Member Name="include" Value="1" />
        <Member Name="exclude" Value="2" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
            r#"        <Member Name="include" Value="1" />
      </EnumType>
      <EnumType Name="deviceAndAppManagementAssignmentSource">"#,
        )]);
        let server = Server::start(Reply::xml(served));
        let mut extra = args.clone();
        extra.extend(["--", "true"]);
        let (code, stdout, stderr) = run(&scratch, &server.url, &extra);
        assert_eq!(
            code,
            Some(0),
            "changed and the tests pass: the job goes on\n{stderr}"
        );

        // The pull request's body is the report.
        let body_path = workflow
            .lines()
            .find_map(|l| l.trim().strip_prefix("body-path: "))
            .unwrap()
            .replace("${{ runner.temp }}", &runner_temp.display().to_string());
        assert_eq!(fs::read_to_string(&body_path).unwrap(), stdout);
        assert!(
            stdout.starts_with("## Schema sync: 1 breaking change\n"),
            "{stdout}"
        );
        // Every step output the workflow reads is written.
        let outputs = read(&scratch, "github-output");
        let mut named: Vec<&str> = workflow
            .split("steps.sync.outputs.")
            .skip(1)
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
                    .next()
                    .unwrap()
            })
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(named, ["labels", "title"]);
        for name in named {
            assert!(
                outputs.lines().any(|l| l.starts_with(&format!("{name}="))),
                "`{name}` is not among the outputs:\n{outputs}"
            );
        }
        assert!(
            outputs.contains("\nlabels=schema-sync,breaking\n"),
            "{outputs}"
        );
        assert!(
            outputs.contains("\ntitle=Schema sync: 1 breaking change\n"),
            "{outputs}"
        );
    }
}
