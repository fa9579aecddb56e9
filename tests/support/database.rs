//! A private database per test: a temporary SQLite file by default, or a
//! fresh PostgreSQL database when `DATABASE_URL` names a PostgreSQL server.
use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};

pub enum TestDatabase {
    Sqlite(PathBuf),
    Postgres { server: String, name: String },
}

fn postgres_server() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"))
}

/// `postgres://user@host:5432/db?x` -> `postgres://user@host:5432`
fn without_database(url: &str) -> String {
    let (base, _) = url.split_once('?').unwrap_or((url, ""));
    match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => base[..slash].to_string(),
        _ => base.to_string(),
    }
}

impl TestDatabase {
    pub async fn create() -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match postgres_server() {
            Some(url) => {
                let name = format!("hc_test_{unique}");
                let admin = Database::connect(url.as_str())
                    .await
                    .expect("DATABASE_URL is reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                Self::Postgres { server: url, name }
            }
            None => Self::Sqlite(std::env::temp_dir().join(format!("hc-test-{unique}.sqlite"))),
        }
    }

    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
            Self::Postgres { server, name } => format!("{}/{name}", without_database(server)),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            Self::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Self::Postgres { server, name } => {
                // Drop runs inside the test's runtime, which cannot be
                // blocked on; a short-lived thread with its own runtime can.
                let (server, name) = (server.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(server.as_str()).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}
