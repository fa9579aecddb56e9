//! Fake SMTP servers on the loopback that count their connections: one
//! refuses every session, one accepts connections and never answers.
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use loco_rs::config::Mailer;
use serde_json::json;
use tokio::{io::AsyncWriteExt, net::TcpListener};

/// The mailer config for plain SMTP to `127.0.0.1:port`.
pub fn smtp_mailer(port: u16) -> Mailer {
    serde_json::from_value(json!({
        "stub": false,
        "smtp": { "enable": true, "host": "127.0.0.1", "port": port, "secure": false, "tls": "none" }
    }))
    .expect("mailer config")
}

pub struct FakeSmtp {
    pub port: u16,
    count: Arc<AtomicUsize>,
}

impl FakeSmtp {
    /// Greets every connection with `554` (service unavailable) and closes it.
    pub async fn refusing() -> Self {
        Self::start(true).await
    }

    /// Accepts connections and keeps them open without a word.
    pub async fn silent() -> Self {
        Self::start(false).await
    }

    async fn start(refuse: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((mut socket, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                if refuse {
                    let _ = socket
                        .write_all(b"554 5.3.2 Service unavailable for tests\r\n")
                        .await;
                    let _ = socket.shutdown().await;
                } else {
                    open.push(socket);
                }
            }
        });
        Self { port, count }
    }

    pub fn connections(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}
