//! CAPTCHA challenges: characters drawn into a distorted image, and the
//! proof of work ([`pow`]) that is its accessible alternative. Answers are
//! compared without regard to case, and only the answer's HMAC is stored.
//!
//! There is no audio version: one made of a fixed recording per character
//! at fixed places fell to a template matcher (every challenge of about
//! 1,100 solved after 40 labelled clips), and the proof of work serves
//! people who cannot see the image without offering bots a listening post.

/// The image, in a crate of its own so that tests and benchmarks that draw
/// thousands of them get it optimised (see the workspace's profile).
pub use latchkey_captcha as draw;
pub mod pow;

use rand::RngExt;

pub use latchkey_captcha::ALPHABET;
pub const LENGTH: usize = 5;

pub struct Challenge {
    pub answer: String,
    pub png: Vec<u8>,
}

/// Where challenges come from: random images in service, known answers in tests.
pub trait ChallengeSource: Send + Sync {
    /// A new challenge, or `None` if the image could not be made.
    fn next_challenge(&self) -> Option<Challenge>;
}

/// The real source: random characters in a distorted image.
pub struct RandomChallenges;

impl ChallengeSource for RandomChallenges {
    fn next_challenge(&self) -> Option<Challenge> {
        new_challenge()
    }
}

/// A new challenge, or `None` if the image could not be encoded.
pub fn new_challenge() -> Option<Challenge> {
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    let mut rng = rand::rng();
    let answer: String = (0..LENGTH)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())])
        .collect();
    let png = draw::draw(&answer)?;
    Some(Challenge { answer, png })
}

/// Test builds only (`--features test-hooks`): every challenge shows the
/// same known answer, drawn and distorted as a real one (so it costs what
/// a real one costs), for load tests that must get past the CAPTCHA.
#[cfg(feature = "test-hooks")]
pub struct KnownAnswer(pub String);

#[cfg(feature = "test-hooks")]
impl ChallengeSource for KnownAnswer {
    fn next_challenge(&self) -> Option<Challenge> {
        let png = draw::draw(&self.0)?;
        Some(Challenge {
            answer: self.0.clone(),
            png,
        })
    }
}

/// The form of an answer that is compared: trimmed, upper case, no spaces.
pub fn normalize_answer(answer: &str) -> String {
    answer
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_png_images_of_unambiguous_characters() {
        let challenge = new_challenge().unwrap();
        assert_eq!(challenge.answer.chars().count(), LENGTH);
        assert!(
            challenge.answer.chars().all(|c| ALPHABET.contains(c)),
            "{}",
            challenge.answer
        );
        assert_eq!(&challenge.png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn answers_ignore_case_and_spaces() {
        assert_eq!(normalize_answer(" ac d7 "), "ACD7");
    }
}
