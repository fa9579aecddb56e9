//! Fake SMTP servers on the loopback: one that refuses every session, one
//! that accepts connections and never answers. Both count connections.
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

async fn listen() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    (listener, port)
}

/// Greets every connection with `554` (service unavailable) and closes it.
pub struct Refusing {
    pub port: u16,
    count: Arc<AtomicUsize>,
}

impl Refusing {
    pub async fn start() -> Self {
        let (listener, port) = listen().await;
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = socket
                    .write_all(b"554 5.3.2 Service unavailable for tests\r\n")
                    .await;
                let _ = socket.shutdown().await;
            }
        });
        Self { port, count }
    }

    pub fn connections(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

/// Accepts connections and keeps them open without a word.
pub struct Silent {
    pub port: u16,
    count: Arc<AtomicUsize>,
}

impl Silent {
    pub async fn start() -> Self {
        let (listener, port) = listen().await;
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                open.push(socket);
            }
        });
        Self { port, count }
    }

    pub fn connections(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}
