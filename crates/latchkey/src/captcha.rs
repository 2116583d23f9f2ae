//! CAPTCHA challenges: characters drawn into a distorted image. Answers are
//! compared without regard to case, and only the answer's HMAC is stored.

use captcha::Captcha;
use captcha::filters::{Noise, Wave};

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
    captcha
        .apply_filter(Noise::new(0.1))
        .apply_filter(Wave::new(2.0, 8.0).horizontal())
        .view(240, 90);
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

/// The characters of `answer` read out, one after another with a pause:
/// the non-visual version of a challenge. A WAV file, or `None` if a
/// character has no recording.
pub fn audio(answer: &str) -> Option<Vec<u8>> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 22_050,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let pause = vec![0i16; 22_050 / 2];
    let mut samples: Vec<i16> = pause.clone();
    for c in answer.chars() {
        // The crate voices only its own random characters: one of one choice is `c`.
        let mut single = Captcha::new();
        single.set_chars(&[c]).add_chars(1);
        let wav = single.as_wav().into_iter().next()??;
        let reader = hound::WavReader::new(std::io::Cursor::new(wav)).ok()?;
        if reader.spec() != spec {
            return None;
        }
        samples.extend(reader.into_samples::<i16>().filter_map(Result::ok));
        samples.extend_from_slice(&pause);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut out, spec).ok()?;
    for sample in samples {
        writer.write_sample(sample).ok()?;
    }
    writer.finalize().ok()?;
    Some(out.into_inner())
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
    fn every_character_of_the_alphabet_can_be_heard() {
        let wav = audio(ALPHABET).unwrap();
        let reader = hound::WavReader::new(std::io::Cursor::new(wav)).unwrap();
        // Each character adds its recording and a half-second pause.
        assert!(
            reader.duration() > (ALPHABET.len() as u32) * 22_050 / 2,
            "{}",
            reader.duration()
        );
    }

    #[test]
    fn answers_ignore_case_and_spaces() {
        assert_eq!(normalize_answer(" ac d7 "), "ACD7");
    }
}
