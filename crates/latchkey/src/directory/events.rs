//! Domain controllers' failure events, forwarded as JSON lines (winlogbeat,
//! NXLog's `to_json`, a SIEM export): 4771 (Kerberos pre-authentication
//! failed: the client's address) and 4776 / 4625 (NTLM or logon failed: the
//! workstation's name). Active Directory does not count a wrong password
//! that is one of the two before the current one, which is exactly an old
//! laptop's, but it still logs the event: these say which device it is.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use serde_json::Value;

const FAILURE_EVENTS: [i64; 3] = [4771, 4776, 4625];

/// One failed sign-in a domain controller logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureEvent {
    pub at: i64,
    /// `LAPTOP-7F2 (10.4.1.22)`, the name or the address alone, or "".
    pub device: String,
}

/// The failure events in `path` at or after `since`, by username in lower
/// case. Lines that are not such events are skipped; a file that cannot be
/// read is an error (the watch goes on without it).
pub fn read(path: &Path, since: i64) -> std::io::Result<HashMap<String, Vec<FailureEvent>>> {
    let file = std::fs::File::open(path)?;
    let mut found: HashMap<String, Vec<FailureEvent>> = HashMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if let Some((username, event)) = parse(&line).filter(|(_, event)| event.at >= since) {
            found.entry(username).or_default().push(event);
        }
    }
    Ok(found)
}

/// A field at the top of the object, or under winlogbeat's `winlog` and
/// `winlog.event_data`, or NXLog's `EventData`.
fn field<'a>(event: &'a Value, names: &[&str]) -> Option<&'a Value> {
    let places = [
        Some(event),
        event.get("winlog"),
        event.pointer("/winlog/event_data"),
        event.get("EventData"),
    ];
    places
        .into_iter()
        .flatten()
        .find_map(|place| names.iter().find_map(|name| place.get(*name)))
}

fn text<'a>(event: &'a Value, names: &[&str]) -> Option<&'a str> {
    field(event, names)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|value| !value.is_empty() && *value != "-")
}

fn parse(line: &str) -> Option<(String, FailureEvent)> {
    let event: Value = serde_json::from_str(line).ok()?;
    let id = field(&event, &["EventID", "event_id", "EventId"])?;
    let id = id.as_i64().or_else(|| id.as_str()?.parse().ok())?;
    if !FAILURE_EVENTS.contains(&id) {
        return None;
    }
    let at = text(&event, &["@timestamp", "TimeCreated", "EventTime"])?;
    let at = at.parse::<jiff::Timestamp>().ok()?.as_second();
    let user = text(&event, &["TargetUserName"])?;
    // `CAMPUS\jdoe` and `jdoe@CAMPUS.EDU` are jdoe.
    let user = user.rsplit('\\').next()?.split('@').next()?;
    let name =
        text(&event, &["WorkstationName", "Workstation"]).map(|name| name.trim_start_matches('\\'));
    let address = text(&event, &["IpAddress"]).map(|a| a.trim_start_matches("::ffff:"));
    let device = match (name, address) {
        (Some(name), Some(address)) => format!("{name} ({address})"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => String::new(),
    };
    Some((user.to_lowercase(), FailureEvent { at, device }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kerberos_and_ntlm_failures_name_the_person_and_the_device() {
        let kerberos = r#"{"@timestamp":"2026-12-05T10:01:02Z","winlog":{"event_id":4771,"event_data":{"TargetUserName":"jdoe","IpAddress":"::ffff:10.4.1.22"}}}"#;
        let (user, event) = parse(kerberos).unwrap();
        assert_eq!(
            (user.as_str(), event.device.as_str()),
            ("jdoe", "10.4.1.22")
        );
        assert_eq!(event.at, 1_796_464_862);
        let ntlm = r#"{"EventTime":"2026-12-05T10:01:02+00:00","EventID":"4776","TargetUserName":"CAMPUS\\JDoe","Workstation":"LAPTOP-7F2"}"#;
        assert_eq!(parse(ntlm).unwrap().0, "jdoe");
        assert_eq!(parse(ntlm).unwrap().1.device, "LAPTOP-7F2");
        let logon = r#"{"TimeCreated":"2026-12-05T10:01:02Z","EventID":4625,"TargetUserName":"jdoe@campus.edu","WorkstationName":"LAPTOP-7F2","IpAddress":"10.4.1.22"}"#;
        assert_eq!(parse(logon).unwrap().1.device, "LAPTOP-7F2 (10.4.1.22)");
        // Other events, and lines that are not events, are not failures.
        let success =
            r#"{"@timestamp":"2026-12-05T10:01:02Z","EventID":4624,"TargetUserName":"jdoe"}"#;
        assert_eq!(parse(success), None);
        assert_eq!(parse("not json"), None);
        assert_eq!(
            parse(r#"{"EventID":4771,"TargetUserName":"jdoe"}"#),
            None,
            "no time"
        );
    }
}
