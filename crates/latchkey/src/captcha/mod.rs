//! CAPTCHA challenges: characters drawn into a distorted image, and the
//! proof of work ([`pow`]) that is its accessible alternative. Answers are
//! compared without regard to case, and only the answer's HMAC is stored.
//!
//! There is no audio version: one made of a fixed recording per character
//! at fixed places fell to a template matcher (every challenge of about
//! 1,100 solved after 40 labelled clips), and the proof of work serves
//! people who cannot see the image without offering bots a listening post.

pub mod pow;

use captcha::Captcha;
use captcha::filters::{Cow, Dots, Noise, Wave};

/// Characters that cannot be mistaken for one another in the image
/// (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const ALPHABET: &str = "ACDEFGHJKMNPQRTUVWXY34679";
const LENGTH: u32 = 5;

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
    let mut captcha = Captcha::new();
    let font_chars = captcha.supported_chars();
    let chars: Vec<char> = ALPHABET
        .chars()
        .filter(|c| font_chars.contains(c))
        .collect();
    captcha.set_chars(&chars).add_chars(LENGTH);
    distorted(captcha)
}

fn distorted(mut captcha: Captcha) -> Option<Challenge> {
    // Drawn at the size shown, so that scaling does not thin the noise.
    captcha
        .view(240, 90)
        .apply_filter(Noise::new(0.1))
        .apply_filter(Wave::new(2.0, 8.0).horizontal())
        .apply_filter(Wave::new(2.0, 6.0).vertical())
        .apply_filter(Dots::new(12).min_radius(2).max_radius(5))
        .apply_filter(Cow::new().min_radius(18).max_radius(26).circles(1));
    let (answer, png) = captcha.as_tuple()?;
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
        let mut captcha = Captcha::new();
        for c in self.0.chars() {
            captcha.set_chars(&[c]).add_chars(1);
        }
        distorted(captcha)
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
        assert_eq!(challenge.answer.chars().count(), LENGTH as usize);
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
