//! A database lost in the middle of `POST /api/mappings/` is a 503, never a
//! 400 telling the client that its own patient does not exist.
//!
//! The request's token check reads the database before the patient lookup
//! does, so a pool closed before the request would fail there; the model is
//! called directly instead, with the caller the token check would have built,
//! and the pool closed under it.
use healthcare_backend::models::{
    _entities::users,
    caller::{AccessToken, Caller},
    error::ModelError,
    mappings,
};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn a_database_lost_during_the_patient_lookup_is_503_not_400() {
    let app = TestApp::spawn().await;
    let owner = app.register("Outage Owner").await;
    let patient = app.create_patient(&owner, json!({})).await;
    let user = users::Entity::find_by_id(i32::try_from(owner.id).expect("id"))
        .one(&app.ctx.db)
        .await
        .expect("query")
        .expect("the user");
    let token = AccessToken {
        jti: "not-signed".to_string(),
        expires_at: chrono::Utc::now().fixed_offset(),
    };
    let caller = Caller::api(user, token);

    app.ctx.db.close_by_ref().await.expect("pool closes");

    // No doctor in the body: the patient lookup is the only database call
    // before the answer, so its failure alone decides it.
    let outcome =
        mappings::create(&app.ctx.db, &caller, &json!({ "patient": patient["id"] })).await;
    assert!(
        matches!(outcome, Err(ModelError::Unavailable)),
        "expected 503, got {outcome:?}"
    );
    // With a doctor too: still 503 (it was already, from the doctor lookup).
    let outcome = mappings::create(
        &app.ctx.db,
        &caller,
        &json!({ "patient": patient["id"], "doctor": 1 }),
    )
    .await;
    assert!(
        matches!(outcome, Err(ModelError::Unavailable)),
        "expected 503, got {outcome:?}"
    );
}
