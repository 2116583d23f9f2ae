//! The languages the portal speaks. A page is told in the language of the
//! person reading it (their choice, kept in a cookie, or their browser's
//! `Accept-Language`, or the campus's default), with words from Fluent
//! files (`locales/LANG.ftl`, built in), and times in the campus's zone.
//!
//! The language is the request's own: a middleware negotiates it and runs
//! the handler within [`speaking`]; the page renderer hands a [`Lang`] to
//! each template as an askama value, where the [`filters`] read it. There
//! is no process-wide locale.

use std::fmt::Display;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

/// A language Latchkey speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Es,
}

/// Each language's messages, in the order of [`Lang::ALL`].
const SOURCES: [&str; 2] = [
    include_str!("../locales/en.ftl"),
    include_str!("../locales/es.ftl"),
];

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 tag, for `lang` attributes and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's name in itself, for the switch between them.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// `es`, `es-MX`, `ES`: Spanish; a language we do not speak: none.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.code() == primary)
    }

    /// The language a browser prefers most among ours (`Accept-Language`,
    /// by quality; `q=0` refuses one).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut offered: Vec<(f32, usize, Lang)> = Vec::new();
        for (position, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
            if let (Some(lang), Some(quality)) = (Lang::parse(tag), quality)
                && quality > 0.0
            {
                offered.push((quality, position, lang));
            }
        }
        // The highest quality; among equals, the one written first.
        offered.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        offered.first().map(|(_, _, lang)| *lang)
    }

    /// The person's choice first, then their browser's, then the campus's.
    pub fn negotiate(chosen: Option<&str>, accept_language: Option<&str>, default: Lang) -> Lang {
        chosen
            .and_then(Lang::parse)
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or(default)
    }

    /// Whether `id` has words (in English at least).
    pub fn knows(self, id: &str) -> bool {
        [self, Lang::En]
            .iter()
            .any(|lang| BUNDLES[*lang as usize].has_message(id))
    }

    /// The message `id` in this language with `args`; English where this
    /// language lacks it (a test keeps every id in every language).
    pub fn tell(self, id: &str, args: &[(&str, String)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, argument(value));
        }
        for lang in [self, Lang::En] {
            let bundle = &BUNDLES[lang as usize];
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id, lang = lang.code(), ?errors, "message arguments");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(id, "no such message");
        id.to_owned()
    }
}

/// A number stays a number (plurals choose by it); anything else is text.
fn argument(value: &str) -> FluentValue<'static> {
    // Only a number written as a number: `+15550104357` and `0143` stay text.
    match value.parse::<i64>() {
        Ok(number) if number.to_string() == value => FluentValue::from(number),
        _ => FluentValue::from(value.to_owned()),
    }
}

static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
    Lang::ALL
        .into_iter()
        .zip(SOURCES)
        .map(|(lang, source)| {
            // A broken file is caught by the unit tests; here what parsed serves.
            let resource =
                FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
                    tracing::error!(lang = lang.code(), ?errors, "message file");
                    resource
                });
            let id = lang.code().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks would show in attributes and plain-text mail.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(lang = lang.code(), ?errors, "message file");
            }
            bundle
        })
        .collect()
});

/// What a page needs of the request it answers: its language, and where
/// the language switch comes back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speech {
    pub lang: Lang,
    /// A local path (`/reset`): the page again, in the other language.
    pub back: String,
    /// The browser holds a sign-in to the portal: the header offers the
    /// account, not a sign-in.
    pub signed_in: bool,
}

impl Default for Speech {
    fn default() -> Self {
        Speech {
            lang: Lang::default(),
            back: "/reset".to_owned(),
            signed_in: false,
        }
    }
}

tokio::task_local! {
    static REQUEST_SPEECH: Speech;
}

/// Runs `work` (a request's handling) speaking as `speech` says.
pub async fn speaking<F: Future>(speech: Speech, work: F) -> F::Output {
    REQUEST_SPEECH.scope(speech, work).await
}

/// How the request being handled is spoken to (English outside one).
pub fn current() -> Speech {
    REQUEST_SPEECH.try_with(Speech::clone).unwrap_or_default()
}

/// Where a language switch may send a person back to: a path of ours, and
/// never another site (`//evil.example`, `/\\evil`).
pub fn local_path(back: &str) -> &str {
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(char::is_control);
    if local { back } else { "/reset" }
}

/// The message `id` with `args` in the language of the request being
/// handled: what the domain tells a person, in their words.
pub fn say(id: &str, args: &[(&str, String)]) -> String {
    current().lang.tell(id, args)
}

/// A message to show a person: its id and arguments, told in their
/// language only when shown (the domain decides what to say, the adapter
/// in which words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub id: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Text {
    pub fn new(id: &'static str) -> Text {
        Text {
            id,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Display) -> Text {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn told(&self, lang: Lang) -> String {
        let args: Vec<(&str, String)> = self.args.iter().map(|(n, v)| (*n, v.clone())).collect();
        lang.tell(self.id, &args)
    }
}

/// The campus's clock: `10:20 a.m.` today, `10:20 a.m. on Monday,
/// December 7` another day, in `zone` and in `lang`'s words.
pub fn clock_time(lang: Lang, zone: &jiff::tz::TimeZone, unix: i64, now: i64) -> String {
    told_time(lang, zone, unix, Some(now))
}

/// The campus's clock with the date always: `10:20 a.m. on Monday,
/// December 7`, for a message read later than it was written.
pub fn date_time(lang: Lang, zone: &jiff::tz::TimeZone, unix: i64) -> String {
    told_time(lang, zone, unix, None)
}

fn told_time(lang: Lang, zone: &jiff::tz::TimeZone, unix: i64, now: Option<i64>) -> String {
    let (Ok(at), Ok(today)) = (
        jiff::Timestamp::from_second(unix),
        jiff::Timestamp::from_second(now.unwrap_or(unix)),
    ) else {
        return unix.to_string();
    };
    let (at, today) = (at.to_zoned(zone.clone()), today.to_zoned(zone.clone()));
    let hour = at.hour();
    let (twelve, half) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    let time = lang.tell(
        if half == "am" { "clock-am" } else { "clock-pm" },
        &[
            ("hour", twelve.to_string()),
            ("minute", format!("{:02}", at.minute())),
        ],
    );
    if now.is_some() && at.date() == today.date() {
        return time;
    }
    let weekday = lang.tell(
        &format!("weekday-{}", at.weekday().to_monday_one_offset()),
        &[],
    );
    let month = lang.tell(&format!("month-{}", at.month()), &[]);
    lang.tell(
        "clock-other-day",
        &[
            ("time", time),
            ("weekday", weekday),
            ("month", month),
            ("day", at.day().to_string()),
        ],
    )
}

/// `{{ "id"|t }}`, `{{ "id"|t1("name", value) }}`, …: a message in the
/// page's language, escaped as any value; `tm` for a message written with
/// markup (a link), whose arguments are escaped and whose words are ours.
pub mod filters {
    use std::fmt::Display;

    use super::Lang;

    fn speech(values: &dyn askama::Values) -> super::Speech {
        askama::get_value::<super::Speech>(values, "speech")
            .cloned()
            .unwrap_or_default()
    }

    fn lang(values: &dyn askama::Values) -> Lang {
        speech(values).lang
    }

    /// `id` in the page's language with `args` written out as (name, value).
    fn told(values: &dyn askama::Values, id: impl Display, args: &[(String, String)]) -> String {
        let args: Vec<(&str, String)> = args.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        lang(values).tell(&id.to_string(), &args)
    }

    fn escaped(value: impl Display) -> String {
        let text = value.to_string();
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#x27;"),
                c => out.push(c),
            }
        }
        out
    }

    #[askama::filter_fn]
    pub fn t<T: Display>(id: T, values: &dyn askama::Values) -> askama::Result<String> {
        Ok(lang(values).tell(&id.to_string(), &[]))
    }

    #[askama::filter_fn]
    pub fn t1<T: Display, A: Display, V: Display>(
        id: T,
        values: &dyn askama::Values,
        name: A,
        value: V,
    ) -> askama::Result<String> {
        let args = [(name.to_string(), value.to_string())];
        Ok(told(values, id, &args))
    }

    #[askama::filter_fn]
    pub fn tm<T: Display>(
        id: T,
        values: &dyn askama::Values,
    ) -> askama::Result<askama::filters::Safe<String>> {
        Ok(askama::filters::Safe(
            lang(values).tell(&id.to_string(), &[]),
        ))
    }

    #[askama::filter_fn]
    pub fn tm1<T: Display, A: Display, V: Display>(
        id: T,
        values: &dyn askama::Values,
        name: A,
        value: V,
    ) -> askama::Result<askama::filters::Safe<String>> {
        let args = [(name.to_string(), escaped(value))];
        Ok(askama::filters::Safe(told(values, id, &args)))
    }

    #[askama::filter_fn]
    pub fn tm2<T: Display, A: Display, V: Display, B: Display, W: Display>(
        id: T,
        values: &dyn askama::Values,
        name: A,
        value: V,
        second: B,
        second_value: W,
    ) -> askama::Result<askama::filters::Safe<String>> {
        let args = [
            (name.to_string(), escaped(value)),
            (second.to_string(), escaped(second_value)),
        ];
        Ok(askama::filters::Safe(told(values, id, &args)))
    }
    #[askama::filter_fn]
    pub fn t2<T: Display, A: Display, V: Display, B: Display, W: Display>(
        id: T,
        values: &dyn askama::Values,
        name: A,
        value: V,
        second: B,
        second_value: W,
    ) -> askama::Result<String> {
        let args = [
            (name.to_string(), value.to_string()),
            (second.to_string(), second_value.to_string()),
        ];
        Ok(told(values, id, &args))
    }

    #[askama::filter_fn]
    #[allow(clippy::too_many_arguments)]
    pub fn tm4<
        T: Display,
        A: Display,
        V: Display,
        B: Display,
        W: Display,
        C: Display,
        X: Display,
        D: Display,
        Y: Display,
    >(
        id: T,
        values: &dyn askama::Values,
        a: A,
        a_value: V,
        b: B,
        b_value: W,
        c: C,
        c_value: X,
        d: D,
        d_value: Y,
    ) -> askama::Result<askama::filters::Safe<String>> {
        let args = [
            (a.to_string(), escaped(a_value)),
            (b.to_string(), escaped(b_value)),
            (c.to_string(), escaped(c_value)),
            (d.to_string(), escaped(d_value)),
        ];
        Ok(askama::filters::Safe(told(values, id, &args)))
    }

    /// `signed_out` for a visitor, `signed_in` for someone signed in: a
    /// link's address or a message id that differs between the two.
    #[askama::filter_fn]
    pub fn when_signed_in<T: Display, U: Display>(
        signed_out: T,
        values: &dyn askama::Values,
        signed_in: U,
    ) -> askama::Result<String> {
        Ok(match speech(values).signed_in {
            true => signed_in.to_string(),
            false => signed_out.to_string(),
        })
    }

    /// The switch to every other language, back to the same page; `label`
    /// names the navigation in the page's language.
    #[askama::filter_fn]
    pub fn language_links<T: Display>(
        label: T,
        values: &dyn askama::Values,
    ) -> askama::Result<askama::filters::Safe<String>> {
        let speech = speech(values);
        let back = escaped(url_encoded(&speech.back));
        let mut html = format!(
            "<nav aria-label=\"{}\" class=\"languages\">",
            escaped(speech.lang.tell(&label.to_string(), &[]))
        );
        for other in Lang::ALL.into_iter().filter(|l| *l != speech.lang) {
            let code = other.code();
            html.push_str(&format!(
                "<a href=\"/language/{code}?back={back}\" lang=\"{code}\" hreflang=\"{code}\">{}</a>",
                other.own_name()
            ));
        }
        html.push_str("</nav>");
        Ok(askama::filters::Safe(html))
    }

    fn url_encoded(text: &str) -> String {
        let mut out = String::new();
        for byte in text.bytes() {
            if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids each language's file holds, with the arguments each message
    /// names: for the test that every language says everything.
    fn catalogue(lang: Lang) -> Vec<(String, Vec<String>)> {
        use fluent_syntax::ast;
        let resource = fluent_syntax::parser::parse(SOURCES[lang as usize]).expect("parsed");
        let mut ids = Vec::new();
        for entry in resource.body {
            if let ast::Entry::Message(message) = entry {
                let mut names = Vec::new();
                if let Some(pattern) = &message.value {
                    variables(pattern, &mut names);
                }
                names.sort();
                names.dedup();
                ids.push((message.id.name.to_owned(), names));
            }
        }
        ids
    }

    fn variables(pattern: &fluent_syntax::ast::Pattern<&str>, out: &mut Vec<String>) {
        use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
        fn inline(expression: &InlineExpression<&str>, out: &mut Vec<String>) {
            if let InlineExpression::VariableReference { id } = expression {
                out.push(id.name.to_owned());
            }
        }
        for element in &pattern.elements {
            if let PatternElement::Placeable { expression } = element {
                match expression {
                    Expression::Inline(expression) => inline(expression, out),
                    Expression::Select { selector, variants } => {
                        inline(selector, out);
                        for variant in variants {
                            variables(&variant.value, out);
                        }
                    }
                }
            }
        }
    }

    /// Every message exists in every language, naming the same arguments.
    #[test]
    fn every_language_says_every_message_with_the_same_arguments() {
        let english = catalogue(Lang::En);
        assert!(english.len() > 50, "the English file was read");
        for lang in Lang::ALL {
            let other = catalogue(lang);
            let ids: Vec<&String> = other.iter().map(|(id, _)| id).collect();
            let mut unique = ids.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), ids.len(), "{}: an id twice", lang.code());
            for (id, names) in &english {
                let found = other.iter().find(|(other_id, _)| other_id == id);
                let Some((_, other_names)) = found else {
                    panic!("{}.ftl lacks {id}", lang.code());
                };
                assert_eq!(names, other_names, "{}.ftl: {id}'s arguments", lang.code());
            }
            assert_eq!(
                other.len(),
                english.len(),
                "{}.ftl: ids English lacks",
                lang.code()
            );
        }
    }

    #[test]
    fn accept_language_picks_the_preferred_language_we_speak() {
        assert_eq!(
            Lang::from_accept_language("es-MX,es;q=0.9,en;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,es;q=0.5,en;q=0.7"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0, es;q=0.1"),
            Some(Lang::Es)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn numbers_choose_plurals_and_phone_numbers_stay_as_written() {
        let told = Lang::En.tell("code-wrong", &[("left", "1".into())]);
        assert_eq!(told, "That code is not right. You can try 1 more time.");
        let told = Lang::Es.tell("code-wrong", &[("left", "3".into())]);
        assert!(told.contains("3 veces"), "{told}");
        let told = Lang::En.tell(
            "unlocked-call-html",
            &[("tel", "+15550104357".into()), ("phone", "0143".into())],
        );
        assert!(told.contains("tel:+15550104357\">0143<"), "{told}");
    }

    #[test]
    fn a_choice_beats_the_browser_which_beats_the_default() {
        assert_eq!(Lang::negotiate(Some("es"), Some("en"), Lang::En), Lang::Es);
        assert_eq!(Lang::negotiate(Some("xx"), Some("es"), Lang::En), Lang::Es);
        assert_eq!(Lang::negotiate(None, None, Lang::Es), Lang::Es);
    }

    #[test]
    fn times_are_in_the_campus_zone_and_words() {
        let chicago = jiff::tz::TimeZone::get("America/Chicago").unwrap();
        // 2026-12-03 16:20 UTC is 10:20 in Chicago (UTC-6 in December).
        let at = 1_796_314_800;
        assert_eq!(clock_time(Lang::En, &chicago, at, at), "10:20 a.m.");
        assert_eq!(clock_time(Lang::Es, &chicago, at, at), "10:20 a. m.");
        let next_day = at + 86_400;
        assert_eq!(
            clock_time(Lang::En, &chicago, next_day, at),
            "10:20 a.m. on Friday, December 4"
        );
        assert_eq!(
            clock_time(Lang::Es, &chicago, next_day, at),
            "10:20 a. m. del viernes 4 de diciembre"
        );
        assert_eq!(
            clock_time(Lang::En, &chicago, at + 6 * 3600, at),
            "4:20 p.m."
        );
    }
}
