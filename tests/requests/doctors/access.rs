//! Global reads, creator-only writes, filters.
use super::*;

#[tokio::test]
async fn any_authenticated_user_reads_any_doctor() {
    let w = Users::new().await;
    let carol = w.register("Carol").await;
    let by_alice = w
        .create_doctor(&w.alice, json!({ "first_name": "Ann" }))
        .await;
    let by_bob = w
        .create_doctor(&w.bob, json!({ "first_name": "Ben" }))
        .await;
    for user in [&w.alice, &w.bob, &carol] {
        for doctor in [&by_alice, &by_bob] {
            let resp = w.get(&detail(&doctor["id"])).token(user).send().await;
            assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
            assert_eq!(&resp.body["data"], doctor);
        }
        let resp = w.get(LIST).token(user).send().await;
        assert_eq!(ids(&resp.body), vec![id(&by_bob), id(&by_alice)]);
    }
    // But not without a token.
    for resp in [
        w.get(LIST).send().await,
        w.get(&detail(&by_alice["id"])).send().await,
        w.post(LIST).json(doctor_body()).send().await,
    ] {
        resp.error_envelope(StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn only_the_creator_may_change_or_delete_a_doctor() {
    let w = Users::new().await;
    let doctor = post_doctor(&w, &w.alice, doctor_body()).await.body["data"].clone();
    let path = detail(&doctor["id"]);

    let mut put_body = doctor_body();
    put_body["first_name"] = json!("Hijacked");
    for resp in [
        w.put(&path)
            .token(&w.bob)
            .json(put_body.clone())
            .send()
            .await,
        w.patch(&path)
            .token(&w.bob)
            .json(json!({ "is_available": false }))
            .send()
            .await,
        w.delete(&path).token(&w.bob).send().await,
        // Even an invalid body is refused for ownership first.
        w.patch(&path)
            .token(&w.bob)
            .json(json!({ "specialization": "bogus" }))
            .send()
            .await,
    ] {
        let errors = resp.error_envelope(StatusCode::FORBIDDEN);
        assert!(errors["detail"].is_array(), "{}", resp.body);
    }
    // Unchanged and still there, for both users.
    for user in [&w.alice, &w.bob] {
        let stored = w.get(&path).token(user).send().await;
        assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
        assert_eq!(stored.body["data"], doctor);
    }
    // The creator may.
    let resp = w.put(&path).token(&w.alice).json(put_body).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["first_name"], "Hijacked");
    let resp = w.delete(&path).token(&w.alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let resp = w.get(&path).token(&w.bob).send().await;
    resp.error_envelope(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_missing_or_malformed_doctor_id_is_not_found() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_doctor(&alice, json!({})).await;
    for id in ["999999", "abc", "0", "-1", "1.5", "99999999999999999999"] {
        let path = format!("/api/doctors/{id}/");
        for resp in [
            app.get(&path).token(&alice).send().await,
            app.put(&path)
                .token(&alice)
                .json(unique_body(5, json!({})))
                .send()
                .await,
            app.patch(&path)
                .token(&alice)
                .json(json!({ "bio": "x" }))
                .send()
                .await,
            app.delete(&path).token(&alice).send().await,
        ] {
            let errors = resp.error_envelope(StatusCode::NOT_FOUND);
            assert!(errors["detail"].is_array(), "{id}: {}", resp.body);
        }
    }
    assert_eq!(count(&app, &alice).await, 1);
}

#[tokio::test]
async fn updating_a_doctor_to_its_own_email_and_license_is_not_a_duplicate() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let doctor = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let other = post_doctor(&app, &alice, unique_body(1, json!({})))
        .await
        .body["data"]
        .clone();
    let path = detail(&doctor["id"]);

    // PUT with the record's current values.
    let resp = app
        .put(&path)
        .token(&alice)
        .json(body_with(json!({ "bio": "Updated bio." })))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["bio"], "Updated bio.");
    // PATCH with them, the e-mail in another case.
    let resp = app
        .patch(&path)
        .token(&alice)
        .json(json!({ "email": "DR.Emily@Hospital.com", "license_number": "LIC-2024-007" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert!(resp.body["data"]["email"]
        .as_str()
        .is_some_and(|e| e.eq_ignore_ascii_case("dr.emily@hospital.com")));

    // Another doctor's values are still duplicates on update.
    let resp = app
        .patch(&path)
        .token(&alice)
        .json(json!({ "email": other["email"] }))
        .send()
        .await;
    assert_invalid(&resp, &["email"]);
    let resp = app
        .patch(&path)
        .token(&alice)
        .json(json!({ "license_number": other["license_number"] }))
        .send()
        .await;
    assert_invalid(&resp, &["license_number"]);
    let resp = app
        .put(&path)
        .token(&alice)
        .json(body_with(json!({
            "email": other["email"],
            "license_number": other["license_number"],
        })))
        .send()
        .await;
    assert_invalid(&resp, &["email", "license_number"]);
    let stored = app.get(&path).token(&alice).send().await;
    assert_eq!(stored.body["data"]["license_number"], "LIC-2024-007");
}

#[tokio::test]
async fn search_matches_names_and_hospital_case_insensitively() {
    let w = Users::new().await;
    post_doctor(&w, &w.alice, doctor_body()).await; // Emily Chen, City Medical Center
    post_doctor(
        &w,
        &w.bob,
        unique_body(
            1,
            json!({ "first_name": "Raj", "last_name": "Patel", "hospital_name": "Mercy General" }),
        ),
    )
    .await;
    post_doctor(
        &w,
        &w.alice,
        unique_body(
            2,
            json!({ "first_name": "Chenoa", "last_name": "Brooks", "hospital_name": "" }),
        ),
    )
    .await;

    let cases: [(&str, &[&str]); 11] = [
        ("emily", &["Dr. Emily Chen"]),
        ("EMILY", &["Dr. Emily Chen"]),
        ("chen", &["Dr. Chenoa Brooks", "Dr. Emily Chen"]),
        ("patel", &["Dr. Raj Patel"]),
        ("emily chen", &["Dr. Emily Chen"]),
        ("RAJ PAT", &["Dr. Raj Patel"]),
        ("city medical", &["Dr. Emily Chen"]),
        ("MERCY", &["Dr. Raj Patel"]),
        ("general", &["Dr. Raj Patel"]),
        ("nobody", &[]),
        (
            "",
            &["Dr. Chenoa Brooks", "Dr. Emily Chen", "Dr. Raj Patel"],
        ),
    ];
    for (term, expected) in cases {
        let resp = list_by(&w, &w.alice, "search", term).await;
        assert_eq!(display_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn search_is_unicode_aware_and_wildcards_are_literal() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (first, last, hospital)) in [
        ("Zoë", "Adams", "Hôpital Saint-Éloi"),
        ("ZOË", "Baker", ""),
        ("Zoe", "Plain", ""),
        ("Fifty", "Percent", "50% Care"),
        ("Under", "Score", "a_b Clinic"),
        ("Back", "Slash", "back\\slash Health"),
        ("Other", "One", "axb 500 Clinic"),
    ]
    .into_iter()
    .enumerate()
    {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(
                n,
                json!({ "first_name": first, "last_name": last, "hospital_name": hospital }),
            ),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    }
    let cases: [(&str, &[&str]); 11] = [
        ("ZOË", &["Dr. ZOË Baker", "Dr. Zoë Adams"]),
        ("zoë", &["Dr. ZOË Baker", "Dr. Zoë Adams"]),
        ("zoë adams", &["Dr. Zoë Adams"]),
        ("HÔPITAL", &["Dr. Zoë Adams"]),
        ("saint-éloi", &["Dr. Zoë Adams"]),
        ("%", &["Dr. Fifty Percent"]),
        ("5%", &[]),
        ("_", &["Dr. Under Score"]),
        ("a_b", &["Dr. Under Score"]),
        ("\\", &["Dr. Back Slash"]),
        ("%%", &[]),
    ];
    for (term, expected) in cases {
        let resp = list_by(&app, &alice, "search", term).await;
        assert_eq!(display_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn specialization_filters_exactly() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (name, specialization)) in [
        ("Neuro", "neurology"),
        ("Cardio", "cardiology"),
        ("Heart", "cardiology"),
        ("Skin", "dermatology"),
    ]
    .into_iter()
    .enumerate()
    {
        post_doctor(
            &app,
            &alice,
            unique_body(
                n,
                json!({ "first_name": name, "specialization": specialization }),
            ),
        )
        .await;
    }
    let resp = list_by(&app, &alice, "specialization", "cardiology").await;
    assert_eq!(display_names(&resp), ["Dr. Cardio Chen", "Dr. Heart Chen"]);
    let resp = list_by(&app, &alice, "specialization", "neurology").await;
    assert_eq!(display_names(&resp), ["Dr. Neuro Chen"]);
    let resp = list_by(&app, &alice, "specialization", "oncology").await;
    assert!(display_names(&resp).is_empty());
    for bad in ["bogus", "cardio", "Cardiology"] {
        let resp = list_by(&app, &alice, "specialization", bad).await;
        assert_invalid(&resp, &["specialization"]);
    }
}

#[tokio::test]
async fn is_available_filters_on_true_or_false_only() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    post_doctor(
        &app,
        &alice,
        unique_body(1, json!({ "first_name": "Free", "is_available": true })),
    )
    .await;
    post_doctor(
        &app,
        &alice,
        unique_body(2, json!({ "first_name": "Busy", "is_available": false })),
    )
    .await;
    post_doctor(
        &app,
        &alice,
        unique_body(3, json!({ "first_name": "Default", "is_available": null })),
    )
    .await;

    let resp = list_by(&app, &alice, "is_available", "true").await;
    assert_eq!(display_names(&resp), ["Dr. Default Chen", "Dr. Free Chen"]);
    let resp = list_by(&app, &alice, "is_available", "false").await;
    assert_eq!(display_names(&resp), ["Dr. Busy Chen"]);
    for bad in ["yes", "1", "maybe"] {
        let resp = list_by(&app, &alice, "is_available", bad).await;
        assert_invalid(&resp, &["is_available"]);
    }
}

#[tokio::test]
async fn city_filters_case_insensitively_and_exactly() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (name, city)) in [
        ("Sf", "San Francisco"),
        ("Sj", "San Jose"),
        ("Zu", "Zürich"),
        ("None", ""),
    ]
    .into_iter()
    .enumerate()
    {
        post_doctor(
            &app,
            &alice,
            unique_body(n, json!({ "first_name": name, "city": city })),
        )
        .await;
    }
    let cases: [(&str, &[&str]); 7] = [
        ("San Francisco", &["Dr. Sf Chen"]),
        ("san francisco", &["Dr. Sf Chen"]),
        ("SAN FRANCISCO", &["Dr. Sf Chen"]),
        ("san", &[]),
        ("francisco", &[]),
        ("ZÜRICH", &["Dr. Zu Chen"]),
        ("san jose", &["Dr. Sj Chen"]),
    ];
    for (city, expected) in cases {
        let resp = list_by(&app, &alice, "city", city).await;
        assert_eq!(display_names(&resp), expected, "city {city:?}");
    }
}

#[tokio::test]
async fn filters_combine() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (name, specialization, available, city)) in [
        ("Alpha", "cardiology", true, "Boston"),
        ("Beta", "cardiology", false, "Boston"),
        ("Gamma", "cardiology", true, "Denver"),
        ("Delta", "neurology", true, "Boston"),
    ]
    .into_iter()
    .enumerate()
    {
        post_doctor(
            &app,
            &alice,
            unique_body(
                n,
                json!({
                    "first_name": name,
                    "specialization": specialization,
                    "is_available": available,
                    "city": city,
                }),
            ),
        )
        .await;
    }
    let resp = app
        .get(&format!(
            "{LIST}?specialization=cardiology&is_available=true&city=boston"
        ))
        .token(&alice)
        .send()
        .await;
    assert_eq!(display_names(&resp), ["Dr. Alpha Chen"]);
    let resp = app
        .get(&format!("{LIST}?search=a%20chen&specialization=cardiology"))
        .token(&alice)
        .send()
        .await;
    assert_eq!(
        display_names(&resp),
        ["Dr. Alpha Chen", "Dr. Beta Chen", "Dr. Gamma Chen"]
    );
}

#[tokio::test]
async fn search_and_city_follow_updates() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let doctor = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let resp = app
        .patch(&detail(&doctor["id"]))
        .token(&alice)
        .json(json!({ "last_name": "Wong", "hospital_name": "Bay Clinic", "city": "Oakland" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let names = |resp: Resp| display_names(&resp);
    assert_eq!(
        names(list_by(&app, &alice, "search", "emily wong").await),
        ["Dr. Emily Wong"]
    );
    assert_eq!(
        names(list_by(&app, &alice, "search", "BAY CLINIC").await),
        ["Dr. Emily Wong"]
    );
    assert!(names(list_by(&app, &alice, "search", "chen").await).is_empty());
    assert!(names(list_by(&app, &alice, "search", "city medical").await).is_empty());
    assert_eq!(
        names(list_by(&app, &alice, "city", "oakland").await),
        ["Dr. Emily Wong"]
    );
    assert!(names(list_by(&app, &alice, "city", "san francisco").await).is_empty());
}

/// `ΑΝΑΣ` (capitals) is a prefix of `Αναστασία`, as `ANAS` is of `Anastasia`:
/// Greek lower case has two sigmas (`σ`, and `ς` at a word's end), and a
/// Unicode-aware case-insensitive match must treat them alike.
#[tokio::test]
async fn search_is_case_insensitive_for_greek_sigma() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = post_doctor(
        &app,
        &alice,
        unique_body(
            1,
            json!({ "first_name": "Αναστασία", "last_name": "Παππάς", "hospital_name": "Ευαγγελισμός" }),
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    for term in ["αναστασία", "ΠΑΠΠΆΣ", "ευαγγελισμός", "ΑΝΑΣ", "ΕΥΑΓΓΕΛΙΣ"]
    {
        let resp = list_by(&app, &alice, "search", term).await;
        assert_eq!(
            display_names(&resp),
            ["Dr. Αναστασία Παππάς"],
            "search {term:?}"
        );
    }
}
