//! The people of the surge: made up, loaded into the database with their
//! old password, each with a phone the outbox can be read for.

use super::*;
use latchkey::secrets::{HISTORY_PURPOSE, SecretKey};

/// One simulated person.
pub(crate) struct Person {
    pub(crate) username: String,
    pub(crate) phone: String,
    pub(crate) new_password: String,
    /// The address the load balancer says they come from.
    pub(crate) address: String,
}

impl Person {
    pub(crate) fn new(i: usize) -> Person {
        Person {
            username: format!("s{i:05}"),
            phone: format!("+1617{:03}{:04}", 200 + i / 10_000, i % 10_000),
            new_password: format!("Vq%{}Tk", consonants(i)),
            address: format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        }
    }
}

/// `i` spelt in consonants, four at least: no digit the dictionary check
/// reads as a letter and no vowel, so no person's password holds a word.
pub(crate) fn consonants(mut i: usize) -> String {
    const LETTERS: &[u8] = b"bcdfghjkmnpqrstvwxz";
    let mut out = String::new();
    for _ in 0..4 {
        out.push(char::from(LETTERS[i % LETTERS.len()]));
        i /= LETTERS.len();
    }
    while i > 0 {
        out.push(char::from(LETTERS[i % LETTERS.len()]));
        i /= LETTERS.len();
    }
    out
}

/// The people, each with the old password current and `history` earlier
/// ones, stored as a change through Latchkey stores them: each entry's hash
/// under the history salt sealed under `key`, and only the current one's
/// own hash kept.
pub(crate) async fn load_people(
    store: &Store,
    db: &PgPool,
    hasher: &Hasher,
    key: &SecretKey,
    people: &[Person],
    history: usize,
) -> Result<(), String> {
    let accounts: Vec<(NewAccount, Option<String>)> = people
        .iter()
        .map(|p| {
            let email = format!("{}@example.edu", p.username);
            NewAccount::parse(&p.username, &email, "Pat Rowe", Some(&p.phone))
                .map(|account| (account, None))
                .map_err(|e| format!("{}: {e:?}", p.username))
        })
        .collect::<Result<_, _>>()?;
    for chunk in accounts.chunks(1000) {
        store
            .insert_accounts(chunk, 1)
            .await
            .map_err(|e| e.to_string())?;
    }
    // One history salt for everyone, so that each entry is hashed once for
    // all: a real account has its own, and checking costs the same.
    let salt = Hasher::new_salt();
    sqlx::query("UPDATE accounts SET history_salt = $1")
        .bind(&salt)
        .execute(db)
        .await
        .map_err(|e| format!("history salt: {e}"))?;
    // Earlier passwords first, the current one last: the newest row is current.
    let mut passwords: Vec<String> = (0..history).map(|k| format!("Old{k}#Zq9xT")).collect();
    passwords.push(OLD_PASSWORD.to_owned());
    for (at, password) in passwords.iter().enumerate() {
        let current = at == history;
        let own = match current {
            true => Some(hasher.hash(password).await.map_err(|e| e.to_string())?),
            false => None,
        };
        let digest = hasher
            .hash_with_salt(password, &salt)
            .await
            .map_err(|e| e.to_string())?;
        let sealed = key
            .seal(HISTORY_PURPOSE, digest.as_bytes())
            .ok_or("sealing a history entry")?;
        sqlx::query(
            "INSERT INTO password_history (account_id, hash, sealed, created_at)
             SELECT id, $1, $2, $3 FROM accounts ORDER BY id",
        )
        .bind(own)
        .bind(sealed)
        .bind(at as i64 + 1)
        .execute(db)
        .await
        .map_err(|e| format!("history: {e}"))?;
    }
    Ok(())
}
