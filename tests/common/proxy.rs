//! A TCP forwarder between moat and a real engine, which a test can cut and restore to play
//! an engine outage without stopping the shared engine.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Forwards `127.0.0.1:port` to an upstream address while up.
pub struct Proxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    state: Option<Running>,
    delay_ms: Arc<AtomicU64>,
}

struct Running {
    stop: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
    acceptor: JoinHandle<()>,
}

impl Proxy {
    /// Starts forwarding to the host and port of `upstream_url` (`http://127.0.0.1:9200`).
    pub fn start(upstream_url: &str) -> Proxy {
        let authority = upstream_url.trim_start_matches("http://").trim_end_matches('/');
        let upstream: SocketAddr = authority.parse().expect("the engine URL is host:port");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("a local address");

        let delay_ms = Arc::new(AtomicU64::new(0));
        let mut proxy = Proxy { addr, upstream, state: None, delay_ms };
        proxy.run(listener);
        proxy
    }

    /// The URL moat should use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Holds every chunk sent to the engine for `delay` before passing it on, as a slow
    /// engine would (zero passes at once again).
    pub fn set_delay(&self, delay: Duration) {
        let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.delay_ms.store(millis, Ordering::SeqCst);
    }

    /// Refuses new connections and cuts the open ones, as a stopped engine would.
    pub fn cut(&mut self) {
        let Some(running) = self.state.take() else { return };
        running.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        let _ = running.acceptor.join();

        for connection in running.connections.lock().unwrap().drain(..) {
            let _ = connection.shutdown(Shutdown::Both);
        }
    }

    /// Accepts connections again on the same port.
    pub fn restore(&mut self) {
        if self.state.is_some() {
            return;
        }
        let listener = TcpListener::bind(self.addr).expect("the proxy port is free again");
        self.run(listener);
    }

    fn run(&mut self, listener: TcpListener) {
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let upstream = self.upstream;
        let delay_ms = Arc::clone(&self.delay_ms);

        let acceptor = {
            let stop = Arc::clone(&stop);
            let connections = Arc::clone(&connections);
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))
                    else {
                        continue;
                    };
                    forward(client, server, &connections, &delay_ms);
                }
            })
        };
        self.state = Some(Running { stop, connections, acceptor });
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}

fn forward(
    client: TcpStream,
    server: TcpStream,
    connections: &Mutex<Vec<TcpStream>>,
    delay_ms: &Arc<AtomicU64>,
) {
    let mut open = connections.lock().unwrap();
    for stream in [&client, &server] {
        if let Ok(copy) = stream.try_clone() {
            open.push(copy);
        }
    }

    for (from, to, delayed) in [(&client, &server, true), (&server, &client, false)] {
        let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else { continue };
        let delay_ms = Arc::clone(delay_ms);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 16 * 1024];
            while let Ok(read) = from.read(&mut buffer) {
                let delay = delay_ms.load(Ordering::SeqCst);
                if delayed && read > 0 && delay > 0 {
                    std::thread::sleep(Duration::from_millis(delay));
                }
                if read == 0 || to.write_all(&buffer[..read]).is_err() {
                    break;
                }
            }
            let _ = to.shutdown(Shutdown::Write);
        });
    }
}
