"""The example server configurations in deploy/ work with Debian's nginx and tor.

nginx: `nginx -t` on deploy/nginx.conf (with a throw-away certificate), then
its onion-facing server block serves a precompressed deploy on 127.0.0.1 and
answers with the security headers and the .gz/.br twins, and both server
blocks answer a missing page with its folder's 404.html.  tor:
`tor --verify-config` on deploy/torrc.
"""

import gzip
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import brotli
import pytest

from conftest import ROOT, build_site

sys.path.insert(0, str(ROOT))
from sitetools import deploy as deploytools  # noqa: E402

BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx_conf(tmp_path):
    """deploy/nginx.conf inside a minimal main config, paths and ports moved into tmp_path."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=mirror.example.org",
                    "-days", "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    port, tls_port, plain_port = free_port(), free_port(), free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = (site.replace("/etc/letsencrypt/live/mirror.example.org/fullchain.pem", str(cert))
                .replace("/etc/letsencrypt/live/mirror.example.org/privkey.pem", str(key))
                .replace("/srv/solidarity", str(tmp_path / "srv"))
                .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
                .replace("listen [::]:443 ssl http2;", "")
                .replace("listen 80;", f"listen 127.0.0.1:{plain_port};")
                .replace("listen [::]:80;", "")
                .replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};"))
    assert f"127.0.0.1:{port}" in site and str(cert) in site
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir()
    main = f"""
load_module {BROTLI_MODULE};
pid {tmp_path}/nginx.pid;
user root;  # test only: pytest's folders are private to the user running it
error_log {tmp_path}/logs/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {tmp_path}/tmp;
    proxy_temp_path {tmp_path}/tmp;
    fastcgi_temp_path {tmp_path}/tmp;
    uwsgi_temp_path {tmp_path}/tmp;
    scgi_temp_path {tmp_path}/tmp;
    include {tmp_path}/site.conf;
}}
"""
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(main)
    return tmp_path / "nginx.conf", port, tls_port


def start_nginx(tmp_path, conf, port):
    """The real nginx on deploy/nginx.conf, answering on 127.0.0.1:port."""
    server = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(conf)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/trace.json", timeout=1).read()
            break
        except OSError:
            time.sleep(0.05)
    return server


def not_found(url, context=None):
    """(status, body) of a URL the server must answer with an error."""
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(url, timeout=5, context=context)
    return answer.value.code, answer.value.read()


def test_nginx_answers_a_missing_page_with_its_folders_404_page(tmp_path, nginx_conf, real_site):
    conf, port, tls_port = nginx_conf
    result = deploytools.deploy_one("web", {"kind": "rsync", "dest": str(tmp_path / "srv")}, real_site.output)
    assert result.ok, result.message
    site = real_site.output
    assert (site / "de" / "statements" / "404.html").read_bytes() != (site / "404.html").read_bytes()
    server = start_nginx(tmp_path, conf, port)
    insecure = ssl.create_default_context()
    insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
    try:
        for base, context in ((f"http://127.0.0.1:{port}", None), (f"https://127.0.0.1:{tls_port}", insecure)):
            for path, page in (("/de/statements/no-such-statement.html", "de/statements/404.html"),
                               ("/de/statements/gone/", "404.html"),
                               ("/zh-hant/no-such-page.html", "zh-hant/404.html"),
                               ("/no-such-folder/deeper/page.html", "404.html"),
                               ("/no-such-page.html", "404.html")):
                assert not_found(base + path, context) == (404, (site / page).read_bytes()), (base, path)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_nginx_config_is_valid_and_serves_twins_and_headers(tmp_path, nginx_conf):
    conf, port, tls_port = nginx_conf
    check = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    (tmp_path / "build").mkdir()
    built = build_site(tmp_path / "build", ROOT / "content")
    assert built.returncode == 0, built.log
    result = deploytools.deploy_one("web", {"kind": "rsync", "dest": str(tmp_path / "srv"), "precompress": True},
                                    built.output)
    assert result.ok, result.message
    server = start_nginx(tmp_path, conf, port)
    try:
        base = f"http://127.0.0.1:{port}"
        original = (built.output / "de" / "index.html").read_bytes()
        for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress), ("identity", bytes)):
            request = urllib.request.Request(base + "/de/index.html", headers={"Accept-Encoding": encoding})
            with urllib.request.urlopen(request, timeout=5) as response:
                body = response.read()
                headers = response.headers
            assert headers.get("Content-Encoding", "identity") == encoding
            assert decode(body) == original
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "default-src 'self'" in headers["Content-Security-Policy"]
            assert headers["Referrer-Policy"] == "no-referrer"
            assert headers["X-Content-Type-Options"] == "nosniff"
        with urllib.request.urlopen(base + "/trace.json", timeout=5) as response:
            assert response.headers["Cache-Control"] == "no-cache"
        # The public HTTPS server block: same files, plus HSTS and Onion-Location.
        insecure = ssl.create_default_context()
        insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
        request = urllib.request.Request(f"https://127.0.0.1:{tls_port}/es/index.html",
                                         headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(request, timeout=5, context=insecure) as response:
            assert brotli.decompress(response.read()) == (built.output / "es" / "index.html").read_bytes()
            assert response.headers["Onion-Location"].endswith(".onion/es/index.html")
            assert response.headers["Strict-Transport-Security"].startswith("max-age=")
            assert response.headers["Referrer-Policy"] == "no-referrer"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/no-such-page.html", timeout=5)
        assert missing.value.code == 404
        assert missing.value.read() == (built.output / "404.html").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)
    site_conf = (tmp_path / "site.conf").read_text()
    assert 'add_header Onion-Location "http://' in site_conf


def test_torrc_is_valid(tmp_path):
    torrc = (ROOT / "deploy" / "torrc").read_text().replace("/var/lib/tor/solidarity/", f"{tmp_path}/hs/")
    (tmp_path / "torrc").write_text(torrc + f"DataDirectory {tmp_path}/data\n")
    result = subprocess.run(["tor", "--verify-config", "-f", str(tmp_path / "torrc")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HiddenServicePort 80 127.0.0.1:8080" in torrc
