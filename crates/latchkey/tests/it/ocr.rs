//! The CAPTCHA's image against an off-the-shelf OCR, as a bot would use
//! it: Tesseract (Debian's `tesseract-ocr`), told the line is one word of
//! the challenge's own alphabet, on a few hundred fresh challenges. It
//! must read fewer than 5 % of them.

use std::process::Command;

use crate::support::TempDir;

const CHALLENGES: usize = 200;
/// The characters challenges use (`captcha::ALPHABET`): the OCR is told.
const ALPHABET: &str = "ACDEFGHJKMNPQRTUVWXY34679";

fn tesseract_present() -> bool {
    let present = Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install tesseract-ocr (scripts/test does)"
        );
        eprintln!("tesseract is not installed; the OCR test is skipped");
    }
    present
}

/// What Tesseract reads in the image at `path`, upper-cased, spaces dropped.
fn read(path: &str) -> String {
    let whitelist = format!("tessedit_char_whitelist={ALPHABET}");
    let output = Command::new("tesseract")
        .args([path, "stdout", "--psm", "7", "-c", &whitelist])
        .output()
        .expect("tesseract runs");
    latchkey::captcha::normalize_answer(&String::from_utf8_lossy(&output.stdout))
}

#[test]
fn tesseract_reads_fewer_than_one_image_in_twenty() {
    if !tesseract_present() {
        return;
    }
    let dir = TempDir::new("ocr");
    let challenges: Vec<(String, String)> = (0..CHALLENGES)
        .map(|i| {
            let challenge = latchkey::captcha::new_challenge().unwrap();
            let path = dir.0.join(format!("{i}.png"));
            std::fs::write(&path, &challenge.png).unwrap();
            (challenge.answer, path.display().to_string())
        })
        .collect();
    // Both cores: the OCR is the slow part.
    let halves: Vec<Vec<(String, String)>> = challenges
        .chunks(CHALLENGES / 2)
        .map(<[_]>::to_vec)
        .collect();
    let solved: usize = std::thread::scope(|scope| {
        let runs: Vec<_> = halves
            .iter()
            .map(|half| {
                scope.spawn(move || {
                    half.iter()
                        .filter(|(answer, path)| read(path) == *answer)
                        .count()
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).sum()
    });
    eprintln!("tesseract solved {solved} of {CHALLENGES} CAPTCHA images");
    // A few to look at: a person must still read them.
    let samples = crate::support::workspace().join("target/captcha-samples");
    std::fs::create_dir_all(&samples).unwrap();
    for (i, (answer, path)) in challenges.iter().take(4).enumerate() {
        std::fs::copy(path, samples.join(format!("{i}-{answer}.png"))).unwrap();
    }
    assert!(
        solved * 20 < CHALLENGES,
        "tesseract solved {solved} of {CHALLENGES}: 5 % or more"
    );
}
