use healthcare_backend::{app::App, entity_codegen};
use loco_rs::cli;
use migration::Migrator;

// mimalloc instead of glibc malloc: fewer CPU cycles a request and far
// less memory kept after Argon2 bursts (figures in bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Loco's CLI returns a failed task or command as an `Err`; returned from
/// `main`, Rust would exit 1 but print its `Debug` form
/// (`Error: Message("...")`). The operator gets the plain message instead.
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

// `loco_rs::Error` is the framework's error type; the CLI returns it as is.
#[allow(clippy::result_large_err)]
fn run() -> loco_rs::Result<()> {
    // The seed reads its settings from the environment or a `.env` file; the
    // file fills only what the environment does not already set.
    dotenvy::dotenv().ok();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if entity_codegen::is_entities_command(&args) {
        return entities(&args);
    }
    // The blocking pool runs Argon2 (19 MiB and ~40 ms of CPU a hash): more
    // hashes at once than cores only add memory and starve the async
    // workers. `MAX_BLOCKING_THREADS` overrides (default: one per core).
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let blocking = std::env::var("MAX_BLOCKING_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(cores);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking)
        .build()
        .map_err(|err| loco_rs::Error::Message(err.to_string()))?
        .block_on(cli::main::<App, Migrator>())
}

/// `db entities`, which `cargo loco generate model|scaffold` also runs: only
/// new tables get an entity, the hand-kept ones are left alone (see
/// `entity_codegen`).
#[allow(clippy::result_large_err)]
fn entities(args: &[String]) -> loco_rs::Result<()> {
    let environment: loco_rs::environment::Environment = entity_codegen::environment(args)
        .parse()
        .map_err(|err: &str| loco_rs::Error::Message(err.to_string()))?;
    let config = environment.load()?;
    let written = entity_codegen::generate_new(&config.database.uri, std::path::Path::new("."))
        .map_err(loco_rs::Error::Message)?;
    if written.is_empty() {
        println!("every table has an entity already; none written");
    }
    for table in written {
        println!("src/models/_entities/{table}.rs written (and src/models/{table}.rs if new)");
    }
    Ok(())
}
