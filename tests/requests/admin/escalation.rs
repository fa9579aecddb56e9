//! The console's rule for acting on accounts: a superuser may act on any
//! account; any other staff member only on plain accounts and on their own
//! (whose staff flags stay theirs to keep, not to change). Every action
//! against every pair of actor kind and target kind: a refused action is a
//! 403 page, changes nothing, offers no form that leads to it, and is
//! recorded in the change log.
use axum::http::StatusCode;
use healthcare_backend::models::{
    admin_log,
    users::{self, Flags},
};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

use super::{html, Console};
use crate::support::{TestApp, PASSWORD};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Plain,
    Staff,
    Superuser,
    Own,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Edit,
    ResetPassword,
    Deactivate,
    Delete,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Done and logged under the action's name.
    Done,
    /// 403 page, nothing changed, `refused: <action>` in the log.
    Refused,
    /// The pre-existing form error (an operator cannot deactivate or delete
    /// their own account): 400, nothing changed, nothing logged.
    Invalid,
}

use Outcome::{Done, Invalid, Refused};

const TARGETS: [Target; 4] = [Target::Plain, Target::Staff, Target::Superuser, Target::Own];
const ACTIONS: [Action; 4] = [
    Action::Edit,
    Action::ResetPassword,
    Action::Deactivate,
    Action::Delete,
];

/// Rows: the targets in `TARGETS` order; columns: the actions in `ACTIONS`
/// order.
const STAFF_ACTOR: [[Outcome; 4]; 4] = [
    [Done, Done, Done, Done],
    [Refused, Refused, Refused, Refused],
    [Refused, Refused, Refused, Refused],
    [Done, Done, Invalid, Invalid],
];
const SUPERUSER_ACTOR: [[Outcome; 4]; 4] = [
    [Done, Done, Done, Done],
    [Done, Done, Done, Done],
    [Done, Done, Done, Done],
    [Done, Done, Invalid, Invalid],
];

const NEW_PASSWORD: &str = "N3w-Secret-Phrase-77";

impl Action {
    /// The change log's name for it.
    const fn logged(self) -> &'static str {
        match self {
            Self::Edit => "change",
            Self::ResetPassword => "reset password",
            Self::Deactivate => "deactivate",
            Self::Delete => "delete",
        }
    }
}

async fn account(app: &TestApp, name: &str, is_staff: bool, is_superuser: bool) -> users::Model {
    let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    let flags = Flags {
        is_staff,
        is_superuser,
    };
    users::create_account(&app.ctx.db, name, &email, PASSWORD, flags)
        .await
        .expect("account created")
}

async fn reread(app: &TestApp, id: i32) -> Option<users::Model> {
    users::Entity::find_by_id(id)
        .one(&app.ctx.db)
        .await
        .unwrap()
}

async fn last_log(app: &TestApp) -> Option<admin_log::Model> {
    admin_log::Entity::find()
        .order_by_desc(admin_log::Column::Id)
        .one(&app.ctx.db)
        .await
        .unwrap()
}

async fn log_count(app: &TestApp) -> u64 {
    admin_log::Entity::find().count(&app.ctx.db).await.unwrap()
}

fn flag(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        ""
    }
}

/// The change form as a browser would submit it: the target's current
/// flags, active unless deactivating, renamed when editing.
fn change_form(target: &users::Model, action: Action) -> Vec<(&'static str, String)> {
    let mut pairs = vec![
        (
            "name",
            if action == Action::Edit {
                "Renamed By Console".to_string()
            } else {
                target.name.clone()
            },
        ),
        ("email", target.email.clone()),
    ];
    if action != Action::Deactivate {
        pairs.push(("is_active", "true".to_string()));
    }
    for (name, value) in [
        ("is_staff", target.is_staff),
        ("is_superuser", target.is_superuser),
    ] {
        if value {
            pairs.push((name, flag(value).to_string()));
        }
    }
    pairs
}

async fn check_case(app: &TestApp, superuser_actor: bool, target_kind: Target, action: Action) {
    let case = format!(
        "{} actor, {target_kind:?} target, {action:?}",
        if superuser_actor {
            "superuser"
        } else {
            "staff"
        }
    );
    let table = if superuser_actor {
        SUPERUSER_ACTOR
    } else {
        STAFF_ACTOR
    };
    let row_index = TARGETS.iter().position(|t| *t == target_kind).unwrap();
    let column = ACTIONS.iter().position(|a| *a == action).unwrap();
    let expected = table[row_index][column];

    let actor = account(app, "Acting Operator", true, superuser_actor).await;
    let target = match target_kind {
        Target::Plain => account(app, "Target Plain", false, false).await,
        Target::Staff => account(app, "Target Staff", true, false).await,
        Target::Superuser => account(app, "Target Root", true, true).await,
        Target::Own => actor.clone(),
    };
    let console = Console::open(app, &actor).await;
    let base = format!("/admin/users/{}/", target.id);

    // The forms that lead to a refused action are not offered.
    let form = console.get(&base).await;
    assert_eq!(form.status, StatusCode::OK, "{case}");
    let page = html(&form);
    let password_link = format!("href=\"{base}password/\"");
    let delete_link = format!("href=\"{base}delete/\"");
    if expected == Refused {
        assert!(!page.contains(&password_link), "{case}: reset link shown");
        assert!(!page.contains(&delete_link), "{case}: delete link shown");
        assert!(!page.contains(">Save</button>"), "{case}: form is editable");
        assert!(
            page.contains("Only a superuser may change a staff or superuser account."),
            "{case}"
        );
    } else {
        assert!(page.contains(&password_link), "{case}");
        assert!(page.contains(&delete_link), "{case}");
        assert!(page.contains(">Save</button>"), "{case}");
    }
    let forms_status = if expected == Refused {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    for path in [format!("{base}password/"), format!("{base}delete/")] {
        let form = console.get(&path).await;
        assert_eq!(form.status, forms_status, "{case}: GET {path}");
    }

    let logged_before = log_count(app).await;
    let response = match action {
        Action::Edit | Action::Deactivate => {
            let pairs = change_form(&target, action);
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            console.post(&base, &pairs).await
        }
        Action::ResetPassword => {
            console
                .post(
                    &format!("{base}password/"),
                    &[
                        ("password", NEW_PASSWORD),
                        ("confirm_password", NEW_PASSWORD),
                    ],
                )
                .await
        }
        Action::Delete => console.post(&format!("{base}delete/"), &[]).await,
    };
    let after = reread(app, target.id).await;
    let entry = last_log(app).await;
    match expected {
        Done => {
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{case}");
            match action {
                Action::Edit => {
                    assert_eq!(after.unwrap().name, "Renamed By Console", "{case}");
                }
                Action::ResetPassword => {
                    let after = after.unwrap();
                    assert_ne!(after.password_hash, target.password_hash, "{case}");
                }
                Action::Deactivate => assert!(!after.unwrap().is_active, "{case}"),
                Action::Delete => assert!(after.is_none(), "{case}"),
            }
            let entry = entry.expect("logged");
            assert_eq!(entry.action, action.logged(), "{case}");
            assert_eq!(entry.object_id, target.id, "{case}");
        }
        Refused => {
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{case}");
            assert!(
                html(&response)
                    .contains("Only a superuser may change a staff or superuser account."),
                "{case}: {}",
                response.body
            );
            assert_eq!(after.as_ref(), Some(&target), "{case}: target changed");
            assert_eq!(log_count(app).await, logged_before + 1, "{case}");
            let entry = entry.expect("the refusal is logged");
            assert_eq!(
                entry.action,
                format!("refused: {}", action.logged()),
                "{case}"
            );
            assert_eq!(entry.actor_id, Some(actor.id), "{case}");
            assert_eq!(entry.object_type, "user", "{case}");
            assert_eq!(entry.object_id, target.id, "{case}");
            // Nothing of what was attempted (a password) is kept.
            assert_eq!((entry.before, entry.after), (None, None), "{case}");
        }
        Invalid => {
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{case}");
            assert_eq!(after.as_ref(), Some(&target), "{case}: target changed");
            assert_eq!(log_count(app).await, logged_before, "{case}");
        }
    }
}

async fn check_actor(superuser_actor: bool, action: Action) {
    let app = TestApp::spawn().await;
    for target in TARGETS {
        check_case(&app, superuser_actor, target, action).await;
    }
}

#[tokio::test]
async fn editing_an_account_follows_the_rule_for_every_actor_and_target() {
    check_actor(false, Action::Edit).await;
    check_actor(true, Action::Edit).await;
}

#[tokio::test]
async fn resetting_a_password_follows_the_rule_for_every_actor_and_target() {
    check_actor(false, Action::ResetPassword).await;
    check_actor(true, Action::ResetPassword).await;
}

#[tokio::test]
async fn deactivating_an_account_follows_the_rule_for_every_actor_and_target() {
    check_actor(false, Action::Deactivate).await;
    check_actor(true, Action::Deactivate).await;
}

#[tokio::test]
async fn deleting_an_account_follows_the_rule_for_every_actor_and_target() {
    check_actor(false, Action::Delete).await;
    check_actor(true, Action::Delete).await;
}

#[tokio::test]
async fn a_staff_member_is_not_offered_the_staff_flags_of_any_account() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let plain = account(&app, "Pat Plain", false, false).await;
    let console = Console::open(&app, &staff).await;
    for id in [staff.id, plain.id] {
        let page = console.get(&format!("/admin/users/{id}/")).await;
        for flag in ["is_staff", "is_superuser"] {
            let marker = format!("name=\"{flag}\" value=\"true\"");
            let at = html(&page).find(&marker).expect("the flag is shown");
            let tag_end = html(&page)[at..].find('>').unwrap() + at;
            assert!(
                html(&page)[at..tag_end].contains("disabled"),
                "{flag} of user {id} is editable by a staff member"
            );
        }
    }
    let root = account(&app, "Rita Root", true, true).await;
    let superuser = Console::open(&app, &root).await;
    let page = superuser.get(&format!("/admin/users/{}/", plain.id)).await;
    assert!(html(&page).contains("name=\"is_staff\" value=\"true\">"));
}

#[tokio::test]
async fn a_staff_member_who_sends_the_flags_anyway_is_refused_and_logged() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let plain = account(&app, "Pat Plain", false, false).await;
    let console = Console::open(&app, &staff).await;
    // The boxes are disabled for them; a forged form sends them anyway.
    for (target, forged) in [(&staff, "is_superuser"), (&plain, "is_staff")] {
        let before = log_count(&app).await;
        let mut pairs = vec![
            ("name", target.name.clone()),
            ("email", target.email.clone()),
            ("is_active", "true".to_string()),
            (forged, "true".to_string()),
        ];
        if target.is_staff {
            pairs.push(("is_staff", "true".to_string()));
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = console
            .post(&format!("/admin/users/{}/", target.id), &pairs)
            .await;
        assert_eq!(
            response.status,
            StatusCode::FORBIDDEN,
            "{forged} of {}",
            target.name
        );
        let after = reread(&app, target.id).await.expect("still there");
        assert_eq!(
            (after.is_staff, after.is_superuser),
            (target.is_staff, target.is_superuser),
            "{forged} of {} changed",
            target.name
        );
        assert_eq!(log_count(&app).await, before + 1);
        let logged = last_log(&app).await.expect("a log entry");
        assert!(logged.action.starts_with("refused: "), "{}", logged.action);
    }
}
