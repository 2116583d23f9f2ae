//! The hash-chained audit trail: every flow writes into one chain, appends
//! from many tasks stay in one chain, and `latchkey audit verify` names the
//! first event changed, deleted or moved directly in the database, on
//! SQLite and on PostgreSQL.

use latchkey::secrets::SecretKey;
use latchkey::store::{Break, ChainCheck, NewEvent, Store};

use crate::portal::{Browser, NEW_PASSWORD, portal, reset_by_sms};
use crate::support::{TestDb, latchkey, on_each_backend, sql};

const EVENTS: i64 = 30;

/// A database with `EVENTS` events in its chain.
async fn chain_of_events(db: &TestDb) -> Store {
    let store = Store::open(&db.url).await.unwrap();
    let actions: Vec<String> = (1..=EVENTS).map(|i| format!("test.event_{i}")).collect();
    let events: Vec<NewEvent> = actions
        .iter()
        .enumerate()
        .map(|(i, action)| NewEvent {
            at: 1_800_000_000 + i as i64,
            actor: "self-service",
            action,
            account_id: None,
            address: "192.0.2.1",
            detail: "",
        })
        .collect();
    store.append_events(&events).await.unwrap();
    store
}

fn verify(db: &TestDb) -> (i32, String) {
    let run = latchkey(&["--database-url", &db.url, "audit", "verify"], b"");
    (run.code, run.stdout.trim().to_owned())
}

#[tokio::test]
async fn verify_names_the_first_event_changed_deleted_or_moved() {
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "changed",
            &["UPDATE audit_events SET action = 'reset.completed' WHERE seq = 7"],
            "event 7 was altered",
        ),
        (
            "deleted",
            &["DELETE FROM audit_events WHERE seq = 12"],
            "event 12 was removed",
        ),
        (
            "swapped",
            &[
                "UPDATE audit_events SET seq = -5 WHERE seq = 5",
                "UPDATE audit_events SET seq = 5 WHERE seq = 6",
                "UPDATE audit_events SET seq = 6 WHERE seq = -5",
            ],
            "event 5 was",
        ),
        (
            "renumbered",
            // The gap closed by moving every later event down a place.
            &[
                "DELETE FROM audit_events WHERE seq = 20",
                "UPDATE audit_events SET seq = seq - 1 WHERE seq > 20",
            ],
            "event 20 was",
        ),
        (
            "tail",
            &["DELETE FROM audit_events WHERE seq = 30"],
            "event 30 was removed",
        ),
        (
            "inserted",
            &[
                "INSERT INTO audit_events (at, actor, action) VALUES (1, 'someone', 'reset.completed')",
            ],
            "outside the chain",
        ),
    ];
    on_each_backend("audit_tamper", |db: TestDb| async move {
        let store = chain_of_events(&db).await;
        store.close().await;
        let (code, said) = verify(&db);
        assert_eq!(code, 0, "{said}");
        assert!(said.starts_with("30 events, chain intact; head "), "{said}");
        db
    })
    .await;
    for (name, statements, expected) in cases {
        on_each_backend(&format!("audit_{name}"), |db: TestDb| async move {
            let store = chain_of_events(&db).await;
            store.close().await;
            for statement in statements {
                sql(&db.url, statement).await;
            }
            let (code, said) = verify(&db);
            assert_eq!(code, 1, "{name} on {}: {said}", db.label);
            assert!(said.contains(expected), "{name} on {}: {said}", db.label);
            db
        })
        .await;
    }
}

#[tokio::test]
async fn verify_all_names_every_event_changed_deleted_or_moved() {
    on_each_backend("audit_all", |db: TestDb| async move {
        let store = chain_of_events(&db).await;
        store.close().await;
        for statement in [
            "UPDATE audit_events SET action = 'reset.completed' WHERE seq = 7",
            "DELETE FROM audit_events WHERE seq = 12",
            "UPDATE audit_events SET detail = 'edited' WHERE seq = 25",
            "INSERT INTO audit_events (at, actor, action) VALUES (1, 'someone', 'reset.completed')",
        ] {
            sql(&db.url, statement).await;
        }
        let (code, first) = verify(&db);
        assert_eq!(code, 1);
        assert_eq!(first.lines().count(), 1, "{first}");
        let run = latchkey(
            &["--database-url", &db.url, "audit", "verify", "--all"],
            b"",
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 4, "{}", run.stdout);
        assert!(lines[0].contains("outside the chain"), "{}", run.stdout);
        assert!(lines[1].contains("event 7 was altered"), "{}", run.stdout);
        assert!(lines[2].contains("event 12 was removed"), "{}", run.stdout);
        assert!(lines[3].contains("event 25 was altered"), "{}", run.stdout);
        db
    })
    .await;
}

#[tokio::test]
async fn an_altered_event_put_back_verifies_again_and_the_head_names_the_chain() {
    on_each_backend("audit_restore", |db: TestDb| async move {
        let store = chain_of_events(&db).await;
        let ChainCheck::Intact { events, head } = store.verify_audit().await.unwrap() else {
            panic!("intact");
        };
        assert_eq!(events, EVENTS);
        sql(
            &db.url,
            "UPDATE audit_events SET address = '203.0.113.9' WHERE seq = 3",
        )
        .await;
        assert_eq!(
            store.verify_audit().await.unwrap(),
            ChainCheck::Broken {
                seq: 3,
                problem: Break::Altered
            }
        );
        sql(
            &db.url,
            "UPDATE audit_events SET address = '192.0.2.1' WHERE seq = 3",
        )
        .await;
        assert_eq!(
            store.verify_audit().await.unwrap(),
            ChainCheck::Intact {
                events: EVENTS,
                head
            }
        );
        db
    })
    .await;
}

#[tokio::test]
async fn appends_from_many_tasks_and_a_whole_reset_make_one_chain() {
    on_each_backend("audit_concurrent", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..40 {
            let store = portal.store.clone();
            tasks.spawn(async move {
                store
                    .record_event(i, "self-service", "test.concurrent", None, "192.0.2.1")
                    .await
                    .unwrap()
            });
        }
        tasks.join_all().await;
        let mut browser = Browser::default();
        reset_by_sms(&mut browser, &portal, "ada", NEW_PASSWORD).await;
        match portal.store.verify_audit().await.unwrap() {
            ChainCheck::Intact { events, .. } => assert!(events > 40 + 6, "{events}"),
            broken => panic!("{}: {broken}", db.label),
        }
        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        let recent = portal.store.events_of(ada.id, 3).await.unwrap();
        assert_eq!(
            recent[0].action, "reset.completed:sms",
            "newest first, with its way"
        );
        db
    })
    .await;
}

#[tokio::test]
async fn export_writes_the_events_since_a_date_as_jsonl_or_csv() {
    let db = TestDb::sqlite("audit_export");
    let store = chain_of_events(&db).await;
    store.close().await;
    // 1_800_000_000 is 2027-01-15T08:00:00Z; the events are a second apart.
    let jsonl = latchkey(
        &[
            "--database-url",
            &db.url,
            "audit",
            "export",
            "--since",
            "2027-01-15T08:00:10Z",
        ],
        b"",
    );
    assert_eq!(jsonl.code, 0, "{}", jsonl.stderr);
    let lines: Vec<serde_json::Value> = jsonl
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 20);
    assert_eq!(lines[0]["seq"], 11);
    assert_eq!(
        lines[1]["prev_hash"], lines[0]["hash"],
        "the chain is in the export"
    );

    let csv = latchkey(
        &[
            "--database-url",
            &db.url,
            "audit",
            "export",
            "--since",
            "2027-01-15",
            "--format",
            "csv",
        ],
        b"",
    );
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let rows: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        rows[0],
        "seq,at,time,actor,action,account_id,address,detail,prev_hash,hash"
    );
    assert_eq!(rows.len(), 1 + EVENTS as usize);
    assert!(rows[1].starts_with("1,1800000000,2027-01-15 08:00 UTC,self-service,test.event_1,"));

    let bad = latchkey(
        &[
            "--database-url",
            &db.url,
            "audit",
            "export",
            "--since",
            "last week",
        ],
        b"",
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("2026-09-01"), "{}", bad.stderr);
    db.drop_db().await;
}
