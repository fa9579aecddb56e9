//! `/api/auth/*`: registration, login, logout (one session or all), token
//! refresh, password change, profile.
use serde_json::json;
use utoipa::{
    openapi::{path::HttpMethod, schema::ObjectBuilder, Ref, RefOr, Schema},
    PartialSchema, ToSchema,
};

use super::{envelope, write, Op};
use crate::{
    models::{
        jwt::TokenPair,
        users::{LoginBody, PasswordChangeBody, RefreshBody, RegisterBody},
    },
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
    let refresh = write::body_schema(RefreshBody::FIELDS, true, Some("A refresh token."));
    vec![
        (
            "RegisterRequest".into(),
            write::body_schema(
                RegisterBody::FIELDS,
                true,
                Some(
                    "The password must have 8 characters or more, not be too similar to the \
                     name or e-mail, not be a common password, not be entirely numeric, and \
                     match `confirm_password`. E-mails are unique, case-insensitively.",
                ),
            )
            .into(),
        ),
        (
            "LoginRequest".into(),
            write::body_schema(LoginBody::FIELDS, true, None).into(),
        ),
        ("RefreshRequest".into(), refresh.into()),
        (
            "PasswordChangeRequest".into(),
            write::body_schema(
                PasswordChangeBody::FIELDS,
                true,
                Some(
                    "`new_password` is checked as at registration and must match \
                     `confirm_password`; a wrong `old_password` is a 400 under \
                     `errors.old_password`.",
                ),
            )
            .into(),
        ),
        (
            "PasswordChangedResponse".into(),
            envelope(
                ObjectBuilder::new()
                    .property("tokens", Ref::from_schema_name("TokenPair"))
                    .required("tokens")
                    .build(),
            )
            .into(),
        ),
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
            "Blacklists the caller's own refresh token, ends its sign-in (every token of \
             that session) and revokes the access token the call is made with. Another \
             user's or an invalid refresh token is a 400 under `errors.refresh`; a spent \
             (blacklisted) one is a 401. Either way nothing is revoked.",
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
            "/api/auth/logout/all/",
            "logoutAll",
            "auth",
            "Log out everywhere",
        )
        .describe(
            "Ends every session of the caller: each access and refresh token issued before \
             the call is refused from then on, on every instance, and the caller's console \
             sessions end too. Throttled like login.",
        )
        .secured()
        .ok(
            200,
            "Logged out everywhere (`data: null`).",
            "EmptyResponse",
        ),
        Op::new(
            HttpMethod::Post,
            "/api/auth/password/change/",
            "changePassword",
            "auth",
            "Change the password",
        )
        .describe(
            "Checks `old_password`, sets `new_password` (registration's rules), ends every \
             session of the caller and returns the token pair of a new one. Throttled like \
             login.",
        )
        .secured()
        .body(
            "PasswordChangeRequest",
            vec![(
                "change",
                "A new password",
                json!({
                    "old_password": "SecurePass123!",
                    "new_password": "Another-Secure-Pass-456",
                    "confirm_password": "Another-Secure-Pass-456"
                }),
            )],
        )
        .ok(
            200,
            "Changed; the new session's tokens.",
            "PasswordChangedResponse",
        ),
        Op::new(
            HttpMethod::Post,
            "/api/auth/token/refresh/",
            "refreshToken",
            "auth",
            "Rotate the token pair",
        )
        .describe(
            "Returns a new access and refresh token of the same sign-in and blacklists the \
             refresh token given; a bad, expired or spent refresh token is a 401, and so is \
             one whose session has ended or is older than `JWT_REFRESH_ABSOLUTE_DAYS`. A \
             spent token presented more than `JWT_REFRESH_REUSE_GRACE_SECONDS` after it was \
             spent also ends its whole sign-in.",
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
