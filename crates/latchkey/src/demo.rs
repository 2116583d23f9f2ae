//! What `serve --demo` puts in the database and tells a newcomer: people
//! to reset and sign in as, and staff to try the help desk as, each with a
//! known password and, where they have one, a known authenticator secret.
//! Never in a real deployment: everything here is public.

use crate::store::Role;

/// One demo person: username, name, email, phone, and whether an
/// authenticator app is registered (its secret is [`APP_SECRET`]).
pub struct DemoPerson {
    pub username: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub phone: Option<&'static str>,
    pub app: bool,
}

/// The people: one with a phone, one with an app, one with neither.
pub const PEOPLE: [DemoPerson; 3] = [
    DemoPerson {
        username: "ada",
        name: "Ada Lovelace",
        email: "ada@example.edu",
        phone: Some("(202) 555-0143"),
        app: false,
    },
    DemoPerson {
        username: "grace",
        name: "Grace Hopper",
        email: "grace@example.edu",
        phone: None,
        app: true,
    },
    DemoPerson {
        username: "alan",
        name: "Alan Turing",
        email: "alan@example.edu",
        phone: None,
        app: false,
    },
];

/// Every demo person's password.
pub const PASSWORD: &str = "Vt9#qkzP";

/// grace's authenticator app secret (RFC 6238's test secret), so that
/// `oathtool --totp -b GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ` stands in for her phone.
pub const APP_SECRET: &[u8] = b"12345678901234567890";

/// The help desk's demo staff: username, role, authenticator secret.
pub const STAFF: [(&str, Role, &[u8]); 2] = [
    ("demo-agent", Role::Agent, b"demo-agent-secret-01"),
    ("demo-admin", Role::Admin, b"demo-admin-secret-02"),
];

/// The demo staff's password.
pub const STAFF_PASSWORD: &str = "Kx4#mTq9!wZr";

/// Whose authenticator shows which code at `now`: what the demo phone
/// page shows, so that the help desk and grace can be tried without an app.
pub fn codes_at(now: i64) -> Vec<(&'static str, String)> {
    let people = PEOPLE
        .iter()
        .filter(|p| p.app)
        .map(|p| (p.username, APP_SECRET));
    let staff = STAFF.iter().map(|(name, _, secret)| (*name, *secret));
    (people.chain(staff))
        .filter_map(|(who, secret)| Some((who, crate::totp::code_at(secret, now)?)))
        .collect()
}
