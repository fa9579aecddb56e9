//! A TCP listener that, once told to close, first accepts every connection the
//! kernel already completed (so none is reset by closing the socket), then
//! closes and never yields again.
use std::{io, net::SocketAddr};

use tokio::net::{TcpListener, TcpStream};

pub struct DrainingListener {
    inner: Option<TcpListener>,
    queued: Vec<(TcpStream, SocketAddr)>,
    close: tokio::sync::watch::Receiver<bool>,
    addr: SocketAddr,
}

impl DrainingListener {
    #[must_use]
    pub fn new(inner: TcpListener, close: tokio::sync::watch::Receiver<bool>) -> Self {
        let addr = inner.local_addr().expect("bound listener has an address");
        Self {
            inner: Some(inner),
            queued: Vec::new(),
            close,
            addr,
        }
    }

    fn drain_and_close(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let Ok(std_listener) = inner.into_std() else {
            return;
        };
        let _ = std_listener.set_nonblocking(true);
        while let Ok((stream, addr)) = std_listener.accept() {
            let _ = stream.set_nonblocking(true);
            if let Ok(stream) = TcpStream::from_std(stream) {
                self.queued.push((stream, addr));
            }
        }
        drop(std_listener);
        self.queued.reverse();
    }
}

impl axum::serve::Listener for DrainingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if let Some(conn) = self.queued.pop() {
                return conn;
            }
            if *self.close.borrow() {
                self.drain_and_close();
                if let Some(conn) = self.queued.pop() {
                    return conn;
                }
                std::future::pending::<()>().await;
            }
            let Some(inner) = self.inner.as_mut() else {
                std::future::pending::<()>().await;
                unreachable!()
            };
            tokio::select! {
                conn = axum::serve::Listener::accept(inner) => return conn,
                _ = self.close.changed() => {}
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
