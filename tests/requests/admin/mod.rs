//! The admin console, driven as a browser would: form posts with cookies.
//! (Real-browser runs of the same flows are in `tests/browser/`.)
use axum::http::{header, StatusCode};
use healthcare_backend::models::users;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

use crate::support::{Resp, TestApp, User};

mod escalation;
mod lists;
mod records;
mod session;
mod users_screen;

/// `value` of the first `name="csrf_token"` input of a page.
pub fn csrf_of(page: &Resp) -> String {
    let html = page.body.as_str().expect("an HTML page");
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF field") + marker.len();
    html[start..]
        .split('"')
        .next()
        .expect("closing quote")
        .to_string()
}

/// The `name=value` part of the response's `Set-Cookie` for `name`.
pub fn set_cookie<'a>(response: &'a Resp, name: &str) -> Option<&'a str> {
    response
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

/// Registers a user through the API and sets their console flags.
pub async fn account(app: &TestApp, name: &str, staff: bool, superuser: bool) -> User {
    let user = app.register(name).await;
    let row = users::Entity::find_by_id(i32::try_from(user.id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.is_staff = Set(staff);
    row.is_superuser = Set(superuser);
    row.update(&app.ctx.db).await.unwrap();
    user
}

/// A signed-in console session.
pub struct Console<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf: String,
}

pub fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

/// Fetches the sign-in form and posts `email`/`password` with its token.
pub async fn sign_in_attempt(app: &TestApp, email: &str, password: &str) -> Resp {
    let page = app.get("/admin/login/").send().await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf_cookie = cookie_pair(set_cookie(&page, "hc_admin_csrf").expect("csrf cookie"));
    app.post("/admin/login/")
        .header("cookie", &csrf_cookie)
        .raw(
            "application/x-www-form-urlencoded",
            form(&[
                ("csrf_token", &csrf_of(&page)),
                ("email", email),
                ("password", password),
            ]),
        )
        .send()
        .await
}

impl<'a> Console<'a> {
    pub async fn sign_in(app: &'a TestApp, user: &User) -> Self {
        let response = sign_in_attempt(app, &user.email, crate::support::PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let cookie =
            cookie_pair(set_cookie(&response, "hc_admin_session").expect("session cookie"));
        let mut console = Self {
            app,
            cookie,
            csrf: String::new(),
        };
        let index = console.get("/admin/").await;
        assert_eq!(index.status, StatusCode::OK, "{}", index.body);
        console.csrf = csrf_of(&index);
        console
    }

    /// A session started in the database for `user`, as a sign-in would,
    /// without the sign-in form (whose throttle a table of cases would hit).
    pub async fn open(app: &'a TestApp, user: &users::Model) -> Self {
        let (token, _) = healthcare_backend::models::admin_sessions::start(&app.ctx.db, user)
            .await
            .expect("session started");
        let mut console = Self {
            app,
            cookie: format!("hc_admin_session={token}"),
            csrf: String::new(),
        };
        let index = console.get("/admin/").await;
        assert_eq!(index.status, StatusCode::OK, "{}", index.body);
        console.csrf = csrf_of(&index);
        console
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.app
            .get(path)
            .header("cookie", &self.cookie)
            .send()
            .await
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let mut all = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        self.post_raw(path, &all).await
    }

    /// Posts exactly `pairs` (no token added).
    pub async fn post_raw(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        self.app
            .post(path)
            .header("cookie", &self.cookie)
            .raw("application/x-www-form-urlencoded", form(pairs))
            .send()
            .await
    }
}

pub fn html(response: &Resp) -> &str {
    response.body.as_str().expect("an HTML page")
}

pub fn location(response: &Resp) -> &str {
    response.headers[header::LOCATION].to_str().unwrap()
}
