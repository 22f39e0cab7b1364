//! Where a webhook may point: `https` to public addresses only, checked when the URL is
//! saved and again before every delivery (a name may resolve elsewhere later). With
//! `RAZEM_WEBHOOK_ALLOW_PRIVATE` (development, tests) plain `http` and loopback or
//! private addresses are allowed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};

/// Why a URL is refused: the message for the 422.
pub type Refusal = String;

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0) // IETF protocol assignments 192.0.0.0/24 (and 192.0.2.0/24)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        || first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
}

pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

/// Checks the form of a URL (no network): absolute http(s), a host, no credentials.
pub fn check_form(raw: &str, allow_private: bool) -> Result<url::Url, Refusal> {
    let url = url::Url::parse(raw).map_err(|_| "not an absolute URL".to_owned())?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Err("must use https".to_owned()),
        _ => return Err("must be an https URL".to_owned()),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials".to_owned());
    }
    Ok(url)
}

/// Resolves the host (blocking: call off the async workers) and refuses a URL any of
/// whose addresses is not public.
pub fn check_resolved(url: &url::Url, allow_private: bool) -> Result<(), Refusal> {
    if allow_private {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<IpAddr> = match host.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => (host, port)
            .to_socket_addrs()
            .map_err(|_| format!("the host '{host}' does not resolve"))?
            .map(|a| a.ip())
            .collect(),
    };
    if addresses.is_empty() {
        return Err(format!("the host '{host}' does not resolve"));
    }
    match addresses.iter().find(|ip| !is_public(**ip)) {
        Some(ip) => Err(format!(
            "'{host}' resolves to {ip}, a loopback, private, link-local or reserved address"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "2a00:1450:4001::1", "193.0.6.139"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_are_https_without_credentials() {
        assert!(check_form("https://example.org/hook", false).is_ok());
        assert!(check_form("http://example.org/hook", false).is_err());
        assert!(check_form("http://127.0.0.1:9/hook", true).is_ok());
        assert!(check_form("ftp://example.org/", true).is_err());
        assert!(check_form("https://user:pw@example.org/", false).is_err());
        assert!(check_form("/relative", false).is_err());
        let local = check_form("https://127.0.0.1/", false).unwrap();
        assert!(check_resolved(&local, false).is_err());
        let metadata = check_form("https://[fe80::1]/", false).unwrap();
        assert!(check_resolved(&metadata, false).is_err());
    }
}
