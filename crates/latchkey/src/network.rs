//! Trusted networks: where a request comes from, and what that means for a
//! laptop. A laptop picks up a new password only while it can reach the
//! campus directory (on campus, or through the VPN), so the portal tells
//! people outside both before they change a password, and after.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `[network]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// The campus network's address ranges.
    pub campus: Vec<Range>,
    /// The addresses the VPN hands out.
    pub vpn: Vec<Range>,
    /// Reverse proxies and load balancers whose forwarding header is believed.
    pub trusted_proxies: Vec<Range>,
    /// The header those proxies write the client's address in:
    /// `x-forwarded-for` (the default) or `forwarded` (RFC 7239). Only that
    /// one is read: a client could write the other itself.
    pub forwarded_header: ForwardedHeader,
    /// What to connect to, by group of people ("Students": `vpn.example.edu`).
    pub vpn_hosts: Vec<VpnHost>,
    /// How to connect the VPN, one entry per operating system (and
    /// language, where the campus wrote them in more than one).
    pub vpn_steps: Vec<VpnSteps>,
    /// The VPN client's name as people know it ("Cisco Secure Client"), for
    /// the advice on connecting from a laptop's sign-in screen.
    pub vpn_client: Option<String>,
    /// The leading bits of an IPv6 address that the per-address limits
    /// count as one source: one ordinary allocation (a /64) holds billions
    /// of addresses, all one person's. IPv4 counts per address.
    pub ipv6_limit_prefix: u8,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            campus: Vec::new(),
            vpn: Vec::new(),
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::default(),
            vpn_hosts: Vec::new(),
            vpn_steps: Vec::new(),
            vpn_client: None,
            ipv6_limit_prefix: 64,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    #[default]
    XForwardedFor,
    Forwarded,
}

impl ForwardedHeader {
    pub fn name(self) -> &'static str {
        match self {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        }
    }

    /// The hops one header value lists, oldest first, each as written
    /// (`203.0.113.7`, `203.0.113.7:5555`, `[2001:db8::1]:443`, or for
    /// `Forwarded` the `for=` parameter of each element, quotes and all).
    fn hops(self, value: &str) -> Vec<&str> {
        let elements = value.split(',');
        match self {
            ForwardedHeader::XForwardedFor => elements.collect(),
            ForwardedHeader::Forwarded => elements
                .map(|element| {
                    element
                        .split(';')
                        .find_map(|pair| {
                            let (name, value) = pair.split_once('=')?;
                            name.trim().eq_ignore_ascii_case("for").then_some(value)
                        })
                        .unwrap_or("")
                })
                .collect(),
        }
    }
}

/// A hop's address, with or without a port, IPv6 in brackets or not;
/// `None` for anything else (`unknown`, an obfuscated name, garbage).
fn hop_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpnHost {
    pub group: String,
    pub host: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpnSteps {
    /// "macOS", "Windows", "Linux", …
    pub system: String,
    pub steps: Vec<String>,
    /// The language they are written in (`en`, `es`); none: shown in every
    /// language that has no steps of its own.
    #[serde(default)]
    pub language: Option<String>,
}

/// An address range written as CIDR (`10.8.0.0/16`, `2001:db8::/32`) or a
/// single address (`192.0.2.10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range(pub IpNet);

impl FromStr for Range {
    type Err = String;
    fn from_str(text: &str) -> Result<Range, String> {
        let text = text.trim();
        if let Ok(net) = text.parse::<IpNet>() {
            return Ok(Range(net.trunc()));
        }
        text.parse::<IpAddr>()
            .map(|address| Range(IpNet::from(address)))
            .map_err(|_| {
                format!("{text:?} is not an address range: write 10.8.0.0/16, 2001:db8::/32 or one address")
            })
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Range {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Range, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Range {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Where a request comes from, as far as a laptop is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Campus,
    Vpn,
    /// Outside both: the laptop cannot reach the directory now.
    Outside,
    /// No ranges are configured, or the address is unknown: nothing is said.
    Unknown,
}

impl Location {
    pub fn is_campus(self) -> bool {
        self == Location::Campus
    }
    pub fn is_vpn(self) -> bool {
        self == Location::Vpn
    }
    pub fn is_outside(self) -> bool {
        self == Location::Outside
    }
}

impl NetworkConfig {
    /// Whether any range is configured: without one, no one is warned.
    pub fn configured(&self) -> bool {
        !self.campus.is_empty() || !self.vpn.is_empty()
    }

    /// The client's address. The forwarding header (`forwarded`, each of
    /// its values in order) counts only when the direct peer is a trusted proxy,
    /// and is read from the right: each hop that is itself a trusted proxy
    /// hands over to the one before it. The first hop that is not a proxy
    /// is the client; anything further left was written by the client and
    /// could say anything.
    pub fn client_address<'a>(
        &self,
        peer: Option<IpAddr>,
        forwarded: impl Iterator<Item = &'a str>,
    ) -> Option<IpAddr> {
        let mut address = canonical(peer?);
        if !self.is_proxy(address) {
            return Some(address);
        }
        let header = self.forwarded_header;
        let hops: Vec<&str> = forwarded.flat_map(|value| header.hops(value)).collect();
        for hop in hops.iter().rev() {
            let Some(hop) = hop_address(hop) else {
                break;
            };
            address = canonical(hop);
            if !self.is_proxy(address) {
                break;
            }
        }
        Some(address)
    }

    /// Campus, VPN or outside. Where ranges nest (a VPN pool carved out of
    /// the campus block), the most specific range that holds the address
    /// decides; the same range in both lists is refused by [`Self::problem`].
    pub fn locate(&self, address: Option<IpAddr>) -> Location {
        let Some(address) = address.map(canonical) else {
            return Location::Unknown;
        };
        // The longest prefix among the ranges that hold the address.
        let best = |ranges: &[Range]| {
            ranges
                .iter()
                .filter(|range| range.0.contains(&address))
                .map(|range| range.0.prefix_len())
                .max()
        };
        if !self.configured() {
            return Location::Unknown;
        }
        match (best(&self.campus), best(&self.vpn)) {
            (Some(campus), Some(vpn)) if vpn > campus => Location::Vpn,
            (Some(_), _) => Location::Campus,
            (None, Some(_)) => Location::Vpn,
            (None, None) => Location::Outside,
        }
    }

    /// A setting that cannot mean anything: one range both campus and VPN.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if !(32..=128).contains(&self.ipv6_limit_prefix) {
            return Some((
                "ipv6_limit_prefix",
                format!(
                    "{} is not a prefix length from 32 to 128 (64 counts one ordinary IPv6 allocation as one address)",
                    self.ipv6_limit_prefix
                ),
            ));
        }
        let both = self.vpn.iter().find(|range| self.campus.contains(range))?;
        Some((
            "vpn",
            format!(
                "{both} is listed as campus and as VPN: list it once (a VPN pool inside a campus range is fine)"
            ),
        ))
    }

    /// The source the per-address limits count for `address`: an IPv4
    /// address as it is, an IPv6 address as the network of
    /// `ipv6_limit_prefix` bits that holds it (`2001:db8:1:2::/64`).
    pub fn limit_source(&self, address: IpAddr) -> String {
        match canonical(address) {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => ipnet::Ipv6Net::new(v6, self.ipv6_limit_prefix)
                .map_or_else(|_| v6.to_string(), |net| net.trunc().to_string()),
        }
    }

    fn is_proxy(&self, address: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|range| range.0.contains(&address))
    }
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:192.0.2.1`) is the IPv4 one.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> NetworkConfig {
        let ranges = |list: &[&str]| list.iter().map(|r| r.parse().unwrap()).collect();
        NetworkConfig {
            campus: ranges(&["10.0.0.0/8", "2001:db8:c::/48"]),
            vpn: ranges(&["172.16.0.0/16", "2001:db8:f::/48"]),
            trusted_proxies: ranges(&["127.0.0.1", "10.0.0.5/32"]),
            ..NetworkConfig::default()
        }
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn campus_vpn_and_outside_addresses_are_told_apart_in_both_families() {
        let network = config();
        assert_eq!(network.locate(ip("10.20.30.40")), Location::Campus);
        assert_eq!(network.locate(ip("172.16.9.9")), Location::Vpn);
        assert_eq!(network.locate(ip("203.0.113.7")), Location::Outside);
        assert_eq!(network.locate(ip("2001:db8:c:1::7")), Location::Campus);
        assert_eq!(network.locate(ip("2001:db8:f:2::9")), Location::Vpn);
        assert_eq!(network.locate(ip("2001:db8:9::1")), Location::Outside);
        assert_eq!(network.locate(ip("::ffff:10.1.1.1")), Location::Campus);
        assert_eq!(network.locate(None), Location::Unknown);
        assert_eq!(
            NetworkConfig::default().locate(ip("203.0.113.7")),
            Location::Unknown,
            "no ranges configured: nobody is warned"
        );
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let network = config();
        let xff = |value: &'static str| std::iter::once(value);
        // Straight from the internet: the header is the client's own words.
        assert_eq!(
            network.client_address(ip("203.0.113.7"), xff("10.1.1.1")),
            ip("203.0.113.7")
        );
        // Through the proxy: the hop it saw.
        assert_eq!(
            network.client_address(ip("127.0.0.1"), xff("203.0.113.7")),
            ip("203.0.113.7")
        );
        // A client that writes its own header before the proxy appends: the
        // rightmost hop not a proxy wins, not the forged one on the left.
        assert_eq!(
            network.client_address(ip("127.0.0.1"), xff("10.1.1.1, 203.0.113.7")),
            ip("203.0.113.7")
        );
        // Two proxies in a row, over two headers.
        assert_eq!(
            network.client_address(ip("127.0.0.1"), ["198.51.100.4", "10.0.0.5"].into_iter()),
            ip("198.51.100.4")
        );
        // Garbage stops the walk at the last address known.
        assert_eq!(
            network.client_address(ip("127.0.0.1"), xff("nonsense")),
            ip("127.0.0.1")
        );
        assert_eq!(network.client_address(None, xff("10.1.1.1")), None);
    }

    #[test]
    fn a_vpn_pool_inside_the_campus_range_counts_as_vpn() {
        let ranges = |list: &[&str]| list.iter().map(|r| r.parse().unwrap()).collect();
        let network = NetworkConfig {
            campus: ranges(&["10.0.0.0/8"]),
            vpn: ranges(&["10.200.0.0/16"]),
            ..NetworkConfig::default()
        };
        assert_eq!(network.locate(ip("10.200.3.4")), Location::Vpn);
        assert_eq!(network.locate(ip("10.20.3.4")), Location::Campus);
        // And the other way round: a campus subnet inside a VPN block.
        let network = NetworkConfig {
            campus: ranges(&["172.16.5.0/24"]),
            vpn: ranges(&["172.16.0.0/12"]),
            ..NetworkConfig::default()
        };
        assert_eq!(network.locate(ip("172.16.5.9")), Location::Campus);
        assert_eq!(network.locate(ip("172.17.0.1")), Location::Vpn);
        assert!(network.problem().is_none());
        let same = NetworkConfig {
            campus: ranges(&["10.0.0.0/8"]),
            vpn: ranges(&["10.0.0.0/8"]),
            ..NetworkConfig::default()
        };
        assert!(same.problem().unwrap().1.contains("10.0.0.0/8"));
    }

    #[test]
    fn forwarded_hops_may_carry_ports_and_the_standard_header_is_read_when_chosen() {
        let network = config();
        let xff = |value: &'static str| std::iter::once(value);
        let proxy = ip("127.0.0.1");
        assert_eq!(
            network.client_address(proxy, xff("203.0.113.7:5555")),
            ip("203.0.113.7")
        );
        assert_eq!(
            network.client_address(proxy, xff("[2001:db8:e5::1]:443")),
            ip("2001:db8:e5::1")
        );
        assert_eq!(
            network.client_address(proxy, xff("[2001:db8:e5::1]")),
            ip("2001:db8:e5::1")
        );
        // X-Forwarded-For is the default: a Forwarded value there is garbage.
        assert_eq!(network.client_address(proxy, xff("for=203.0.113.7")), proxy);
        let standard = NetworkConfig {
            forwarded_header: ForwardedHeader::Forwarded,
            ..config()
        };
        assert_eq!(
            standard.client_address(
                proxy,
                xff("for=10.9.9.9;proto=https, for=\"[2001:db8:cafe::17]:4711\";by=10.0.0.5")
            ),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            standard.client_address(proxy, xff("proto=https;For=198.51.100.2")),
            ip("198.51.100.2")
        );
        assert_eq!(
            standard.client_address(proxy, xff("for=unknown")),
            proxy,
            "an unknown hop stops the walk"
        );
    }

    #[test]
    fn ranges_parse_with_clear_errors() {
        assert_eq!(
            "192.0.2.9".parse::<Range>().unwrap().to_string(),
            "192.0.2.9/32"
        );
        assert_eq!(
            "10.1.2.3/8".parse::<Range>().unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert!(
            "10.0.0.0/33"
                .parse::<Range>()
                .unwrap_err()
                .contains("10.8.0.0/16")
        );
        assert!("campus".parse::<Range>().is_err());
    }

    #[test]
    fn ipv6_counts_per_network_and_ipv4_per_address() {
        let mut network = NetworkConfig::default();
        let source = |network: &NetworkConfig, text: &str| {
            network.limit_source(text.parse::<IpAddr>().unwrap())
        };
        assert_eq!(
            source(&network, "2001:db8:1:2:aaaa::7"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            source(&network, "2001:db8:1:2:ffff:ffff:ffff:ffff"),
            source(&network, "2001:db8:1:2::1"),
            "one /64 is one source"
        );
        assert_ne!(
            source(&network, "2001:db8:1:3::1"),
            source(&network, "2001:db8:1:2::1")
        );
        assert_eq!(source(&network, "203.0.113.7"), "203.0.113.7");
        assert_eq!(
            source(&network, "::ffff:203.0.113.7"),
            "203.0.113.7",
            "an IPv4 client through an IPv6 socket counts as IPv4"
        );
        network.ipv6_limit_prefix = 56;
        assert_eq!(source(&network, "2001:db8:1:2ff::1"), "2001:db8:1:200::/56");
        network.ipv6_limit_prefix = 16;
        assert_eq!(network.problem().unwrap().0, "ipv6_limit_prefix");
        network.ipv6_limit_prefix = 128;
        assert!(network.problem().is_none());
    }
}
