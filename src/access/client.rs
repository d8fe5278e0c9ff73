//! The client's address: the TCP peer, or, when the peer is a trusted proxy, the address the
//! proxies forwarded.
//!
//! Forwarding headers are believed only from declared `trusted_proxies`: anyone else could
//! write any address in them. The chain (`Forwarded`'s `for=` values, else
//! `X-Forwarded-For`) is read from the right, skipping trusted proxies; the first address
//! that is not one is the client. An entry that is no address (`unknown`, an obfuscated
//! name) ends the walk at the last trusted hop.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address for a request from `peer` with `headers`.
pub fn address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    if !is_trusted(peer, trusted) {
        return peer;
    }

    let chain = forwarded_chain(headers);
    let mut client = peer;
    for entry in chain.iter().rev() {
        let Some(hop) = parse_node(entry) else { return client };
        client = hop;
        if !is_trusted(hop, trusted) {
            return hop;
        }
    }
    client
}

/// The key an address's rate-limit bucket is kept under: IPv6 addresses by their /64, the
/// block one subscriber usually holds, so rotating addresses within it gains nothing.
pub fn bucket_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
    }
}

fn is_trusted(address: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&address))
}

/// The forwarded addresses, leftmost (the original client) first.
fn forwarded_chain(headers: &HeaderMap) -> Vec<String> {
    let forwarded: Vec<String> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .map_or_else(String::new, |(_, value)| value.trim().to_owned())
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }

    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|entry| entry.trim().to_owned())
        .collect()
}

/// An address as forwarding headers write it: bare, quoted, bracketed, with or without port.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(address.to_canonical());
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    let inner = text.strip_prefix('[').and_then(|rest| rest.split(']').next())?;
    inner.parse::<IpAddr>().ok().map(|address| address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn believes_forwarding_headers_from_trusted_proxies_only() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let spoofed = headers(&[("x-forwarded-for", "6.6.6.6")]);

        assert_eq!(address(ip("203.0.113.9"), &spoofed, &trusted), ip("203.0.113.9"));
        assert_eq!(address(ip("10.0.0.2"), &spoofed, &trusted), ip("6.6.6.6"));

        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.3")]);
        assert_eq!(address(ip("10.0.0.2"), &chain, &trusted), ip("198.51.100.7"));
        assert_eq!(address(ip("10.0.0.2"), &HeaderMap::new(), &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn reads_the_forwarded_header_forms() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let forwarded = headers(&[(
            "forwarded",
            "for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.1.1.1",
        )]);
        assert_eq!(address(ip("10.0.0.2"), &forwarded, &trusted), ip("2001:db8:cafe::17"));

        let unknown = headers(&[("forwarded", "for=192.0.2.43, for=unknown")]);
        assert_eq!(address(ip("10.0.0.2"), &unknown, &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn keys_ipv6_buckets_by_their_64_block() {
        let one = bucket_key(ip("2001:db8:1:2:aaaa::1"));
        assert_eq!(one, bucket_key(ip("2001:db8:1:2:bbbb::9")));
        assert_ne!(one, bucket_key(ip("2001:db8:1:3::1")));
        assert_eq!(bucket_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
