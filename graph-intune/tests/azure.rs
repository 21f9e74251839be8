//! The Azure SDK credential adapter (cargo feature `azure`):
//! `cargo test -p graph-intune --features azure --test azure`.
#![cfg(feature = "azure")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::time::OffsetDateTime;
use graph_intune::auth::AzureCredential;
use graph_intune::{Cloud, GraphClient, GraphError, TokenProvider};
use serde_json::{json, Value};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AZURE_TOKEN: &str = "token-from-azure-sdk";

/// A credential that counts its calls and remembers the scopes asked for.
#[derive(Debug, Default)]
struct FakeCredential {
    calls: AtomicUsize,
    scopes: Mutex<Vec<String>>,
    lifetime_seconds: i64,
    fail: bool,
}

#[async_trait::async_trait]
impl TokenCredential for FakeCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut seen) = self.scopes.lock() {
            seen.extend(scopes.iter().map(|s| (*s).to_owned()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if self.fail {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "no managed identity endpoint",
            ));
        }
        Ok(AccessToken::new(
            AZURE_TOKEN,
            OffsetDateTime::now_utc() + azure_core::time::Duration::seconds(self.lifetime_seconds),
        ))
    }
}

#[tokio::test]
async fn concurrent_requests_ask_the_azure_credential_once() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header(
            "authorization",
            format!("Bearer {AZURE_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(20)
        .mount(&graph)
        .await;

    let credential = Arc::new(FakeCredential {
        lifetime_seconds: 3600,
        ..FakeCredential::default()
    });
    let provider = AzureCredential::new(credential.clone()).cloud(&Cloud::UsGovernment);
    assert!(!format!("{provider:?}").contains(AZURE_TOKEN));
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token_provider(provider)
        .build()
        .expect("valid client");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = client.clone();
        tasks.spawn(async move { client.request("things").get::<Value>().await });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task ran").expect("request succeeded");
    }
    assert_eq!(credential.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        *credential.scopes.lock().expect("not poisoned"),
        ["https://graph.microsoft.us/.default"]
    );
}

#[tokio::test]
async fn an_expired_azure_token_is_asked_again_and_failures_are_auth_errors() {
    let credential = Arc::new(FakeCredential::default()); // expires at once
    let provider = AzureCredential::new(credential.clone());
    assert_eq!(provider.access_token().await.expect("token"), AZURE_TOKEN);
    assert_eq!(provider.access_token().await.expect("token"), AZURE_TOKEN);
    assert_eq!(credential.calls.load(Ordering::SeqCst), 2);

    let failing = AzureCredential::new(Arc::new(FakeCredential {
        fail: true,
        ..FakeCredential::default()
    }));
    match failing.access_token().await {
        Err(GraphError::Auth(message)) => {
            assert!(
                message.contains("no managed identity endpoint"),
                "{message}"
            )
        }
        other => panic!("expected an Auth error, got {other:?}"),
    }
}
