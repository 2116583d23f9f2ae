//! The CAPTCHA image, drawn here so that its generator cannot be replayed.
//! The public crate it replaced drew every character from one fixed bitmap
//! and added only noise: a script that redrew its glyphs and matched them
//! read three images in four. Here each character is a set of strokes
//! whose every point, size, slant, rotation, width, place and style (solid
//! or outlined) comes from server-side randomness, crossed by curves as
//! thick as its strokes and warped as a whole, so no two images of the same
//! answer share a glyph's pixels. Measured in the suite against Tesseract,
//! a template solver that draws our strokes, and a k-NN trained on 2,000
//! labelled images (`tests/it/ocr.rs`, docs/performance.md).

use std::f64::consts::PI;

/// Characters that cannot be mistaken for one another in the image
/// (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
pub const ALPHABET: &str = "ACDEFGHJKMNPQRTUVWXY34679";

use rand::RngExt;

pub const WIDTH: usize = 240;
pub const HEIGHT: usize = 90;

/// A point of a stroke, in the glyph's box: x across (0 to 1), y down.
type Point = (f64, f64);

/// The strokes of `c` (one of [`ALPHABET`]), each a polyline.
pub fn strokes(c: char) -> Vec<Vec<Point>> {
    let line = |points: &[Point]| points.to_vec();
    match c {
        'A' => vec![
            line(&[(0.0, 1.0), (0.5, 0.0), (1.0, 1.0)]),
            line(&[(0.22, 0.62), (0.78, 0.62)]),
        ],
        'C' => vec![arc((0.55, 0.5), (0.45, 0.5), -45.0, -315.0)],
        'D' => vec![chain(&[
            line(&[(0.0, 1.0), (0.0, 0.0), (0.45, 0.0)]),
            arc((0.45, 0.5), (0.55, 0.5), -90.0, 90.0),
            line(&[(0.0, 1.0)]),
        ])],
        'E' => vec![
            line(&[(1.0, 0.0), (0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]),
            line(&[(0.0, 0.5), (0.75, 0.5)]),
        ],
        'F' => vec![
            line(&[(1.0, 0.0), (0.0, 0.0), (0.0, 1.0)]),
            line(&[(0.0, 0.5), (0.75, 0.5)]),
        ],
        'G' => vec![chain(&[
            arc((0.55, 0.5), (0.45, 0.5), -40.0, -360.0),
            line(&[(0.6, 0.5)]),
        ])],
        'H' => vec![
            line(&[(0.0, 0.0), (0.0, 1.0)]),
            line(&[(1.0, 0.0), (1.0, 1.0)]),
            line(&[(0.0, 0.5), (1.0, 0.5)]),
        ],
        'J' => vec![chain(&[
            line(&[(0.35, 0.0), (0.9, 0.0), (0.9, 0.7)]),
            arc((0.5, 0.7), (0.4, 0.3), 0.0, 180.0),
        ])],
        'K' => vec![
            line(&[(0.0, 0.0), (0.0, 1.0)]),
            line(&[(1.0, 0.0), (0.0, 0.58)]),
            line(&[(0.3, 0.4), (1.0, 1.0)]),
        ],
        'M' => vec![line(&[
            (0.0, 1.0),
            (0.0, 0.0),
            (0.5, 0.6),
            (1.0, 0.0),
            (1.0, 1.0),
        ])],
        'N' => vec![line(&[(0.0, 1.0), (0.0, 0.0), (1.0, 1.0), (1.0, 0.0)])],
        'P' => vec![chain(&[
            line(&[(0.0, 1.0), (0.0, 0.0), (0.55, 0.0)]),
            arc((0.55, 0.27), (0.45, 0.27), -90.0, 90.0),
            line(&[(0.0, 0.54)]),
        ])],
        'Q' => vec![
            arc((0.5, 0.5), (0.5, 0.5), 0.0, 360.0),
            line(&[(0.6, 0.7), (1.05, 1.05)]),
        ],
        'R' => vec![
            chain(&[
                line(&[(0.0, 1.0), (0.0, 0.0), (0.55, 0.0)]),
                arc((0.55, 0.27), (0.45, 0.27), -90.0, 90.0),
                line(&[(0.0, 0.54)]),
            ]),
            line(&[(0.4, 0.54), (1.0, 1.0)]),
        ],
        'T' => vec![
            line(&[(0.0, 0.0), (1.0, 0.0)]),
            line(&[(0.5, 0.0), (0.5, 1.0)]),
        ],
        'U' => vec![chain(&[
            line(&[(0.0, 0.0), (0.0, 0.6)]),
            arc((0.5, 0.6), (0.5, 0.4), 180.0, 0.0),
            line(&[(1.0, 0.0)]),
        ])],
        'V' => vec![line(&[(0.0, 0.0), (0.5, 1.0), (1.0, 0.0)])],
        'W' => vec![line(&[
            (0.0, 0.0),
            (0.25, 1.0),
            (0.5, 0.35),
            (0.75, 1.0),
            (1.0, 0.0),
        ])],
        'X' => vec![
            line(&[(0.0, 0.0), (1.0, 1.0)]),
            line(&[(1.0, 0.0), (0.0, 1.0)]),
        ],
        'Y' => vec![
            line(&[(0.0, 0.0), (0.5, 0.5), (1.0, 0.0)]),
            line(&[(0.5, 0.5), (0.5, 1.0)]),
        ],
        '3' => vec![
            arc((0.45, 0.26), (0.45, 0.26), -160.0, 90.0),
            arc((0.45, 0.76), (0.5, 0.24), -90.0, 160.0),
        ],
        '4' => vec![line(&[(0.75, 1.0), (0.75, 0.0), (0.0, 0.7), (1.0, 0.7)])],
        '6' => vec![
            arc((0.5, 0.7), (0.45, 0.3), 0.0, 360.0),
            arc((0.6, 0.7), (0.55, 0.7), -70.0, -180.0),
        ],
        '7' => vec![line(&[(0.0, 0.0), (1.0, 0.0), (0.35, 1.0)])],
        '9' => vec![
            arc((0.5, 0.3), (0.45, 0.3), 0.0, 360.0),
            line(&[(0.95, 0.3), (0.6, 1.0)]),
        ],
        _ => Vec::new(),
    }
}

/// Points along an ellipse centred at `centre` with radii `radii`, from
/// angle `from` to `to` in degrees (0 is right, 90 is down).
fn arc(centre: Point, radii: Point, from: f64, to: f64) -> Vec<Point> {
    let steps = ((to - from).abs() / 15.0).ceil().max(2.0) as usize;
    (0..=steps)
        .map(|i| {
            let angle = (from + (to - from) * i as f64 / steps as f64) * PI / 180.0;
            (
                centre.0 + radii.0 * angle.cos(),
                centre.1 + radii.1 * angle.sin(),
            )
        })
        .collect()
}

/// Polylines joined end to start into one stroke.
fn chain(parts: &[Vec<Point>]) -> Vec<Point> {
    parts.iter().flatten().copied().collect()
}

/// How a character is drawn: its strokes solid, or outlined (two thin
/// lines along each stroke's edges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Solid,
    Outline,
}

/// Where and how one character lands in the image.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    /// The centre of its box, in pixels.
    pub centre: Point,
    pub height: f64,
    /// Width over height.
    pub aspect: f64,
    /// Radians, clockwise.
    pub rotation: f64,
    /// Horizontal shift per unit of height (italic).
    pub shear: f64,
    /// Half the stroke's width, in pixels.
    pub radius: f64,
    pub style: Style,
    /// How far each stroke point may move, as a share of the box.
    pub jitter: f64,
}

/// Segments in pixels, each with the half-width it is drawn at.
type Segment = (Point, Point);

/// The image of `answer` as a PNG, every choice from the thread's
/// cryptographic generator; `None` if it could not be encoded.
pub fn draw(answer: &str) -> Option<Vec<u8>> {
    let mut rng = rand::rng();
    let mut ink = vec![0.0f64; WIDTH * HEIGHT];
    let count = answer.chars().count().max(1) as f64;
    // Spread over the width, each box overlapping its neighbours.
    let step = (WIDTH as f64 - 30.0) / count;
    let mut radii = Vec::new();
    for (i, c) in answer.chars().enumerate() {
        let height = rng.random_range(44.0..60.0);
        // Each moves about its slot, so that a solver cannot cut the image
        // where the characters are meant to be.
        let placement = Placement {
            centre: (
                15.0 + step * (i as f64 + 0.5) + rng.random_range(-10.0..10.0),
                HEIGHT as f64 / 2.0 + rng.random_range(-11.0..11.0),
            ),
            height,
            aspect: rng.random_range(0.5..0.8),
            rotation: rng.random_range(-0.35..0.35),
            shear: rng.random_range(-0.3..0.3),
            radius: rng.random_range(2.0..3.6),
            style: if rng.random_range(0..3) == 0 {
                Style::Outline
            } else {
                Style::Solid
            },
            jitter: 0.05,
        };
        radii.push(placement.radius);
        let jitters: Vec<f64> = (0..64).map(|_| rng.random_range(-1.0..1.0)).collect();
        paint(&mut ink, &placed(c, &placement, &jitters), &placement);
    }
    // Curves across the text, about as thick as its strokes: no filter by
    // width or by size can take them away without taking the characters
    // too. Thinner than most strokes, so that a person still sees which
    // lines make a character.
    for _ in 0..rng.random_range(1..3) {
        let radius = radii[rng.random_range(0..radii.len())] * rng.random_range(0.55..0.8);
        let y = |rng: &mut rand::rngs::ThreadRng| rng.random_range(22.0..68.0);
        let (a, b, c, d) = (y(&mut rng), y(&mut rng), y(&mut rng), y(&mut rng));
        let points: Vec<Point> = (0..=24)
            .map(|i| {
                let t = f64::from(i) / 24.0;
                let u = 1.0 - t;
                let y = u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d;
                (t * WIDTH as f64, y)
            })
            .collect();
        let curve = Placement {
            radius,
            style: Style::Solid,
            ..placement_unit()
        };
        paint(&mut ink, &segments(&[points]), &curve);
    }
    let warped = warp(&ink, &mut rng);
    let pixels: Vec<u8> = warped
        .iter()
        .map(|&v| {
            let paper = 255.0 - rng.random_range(0.0..40.0);
            (paper * (1.0 - v.clamp(0.0, 1.0)) + 20.0 * v.clamp(0.0, 1.0)) as u8
        })
        .collect();
    encode(&pixels)
}

fn placement_unit() -> Placement {
    Placement {
        centre: (0.0, 0.0),
        height: 1.0,
        aspect: 1.0,
        rotation: 0.0,
        shear: 0.0,
        radius: 1.0,
        style: Style::Solid,
        jitter: 0.0,
    }
}

/// The segments of `c` placed by `placement`, each stroke point moved by
/// the next of `jitters` (values from -1 to 1, reused in turn).
pub fn placed(c: char, placement: &Placement, jitters: &[f64]) -> Vec<Segment> {
    let mut next = jitters.iter().cycle();
    let mut jitter = || next.next().copied().unwrap_or(0.0) * placement.jitter;
    let (sin, cos) = placement.rotation.sin_cos();
    let strokes: Vec<Vec<Point>> = strokes(c)
        .into_iter()
        .map(|stroke| {
            stroke
                .into_iter()
                .map(|(x, y)| {
                    let (x, y) = (x + jitter(), y + jitter());
                    // Centred box, height 1, then slant, rotate, scale, move.
                    let (x, y) = ((x - 0.5) * placement.aspect, y - 0.5);
                    let x = x - placement.shear * y;
                    let (x, y) = (x * cos - y * sin, x * sin + y * cos);
                    (
                        placement.centre.0 + x * placement.height,
                        placement.centre.1 + y * placement.height,
                    )
                })
                .collect()
        })
        .collect();
    segments(&strokes)
}

fn segments(strokes: &[Vec<Point>]) -> Vec<Segment> {
    strokes
        .iter()
        .flat_map(|stroke| stroke.windows(2).map(|pair| (pair[0], pair[1])))
        .collect()
}

/// Adds ink along `segments`, solid or outlined, with soft edges. Each
/// pixel near a segment learns its distance to the nearest one; only the
/// pixels around each segment are visited.
pub fn paint(ink: &mut [f64], segments: &[Segment], placement: &Placement) {
    let r = placement.radius;
    let reach = r + 2.0;
    let clamp_x = |v: f64| v.clamp(0.0, (WIDTH - 1) as f64) as usize;
    let clamp_y = |v: f64| v.clamp(0.0, (HEIGHT - 1) as f64) as usize;
    let mut nearest: std::collections::HashMap<usize, f64> = std::collections::HashMap::new();
    for &(a, b) in segments {
        let (left, right) = (a.0.min(b.0) - reach, a.0.max(b.0) + reach);
        let (top, bottom) = (a.1.min(b.1) - reach, a.1.max(b.1) + reach);
        if right < 0.0 || left >= WIDTH as f64 || bottom < 0.0 || top >= HEIGHT as f64 {
            continue;
        }
        for py in clamp_y(top)..=clamp_y(bottom) {
            for px in clamp_x(left)..=clamp_x(right) {
                let d = distance((px as f64 + 0.5, py as f64 + 0.5), a, b);
                let at = nearest.entry(py * WIDTH + px).or_insert(f64::MAX);
                *at = at.min(d);
            }
        }
    }
    for (at, d) in nearest {
        let cover = match placement.style {
            Style::Solid => (r + 0.5 - d).clamp(0.0, 1.0),
            Style::Outline => (1.3 - (d - r).abs()).clamp(0.0, 1.0),
        };
        ink[at] = ink[at].max(cover);
    }
}

/// From `p` to the segment `a`–`b`.
fn distance(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = dx * dx + dy * dy;
    let t = if length == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length).clamp(0.0, 1.0)
    };
    let (x, y) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
    (x * x + y * y).sqrt()
}

/// The whole image moved along two waves of random length and phase.
fn warp(ink: &[f64], rng: &mut rand::rngs::ThreadRng) -> Vec<f64> {
    let (ax, ay) = (rng.random_range(1.5..4.0), rng.random_range(1.5..4.0));
    let (px, py) = (rng.random_range(35.0..80.0), rng.random_range(40.0..90.0));
    let (fx, fy) = (
        rng.random_range(0.0..2.0 * PI),
        rng.random_range(0.0..2.0 * PI),
    );
    let mut out = vec![0.0; WIDTH * HEIGHT];
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let sx = x as f64 + ax * (2.0 * PI * y as f64 / py + fx).sin();
            let sy = y as f64 + ay * (2.0 * PI * x as f64 / px + fy).sin();
            out[y * WIDTH + x] = sample(ink, sx, sy);
        }
    }
    out
}

/// Bilinear sample; outside the image is paper.
fn sample(ink: &[f64], x: f64, y: f64) -> f64 {
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let at = |x: f64, y: f64| {
        if x < 0.0 || y < 0.0 || x >= WIDTH as f64 || y >= HEIGHT as f64 {
            0.0
        } else {
            ink[y as usize * WIDTH + x as usize]
        }
    };
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
    let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}

fn encode(pixels: &[u8]) -> Option<Vec<u8>> {
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, WIDTH as u32, HEIGHT as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(pixels).ok()?;
    }
    Some(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_of_the_alphabet_has_strokes_inside_its_box() {
        for c in ALPHABET.chars() {
            let strokes = strokes(c);
            assert!(!strokes.is_empty(), "{c}");
            for (x, y) in strokes.into_iter().flatten() {
                assert!(
                    (-0.1..=1.1).contains(&x) && (-0.1..=1.1).contains(&y),
                    "{c}"
                );
            }
        }
    }

    #[test]
    fn the_same_answer_never_draws_the_same_pixels() {
        let (a, b) = (draw("ACDEF").unwrap(), draw("ACDEF").unwrap());
        assert_ne!(a, b);
    }
}
