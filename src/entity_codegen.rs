//! `db entities` for this project: entities for tables that have none yet.
//!
//! Loco's own `db entities` (which `cargo loco generate model|scaffold` runs
//! through `cargo loco-tool`) rewrites every file in `src/models/_entities`
//! from the live schema. The entities here are kept by hand: their id types
//! follow the PostgreSQL schema (`i32`) while SQLite, the development
//! database, reports every integer as `i64`, and their relations are curated.
//! Regenerated, they no longer fit the code that uses them. So sea-orm-cli
//! writes into a scratch directory and only the tables without an entity are
//! taken from it, each with a model module beside it; nothing existing is
//! touched.
use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

/// Tables Loco keeps for itself (migrations, job queues): never entities.
const LOCO_TABLES: &str = "seaql_migrations,pg_loco_queue,sqlt_loco_queue,sqlt_loco_queue_lock";
/// The line sea-orm-cli ends an entity with; the behaviour goes in the model.
const EMPTY_BEHAVIOR: &str = "impl ActiveModelBehavior for ActiveModel {}";

/// Whether the command line is `db entities` (the global `-e` flag anywhere).
#[must_use]
pub fn is_entities_command(args: &[String]) -> bool {
    let words: Vec<&str> = without_environment(args).collect();
    words == ["db", "entities"]
}

/// The `-e`/`--environment` value, else Loco's `LOCO_ENV` resolution.
#[must_use]
pub fn environment(args: &[String]) -> String {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "-e" || arg == "--environment" {
            if let Some(value) = iter.next() {
                return value.clone();
            }
        } else if let Some(value) = arg.strip_prefix("--environment=") {
            return value.to_string();
        }
    }
    loco_rs::environment::resolve_from_env()
}

fn without_environment(args: &[String]) -> impl Iterator<Item = &str> {
    let mut skip_next = false;
    args.iter().filter_map(move |arg| {
        if std::mem::take(&mut skip_next) {
            return None;
        }
        if arg == "-e" || arg == "--environment" {
            skip_next = true;
            return None;
        }
        (!arg.starts_with("--environment=")).then_some(arg.as_str())
    })
}

/// Writes entities for the tables of `database_url` that `root` (the app's
/// directory) has no entity for. Returns the tables written.
///
/// # Errors
/// When sea-orm-cli cannot be run or fails, or a file cannot be written.
pub fn generate_new(database_url: &str, root: &Path) -> Result<Vec<String>, String> {
    let scratch = std::env::temp_dir().join(format!("entities-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let result = run_sea_orm_cli(database_url, &scratch).and_then(|()| adopt(&scratch, root));
    let _ = fs::remove_dir_all(&scratch);
    result
}

fn run_sea_orm_cli(database_url: &str, out: &Path) -> Result<(), String> {
    let output = Command::new("sea-orm-cli")
        .args(["generate", "entity", "--database-url", database_url])
        .args(["--ignore-tables", LOCO_TABLES, "--with-serde", "both"])
        .arg("--output-dir")
        .arg(out)
        .output()
        .map_err(|err| {
            format!(
                "cannot run sea-orm-cli ({err}); install it with \
                 `cargo install sea-orm-cli@2.0.4 --locked`"
            )
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "sea-orm-cli failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Moves the entities of new tables from `scratch` into the app.
fn adopt(scratch: &Path, root: &Path) -> Result<Vec<String>, String> {
    let entities = root.join("src/models/_entities");
    let prelude = read(&scratch.join("prelude.rs"))?;
    let mut tables: Vec<String> = fs::read_dir(scratch)
        .map_err(|err| err.to_string())?
        .filter_map(Result::ok)
        .filter_map(|entry| entry.path().file_stem()?.to_str().map(str::to_string))
        .filter(|table| table != "mod" && table != "prelude")
        .filter(|table| !entities.join(format!("{table}.rs")).exists())
        .collect();
    tables.sort();
    for table in &tables {
        let entity = read(&scratch.join(format!("{table}.rs")))?;
        let has_updated_at = entity.contains("pub updated_at: DateTimeWithTimeZone");
        let entity: String = entity
            .lines()
            .filter(|line| line.trim() != EMPTY_BEHAVIOR)
            .fold(String::new(), |mut text, line| {
                let _ = writeln!(text, "{line}");
                text
            });
        write(&entities.join(format!("{table}.rs")), &entity)?;
        append(&entities.join("mod.rs"), &format!("pub mod {table};"))?;
        let prelude_line = format!("pub use super::{table}::");
        if let Some(line) = prelude.lines().find(|line| line.starts_with(&prelude_line)) {
            append(&entities.join("prelude.rs"), line)?;
        }
        let model = root.join(format!("src/models/{table}.rs"));
        if !model.exists() {
            write(&model, &model_module(table, has_updated_at))?;
            append(
                &root.join("src/models/mod.rs"),
                &format!("pub mod {table};"),
            )?;
        }
    }
    Ok(tables)
}

/// The model module of a new table: the place for its rules.
fn model_module(table: &str, has_updated_at: bool) -> String {
    // A table made with Loco's `create_table` has `updated_at`; nothing in
    // the database refreshes it on UPDATE, so the model does.
    let before_save = if has_updated_at {
        "    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        let mut this = self;
        if !insert && this.updated_at.is_unchanged() {
            this.updated_at = sea_orm::ActiveValue::Set(chrono::Utc::now().into());
        }
        Ok(this)
    }
"
    } else {
        ""
    };
    format!(
        "//! `{table}`: its rules go here (the entity is in `_entities`).
use sea_orm::entity::prelude::*;

pub use super::_entities::{table}::{{ActiveModel, Column, Entity, Model}};

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {{
{before_save}}}
"
    )
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))
}

fn write(path: &PathBuf, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|err| format!("{}: {err}", path.display()))
}

fn append(path: &PathBuf, line: &str) -> Result<(), String> {
    let mut text = read(path)?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(line);
    text.push('\n');
    write(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn recognises_db_entities_with_or_without_an_environment() {
        assert!(is_entities_command(&args("db entities")));
        assert!(is_entities_command(&args("-e test db entities")));
        assert!(is_entities_command(&args("db entities --environment=test")));
        assert!(!is_entities_command(&args("db migrate")));
        assert!(!is_entities_command(&args("generate model db entities")));
        assert_eq!(environment(&args("db entities -e test")), "test");
    }

    #[test]
    fn adopts_only_tables_without_an_entity() {
        let root = std::env::temp_dir().join(format!("adopt-{}", std::process::id()));
        let scratch = root.join("scratch");
        let entities = root.join("src/models/_entities");
        fs::create_dir_all(&scratch).unwrap();
        fs::create_dir_all(&entities).unwrap();
        fs::write(root.join("src/models/mod.rs"), "pub mod _entities;\n").unwrap();
        fs::write(
            entities.join("mod.rs"),
            "pub mod prelude;\npub mod users;\n",
        )
        .unwrap();
        fs::write(entities.join("prelude.rs"), "").unwrap();
        fs::write(entities.join("users.rs"), "kept\n").unwrap();
        fs::write(scratch.join("users.rs"), "regenerated\n").unwrap();
        fs::write(
            scratch.join("widgets.rs"),
            "pub updated_at: DateTimeWithTimeZone,\nimpl ActiveModelBehavior for ActiveModel {}\n",
        )
        .unwrap();
        fs::write(
            scratch.join("prelude.rs"),
            "pub use super::users::Entity as Users;\npub use super::widgets::Entity as Widgets;\n",
        )
        .unwrap();

        assert_eq!(adopt(&scratch, &root).unwrap(), ["widgets"]);
        assert_eq!(read(&entities.join("users.rs")).unwrap(), "kept\n");
        assert_eq!(
            read(&entities.join("widgets.rs")).unwrap(),
            "pub updated_at: DateTimeWithTimeZone,\n"
        );
        assert!(read(&entities.join("mod.rs"))
            .unwrap()
            .ends_with("pub mod widgets;\n"));
        assert_eq!(
            read(&entities.join("prelude.rs")).unwrap(),
            "pub use super::widgets::Entity as Widgets;\n"
        );
        let model = read(&root.join("src/models/widgets.rs")).unwrap();
        assert!(model.contains("before_save"));
        assert!(read(&root.join("src/models/mod.rs"))
            .unwrap()
            .ends_with("pub mod widgets;\n"));
        fs::remove_dir_all(&root).unwrap();
    }
}
