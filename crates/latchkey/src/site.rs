//! What every page shows around its content: the university's name, logo
//! and colour, the help desk, and in the demo the demo banner.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `[branding]`: what people look for to trust a password page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrandingConfig {
    /// The university's name, in every page's title and header and in mail.
    pub name: String,
    /// A PNG, SVG, JPEG or WebP file shown in the header (served from here,
    /// so the strict CSP holds). Relative paths are beside the config file.
    pub logo_file: Option<PathBuf>,
    /// The header's and buttons' colour, `#rrggbb`.
    pub primary_color: String,
    /// Links shown in every page's footer ("IT service status", …).
    pub support_links: Vec<SupportLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportLink {
    pub label: String,
    pub url: String,
}

impl Default for BrandingConfig {
    fn default() -> Self {
        BrandingConfig {
            name: "University".into(),
            logo_file: None,
            primary_color: "#0b5394".into(),
            support_links: Vec::new(),
        }
    }
}

impl BrandingConfig {
    /// A setting that cannot work, with its key.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if self.name.trim().is_empty() {
            return Some(("name", "name the university".into()));
        }
        let hex = self.primary_color.strip_prefix('#').unwrap_or("");
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Some((
                "primary_color",
                format!("{:?} is not a colour: write #rrggbb", self.primary_color),
            ));
        }
        if let Some(file) = &self.logo_file
            && logo_type(file).is_none()
        {
            return Some((
                "logo_file",
                format!("{}: use a .png, .svg, .jpg or .webp file", file.display()),
            ));
        }
        let unsafe_link = self
            .support_links
            .iter()
            .find(|link| !(link.url.starts_with("https://") || link.url.starts_with("http://")));
        if let Some(link) = unsafe_link {
            return Some((
                "support_links",
                format!("{:?}: a link must start with https:// or http://", link.url),
            ));
        }
        None
    }
}

/// The content type of a logo file, by its ending.
pub fn logo_type(file: &std::path::Path) -> Option<&'static str> {
    let ending = file.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ending.as_str() {
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// A number for a `tel:` link: E.164 where it parses as a real number; for
/// others (such as the 555 numbers of examples), its digits, with `+1`
/// before ten of them, as the US plan has it.
fn tel(phone: &str) -> String {
    if let Ok(e164) = crate::model::account::normalize_phone(phone) {
        return e164;
    }
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match (phone.trim_start().starts_with('+'), digits.len()) {
        (true, _) => format!("+{digits}"),
        (false, 10) => format!("+1{digits}"),
        (false, _) => digits,
    }
}

/// The logo as served: its bytes and content type, read once at start.
#[derive(Debug, Clone)]
pub struct Logo {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// `[site]`: the campus's language and clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// The language of a person whose browser names none we speak (`en`, `es`).
    pub language: crate::i18n::Lang,
    /// The campus's time zone (IANA, `America/Chicago`), in which every
    /// time is shown to people; unset, the server's own.
    pub time_zone: Option<String>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            language: crate::i18n::Lang::En,
            time_zone: None,
        }
    }
}

impl SiteConfig {
    /// The time zone named, or the server's; an unknown name is an error.
    pub fn zone(&self) -> Result<jiff::tz::TimeZone, String> {
        match &self.time_zone {
            Some(name) => jiff::tz::TimeZone::get(name).map_err(|_| {
                format!("site.time_zone: {name:?} is not a time zone (write one such as \"America/Chicago\")")
            }),
            None => Ok(jiff::tz::TimeZone::system()),
        }
    }
}

/// Every page's surroundings.
pub struct Site {
    pub helpdesk: HelpdeskConfig,
    pub branding: BrandingConfig,
    pub logo: Option<Logo>,
    /// `serve --demo`: the banner and the demo phone.
    pub demo: bool,
    /// The help desk's number for `tel:` links, in `+1…` form.
    pub helpdesk_tel: String,
    /// The language of a person whose browser names none we speak.
    pub language: crate::i18n::Lang,
    /// The campus's time zone: every time shown to people is in it.
    pub zone: jiff::tz::TimeZone,
}

impl Site {
    pub fn new(helpdesk: HelpdeskConfig, branding: BrandingConfig, demo: bool) -> Site {
        let helpdesk_tel = tel(&helpdesk.phone);
        Site {
            helpdesk,
            branding,
            logo: None,
            demo,
            helpdesk_tel,
            language: crate::i18n::Lang::En,
            zone: jiff::tz::TimeZone::system(),
        }
    }

    /// The same site speaking `config`'s language on its clock.
    pub fn with_locale(mut self, config: &SiteConfig) -> Result<Site, String> {
        self.language = config.language;
        self.zone = config.zone()?;
        Ok(self)
    }

    /// `unix` on the campus's clock, in `lang`'s words, as seen at `now`.
    pub fn clock_time(&self, lang: crate::i18n::Lang, unix: i64, now: i64) -> String {
        crate::i18n::clock_time(lang, &self.zone, unix, now)
    }

    /// The same site with its logo, read from the configured file.
    pub fn with_logo(mut self) -> Result<Site, String> {
        let Some(file) = &self.branding.logo_file else {
            return Ok(self);
        };
        let content_type = logo_type(file).ok_or("branding.logo_file: unknown image type")?;
        let bytes = std::fs::read(file)
            .map_err(|e| format!("branding.logo_file: cannot read {}: {e}", file.display()))?;
        self.logo = Some(Logo {
            bytes,
            content_type,
        });
        Ok(self)
    }

    /// The stylesheet that carries the colour: served, never inline.
    pub fn brand_css(&self) -> String {
        format!(
            ":root {{ --brand: {}; }}\n",
            self.branding.primary_color.to_ascii_lowercase()
        )
    }
}

impl Default for Site {
    fn default() -> Self {
        Site::new(HelpdeskConfig::default(), BrandingConfig::default(), false)
    }
}

/// `[helpdesk]`: who people are sent to when they cannot reset online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HelpdeskConfig {
    pub phone: String,
    pub email: String,
    pub chat_url: String,
    /// The checks an agent may record to verify a caller without a code.
    pub verification_reasons: Vec<String>,
    /// How long a verified caller stays verified in a staff session, in minutes.
    pub verification_minutes: i64,
    /// A staff session ends after this many minutes without a request…
    pub session_idle_minutes: i64,
    /// …and this many minutes after sign-in in any case.
    pub session_max_minutes: i64,
    /// Lifetime of a one-time reset link, in minutes.
    pub reset_link_minutes: i64,
    /// Lifetime of a temporary access pass, in minutes.
    pub access_pass_minutes: i64,
}

impl Default for HelpdeskConfig {
    fn default() -> Self {
        HelpdeskConfig {
            phone: "(555) 010-4357".into(),
            email: "helpdesk@example.edu".into(),
            chat_url: "https://help.example.edu/chat".into(),
            verification_reasons: vec![
                "Photo ID shown on a video call".into(),
                "Photo ID shown in person at the service desk".into(),
                "Called back on the number in the HR or student record".into(),
            ],
            verification_minutes: 15,
            session_idle_minutes: 10,
            session_max_minutes: 60,
            reset_link_minutes: 30,
            access_pass_minutes: 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_desk_number_is_dialled_in_international_form() {
        let site = Site::default();
        assert_eq!(site.helpdesk.phone, "(555) 010-4357");
        assert_eq!(site.helpdesk_tel, "+15550104357");
        assert_eq!(tel("(202) 555-0143"), "+12025550143");
        assert_eq!(tel("+44 20 7946 0958"), "+442079460958");
    }

    #[test]
    fn branding_settings_that_cannot_work_are_named() {
        let mut branding = BrandingConfig::default();
        assert!(branding.problem().is_none());
        branding.primary_color = "red; background: url(x)".into();
        assert_eq!(branding.problem().unwrap().0, "primary_color");
        branding.primary_color = "#A1b2C3".into();
        branding.logo_file = Some("logo.gif".into());
        assert_eq!(branding.problem().unwrap().0, "logo_file");
        branding.logo_file = Some("logo.svg".into());
        branding.support_links = vec![SupportLink {
            label: "Status".into(),
            url: "javascript:alert(1)".into(),
        }];
        assert_eq!(branding.problem().unwrap().0, "support_links");
    }
}
