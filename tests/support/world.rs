//! The world most record tests start from, built in one call instead of by
//! hand in every test: two users, Alice's patient and doctor, and (when asked
//! for) Alice's assignment of that doctor to that patient.
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

/// Two users and Alice's records. Bob owns nothing unless a test makes him
/// something: he is there to show what another user can and cannot reach.
///
/// `M` is what `john_chen` holds: `()` from [`World::new`], the mapping from
/// [`World::assigned`]. A type rather than an `Option`, so that a test can
/// destructure the world and name every field without an unwrap.
pub struct World<M = ()> {
    pub app: TestApp,
    pub alice: User,
    pub bob: User,
    /// Alice's patient, the seed's "John Doe".
    pub john: Value,
    /// A doctor Alice created, the seed's "Dr. Emily Chen".
    pub chen: Value,
    /// Alice's mapping of Chen to John, when built with [`World::assigned`].
    pub john_chen: M,
}

impl World {
    /// Users, patient and doctor; nothing assigned.
    pub async fn new() -> Self {
        let app = TestApp::spawn().await;
        let alice = app.register("Alice").await;
        let bob = app.register("Bob").await;
        let john = app.create_patient(&alice, json!({})).await;
        let chen = app.create_doctor(&alice, json!({})).await;
        Self {
            app,
            alice,
            bob,
            john,
            chen,
            john_chen: (),
        }
    }

    /// As [`World::new`], with Chen assigned to John (`primary` or not).
    pub async fn assigned(primary: bool) -> World<Value> {
        let world = Self::new().await;
        let john_chen = world
            .app
            .assign(&world.alice, &world.john, &world.chen, primary)
            .await;
        World {
            app: world.app,
            alice: world.alice,
            bob: world.bob,
            john: world.john,
            chen: world.chen,
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

    /// A patient of Bob's (the seed body, like John).
    pub async fn bobs_patient(&self) -> Value {
        self.create_patient(&self.bob, json!({})).await
    }
}

/// A world is its app with records in it: `world.get(..)`, `world.assign(..)`
/// and `&world` where a `&TestApp` is wanted read as they would on the app.
impl<M> Deref for World<M> {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}
