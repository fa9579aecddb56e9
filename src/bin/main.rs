use healthcare_backend::app::App;
use loco_rs::cli;
use migration::Migrator;

// `loco_rs::Error` is the framework's error type; the CLI returns it as is.
#[allow(clippy::result_large_err)]
#[tokio::main]
async fn main() -> loco_rs::Result<()> {
    // The seed reads its settings from the environment or a `.env` file; the
    // file fills only what the environment does not already set.
    dotenvy::dotenv().ok();
    cli::main::<App, Migrator>().await
}
