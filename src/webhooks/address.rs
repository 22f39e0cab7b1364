//! Where a webhook may point: `https` to public addresses only, checked when the URL is
//! saved and again at every delivery (a name may resolve elsewhere later). With
//! `RAZEM_WEBHOOK_ALLOW_PRIVATE` (development, tests) plain `http` and loopback or
//! private addresses are allowed.
//!
//! At delivery the check is the connection's own name resolution ([`client`]): the
//! name is resolved once, refused if any address is not public, and the connection
//! goes to exactly the addresses checked. Checking first and letting the HTTP client
//! resolve again would let a name that answers a public address to the check and a
//! private one to the client (DNS rebinding) through.

use std::error::Error as StdError;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use futures_util::future::LocalBoxFuture;

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

/// Resolves names: the system's resolver, or (in tests) a table.
pub type Lookup = fn(&str, u16) -> io::Result<Vec<SocketAddr>>;

fn system_lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

/// Resolves `host` once (blocking: call off the async workers) and returns its
/// addresses, refusing the host if any of them is not public (unless private
/// addresses are allowed).
pub fn resolve_checked(
    lookup: Lookup,
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, Refusal> {
    let bare = host.trim_matches(['[', ']']);
    let addresses = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => lookup(bare, port).map_err(|_| format!("the host '{host}' does not resolve"))?,
    };
    if addresses.is_empty() {
        return Err(format!("the host '{host}' does not resolve"));
    }
    match addresses
        .iter()
        .find(|a| !allow_private && !is_public(a.ip()))
    {
        Some(address) => Err(format!(
            "'{host}' resolves to {}, a loopback, private, link-local or reserved address",
            address.ip()
        )),
        None => Ok(addresses),
    }
}

/// Resolves the URL's host (blocking) and refuses a URL any of whose addresses is not
/// public: the check when a URL is saved.
pub fn check_resolved(url: &url::Url, allow_private: bool) -> Result<(), Refusal> {
    if allow_private {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    resolve_checked(system_lookup, host, port, false).map(|_| ())
}

/// Refuses a URL whose host is an address that is not public, without resolving
/// anything. The connector resolves names through [`PinnedResolver`], but takes an
/// address literal as it is, so literals are checked here.
pub fn check_literal(url: &url::Url, allow_private: bool) -> Result<(), Refusal> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(format!(
            "{ip} is a loopback, private, link-local or reserved address"
        ))
    }
}

/// The name resolution of webhook deliveries: resolves once, refuses non-public
/// addresses, and hands the connector the addresses it checked.
#[derive(Clone, Copy)]
pub struct PinnedResolver {
    pub allow_private: bool,
    pub lookup: Lookup,
}

impl PinnedResolver {
    pub fn new(allow_private: bool) -> Self {
        PinnedResolver {
            allow_private,
            lookup: system_lookup,
        }
    }
}

impl actix_tls::connect::Resolve for PinnedResolver {
    fn lookup<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> LocalBoxFuture<'a, Result<Vec<SocketAddr>, Box<dyn StdError>>> {
        let PinnedResolver {
            allow_private,
            lookup,
        } = *self;
        let host = host.to_owned();
        Box::pin(async move {
            let resolved = actix_web::rt::task::spawn_blocking(move || {
                resolve_checked(lookup, &host, port, allow_private)
            })
            .await?;
            resolved.map_err(|refusal| format!("refused: {refusal}").into())
        })
    }
}

/// The HTTP client of deliveries: connects only where `resolver` allows, within
/// `timeout` for the whole exchange, and follows no redirect (awc follows up to 10 by
/// default, and a redirect to an address literal would never meet the resolver).
pub fn client(resolver: PinnedResolver, timeout: Duration) -> awc::Client {
    let tcp = actix_tls::connect::Connector::new(actix_tls::connect::Resolver::custom(resolver))
        .service();
    awc::Client::builder()
        .disable_redirects()
        .timeout(timeout)
        .connector(awc::Connector::new().connector(tcp).timeout(timeout))
        .finish()
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

    /// Names without DNS: what each resolves to in the tests.
    fn table(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        let ips: &[&str] = match host {
            "loopback.example" => &["127.0.0.1"],
            "intranet.example" => &["10.1.2.3"],
            "metadata.example" => &["169.254.169.254"],
            "mixed.example" => &["93.184.215.14", "10.0.0.1"],
            "public.example" => &["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
            _ => return Err(io::Error::new(io::ErrorKind::NotFound, "no such name")),
        };
        Ok(ips
            .iter()
            .map(|ip| SocketAddr::new(ip.parse().unwrap(), port))
            .collect())
    }

    fn pinned(allow_private: bool) -> PinnedResolver {
        PinnedResolver {
            allow_private,
            lookup: table,
        }
    }

    #[actix_web::test]
    async fn the_resolver_refuses_names_of_private_addresses() {
        use actix_tls::connect::Resolve;
        for host in [
            "loopback.example",
            "intranet.example",
            "metadata.example",
            "mixed.example",
            "[::1]",
            "[fd00::1]",
        ] {
            let refused = pinned(false).lookup(host, 443).await;
            let message = refused.expect_err(host).to_string();
            assert!(message.starts_with("refused: "), "{host}: {message}");
        }
        let unknown = pinned(false).lookup("nowhere.example", 443).await;
        assert!(unknown.is_err());
        let public = pinned(false).lookup("public.example", 8443).await.unwrap();
        assert_eq!(public.len(), 2);
        assert!(public.iter().all(|a| a.port() == 8443 && is_public(a.ip())));
        // Development: private addresses pass, still resolved once, here.
        let private = pinned(true).lookup("intranet.example", 80).await.unwrap();
        assert_eq!(private, vec!["10.1.2.3:80".parse().unwrap()]);
    }

    #[test]
    fn address_literals_are_checked_without_resolving() {
        for url in [
            "https://127.0.0.1/",
            "https://10.0.0.1/",
            "https://[::1]/",
            "http://169.254.169.254/latest",
        ] {
            let url = url::Url::parse(url).unwrap();
            assert!(check_literal(&url, false).is_err(), "{url}");
            assert!(check_literal(&url, true).is_ok(), "{url}");
        }
        // The URL parser reads other spellings of an address as the address.
        let decimal = url::Url::parse("https://2130706433/").unwrap();
        assert!(check_literal(&decimal, false).is_err());
        let name = url::Url::parse("https://hooks.example.org/").unwrap();
        assert!(check_literal(&name, false).is_ok());
    }

    /// A listener on 127.0.0.1 that answers 204 to every connection and counts them.
    fn listener() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        answering(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_vec())
    }

    /// A listener on 127.0.0.1 that answers `reply` to every connection and counts them.
    fn answering(reply: Vec<u8>) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::io::{Read, Write};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = std::sync::Arc::new(AtomicUsize::new(0));
        let counted = accepted.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                counted.fetch_add(1, Ordering::SeqCst);
                let mut buffer = [0_u8; 4096];
                let _ = stream.read(&mut buffer);
                let _ = stream.write_all(&reply);
            }
        });
        (port, accepted)
    }

    #[actix_web::test]
    async fn the_client_connects_only_to_the_addresses_its_resolver_checked() {
        use std::sync::atomic::Ordering;
        fn to_local(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
            match host {
                "hook.example" => Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))]),
                _ => Err(io::Error::new(io::ErrorKind::NotFound, "no such name")),
            }
        }
        let (port, accepted) = listener();
        let url = format!("http://hook.example:{port}/hook");
        let send = |allow_private| {
            let resolver = PinnedResolver {
                allow_private,
                lookup: to_local,
            };
            client(resolver, Duration::from_secs(5))
                .post(&url)
                .send_body("{}")
        };
        let refused = send(false).await;
        let error = refused
            .expect_err("a name of 127.0.0.1 is refused")
            .to_string();
        assert!(
            error.contains("refused: 'hook.example' resolves to 127.0.0.1"),
            "{error}"
        );
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            0,
            "nothing was connected to"
        );
        // The same name, allowed: the connection goes where the resolver said (the
        // name exists nowhere else).
        let sent = send(true).await.expect("sent");
        assert_eq!(sent.status().as_u16(), 204);
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }

    #[actix_web::test]
    async fn redirects_are_not_followed() {
        use std::sync::atomic::Ordering;
        let (target, followed) = listener();
        let reply = format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.1:{target}/\r\n\
             content-length: 0\r\nconnection: close\r\n\r\n"
        );
        let (port, _) = answering(reply.into_bytes());
        let resolver = PinnedResolver::new(true);
        let answer = client(resolver, Duration::from_secs(5))
            .post(format!("http://127.0.0.1:{port}/hook"))
            .send_body("{}")
            .await
            .expect("answered");
        assert_eq!(answer.status().as_u16(), 307, "the redirect is the answer");
        assert_eq!(followed.load(Ordering::SeqCst), 0, "and it is not followed");
    }
}
