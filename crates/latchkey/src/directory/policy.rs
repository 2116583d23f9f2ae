//! One policy with the directory's: where its rules are stricter than
//! ours, its rules apply in the checklist and the verdict, so that a
//! password the page accepts is one the directory takes.

use latchkey_policy::PolicyConfig;

use super::DirectoryPolicy;

/// Our rules joined with the directory's, and each place ours were weaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub config: PolicyConfig,
    /// One sentence per rule, naming our key and the directory's value.
    pub weaker: Vec<String>,
}

/// The stricter of both, rule by rule.
pub fn join(ours: &PolicyConfig, theirs: &DirectoryPolicy) -> Joined {
    let mut config = ours.clone();
    let mut weaker = Vec::new();
    if let Some(minimum) = theirs.min_length
        && minimum > ours.min_length
    {
        weaker.push(format!(
            "policy.min_length = {} is below the directory's minimum length of {minimum}; {minimum} applies",
            ours.min_length
        ));
        config.min_length = minimum;
        if config.max_length != 0 && config.max_length < minimum {
            config.max_length = minimum;
        }
    }
    if let Some(history) = theirs.history
        && history > ours.history
    {
        weaker.push(format!(
            "policy.history = {} remembers fewer passwords than the directory's {history}; {history} applies",
            ours.history
        ));
        config.history = history;
    }
    if theirs.complexity {
        // Active Directory's complexity: three kinds of characters, and
        // not the account's name; upper, lower and special always make three.
        let kinds = [
            ("uppercase", &mut config.uppercase),
            ("lowercase", &mut config.lowercase),
            ("special", &mut config.special),
            ("contains_username", &mut config.contains_username),
            ("contains_name", &mut config.contains_name),
        ];
        for (key, rule) in kinds {
            if !*rule {
                weaker.push(format!(
                    "policy.{key} is off, and the directory requires complex passwords; it applies"
                ));
                *rule = true;
            }
        }
    }
    Joined { config, weaker }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stricter_rule_of_each_pair_applies_and_each_weaker_one_is_named() {
        let ours = PolicyConfig {
            min_length: 8,
            history: 24,
            special: false,
            ..PolicyConfig::default()
        };
        let theirs = DirectoryPolicy {
            min_length: Some(12),
            history: Some(5),
            complexity: true,
            ..DirectoryPolicy::default()
        };
        let joined = join(&ours, &theirs);
        assert_eq!(joined.config.min_length, 12);
        assert_eq!(joined.config.history, 24, "ours is longer: kept");
        assert!(joined.config.special);
        assert_eq!(joined.weaker.len(), 2, "{:?}", joined.weaker);
        assert!(joined.weaker[0].contains("policy.min_length = 8"));
        assert!(joined.weaker[1].contains("policy.special"));
        // A directory with no rules of its own changes nothing.
        let none = join(&ours, &DirectoryPolicy::default());
        assert_eq!((none.config, none.weaker.len()), (ours, 0));
    }
}
