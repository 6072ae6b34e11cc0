//! Static reads under load: wrk (Debian's `wrk`) against `shelf serve`, and against nginx
//! serving the same site with the `-/nginx.conf` Shelf ships.

use std::{
    fs,
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};

/// What one wrk run reported.
pub struct Reads {
    pub per_second: f64,
    pub requests: u64,
    pub p50: String,
    pub p99: String,
    /// Non-2xx/3xx answers plus socket errors: must be 0.
    pub failures: u64,
}

/// `wrk -t2 -c{connections} -d{seconds}s --latency URL`.
pub fn wrk(url: &str, connections: u32, seconds: u32) -> anyhow::Result<Reads> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            url,
        ])
        .output()
        .map_err(|e| {
            anyhow::anyhow!("cannot run wrk ({e}); install it with `apt-get install -y wrk`")
        })?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(&text).with_context(|| format!("unexpected wrk output:\n{text}"))
}

fn parse_wrk(text: &str) -> Option<Reads> {
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix).map(|rest| rest.trim().to_owned()))
    };
    let per_second = field("Requests/sec:")?.parse().ok()?;
    // "123456 requests in 10.00s, 45.67MB read"
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let non2xx: u64 = field("Non-2xx or 3xx responses:")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    // "Socket errors: connect 0, read 0, write 0, timeout 0"
    let socket: u64 = field("Socket errors:")
        .map(|s| {
            s.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Some(Reads {
        per_second,
        requests,
        p50: field("50%")?,
        p99: field("99%")?,
        failures: non2xx + socket,
    })
}

/// nginx serving `site` on a free port with the shipped server block; stopped when dropped.
pub struct Nginx {
    child: Child,
    prefix: std::path::PathBuf,
    pub base: String,
}

impl Nginx {
    /// Two worker processes, like the two threads `shelf serve`'s runtime gets here.
    pub fn start(site: &Path, prefix: &Path) -> anyhow::Result<Nginx> {
        Nginx::start_on(site, prefix, free_port()?)
    }

    /// [`Nginx::start`] on `port`: for a site whose base URL had to name it beforehand.
    pub fn start_on(site: &Path, prefix: &Path, port: u16) -> anyhow::Result<Nginx> {
        let server = fs::read_to_string(site.join("-/nginx.conf"))
            .context("the site has no -/nginx.conf")?
            .replace("listen 8080;", &format!("listen 127.0.0.1:{port};"))
            .replace(
                "root /srv/shelf/site;",
                &format!("root {};", site.display()),
            );
        fs::create_dir_all(prefix.join("logs"))?;
        let conf = prefix.join("nginx.conf");
        fs::write(
            &conf,
            format!(
                "daemon off;\nworker_processes 2;\nerror_log {p}/logs/error.log;\npid {p}/nginx.pid;\n\
                 events {{ worker_connections 1024; }}\nhttp {{\naccess_log off;\nclient_body_temp_path {p};\n\
                 proxy_temp_path {p};\nfastcgi_temp_path {p};\nuwsgi_temp_path {p};\nscgi_temp_path {p};\n\
                 {server}\n}}\n",
                p = prefix.display()
            ),
        )?;
        let child = Command::new("nginx")
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&conf)
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot run nginx ({e}); install it with `apt-get install -y nginx-light`"
                )
            })?;
        let nginx = Nginx {
            child,
            prefix: prefix.to_owned(),
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("nginx did not start listening on {port}");
            }
            thread::sleep(Duration::from_millis(20));
        }
        Ok(nginx)
    }
}

/// A port nothing listens on now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // The master stops its workers on `-s stop`; a SIGKILL to it would orphan them.
        let _ = Command::new("nginx")
            .arg("-p")
            .arg(&self.prefix)
            .arg("-c")
            .arg(self.prefix.join("nginx.conf"))
            .args(["-s", "stop"])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}
