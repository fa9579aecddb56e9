//! Owner scoping, search, filters and paths.
use super::*;

#[tokio::test]
async fn another_user_cannot_read_change_or_delete_a_patient() {
    let w = World::new().await;
    let path = detail(&w.john["id"]);
    let missing = detail(&json!(999_999));

    for (theirs, nobodys) in [
        (
            w.get(&path).token(&w.bob).send().await,
            w.get(&missing).token(&w.bob).send().await,
        ),
        (
            w.put(&path).token(&w.bob).json(patient_body()).send().await,
            w.put(&missing)
                .token(&w.bob)
                .json(patient_body())
                .send()
                .await,
        ),
        (
            w.patch(&path)
                .token(&w.bob)
                .json(json!({ "first_name": "Hacked" }))
                .send()
                .await,
            w.patch(&missing)
                .token(&w.bob)
                .json(json!({ "first_name": "Hacked" }))
                .send()
                .await,
        ),
        (
            w.delete(&path).token(&w.bob).send().await,
            w.delete(&missing).token(&w.bob).send().await,
        ),
    ] {
        theirs.error_envelope(StatusCode::NOT_FOUND);
        nobodys.error_envelope(StatusCode::NOT_FOUND);
        // Indistinguishable from a record that does not exist.
        assert_eq!(theirs.body, nobodys.body);
    }
    // An invalid body does not reveal it either (404, not 400).
    let resp = w
        .patch(&path)
        .token(&w.bob)
        .json(json!({ "gender": "X" }))
        .send()
        .await;
    resp.error_envelope(StatusCode::NOT_FOUND);

    // Alice's record is untouched.
    let stored = w.get(&path).token(&w.alice).send().await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert_eq!(stored.body["data"], w.john);
}

#[tokio::test]
async fn lists_never_show_another_users_patients() {
    let w = World::new().await;
    let b1 = w.create_patient(&w.bob, json!({ "first_name": "Bobby", "last_name": "Builder", "email": "bobby@builder.com", "gender": "F" }))
        .await;
    let a2 = w
        .create_patient(&w.alice, json!({ "first_name": "Jane", "gender": "F" }))
        .await;

    let alices = w.get(LIST).token(&w.alice).send().await;
    assert_eq!(ids(&alices.body), vec![id(&a2), id(&w.john)]);
    assert_eq!(alices.body["count"], 2);
    let bobs = w.get(LIST).token(&w.bob).send().await;
    assert_eq!(ids(&bobs.body), vec![id(&b1)]);
    assert_eq!(bobs.body["count"], 1);

    // Nor through search or filters.
    let resp = search(&w, &w.bob, "john").await;
    assert!(full_names(&resp).is_empty());
    let resp = search(&w, &w.bob, "").await;
    assert_eq!(ids(&resp.body), vec![id(&b1)]);
    let resp = w
        .get(&format!("{LIST}?gender=F"))
        .token(&w.bob)
        .send()
        .await;
    assert_eq!(ids(&resp.body), vec![id(&b1)]);
    let resp = w
        .get(&format!("{LIST}?gender=F"))
        .token(&w.alice)
        .send()
        .await;
    assert_eq!(ids(&resp.body), vec![id(&a2)]);
}

#[tokio::test]
async fn search_matches_names_and_email_case_insensitively() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await; // John Doe, john.doe@email.com
    app.create_patient(
        &alice,
        json!({ "first_name": "Mary", "last_name": "Smith", "email": "mary@clinic.org" }),
    )
    .await;
    app.create_patient(
        &alice,
        json!({ "first_name": "Peter", "last_name": "Johnson", "email": "" }),
    )
    .await;

    let cases: [(&str, &[&str]); 12] = [
        ("john", &["John Doe", "Peter Johnson"]),
        ("JOHN", &["John Doe", "Peter Johnson"]),
        ("doe", &["John Doe"]),
        ("DoE", &["John Doe"]),
        ("john do", &["John Doe"]),
        ("JOHN DOE", &["John Doe"]),
        ("n d", &["John Doe"]),
        ("mary@clinic", &["Mary Smith"]),
        ("CLINIC.ORG", &["Mary Smith"]),
        ("@email.com", &["John Doe"]),
        ("mit", &["Mary Smith"]),
        ("nobody", &[]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn search_does_not_match_other_fields() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await;
    // City, phone, allergies are not searched.
    for term in ["Chicago", "555-1234", "Penicillin"] {
        let resp = search(&app, &alice, term).await;
        assert!(full_names(&resp).is_empty(), "search {term:?}");
    }
}

#[tokio::test]
async fn search_is_unicode_case_insensitive() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({ "first_name": "Zoë", "last_name": "Adams" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "ZOË", "last_name": "Baker" }))
        .await;
    app.create_patient(
        &alice,
        json!({ "first_name": "Åsa", "last_name": "STRÖM", "email": "" }),
    )
    .await;
    app.create_patient(&alice, json!({ "first_name": "Zoe", "last_name": "Plain" }))
        .await;

    let cases: [(&str, &[&str]); 7] = [
        ("ZOË", &["ZOË Baker", "Zoë Adams"]),
        ("zoë", &["ZOË Baker", "Zoë Adams"]),
        ("Zoë Ad", &["Zoë Adams"]),
        ("ZOË BAKER", &["ZOË Baker"]),
        ("ström", &["Åsa STRÖM"]),
        ("åSA", &["Åsa STRÖM"]),
        ("åsa str", &["Åsa STRÖM"]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn search_treats_wildcards_literally() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (first, last) in [
        ("Fifty", "50%"),
        ("Fifty", "500"),
        ("Under", "a_b"),
        ("Under", "axb"),
        ("Back", "back\\slash"),
        ("Back", "backslash"),
    ] {
        app.create_patient(
            &alice,
            json!({ "first_name": first, "last_name": last, "email": "" }),
        )
        .await;
    }
    let cases: [(&str, &[&str]); 10] = [
        ("%", &["Fifty 50%"]),
        ("50%", &["Fifty 50%"]),
        ("5%", &[]),
        ("_", &["Under a_b"]),
        ("a_b", &["Under a_b"]),
        ("A_B", &["Under a_b"]),
        ("\\", &["Back back\\slash"]),
        ("k\\s", &["Back back\\slash"]),
        ("\\\\", &[]),
        ("%%", &[]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn gender_filters_exactly() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({ "first_name": "Male", "gender": "M" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "Fem", "gender": "F" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "Femme", "gender": "F" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "Other", "gender": "O" }))
        .await;

    let get = |query: &str| {
        let path = format!("{LIST}?{query}");
        let app = &app;
        let alice = &alice;
        async move { app.get(&path).token(alice).send().await }
    };
    assert_eq!(full_names(&get("gender=F").await), ["Fem Doe", "Femme Doe"]);
    assert_eq!(full_names(&get("gender=M").await), ["Male Doe"]);
    assert_eq!(full_names(&get("gender=O").await), ["Other Doe"]);
    assert!(full_names(&get("gender=N").await).is_empty());
    // Combined with a search.
    assert_eq!(
        full_names(&get("gender=F&search=femme").await),
        ["Femme Doe"]
    );
    // Not a choice: 400 naming the parameter.
    let resp = get("gender=X").await;
    assert_invalid(&resp, &["gender"]);
}

#[tokio::test]
async fn a_non_positive_or_non_integer_id_is_not_found() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await;
    for id in [
        "abc",
        "0",
        "-1",
        "1.5",
        "1e3",
        "99999999999999999999",
        "999999",
    ] {
        let path = format!("/api/patients/{id}/");
        for resp in [
            app.get(&path).token(&alice).send().await,
            app.put(&path)
                .token(&alice)
                .json(patient_body())
                .send()
                .await,
            app.patch(&path)
                .token(&alice)
                .json(json!({ "first_name": "X" }))
                .send()
                .await,
            app.delete(&path).token(&alice).send().await,
        ] {
            let errors = resp.error_envelope(StatusCode::NOT_FOUND);
            assert!(errors["detail"].is_array(), "{id}: {}", resp.body);
        }
    }
    // Nothing was changed.
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["data"][0]["first_name"], "John");
}

#[tokio::test]
async fn paths_work_without_the_trailing_slash() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = app
        .post("/api/patients")
        .token(&alice)
        .json(patient_body())
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let id = resp.body["data"]["id"].clone();
    let resp = app.get("/api/patients").token(&alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["count"], 1);
    let resp = app
        .get(&format!("/api/patients/{id}"))
        .token(&alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["id"], id);
}

#[tokio::test]
async fn search_follows_updates() {
    let w = World::new().await;
    let resp = w
        .patch(&detail(&w.john["id"]))
        .token(&w.alice)
        .json(json!({ "first_name": "Jonathan", "email": "jd@newmail.net" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(
        full_names(&search(&w, &w.alice, "jonathan doe").await),
        ["Jonathan Doe"]
    );
    assert_eq!(
        full_names(&search(&w, &w.alice, "NEWMAIL").await),
        ["Jonathan Doe"]
    );
    assert!(full_names(&search(&w, &w.alice, "john.doe@email").await).is_empty());
    assert!(full_names(&search(&w, &w.alice, "john doe").await).is_empty());

    let resp = w
        .put(&detail(&w.john["id"]))
        .token(&w.alice)
        .json(body_with(
            json!({ "first_name": "Ann", "last_name": "Other", "email": "" }),
        ))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(
        full_names(&search(&w, &w.alice, "ann oth").await),
        ["Ann Other"]
    );
    assert!(full_names(&search(&w, &w.alice, "jonathan").await).is_empty());
    assert!(full_names(&search(&w, &w.alice, "newmail").await).is_empty());
}

/// "Case-insensitive" is Unicode-aware: a term typed in capitals finds the
/// name whatever its case, including where Greek lower case has two forms of
/// sigma (`σ` inside a word, `ς` at its end): `ΑΝΑΣ` is a prefix of
/// `Αναστασία` just as `ANAS` is of `Anastasia`.
#[tokio::test]
async fn search_is_case_insensitive_for_greek_sigma() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(
        &alice,
        json!({ "first_name": "Αναστασία", "last_name": "Παππάς", "email": "" }),
    )
    .await;
    let cases: [(&str, &[&str]); 5] = [
        ("αναστασία", &["Αναστασία Παππάς"]),
        ("ΑΝΑΣΤΑΣΊΑ", &["Αναστασία Παππάς"]),
        ("ΠΑΠΠΆΣ", &["Αναστασία Παππάς"]),
        ("ανασ", &["Αναστασία Παππάς"]),
        // A term ending in capital sigma, in the middle of the stored name.
        ("ΑΝΑΣ", &["Αναστασία Παππάς"]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}
