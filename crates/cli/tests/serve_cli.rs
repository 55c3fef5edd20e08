//! `rcm serve` as an office starts it: plain HTTP refused off loopback, HTTPS with a certificate
//! (checked by curl against that certificate), `rcm store bootstrap` for a first real organization,
//! and a clear error when there is none.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_store, rcm, rcm_command, shared_official, tempdir};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `rcm serve` and waits for the line saying where it serves; returns the server and
/// what it printed up to then.
fn start(data: &Path, args: &[&str]) -> (Server, String) {
    let mut cmd = rcm_command();
    cmd.env_remove("RCM_DATABASE_URL")
        .env_remove("RCM_ENCRYPTION_KEY")
        .arg("--data-dir")
        .arg(data)
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Drained to the end, so the server never writes to a closed pipe.
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let server = Server(child);
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => {
                printed.push_str(&line);
                printed.push('\n');
                if line.starts_with("Stop with Ctrl-C") {
                    return (server, printed);
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(_) => break,
        }
    }
    panic!("rcm serve did not start:\n{printed}");
}

fn curl(args: &[&str]) -> (String, String) {
    let out = Command::new("curl")
        .args([
            "-s",
            "-S",
            "--max-time",
            "10",
            "-o",
            "-",
            "-w",
            "\n%{http_code}",
        ])
        .args(args)
        .output()
        .expect("curl is installed");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let data = tempdir();
    let run = rcm(data.path(), &["serve", "--listen", "0.0.0.0:0"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("refusing to serve plain HTTP"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_an_organization_it_says_how_to_make_one_then_bootstrap_does() {
    let data = tempdir();
    copy_store(shared_official(), data.path());
    let port = free_port().to_string();
    let run = rcm(
        data.path(),
        &["serve", "--listen", &format!("127.0.0.1:{port}")],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("rcm store bootstrap"), "{}", run.stderr);
    let boot = rcm(
        data.path(),
        &[
            "--json",
            "store",
            "bootstrap",
            "--organization",
            "Lakeside Clinic",
            "--admin",
            "office-admin",
        ],
    );
    boot.assert_code(0);
    let v = boot.json();
    let password = v["password"].as_str().unwrap().to_owned();
    assert!(password.len() >= 20);
    let again = rcm(
        data.path(),
        &["store", "bootstrap", "--organization", "X", "--admin", "y"],
    );
    again.assert_code(2);
    let (_server, _) = start(data.path(), &["--listen", &format!("127.0.0.1:{port}")]);
    let base = format!("http://127.0.0.1:{port}");
    let (body, _) = curl(&[
        "-i",
        "--data-urlencode",
        "username=office-admin",
        "--data-urlencode",
        &format!("password={password}"),
        &format!("{base}/login"),
    ]);
    assert!(
        body.contains("303")
            && body
                .to_ascii_lowercase()
                .contains("set-cookie: rcm_session="),
        "{body}"
    );
}

#[test]
fn https_with_a_certificate_and_secure_cookies() {
    let data = tempdir();
    copy_store(shared_official(), data.path());
    let cert = data.path().join("cert.pem");
    let key = data.path().join("key.pem");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let port = free_port().to_string();
    let (_server, printed) = start(
        data.path(),
        &[
            "--demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        printed.contains(&format!("https://127.0.0.1:{port}/")),
        "{printed}"
    );
    let password = printed
        .lines()
        .find_map(|l| l.split("with password ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    let url = format!("https://127.0.0.1:{port}");
    let (health, err) = curl(&[
        "--cacert",
        cert.to_str().unwrap(),
        &format!("{url}/healthz"),
    ]);
    assert!(health.ends_with("\n200"), "{health} {err}");
    let (login, login_err) = curl(&[
        "-i",
        "--cacert",
        cert.to_str().unwrap(),
        "--data-urlencode",
        "username=demo-biller",
        "--data-urlencode",
        &format!("password={password}"),
        &format!("{url}/login"),
    ]);
    let lower = login.to_ascii_lowercase();
    assert!(
        lower.contains("set-cookie: __host-rcm_session="),
        "{login} {login_err}"
    );
    assert!(
        lower.contains("; secure") && lower.contains("httponly"),
        "{login}"
    );
    assert!(lower.contains("strict-transport-security"), "{login}");
    // Plain HTTP to the TLS port gets no page.
    let (plain, _) = curl(&[&format!("http://127.0.0.1:{port}/healthz")]);
    assert!(!plain.ends_with("\n200"), "{plain}");
}

#[test]
fn a_closed_log_pipe_does_not_stop_the_server() {
    let data = tempdir();
    copy_store(shared_official(), data.path());
    let port = free_port().to_string();
    let mut cmd = rcm_command();
    cmd.env_remove("RCM_DATABASE_URL")
        .env_remove("RCM_ENCRYPTION_KEY")
        .arg("--data-dir")
        .arg(data.path())
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        // Read until it serves, then close the pipe, as `rcm serve 2>&1 | head` would.
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            match lines.next() {
                Some(Ok(l)) if l.starts_with("Stop with Ctrl-C") => break,
                Some(_) => {}
                None => panic!("rcm serve ended before serving"),
            }
        }
    }
    let _server = Server(child);
    for _ in 0..3 {
        let (health, err) = curl(&[&format!("http://127.0.0.1:{port}/healthz")]);
        assert!(health.ends_with("\n200"), "{health} {err}");
    }
}
