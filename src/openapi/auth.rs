//! `/api/auth/*`: registration, login, logout, token refresh, profile.
use serde_json::json;
use utoipa::{
    openapi::{path::HttpMethod, schema::ObjectBuilder, Ref, RefOr, Schema},
    PartialSchema, ToSchema,
};

use super::{envelope, fields, Op};
use crate::{
    models::tokens::TokenPair,
    views::auth::{UserProfile, UserSummary},
};

fn session(user: &str) -> Schema {
    envelope(
        ObjectBuilder::new()
            .property("user", Ref::from_schema_name(user))
            .property("tokens", Ref::from_schema_name("TokenPair"))
            .required("user")
            .required("tokens")
            .build(),
    )
}

#[must_use]
pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let refresh = ObjectBuilder::new()
        .property("refresh", fields::text(4096))
        .required("refresh")
        .description(Some("A refresh token."))
        .build();
    vec![
        (
            "RegisterRequest".into(),
            ObjectBuilder::new()
                .property("name", fields::text(150))
                .property("email", fields::email())
                .property("password", fields::password())
                .property("confirm_password", fields::password())
                .required("name")
                .required("email")
                .required("password")
                .required("confirm_password")
                .description(Some(
                    "The password must have 8 characters or more, not be too similar to the \
                     name or e-mail, not be a common password, not be entirely numeric, and \
                     match `confirm_password`. E-mails are unique, case-insensitively.",
                ))
                .build()
                .into(),
        ),
        (
            "LoginRequest".into(),
            ObjectBuilder::new()
                .property("email", fields::text(254))
                .property("password", fields::password())
                .required("email")
                .required("password")
                .build()
                .into(),
        ),
        ("RefreshRequest".into(), refresh.into()),
        (UserProfile::name().into(), UserProfile::schema()),
        (UserSummary::name().into(), UserSummary::schema()),
        (TokenPair::name().into(), TokenPair::schema()),
        ("RegisterResponse".into(), session("UserProfile").into()),
        ("LoginResponse".into(), session("UserSummary").into()),
        (
            "TokenPairResponse".into(),
            envelope(Ref::from_schema_name("TokenPair")).into(),
        ),
        (
            "UserProfileResponse".into(),
            envelope(Ref::from_schema_name("UserProfile")).into(),
        ),
    ]
}

#[must_use]
pub fn operations() -> Vec<Op> {
    vec![
        Op::new(
            HttpMethod::Post,
            "/api/auth/register/",
            "register",
            "auth",
            "Register",
        )
        .describe("Creates an account and returns it with a first token pair.")
        .body(
            "RegisterRequest",
            vec![(
                "seed",
                "The seed README's registration",
                json!({
                    "name": "Dr. Alice Johnson",
                    "email": "alice@hospital.com",
                    "password": "SecurePass123!",
                    "confirm_password": "SecurePass123!"
                }),
            )],
        )
        .errors(&[429])
        .ok(201, "Registered.", "RegisterResponse"),
        Op::new(
            HttpMethod::Post,
            "/api/auth/login/",
            "login",
            "auth",
            "Log in",
        )
        .describe("One 401 for an unknown e-mail, a wrong password and an inactive account alike.")
        .body(
            "LoginRequest",
            vec![(
                "seed",
                "The seed README's login",
                json!({ "email": "alice@hospital.com", "password": "SecurePass123!" }),
            )],
        )
        .errors(&[401, 429])
        .ok(200, "Logged in.", "LoginResponse"),
        Op::new(
            HttpMethod::Post,
            "/api/auth/logout/",
            "logout",
            "auth",
            "Log out",
        )
        .describe(
            "Blacklists the caller's own refresh token and revokes the access token the \
                 call is made with. Another user's, an invalid or a spent refresh token is a \
                 400 under `errors.refresh`, and nothing is revoked.",
        )
        .secured()
        .body(
            "RefreshRequest",
            vec![(
                "seed",
                "The seed README's logout",
                json!({ "refresh": "eyJ1..." }),
            )],
        )
        .ok(200, "Logged out (`data: null`).", "EmptyResponse"),
        Op::new(
            HttpMethod::Post,
            "/api/auth/token/refresh/",
            "refreshToken",
            "auth",
            "Rotate the token pair",
        )
        .describe(
            "Returns a new access and refresh token and blacklists the refresh token given; \
             a bad, expired or spent refresh token is a 401.",
        )
        .body(
            "RefreshRequest",
            vec![(
                "seed",
                "The seed README's refresh",
                json!({ "refresh": "eyJ1..." }),
            )],
        )
        .errors(&[401, 429])
        .ok(200, "A new token pair.", "TokenPairResponse"),
        Op::new(
            HttpMethod::Get,
            "/api/auth/me/",
            "me",
            "auth",
            "The caller's profile",
        )
        .secured()
        .ok(200, "The profile.", "UserProfileResponse"),
    ]
}
