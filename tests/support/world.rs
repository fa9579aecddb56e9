//! The world most record tests start from, built in one call instead of by
//! hand in every test: two users ([`Users`]) and, in a [`World`], Alice's
//! patient and doctor and, when asked for, her assignment of one to the other.
//!
//! Each call boots its own [`TestApp`], so every test still has a fresh
//! database and the tests still run in parallel.
use std::ops::Deref;

use serde_json::{json, Value};

use super::{TestApp, User};

/// The id of a record in a response's JSON (a created record, a list item).
/// Ids are `i32` because that is the column type the entities use, so the
/// same value serves for URLs, comparisons and rows written through `ctx.db`.
#[track_caller]
pub fn id(value: &Value) -> i32 {
    let id = value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id: {value}"));
    i32::try_from(id).unwrap_or_else(|_| panic!("id {id} does not fit i32"))
}

/// The ids of a list answer's `data` (give it the body), in order.
#[track_caller]
pub fn ids(body: &Value) -> Vec<i32> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data array: {body}"))
        .iter()
        .map(id)
        .collect()
}

/// An app with two registered users and nothing else, for the tests whose
/// records are the very thing under test (counts, lists, uniqueness).
pub struct Users {
    pub app: TestApp,
    pub alice: User,
    /// Another user, to show what Alice's records look like to someone else.
    pub bob: User,
}

impl Users {
    pub async fn new() -> Self {
        let app = TestApp::spawn().await;
        let alice = app.register("Alice").await;
        let bob = app.register("Bob").await;
        Self { app, alice, bob }
    }

    /// A patient of Bob's (the seed body, like John).
    pub async fn bobs_patient(&self) -> Value {
        self.create_patient(&self.bob, json!({})).await
    }
}

/// The users with Alice's records. Bob owns nothing unless a test makes him
/// something.
///
/// `M` is what `john_chen` holds: `()` from [`World::new`], the mapping from
/// [`World::assigned`]. A type rather than an `Option`, so that no test has
/// to unwrap it.
pub struct World<M = ()> {
    pub users: Users,
    /// Alice's patient, the seed's "John Doe".
    pub john: Value,
    /// A doctor Alice created, the seed's "Dr. Emily Chen" (with an e-mail
    /// address and licence number of its own).
    pub chen: Value,
    /// Alice's mapping of Chen to John, when built with [`World::assigned`].
    pub john_chen: M,
}

impl World {
    /// Users, patient and doctor; nothing assigned.
    pub async fn new() -> Self {
        let users = Users::new().await;
        let john = users.create_patient(&users.alice, json!({})).await;
        let chen = users.create_doctor(&users.alice, json!({})).await;
        Self {
            users,
            john,
            chen,
            john_chen: (),
        }
    }

    /// As [`World::new`], with Chen assigned to John (`primary` or not).
    pub async fn assigned(primary: bool) -> World<Value> {
        let World {
            users, john, chen, ..
        } = Self::new().await;
        let john_chen = users.assign(&users.alice, &john, &chen, primary).await;
        World {
            users,
            john,
            chen,
            john_chen,
        }
    }
}

impl<M> World<M> {
    /// A second patient of Alice's, "Mary Doe".
    pub async fn mary(&self) -> Value {
        self.create_patient(&self.alice, json!({"first_name": "Mary"}))
            .await
    }

    /// A second doctor of Alice's, "Dr. Raj Patel".
    pub async fn patel(&self) -> Value {
        self.create_doctor(
            &self.alice,
            json!({"first_name": "Raj", "last_name": "Patel"}),
        )
        .await
    }
}

// A fixture is its app with records in it: `w.get(..)`, `w.assign(..)`,
// `w.alice` and `&w` where a `&TestApp` is wanted read as they would on the
// app and on the users themselves.

impl Deref for Users {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

impl<M> Deref for World<M> {
    type Target = Users;

    fn deref(&self) -> &Users {
        &self.users
    }
}
