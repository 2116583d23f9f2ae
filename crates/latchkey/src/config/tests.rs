//! Reading and checking configuration: files, environment, refusals.
use super::*;

fn vars(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn file(source: &str) -> LoadedConfig {
    LoadedConfig::parse(Path::new("latchkey.toml"), source.to_owned()).unwrap()
}

#[test]
fn the_environment_overrides_the_file_key_by_key_in_any_type() {
    let loaded = file("[server]\nbind = \"127.0.0.1:9000\"\ncode_minutes = 7\n")
        .with_environment(vars(&[
            ("LATCHKEY_SERVER__CODE_MINUTES", "5"),
            ("LATCHKEY_SERVER__SECURE_COOKIES", "true"),
            (
                "LATCHKEY_NETWORK__CAMPUS",
                "[\"10.0.0.0/8\", \"2001:db8::/32\"]",
            ),
            ("LATCHKEY_HELPDESK__PHONE", "5550104357"),
            ("LATCHKEY_DIRECTORY__ATTRIBUTES__MOBILE", "telephoneNumber"),
            // Not config keys: named secrets and other programs' variables.
            ("LATCHKEY_SECRET_KEY", "not a key path"),
            ("PATH", "/usr/bin"),
        ]))
        .unwrap();
    let config = &loaded.config;
    assert_eq!(
        config.server.bind, "127.0.0.1:9000",
        "the file's, untouched"
    );
    assert_eq!(config.server.code_minutes, 5);
    assert!(config.server.secure_cookies);
    assert_eq!(config.network.campus.len(), 2);
    assert_eq!(config.helpdesk.phone, "5550104357", "digits kept as text");
    assert_eq!(
        config.directory.attributes.mobile.as_deref(),
        Some("telephoneNumber")
    );
}

#[test]
fn certificate_files_are_found_beside_the_config_file() {
    let source = "[server]\ntls_cert_file = \"tls/cert.pem\"\ntls_key_file = \"/srv/key.pem\"\n\
                  [mail.smtp]\nca_file = \"campus-ca.pem\"\n";
    let folder = Path::new("/etc/latchkey");
    let loaded = LoadedConfig::parse(&folder.join("latchkey.toml"), source.to_owned()).unwrap();
    let config = &loaded.config;
    let cert = config.server.tls_cert_file.as_deref();
    assert_eq!(cert, Some(folder.join("tls/cert.pem").as_path()));
    let key = config.server.tls_key_file.as_deref();
    assert_eq!(key, Some(Path::new("/srv/key.pem")), "absolute stays");
    let ca = config.mail.smtp.ca_file.clone();
    assert_eq!(ca, Some(folder.join("campus-ca.pem")));
    // Set from the environment, a relative path means the same folder.
    let loaded = loaded
        .with_environment(vars(&[("LATCHKEY_SERVER__TLS_CERT_FILE", "renewed.pem")]))
        .unwrap();
    let cert = loaded.config.server.tls_cert_file.as_deref();
    assert_eq!(cert, Some(folder.join("renewed.pem").as_path()));
    assert_eq!(loaded.config.mail.smtp.ca_file, ca, "still anchored");
}

#[test]
fn a_file_can_hold_a_secret_for_a_key() {
    let dir = std::env::temp_dir().join(format!("latchkey-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("key");
    std::fs::write(&secret, "a secret key of more than thirty-two bytes\n").unwrap();
    let loaded = LoadedConfig::defaults()
        .with_environment(vars(&[(
            "LATCHKEY_SERVER__SECRET_KEY_FILE",
            secret.to_str().unwrap(),
        )]))
        .unwrap();
    assert_eq!(
        loaded.config.server.secret_key.as_deref(),
        Some("a secret key of more than thirty-two bytes")
    );
    // A key whose own name ends in _file is set as it is, not read.
    let literal = LoadedConfig::defaults()
        .with_environment(vars(&[
            ("LATCHKEY_SERVER__TLS_CERT_FILE", "/etc/tls/cert.pem"),
            ("LATCHKEY_SERVER__TLS_KEY_FILE", "/etc/tls/key.pem"),
        ]))
        .unwrap();
    assert_eq!(
        literal.config.server.tls_cert_file.as_deref(),
        Some(Path::new("/etc/tls/cert.pem"))
    );
    let missing = LoadedConfig::defaults()
        .with_environment(vars(&[(
            "LATCHKEY_SERVER__SECRET_KEY_FILE",
            "/nonexistent",
        )]))
        .err()
        .unwrap();
    assert!(
        missing
            .to_string()
            .contains("LATCHKEY_SERVER__SECRET_KEY_FILE: cannot read")
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unknown_key_or_a_wrong_value_names_the_variable() {
    let unknown = LoadedConfig::defaults()
        .with_environment(vars(&[("LATCHKEY_SERVER__BINDX", "x")]))
        .err()
        .unwrap()
        .to_string();
    assert!(
        unknown.starts_with("environment: LATCHKEY_SERVER__BINDX: unknown field `bindx`"),
        "{unknown}"
    );
    let wrong = LoadedConfig::defaults()
        .with_environment(vars(&[("LATCHKEY_SERVER__CODE_MINUTES", "ten")]))
        .err()
        .unwrap()
        .to_string();
    assert!(wrong.contains("LATCHKEY_SERVER__CODE_MINUTES"), "{wrong}");
    // Settings that parse but cannot work are refused from the environment too.
    let contradiction = LoadedConfig::defaults()
        .with_environment(vars(&[
            ("LATCHKEY_DIRECTORY__URL", "ldap://dc.example.edu"),
            ("LATCHKEY_DIRECTORY__KIND", "active_directory"),
        ]))
        .err()
        .unwrap()
        .to_string();
    assert!(contradiction.contains("only over TLS"), "{contradiction}");
    // A list that is TOML gets the precise message a file gets.
    let in_file = LoadedConfig::parse(
        Path::new("latchkey.toml"),
        "[network]\ncampus = [\"10.0.0.0/33\"]\n".to_owned(),
    )
    .err()
    .unwrap()
    .reason;
    let from_env = LoadedConfig::defaults()
        .with_environment(vars(&[("LATCHKEY_NETWORK__CAMPUS", "[\"10.0.0.0/33\"]")]))
        .err()
        .unwrap()
        .to_string();
    assert!(in_file.contains("is not an address range"), "{in_file}");
    assert_eq!(
        from_env,
        format!("environment: LATCHKEY_NETWORK__CAMPUS: {in_file}")
    );
}

#[test]
fn a_throttle_of_zero_is_refused_with_its_key() {
    let source = "[throttle]\nstaff_window_minutes = 0\n";
    let error = LoadedConfig::parse(Path::new("latchkey.toml"), source.to_owned())
        .err()
        .unwrap()
        .reason;
    assert!(
        error.contains("throttle.staff_window_minutes: must be at least 1"),
        "{error}"
    );
}

#[test]
fn a_delivery_lease_a_slow_send_could_outlive_is_refused() {
    let refused = |source: &str| {
        LoadedConfig::parse(Path::new("latchkey.toml"), source.to_owned())
            .err()
            .map(|e| e.reason)
    };
    // The outbox sends at once: any lease will do.
    assert_eq!(refused("[server]\ndelivery_lease_seconds = 5\n"), None);
    let smtp = "[mail]\ntransport = \"smtp\"\n[mail.smtp]\nhost = \"mail.example.edu\"\n\
                timeout_seconds = 3\n";
    assert_eq!(
        refused(&format!("{smtp}[server]\ndelivery_lease_seconds = 30\n")),
        None
    );
    let error = refused(&format!("{smtp}[server]\ndelivery_lease_seconds = 29\n")).unwrap();
    assert!(
        error.contains("server.delivery_lease_seconds: 29 s is shorter than ten times the mail server's timeout (3 s)")
            && error.contains("set 30 or more"),
        "{error}"
    );
    let twilio = "[messages]\nprovider = \"twilio\"\n[messages.twilio]\naccount_sid = \"AC0\"\n\
                  from = \"+12025550100\"\n[server]\ndelivery_lease_seconds = 60\n";
    let error = refused(twilio).unwrap_or_default();
    assert!(error.contains("Twilio's timeout (10 s)"), "{error}");
}
