//! Real receivers on loopback: a small HTTP/1.1 server and a small SMTP server, each on its own
//! thread, each recording what it was sent. Both stop by themselves: after the replies they were
//! given, when the client hangs up, or after [`LIFETIME`].
//!
//! Either speaks TLS (rustls, the server side of what the crate uses) with a certificate from a
//! [`TestCa`] made when the test runs: HTTPS, SMTP with STARTTLS, and SMTP over implicit TLS.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::PrivateKeyDer;
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// No receiver outlives this, whatever the client does.
const LIFETIME: Duration = Duration::from_secs(20);
/// How long a test waits for a receiver to report.
const WAIT: Duration = Duration::from_secs(15);

/// Waits for a connection until `deadline`; `None` when none came.
fn accept_until(listener: &TcpListener, deadline: Instant) -> Option<TcpStream> {
    listener.set_nonblocking(true).unwrap();
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                stream.set_read_timeout(Some(LIFETIME)).unwrap();
                return Some(stream);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("accept failed: {e}"),
        }
    }
    None
}

/// Reads until the peer hangs up or the deadline passes, without answering.
fn hold_silently(mut stream: TcpStream, deadline: Instant) {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buffer = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut buffer) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

/// A private certificate authority made for one test: what a company's own CA is to the mail
/// relay or chat server whose certificate it signed.
pub struct TestCa {
    /// The CA's certificate, PEM-encoded: what a user's `ca_file` holds.
    pub certificate_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        TestCa {
            certificate_pem: certificate.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The server side of TLS with a certificate this CA signed for `names` (host names or IP
    /// addresses).
    pub fn server(&self, names: &[&str]) -> Arc<ServerConfig> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "receiver.test");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().unwrap();
        let certificate = params.signed_by(&key, &self.issuer).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![certificate.der().clone()],
                PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        Arc::new(config)
    }

    /// The server side of TLS for a receiver on 127.0.0.1.
    pub fn loopback_server(&self) -> Arc<ServerConfig> {
        self.server(&["127.0.0.1", "localhost"])
    }

    /// Writes the CA's certificate to `dir`, as a user would save it for `ca_file`.
    pub fn write_pem(&self, dir: &Path) -> std::path::PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.certificate_pem).unwrap();
        path
    }
}

/// A receiver's side of one connection: plain TCP, or TLS over it once the handshake is done.
enum Wire {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Wire {
    /// Does the server's half of the TLS handshake; `Err` says why it failed, as the server saw
    /// it (a client that refuses the certificate sends an alert).
    fn start_tls(self, config: &Arc<ServerConfig>) -> Result<Wire, String> {
        let Wire::Plain(mut socket) = self else {
            panic!("TLS is already on")
        };
        let mut tls = ServerConnection::new(Arc::clone(config)).unwrap();
        while tls.is_handshaking() {
            match tls.complete_io(&mut socket) {
                Ok((0, 0)) => return Err("the client hung up during the handshake".into()),
                Ok(_) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(Wire::Tls(Box::new(StreamOwned::new(tls, socket))))
    }

    /// Ends the connection as a well-behaved server does: TLS's close_notify, then FIN.
    fn hang_up(&mut self) {
        let socket = match self {
            Wire::Plain(socket) => socket,
            Wire::Tls(stream) => {
                stream.conn.send_close_notify();
                let _ = stream.flush();
                &mut stream.sock
            }
        };
        let _ = socket.flush();
        let _ = socket.shutdown(Shutdown::Both);
    }
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Wire::Plain(socket) => socket.read(buf),
            Wire::Tls(stream) => stream.read(buf),
        }
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Wire::Plain(socket) => socket.write(buf),
            Wire::Tls(stream) => stream.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Wire::Plain(socket) => socket.flush(),
            Wire::Tls(stream) => stream.flush(),
        }
    }
}

/// A port nothing listens on: bound, then released.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// One HTTP request as the receiver read it.
#[derive(Debug)]
pub struct HttpRequest {
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// What the HTTP receiver answers to one request.
pub struct HttpReply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// Further header lines, `Name: value`.
    pub headers: Vec<String>,
}

impl HttpReply {
    pub fn new(status: u16, content_type: &'static str, body: &str) -> HttpReply {
        HttpReply {
            status,
            content_type,
            body: body.to_string(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> HttpReply {
        self.headers.push(format!("{name}: {value}"));
        self
    }
}

/// What one connection to the HTTP receiver came to: a request, or a TLS handshake that failed
/// (as the server saw it).
type Arrival = Result<HttpRequest, String>;

pub struct HttpReceiver {
    addr: SocketAddr,
    tls: bool,
    arrivals: Receiver<Arrival>,
}

impl HttpReceiver {
    /// Answers one request with each reply in turn.
    pub fn answering(replies: Vec<HttpReply>) -> HttpReceiver {
        Self::start(Some(replies), None)
    }

    /// HTTPS: answers one request with each reply in turn, over TLS with `tls`'s certificate.
    pub fn answering_tls(replies: Vec<HttpReply>, tls: Arc<ServerConfig>) -> HttpReceiver {
        Self::start(Some(replies), Some(tls))
    }

    /// Reads one request and never answers it.
    pub fn silent() -> HttpReceiver {
        Self::start(None, None)
    }

    fn start(replies: Option<Vec<HttpReply>>, tls: Option<Arc<ServerConfig>>) -> HttpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (sender, arrivals) = mpsc::channel();
        let is_tls = tls.is_some();
        thread::spawn(move || {
            let deadline = Instant::now() + LIFETIME;
            match replies {
                Some(replies) => {
                    for reply in replies {
                        let Some(stream) = accept_until(&listener, deadline) else {
                            return;
                        };
                        let wire = match &tls {
                            Some(config) => Wire::Plain(stream).start_tls(config),
                            None => Ok(Wire::Plain(stream)),
                        };
                        match wire {
                            Ok(wire) => serve(wire, &reply, &sender),
                            Err(failure) => {
                                let _ = sender.send(Err(failure));
                            }
                        }
                    }
                }
                None => {
                    if let Some(stream) = accept_until(&listener, deadline) {
                        let mut reader = BufReader::new(stream.try_clone().unwrap());
                        if let Some(request) = read_request(&mut reader) {
                            let _ = sender.send(Ok(request));
                        }
                        hold_silently(stream, deadline);
                    }
                }
            }
        });
        HttpReceiver {
            addr,
            tls: is_tls,
            arrivals,
        }
    }

    /// `http://127.0.0.1:PORT` (or `https://` for a TLS receiver) followed by `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{path_and_query}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn next_request(&self) -> HttpRequest {
        match self.arrivals.recv_timeout(WAIT) {
            Ok(Ok(request)) => request,
            Ok(Err(failure)) => panic!("the TLS handshake failed: {failure}"),
            Err(_) => panic!("the receiver got no request"),
        }
    }

    /// Fails if a request arrives within a moment.
    pub fn assert_no_request(&self) {
        if let Ok(arrival) = self.arrivals.recv_timeout(Duration::from_millis(300)) {
            panic!("the receiver was connected to: {arrival:?}");
        }
    }

    /// Why the next connection's TLS handshake failed, as the server saw it.
    pub fn handshake_failure(&self) -> String {
        match self.arrivals.recv_timeout(WAIT) {
            Ok(Err(failure)) => failure,
            Ok(Ok(request)) => panic!("the receiver was sent a request: {request:?}"),
            Err(_) => panic!("nobody connected to the receiver"),
        }
    }
}

fn serve(wire: Wire, reply: &HttpReply, arrivals: &Sender<Arrival>) {
    let mut reader = BufReader::new(wire);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let _ = arrivals.send(Ok(request));
    let wire = reader.get_mut();
    let extra: String = reply.headers.iter().map(|h| format!("{h}\r\n")).collect();
    let head = format!(
        "HTTP/1.1 {} Test\r\nContent-Type: {}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    let _ = wire.write_all(head.as_bytes());
    let _ = wire.write_all(reply.body.as_bytes());
    let _ = wire.flush();
    wire.hang_up();
}

/// Reads a request with a Content-Length body, the only kind the webhooks send.
fn read_request(reader: &mut impl BufRead) -> Option<HttpRequest> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().expect("a numeric Content-Length"))
        .expect("the request has a Content-Length");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(HttpRequest {
        method,
        target,
        headers,
        body,
    })
}

/// How a misbehaving HTTP receiver answers the one request it reads.
#[derive(Clone, Copy, Debug)]
pub enum Misbehaviour {
    /// HTTP 200 with a chunked body that never ends: written until the client hangs up.
    NeverEnds,
    /// HTTP 200 announcing a body of this many bytes (`Content-Length`), then sending nothing.
    AnnouncesLength(u64),
    /// HTTP 200 with the head and the first bytes of its body, then nothing more.
    StallsHalfway,
}

/// An HTTP receiver whose answer no well-behaved server would give: what the client must
/// survive from an address a user typed.
pub struct MisbehavingReceiver {
    addr: SocketAddr,
    requests: Receiver<HttpRequest>,
    /// Bytes of body written, reported when the client hung up or the lifetime ran out.
    written: Receiver<u64>,
}

impl MisbehavingReceiver {
    pub fn start(misbehaviour: Misbehaviour) -> MisbehavingReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (request_sender, requests) = mpsc::channel();
        let (written_sender, written) = mpsc::channel();
        thread::spawn(move || {
            let deadline = Instant::now() + LIFETIME;
            let Some(stream) = accept_until(&listener, deadline) else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let Some(request) = read_request(&mut reader) else {
                return;
            };
            let _ = request_sender.send(request);
            let mut stream = stream;
            let count = match misbehaviour {
                Misbehaviour::NeverEnds => write_endlessly(&mut stream, deadline),
                Misbehaviour::AnnouncesLength(length) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {length}\r\n\r\n"
                    );
                    let _ = stream.write_all(head.as_bytes());
                    hold_silently(stream, deadline);
                    0
                }
                Misbehaviour::StallsHalfway => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nthe first",
                    );
                    hold_silently(stream, deadline);
                    9
                }
            };
            let _ = written_sender.send(count);
        });
        MisbehavingReceiver {
            addr,
            requests,
            written,
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    pub fn next_request(&self) -> HttpRequest {
        self.requests
            .recv_timeout(WAIT)
            .expect("the receiver got no request")
    }

    /// How many bytes of body the receiver wrote before the client hung up.
    pub fn body_bytes_written(&self) -> u64 {
        self.written
            .recv_timeout(LIFETIME + WAIT)
            .expect("the receiver did not report")
    }
}

/// Writes a chunked body of `x`s until a write fails (the client hung up) or the deadline
/// passes; returns how many bytes of it were written (chunk framing included).
fn write_endlessly(stream: &mut TcpStream, deadline: Instant) -> u64 {
    // A client that stops reading without hanging up fills the socket buffers: the write then
    // times out and is tried again until the deadline.
    stream
        .set_write_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    if stream
        .write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .is_err()
    {
        return 0;
    }
    const CHUNK: usize = 16 * 1024;
    let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
    chunk.extend(std::iter::repeat_n(b'x', CHUNK));
    chunk.extend_from_slice(b"\r\n");
    let mut written = 0u64;
    let mut offset = 0;
    while Instant::now() < deadline {
        match stream.write(&chunk[offset..]) {
            Ok(0) => return written,
            Ok(n) => {
                written += n as u64;
                offset = (offset + n) % chunk.len();
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return written,
        }
    }
    written
}

/// One SMTP session as the receiver saw it.
#[derive(Debug, Default)]
pub struct SmtpSession {
    /// Every command line, in order, as sent.
    pub commands: Vec<String>,
    /// The index in `commands` of the first command read over TLS; `None` when TLS never began.
    pub tls_from: Option<usize>,
    /// Why the TLS handshake failed, as the server saw it.
    pub tls_failure: Option<String>,
    /// The AUTH PLAIN credentials, decoded: `(username, password)`.
    pub login: Option<(String, String)>,
    /// The mail as sent after DATA, dot-stuffing undone.
    pub data: String,
}

impl SmtpSession {
    /// The commands sent before TLS began (all of them without TLS).
    pub fn commands_in_clear(&self) -> &[String] {
        &self.commands[..self.tls_from.unwrap_or(self.commands.len())]
    }
}

/// Whether and how the SMTP receiver speaks TLS.
#[derive(Clone, Default)]
pub enum SmtpTls {
    /// Never; STARTTLS is not offered.
    #[default]
    None,
    /// Offers STARTTLS and upgrades the connection with this certificate.
    Starttls(Arc<ServerConfig>),
    /// TLS from the first byte, before the greeting.
    Implicit(Arc<ServerConfig>),
}

/// What the SMTP receiver offers and does.
#[derive(Clone, Default)]
pub struct SmtpBehaviour {
    pub offer_auth: bool,
    pub tls: SmtpTls,
    /// Accept the connection and say nothing, not even the greeting.
    pub silent: bool,
}

pub struct SmtpReceiver {
    pub port: u16,
    sessions: Receiver<SmtpSession>,
}

impl SmtpReceiver {
    /// Serves one session.
    pub fn start(behaviour: SmtpBehaviour) -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sender, sessions) = mpsc::channel();
        thread::spawn(move || {
            let deadline = Instant::now() + LIFETIME;
            let Some(stream) = accept_until(&listener, deadline) else {
                return;
            };
            if behaviour.silent {
                hold_silently(stream, deadline);
                let _ = sender.send(SmtpSession::default());
            } else {
                let _ = sender.send(smtp_session(stream, &behaviour));
            }
        });
        SmtpReceiver { port, sessions }
    }

    pub fn session(&self) -> SmtpSession {
        self.sessions
            .recv_timeout(WAIT)
            .expect("nobody connected to the SMTP receiver")
    }

    pub fn assert_no_connection(&self) {
        match self.sessions.recv_timeout(Duration::from_millis(300)) {
            Err(_) => {}
            Ok(session) => panic!("the SMTP receiver was connected to: {session:?}"),
        }
    }
}

/// Enough of RFC 5321 to take one mail: EHLO, STARTTLS (RFC 3207), AUTH PLAIN, MAIL, RCPT,
/// DATA, RSET, NOOP, QUIT.
fn smtp_session(stream: TcpStream, behaviour: &SmtpBehaviour) -> SmtpSession {
    let mut session = SmtpSession::default();
    let mut wire = Wire::Plain(stream);
    if let SmtpTls::Implicit(config) = &behaviour.tls {
        match wire.start_tls(config) {
            Ok(tls) => wire = tls,
            Err(failure) => {
                session.tls_failure = Some(failure);
                return session;
            }
        }
        session.tls_from = Some(0);
    }
    let mut reader = BufReader::new(wire);
    say(&mut reader, "220 receiver.test ESMTP\r\n");
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let command = line.trim_end_matches(['\r', '\n']).to_string();
        session.commands.push(command.clone());
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => {
                let mut lines = vec!["250-receiver.test"];
                // RFC 3207 §4.2: not offered again once the session is protected.
                if matches!(behaviour.tls, SmtpTls::Starttls(_)) && session.tls_from.is_none() {
                    lines.push("250-STARTTLS");
                }
                if behaviour.offer_auth {
                    lines.push("250-AUTH PLAIN");
                }
                lines.push("250 SIZE 10000000");
                say(&mut reader, &(lines.join("\r\n") + "\r\n"));
            }
            "AUTH" => {
                let initial = command.split_whitespace().nth(2).unwrap_or_default();
                let decoded = STANDARD.decode(initial).unwrap_or_default();
                let fields: Vec<String> = decoded
                    .split(|&b| b == 0)
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                if let [_, user, password] = &fields[..] {
                    session.login = Some((user.clone(), password.clone()));
                }
                say(&mut reader, "235 2.7.0 Authentication successful\r\n");
            }
            "STARTTLS" => {
                let SmtpTls::Starttls(config) = &behaviour.tls else {
                    say(&mut reader, "454 4.7.0 TLS not available\r\n");
                    continue;
                };
                let config = Arc::clone(config);
                say(&mut reader, "220 2.0.0 Ready to start TLS\r\n");
                // A client that sent more before the handshake could have it injected into
                // the protected session (RFC 3207 §6); no client gigops uses does.
                assert!(
                    reader.buffer().is_empty(),
                    "commands pipelined after STARTTLS"
                );
                match reader.into_inner().start_tls(&config) {
                    Ok(tls) => reader = BufReader::new(tls),
                    Err(failure) => {
                        session.tls_failure = Some(failure);
                        return session;
                    }
                }
                session.tls_from = Some(session.commands.len());
            }
            "MAIL" | "RCPT" | "RSET" | "NOOP" => say(&mut reader, "250 2.0.0 OK\r\n"),
            "DATA" => {
                say(&mut reader, "354 End data with <CR><LF>.<CR><LF>\r\n");
                let mut data = String::new();
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return session,
                        Ok(_) => {}
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                session.data = data;
                say(&mut reader, "250 2.0.0 Ok: queued as TEST1\r\n");
            }
            "QUIT" => {
                say(&mut reader, "221 2.0.0 Bye\r\n");
                break;
            }
            _ => say(&mut reader, "502 5.5.2 Command not recognized\r\n"),
        }
    }
    reader.get_mut().hang_up();
    session
}

fn say(reader: &mut BufReader<Wire>, text: &str) {
    let _ = reader.get_mut().write_all(text.as_bytes());
    let _ = reader.get_mut().flush();
}

/// A header's value from a mail, unfolded.
pub fn mail_header(mail: &str, name: &str) -> Option<String> {
    let head = mail.split("\r\n\r\n").next()?;
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.split("\r\n").find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// The parts of a `multipart/*` mail (or of one part of it), each with its own headers, in order.
pub fn mail_parts(mail: &str) -> Vec<String> {
    let content_type = mail_header(mail, "Content-Type").expect("a Content-Type");
    let boundary = content_type
        .split(';')
        .find_map(|param| param.trim().strip_prefix("boundary="))
        .expect("a multipart boundary")
        .trim_matches('"');
    let (_, body) = mail.split_once("\r\n\r\n").expect("the mail has a body");
    let delimiter = format!("--{boundary}");
    let (_, parts) = body
        .split_once(&format!("{delimiter}\r\n"))
        .expect("the first boundary");
    let (parts, _) = parts
        .split_once(&format!("\r\n{delimiter}--"))
        .expect("the closing boundary");
    parts
        .split(&format!("\r\n{delimiter}\r\n"))
        .map(str::to_string)
        .collect()
}

/// A mail's body, decoded from its Content-Transfer-Encoding.
pub fn mail_body(mail: &str) -> String {
    let (_, body) = mail.split_once("\r\n\r\n").expect("the mail has a body");
    let encoding = mail_header(mail, "Content-Transfer-Encoding").unwrap_or_default();
    let bytes = match encoding.to_ascii_lowercase().as_str() {
        "base64" => STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .expect("a base64 body"),
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes)
        .expect("a UTF-8 body")
        .trim_end_matches("\r\n")
        .replace("\r\n", "\n")
}

/// Decodes a header value made of RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`);
/// white space between two encoded words is not part of the text.
pub fn decode_encoded_words(value: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = value;
    let mut after_word = false;
    while !rest.is_empty() {
        let Some(start) = rest.find("=?") else {
            bytes.extend_from_slice(rest.as_bytes());
            break;
        };
        let between = &rest[..start];
        if !(after_word && between.trim().is_empty()) {
            bytes.extend_from_slice(between.as_bytes());
        }
        let word = &rest[start + 2..];
        let mut fields = word.splitn(3, '?');
        let _charset = fields.next().expect("a charset");
        let encoding = fields.next().expect("an encoding");
        let remainder = fields.next().expect("encoded text");
        let end = remainder.find("?=").expect("the end of an encoded word");
        let text = &remainder[..end];
        match encoding {
            "b" | "B" => bytes.extend(STANDARD.decode(text).expect("base64 encoded word")),
            "q" | "Q" => bytes.extend(decode_quoted_printable(&text.replace('_', " "))),
            other => panic!("unknown encoded-word encoding {other}"),
        }
        rest = &remainder[end + 2..];
        after_word = true;
    }
    String::from_utf8(bytes).expect("encoded words hold UTF-8")
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let text = text.replace("=\r\n", "");
    let raw = text.as_bytes();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' && i + 2 < raw.len() {
            let hex = std::str::from_utf8(&raw[i + 1..i + 3]).expect("hex digits");
            out.push(u8::from_str_radix(hex, 16).expect("a hex escape"));
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}
