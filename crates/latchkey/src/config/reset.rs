//! `[reset]`: how many proofs an online reset asks for (the rule itself
//! is `domain::proofs`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// `[reset]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResetConfig {
    /// `1`, `2` or `"auto"` (two when the account holds an authenticator
    /// app besides a phone). Staff's accounts always need two.
    pub proofs_required: ProofsRequired,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProofsRequired {
    /// One code from one way: the seed's flow.
    #[default]
    One,
    /// Two, from different ways, for everyone.
    Two,
    /// Two when the account holds a stronger way (an authenticator app)
    /// besides its phone: a code to the phone alone does not take it.
    Auto,
}

impl Serialize for ProofsRequired {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ProofsRequired::One => serializer.serialize_i64(1),
            ProofsRequired::Two => serializer.serialize_i64(2),
            ProofsRequired::Auto => serializer.serialize_str("auto"),
        }
    }
}

impl<'de> Deserialize<'de> for ProofsRequired {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ProofsRequired;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"1, 2 or "auto""#)
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
                match n {
                    1 => Ok(ProofsRequired::One),
                    2 => Ok(ProofsRequired::Two),
                    _ => Err(E::custom(format!(r#"{n} proofs: say 1, 2 or "auto""#))),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                match text {
                    "auto" => Ok(ProofsRequired::Auto),
                    "1" => Ok(ProofsRequired::One),
                    "2" => Ok(ProofsRequired::Two),
                    _ => Err(E::custom(format!(r#""{text}": say 1, 2 or "auto""#))),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_reads_one_two_or_auto_and_nothing_else() {
        let read = |text: &str| toml::from_str::<ResetConfig>(text);
        assert_eq!(
            read("proofs_required = 2").unwrap().proofs_required,
            ProofsRequired::Two
        );
        assert_eq!(
            read("proofs_required = \"auto\"").unwrap().proofs_required,
            ProofsRequired::Auto
        );
        let wrong = read("proofs_required = 3").unwrap_err().to_string();
        assert!(wrong.contains(r#"say 1, 2 or "auto""#), "{wrong}");
        assert!(read("proofs_required = \"always\"").is_err());
        let written = toml::to_string(&ResetConfig {
            proofs_required: ProofsRequired::Auto,
        })
        .unwrap();
        assert_eq!(
            read(&written).unwrap().proofs_required,
            ProofsRequired::Auto
        );
    }
}
