//! A real nginx serving a site folder with the configuration Shelf ships (`-/nginx.conf`),
//! on a port of the test's choosing, killed when dropped.

use std::{
    fs,
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
};

/// A running nginx.
pub struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Starts nginx on `port` with `site`'s own `-/nginx.conf` (its `root` and `listen` set),
/// its files under `dir`. Fails naming the install command when nginx is missing.
pub fn start(site: &Path, port: u16, dir: &Path) -> Nginx {
    let server = fs::read_to_string(site.join("-/nginx.conf"))
        .expect("nginx.conf")
        .replace("listen 8080;", &format!("listen 127.0.0.1:{port};"))
        .replace(
            "root /srv/shelf/site;",
            &format!("root {};", site.display()),
        );
    start_server(&server, port, dir)
}

/// Starts nginx with the `server` block given (listening on `port`), its files under
/// `dir`: a CDN's rules in front of a bucket, say.
pub fn start_server(server: &str, port: u16, dir: &Path) -> Nginx {
    fs::create_dir_all(dir.join("logs")).expect("mkdir");
    let conf = dir.join("nginx.conf");
    fs::write(
        &conf,
        format!(
            "daemon off;\nmaster_process off;\nerror_log {p}/logs/error.log;\npid {p}/nginx.pid;\n\
             events {{}}\nhttp {{\naccess_log off;\nclient_body_temp_path {p};\nproxy_temp_path {p};\n\
             fastcgi_temp_path {p};\nuwsgi_temp_path {p};\nscgi_temp_path {p};\n{server}\n}}\n",
            p = dir.display()
        ),
    )
    .expect("write conf");
    let child = Command::new("nginx")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run nginx ({e}); install it with `apt-get install -y nginx-light`")
        });
    let nginx = Nginx(child);
    // Answered once it listens; the bound turns a hang into a failure, it times nothing.
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return nginx;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("nginx did not listen on port {port}");
}
