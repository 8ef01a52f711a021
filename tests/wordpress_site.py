"""A real WordPress for the tests: Debian's `wordpress` package with MariaDB, served by PHP's
built-in server on 127.0.0.1, installed from scratch with an admin and an application password.

What it needs (`.ci/run` installs it when missing): the packages wordpress, mariadb-server and
php-cli, and root (to start MariaDB without systemd and to write the site's config where
Debian's wp-config.php looks: /etc/wordpress/config-<name>.php). It takes about three seconds.

Its own database, user and config file, named `contentgen-test`, so it cannot touch another
WordPress on the machine; PHP's server runs in its own process group and is stopped with it;
MariaDB is stopped again only if it was started here.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

WORDPRESS = Path("/usr/share/wordpress")
CONFIG_NAME = "contentgen-test"
CONFIG = Path(f"/etc/wordpress/config-{CONFIG_NAME}.php")
DATABASE = "contentgen_test"
MARIADB_INIT = Path("/etc/init.d/mariadb")
ADMIN = "admin"
STARTUP_SECONDS = 60


class Unavailable(Exception):
    """WordPress cannot run here; the message says what is missing."""


@dataclass
class Site:
    url: str
    user: str
    password: str
    _server: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _started_db: bool = False
    _folder: Path | None = None

    def php(self, code: str) -> str:
        """Run PHP with WordPress loaded, as this site (e.g. to read its posts directly)."""
        return _php(code, self.url)

    def stop(self) -> None:
        if self._server is not None:
            # The workers share the server's process group: killing only its pid leaves them
            # serving the port.
            os.killpg(self._server.pid, signal.SIGTERM)
            self._server.wait(timeout=10)
        _sql(f"DROP DATABASE IF EXISTS {DATABASE}")
        CONFIG.unlink(missing_ok=True)
        if self._started_db:
            subprocess.run([str(MARIADB_INIT), "stop"], capture_output=True, timeout=60)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def start() -> Site:
    _check()
    site = Site("", ADMIN, "")
    try:
        site._started_db = _database()
        db_password = secrets.token_hex(12)
        _sql(
            f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4;"
            f" CREATE OR REPLACE USER '{DATABASE}'@'localhost' IDENTIFIED BY '{db_password}';"
            f" GRANT ALL ON {DATABASE}.* TO '{DATABASE}'@'localhost'; FLUSH PRIVILEGES;"
        )
        CONFIG.write_text(_config(db_password), encoding="utf-8")
        site._folder = Path(tempfile.mkdtemp(prefix="contentgen-wp-"))
        port = _free_port()
        site.url = f"http://127.0.0.1:{port}"
        site._server = _serve(site._folder, port)
        _install(site.url)
        site.password = _php(_APP_PASSWORD, site.url).strip()
        if len(site.password) < 20:
            raise Unavailable(f"no application password was made: {site.password!r}")
    except BaseException:
        site.stop()
        raise
    return site


def _check() -> None:
    missing = [
        what
        for what, ok in (
            ("the wordpress package", (WORDPRESS / "wp-load.php").is_file()),
            ("php-cli", shutil.which("php") is not None),
            ("mariadb-server", MARIADB_INIT.is_file() and shutil.which("mariadb") is not None),
        )
        if not ok
    ]
    if missing:
        raise Unavailable(
            f"{', '.join(missing)} not installed (apt-get install wordpress mariadb-server php-cli)"
        )
    if os.geteuid() != 0:
        raise Unavailable("starting MariaDB and writing /etc/wordpress need root")


def _database() -> bool:
    """MariaDB running; True if it was started here."""
    if _db_up():
        return False
    started = subprocess.run([str(MARIADB_INIT), "start"], capture_output=True, timeout=120)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _db_up():
        if time.monotonic() > deadline:
            raise Unavailable(f"MariaDB did not start: {started.stderr.decode()[-300:]}")
        time.sleep(0.2)
    return True


def _db_up() -> bool:
    done = subprocess.run(["mariadb", "-e", "SELECT 1"], capture_output=True, timeout=30)
    return done.returncode == 0


def _sql(statements: str) -> None:
    done = subprocess.run(["mariadb", "-e", statements], capture_output=True, timeout=60)
    if done.returncode != 0:
        raise Unavailable(f"MariaDB refused the test database: {done.stderr.decode()[-300:]}")


def _config(db_password: str) -> str:
    # The address comes from the request, so the port can change from one session to the next.
    return f"""<?php
define('DB_NAME', '{DATABASE}');
define('DB_USER', '{DATABASE}');
define('DB_PASSWORD', '{db_password}');
define('DB_HOST', 'localhost');
define('WP_HOME', 'http://' . $_SERVER['HTTP_HOST']);
define('WP_SITEURL', 'http://' . $_SERVER['HTTP_HOST']);
// Application passwords need HTTPS unless the environment type is 'local'.
define('WP_ENVIRONMENT_TYPE', 'local');
// No calls home (update checks) and no cron requests to itself.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
"""


# PHP's built-in server: real files as they are, everything else through WordPress. Debian's
# wp-config.php reads /etc/wordpress/config-$WORDPRESS_CONFIG.php when the server sets it.
_ROUTER = f"""<?php
$_SERVER['WORDPRESS_CONFIG'] = '{CONFIG_NAME}';
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = '{WORDPRESS}' . $path;
if ($path !== '/' && file_exists($file) && !is_dir($file)) {{ return false; }}
$_SERVER['SCRIPT_NAME'] = '/index.php';
require '{WORDPRESS}/index.php';
"""


def _serve(folder: Path, port: int) -> subprocess.Popen[bytes]:
    router = folder / "router.php"
    router.write_text(_ROUTER, encoding="utf-8")
    # Several workers: WordPress's requests to itself would otherwise wait for their timeouts.
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{port}", "-t", str(WORDPRESS), str(router)],
            cwd=WORDPRESS,
            env=os.environ | {"PHP_CLI_SERVER_WORKERS": "4"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group, which stop() ends whole
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log = (folder / "server.log").read_text()
                raise Unavailable(f"php -S did not start: {log}") from None
            time.sleep(0.1)


def _install(url: str) -> None:
    """The form the install screen posts."""
    password = "admin-pw-" + secrets.token_hex(
        8
    )  # never used: the tests sign in with an app password
    form = urllib.parse.urlencode(
        {
            "weblog_title": "content-gen test",
            "user_name": ADMIN,
            "admin_password": password,
            "admin_password2": password,
            "pw_weak": "1",
            "admin_email": "admin@example.com",
            "blog_public": "0",
            "language": "",
        }
    ).encode()
    request = urllib.request.Request(f"{url}/wp-admin/install.php?step=2", data=form)
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode("utf-8", "replace")
    if "Success" not in page:
        raise Unavailable("the WordPress install did not succeed: " + page[-300:])


_APP_PASSWORD = f"""
$user = get_user_by('login', '{ADMIN}');
[$password, $item] = WP_Application_Passwords::create_new_application_password(
    $user->ID, ['name' => 'content-gen tests']);
echo $password;
"""


def _php(code: str, url: str) -> str:
    host = urllib.parse.urlsplit(url).netloc
    script = (
        f"<?php\n$_SERVER['WORDPRESS_CONFIG'] = '{CONFIG_NAME}';\n"
        f"$_SERVER['HTTP_HOST'] = '{host}';\n$_SERVER['REQUEST_URI'] = '/';\n"
        f"define('WP_USE_THEMES', false);\nrequire '{WORDPRESS}/wp-load.php';\n{code}\n"
    )
    done = subprocess.run(["php"], input=script.encode(), capture_output=True, timeout=60)
    if done.returncode != 0:
        raise Unavailable(f"php failed: {(done.stderr or done.stdout).decode()[-300:]}")
    return done.stdout.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
