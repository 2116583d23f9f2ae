//! How many proofs a reset asks for (NIST SP 800-63B-4 § 4.2): one code
//! from one way by default (the university's flow), two from different
//! ways where the campus or the account asks for it. One place decides;
//! the reset's steps and the pages only ask.

use super::{Core, Error};
pub use crate::config::{ProofsRequired, ResetConfig};
use crate::model::account::Account;
pub use crate::model::method::Proof;

/// Why a second proof is asked for: the page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// One is enough.
    One,
    /// The campus asks two of everyone (`proofs_required = 2`).
    Campus,
    /// The account is a member of the help desk's staff.
    Staff,
    /// The account holds an authenticator app besides its phone (`auto`).
    Stronger,
}

/// How many proofs, from different ways, this account's reset needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needed {
    pub count: usize,
    pub why: Why,
    /// A passkey alone is enough (`"auto"`, not staff): it resists phishing.
    pub passkey_alone: bool,
}

impl Needed {
    pub fn met_by(&self, proven: &[Proof]) -> bool {
        if self.passkey_alone && proven.contains(&Proof::Passkey) {
            return true;
        }
        let mut distinct = proven.to_vec();
        distinct.sort();
        distinct.dedup();
        distinct.len() >= self.count
    }

    /// The words the method page says once the first proof is in.
    pub fn second_words(&self) -> Option<String> {
        let id = match self.why {
            Why::One => return None,
            Why::Campus => "proof-second-campus",
            Why::Staff => "proof-second-staff",
            Why::Stronger => "proof-second-stronger",
        };
        Some(crate::i18n::say(id, &[]))
    }
}

/// The rule for `account`, which holds an app or a passkey (`stronger`) or not. `staff`: the
/// account's username is a member of the help desk's (a reset of it could
/// open the console's door), who always needs two.
pub fn needed(required: ProofsRequired, account: &Account, stronger: bool, staff: bool) -> Needed {
    let two = |why| Needed {
        count: 2,
        why,
        passkey_alone: false,
    };
    if staff {
        return two(Why::Staff);
    }
    match required {
        ProofsRequired::One => Needed {
            count: 1,
            why: Why::One,
            passkey_alone: true,
        },
        ProofsRequired::Two => two(Why::Campus),
        ProofsRequired::Auto if stronger && account.phone.is_some() => Needed {
            passkey_alone: true,
            ..two(Why::Stronger)
        },
        ProofsRequired::Auto => Needed {
            count: 1,
            why: Why::One,
            passkey_alone: true,
        },
    }
}

/// [`needed`] for an account as stored now (`None`: no account, asked
/// all the same so that an unknown name costs the same queries).
pub async fn needed_for(core: &Core, account: Option<&Account>) -> Result<Needed, Error> {
    let (id, username) = account.map_or((0, ""), |a| (a.id, a.username.as_str()));
    let stored = core.store.methods(id).await?;
    let staff = core.store.staff_by_username(username).await?;
    let staff = staff.is_some_and(|member| member.disabled_at.is_none());
    let one = Needed {
        count: 1,
        why: Why::One,
        passkey_alone: true,
    };
    Ok(match account {
        Some(account) => needed(
            core.reset.proofs_required,
            account,
            super::code::has_app(&stored) || stored.iter().any(|m| m.kind == "passkey"),
            staff,
        ),
        None => one,
    })
}

/// An account for unit tests elsewhere: ada, with a phone.
#[cfg(test)]
pub(crate) fn tests_account() -> Account {
    tests::account(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::method::Method;

    pub(super) fn account(phone: bool) -> Account {
        Account {
            id: 1,
            username: "ada".into(),
            email: "ada@example.edu".into(),
            name: "Ada Lovelace".into(),
            phone: phone.then(|| "+12025550143".into()),
            status: "active".into(),
            locked_until: None,
            must_change_password: false,
            must_change_reason: None,
            second_factor: true,
            version: 1,
            created_at: 0,
            updated_at: 0,
            left_directory_at: None,
            language: None,
            reported_at: None,
            methods_confirmed_at: None,
            alt_email: None,
        }
    }

    #[test]
    fn auto_asks_two_only_of_an_app_beside_a_phone() {
        let auto = ProofsRequired::Auto;
        assert_eq!(needed(auto, &account(true), true, false).count, 2);
        assert_eq!(needed(auto, &account(true), false, false).count, 1);
        assert_eq!(needed(auto, &account(false), true, false).count, 1);
        assert_eq!(
            needed(ProofsRequired::One, &account(true), true, true),
            Needed {
                count: 2,
                why: Why::Staff,
                passkey_alone: false,
            }
        );
        assert_eq!(
            needed(ProofsRequired::Two, &account(false), true, false).why,
            Why::Campus
        );
    }

    #[test]
    fn a_text_and_a_call_are_one_way() {
        let two = Needed {
            count: 2,
            why: Why::Campus,
            passkey_alone: false,
        };
        let phone = [Proof::of(Method::Text), Proof::of(Method::Call)];
        assert!(!two.met_by(&phone));
        assert!(two.met_by(&[Proof::Phone, Proof::Recovery]));
        assert!(!two.met_by(&[Proof::Passkey]), "two means two");
        let auto = needed(ProofsRequired::Auto, &account(true), true, false);
        assert_eq!(auto.count, 2);
        assert!(auto.met_by(&[Proof::Passkey]), "a passkey alone under auto");
        assert!(!auto.met_by(&[Proof::Phone]));
        assert_eq!(
            Proof::parse_list("phone,bogus,app"),
            [Proof::Phone, Proof::App]
        );
    }
}
