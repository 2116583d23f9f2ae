//! The people of the surge: made up, loaded into the database with their
//! old password, each with a phone the outbox can be read for.

use super::*;

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

/// The people, each with the old password current and `history` earlier ones.
pub(crate) async fn load_people(
    store: &Store,
    db: &PgPool,
    hasher: &Hasher,
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
    // Earlier passwords first, the current one last: the newest row is current.
    let mut hashes = Vec::new();
    for k in 0..history {
        hashes.push(
            hasher
                .hash(&format!("Old{k}#Zq9xT"))
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    hashes.push(hasher.hash(OLD_PASSWORD).await.map_err(|e| e.to_string())?);
    for (at, hash) in hashes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO password_history (account_id, hash, created_at)
             SELECT id, $1, $2 FROM accounts ORDER BY id",
        )
        .bind(hash)
        .bind(at as i64 + 1)
        .execute(db)
        .await
        .map_err(|e| format!("history: {e}"))?;
    }
    Ok(())
}
