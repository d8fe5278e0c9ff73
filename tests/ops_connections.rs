//! Connection handling: a client that sends no head, or trickles it, or idles between
//! requests, is disconnected after the header-read timeout, and no more connections than
//! the cap are served at once.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Engine;
use common::ops::{Moat, raw_exchange, read_until_closed, setup_with_server};

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nhost: moat\r\n\r\n";

#[test]
fn silent_slow_and_idle_clients_are_disconnected() {
    let setup = setup_with_server(&Engine::Embedded, "header_read_timeout_ms = 1000");
    let moat = Moat::start(&setup, &[]);

    let started = Instant::now();
    let (bytes, closed) = raw_exchange(moat.authority(), b"", Duration::from_secs(10));
    let took = started.elapsed();
    assert!(closed, "a silent connection stays open");
    assert!(!String::from_utf8_lossy(&bytes).contains("200 OK"));
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "{took:?}");

    let mut trickle = TcpStream::connect(moat.authority()).unwrap();
    let started = Instant::now();
    let mut cut = false;
    for byte in HEALTHZ {
        if trickle.write_all(&[*byte]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if started.elapsed() > Duration::from_secs(5) {
            break;
        }
    }
    let (bytes, closed) = read_until_closed(&mut trickle, Duration::from_secs(3));
    assert!(cut || closed, "a trickled head was served: {}", String::from_utf8_lossy(&bytes));
    assert!(!String::from_utf8_lossy(&bytes).contains("200 OK"));

    let mut idle = TcpStream::connect(moat.authority()).unwrap();
    idle.write_all(HEALTHZ).unwrap();
    let started = Instant::now();
    let (bytes, closed) = read_until_closed(&mut idle, Duration::from_secs(10));
    let took = started.elapsed();
    assert!(String::from_utf8_lossy(&bytes).starts_with("HTTP/1.1 200 OK"));
    assert!(closed, "an idle keep-alive connection stays open");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "{took:?}");

    assert_eq!(moat.get("/healthz").answer.status, 200, "moat still serves");
}

#[test]
fn connections_past_the_cap_wait_for_one_to_close() {
    let setup =
        setup_with_server(&Engine::Embedded, "header_read_timeout_ms = 20000\nmax_connections = 2");
    let moat = Moat::start(&setup, &[]);

    let first = TcpStream::connect(moat.authority()).unwrap();
    let _second = TcpStream::connect(moat.authority()).unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let authority = moat.authority().to_owned();
    let waiting = std::thread::spawn(move || {
        let started = Instant::now();
        let (bytes, _) = raw_exchange(
            &authority,
            b"GET /healthz HTTP/1.1\r\nhost: moat\r\nconnection: close\r\n\r\n",
            Duration::from_secs(10),
        );
        (String::from_utf8_lossy(&bytes).into_owned(), started.elapsed())
    });

    std::thread::sleep(Duration::from_secs(1));
    assert!(!waiting.is_finished(), "a third connection was served past the cap of two");
    drop(first);

    let (answer, took) = waiting.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(3), "{took:?}");
}
