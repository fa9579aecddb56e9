use healthcare_backend::app::App;
use loco_rs::cli;
use migration::Migrator;

// `loco_rs::Error` is the framework's error type; the CLI returns it as is.
#[allow(clippy::result_large_err)]
#[tokio::main]
async fn main() -> loco_rs::Result<()> {
    cli::main::<App, Migrator>().await
}
