"""A wheel built from a fresh checkout installs, sets up and serves pages in Finnish and Swedish.

The compiled translations are not in git: the build makes them.  So the wheel
is built from the files a clone would have, installed into a new virtual
environment, and the installed ``booking`` command runs ``setup --demo`` on a
new SQLite database and ``serve`` on a free port, as an operator would.  The
dependencies come from this test environment through a ``.pth`` file (no
downloads); the project itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: Folders whose every file the package must carry (besides the Python modules).
PACKAGED_FOLDERS = (
    "booking/templates",
    "booking/static",
    "booking/translations",
    "booking/data/migrations",
    "config/regions",
)
FRONT_PAGE_TEXTS = {
    "fi": ("Asiointipisteet", "Etäpalvelut Keski-Suomen asiointipisteissä"),
    "sv": ("Servicepunkter", "Distanstjänster vid servicepunkterna i Mellersta Finland"),
}
ENGLISH_ONLY = "Remote services at Central Finland service points"
PIP = [sys.executable, "-m", "pip"]


def checkout_files() -> list[str]:
    """What a fresh clone holds: the files git tracks, plus new ones it does not ignore."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of the project")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def copy_checkout(names: list[str], target: Path) -> Path:
    for name in names:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    return target


def run(command: list[str], **options) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(source: Path, dist: Path) -> Path:
    run([*PIP, "wheel", "--no-deps", "--quiet", "-w", str(dist), "."], cwd=source)
    (wheel,) = dist.glob("etavaraus-*.whl")
    return wheel


def install_into_new_venv(wheel: Path, venv: Path) -> Path:
    """The wheel alone into a new venv; then this environment's packages for its dependencies."""
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    run(
        [*PIP, "--python", str(python), "install", "--quiet", "--no-deps", "--no-index", str(wheel)]
    )
    # Only after the install: pip would otherwise take this environment's
    # (editable) copy of the project for the installed one.
    site_packages = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
        ).stdout.strip()
    )
    dependency_paths = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site_packages / "test-dependencies.pth").write_text("\n".join(dependency_paths) + "\n")
    return site_packages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def wait_for_server(url: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)  # gunicorn is still starting
    raise AssertionError(f"booking serve did not answer at {url}:\n{log.read_text()}")


def booking_environment(tmp_path: Path, base_url: str) -> dict[str, str]:
    """The operator's environment: no source tree on the path, own database and key."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name != "PYTHONPATH" and not name.startswith(("BOOKING_", "FLASK_"))
    }
    environment.update(
        BOOKING_DATABASE_URL=f"sqlite:///{tmp_path / 'booking.sqlite3'}",
        BOOKING_SECRET_KEY="installed-package-test-key-" + "0" * 40,
        BOOKING_BASE_URL=base_url,
    )
    return environment


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The virtual environment with the freshly built wheel installed."""
    work = tmp_path_factory.mktemp("installed-package")
    names = checkout_files()
    wheel = build_wheel(copy_checkout(names, work / "checkout"), work / "dist")
    packaged = [name for name in names if name.startswith(PACKAGED_FOLDERS)]
    compiled = [
        name.removesuffix(".po") + ".mo" for name in packaged if name.endswith("messages.po")
    ]
    assert compiled, "no catalogues found"
    with zipfile.ZipFile(wheel) as archive:
        missing = set(packaged + compiled) - set(archive.namelist())
    assert not missing, f"the wheel lacks {sorted(missing)}"
    install_into_new_venv(wheel, work / "venv")
    return work / "venv"


def test_the_installed_project_comes_from_the_wheel(installed):
    located = run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import booking, config, notifications, scheduler;"
            "print('\\n'.join(m.__file__ for m in (booking, config, notifications, scheduler)))",
        ],
        cwd=installed,
        env=booking_environment(installed, "http://127.0.0.1"),
    ).stdout.split()
    assert len(located) == 4
    assert all(Path(path).is_relative_to(installed) for path in located), located


def test_installed_app_serves_finnish_and_swedish_front_pages(installed, tmp_path):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = booking_environment(tmp_path, base_url)
    booking = str(installed / "bin" / "booking")

    set_up = run([booking, "setup", "--demo"], cwd=tmp_path, env=environment)
    assert "Region loaded" in set_up.stdout

    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [booking, "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_server(f"{base_url}/", server, log_path)
        pages = {language: fetch(f"{base_url}/?lang={language}") for language in FRONT_PAGE_TEXTS}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    for language, texts in FRONT_PAGE_TEXTS.items():
        page = pages[language]
        assert f'<html lang="{language}">' in page
        for text in texts:
            assert text in page, f"{language} front page lacks {text!r}"
        assert ENGLISH_ONLY not in page
