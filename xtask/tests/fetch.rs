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

/// A temporary workspace holding a copy of `metadata/`.
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
