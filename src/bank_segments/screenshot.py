"""Start the dashboard and take a screenshot of it in headless Chromium.

`python -m bank_segments.screenshot --out docs/images/dashboard.png` starts
`streamlit run dashboard/app.py` on a free localhost port, waits for its health
endpoint, opens the page in headless Chromium (Debian's `chromium`, driven
over the DevTools protocol), waits until every chart has drawn and the app has
stopped running, and saves a PNG of the whole page. tests/python/test_dashboard.py
uses the same functions.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

PROJECT_DIR = Path(__file__).resolve().parents[2]
APP = PROJECT_DIR / "dashboard" / "app.py"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
# What the page looks like to the test: rendered Vega charts, Streamlit's
# "running" indicator, exceptions shown in the app, and the content height.
PAGE_STATE_JS = """
(() => {
  const main = document.querySelector('[data-testid="stMain"]')
    || document.querySelector('section.main') || document.body;
  const block = document.querySelector('[data-testid="stMainBlockContainer"]') || main;
  return JSON.stringify({
    charts: document.querySelectorAll('.vega-embed').length,
    drawn: document.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks').length,
    running: !!document.querySelector('[data-testid="stStatusWidget"] [data-testid="stSpinner"]')
      || !!document.querySelector('[data-testid="stSkeleton"]'),
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    headers: Array.from(document.querySelectorAll('h1, h2')).map(h => h.innerText.trim()),
    height: Math.ceil(Math.max(block.scrollHeight, main.scrollHeight) + 80),
  });
})()
"""


class ChromiumMissingError(RuntimeError):
    """No Chromium on this machine."""


@dataclass(frozen=True)
class PageState:
    """What was on the page when the screenshot was taken."""

    charts: int
    drawn: int
    running: bool
    exceptions: int
    headers: list[str]
    height: int


def find_chromium() -> str:
    """Path of the Chromium binary: $CHROMIUM, else the first on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        if not Path(explicit).is_file():
            raise ChromiumMissingError(f"CHROMIUM={explicit} does not exist")
        return explicit
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise ChromiumMissingError(
        "Chromium not found: install Debian's package (scripts/install_chromium.sh, "
        "i.e. `apt-get install -y chromium`) or set CHROMIUM to the browser binary"
    )


def free_port() -> int:
    """A TCP port on localhost that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 2.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_for_health(base_url: str, process: subprocess.Popen[bytes], timeout: float) -> str:
    """Poll Streamlit's health endpoint until it answers `ok`; return the answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited with code {process.returncode}")
        try:
            answer = _get(f"{base_url}/_stcore/health")
            if answer.strip() == "ok":
                return answer.strip()
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"the dashboard did not answer on {base_url} within {timeout:.0f}s")


@contextmanager
def run_dashboard(
    export_dir: Path, port: int | None = None, timeout: float = 60.0, log: Path | None = None
) -> Iterator[str]:
    """Run the Streamlit app on the marts in `export_dir`; yield its URL."""
    port = port or free_port()
    env = dict(os.environ)
    env.update(
        MARTS_EXPORT_DIR=str(export_dir),
        PYTHONPATH=str(PROJECT_DIR / "src"),
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--theme.base=light",
        "--client.toolbarMode=minimal",
    ]
    base_url = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        output = stack.enter_context(open(log, "wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_for_health(base_url, process, timeout)
            yield base_url
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started in a session of its own, then whatever it left running.

    Chromium's helper processes (crash handler, GPU, renderer) outlive the browser
    process for a moment and keep writing to the profile, which then cannot be removed.
    """
    _stop(process)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


class DevTools:
    """A minimal DevTools-protocol client for one page target."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._ids = itertools.count(1)

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self._ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"DevTools {method} did not answer")
            message = json.loads(self._ws.recv(timeout=remaining))
            if message.get("id") != message_id:
                continue  # an event
            if "error" in message:
                raise RuntimeError(f"DevTools {method}: {message['error']}")
            return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def _devtools_port(profile: Path, browser: subprocess.Popen[bytes], timeout: float) -> int:
    # With --remote-debugging-port=0 Chromium writes the port it chose here.
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if browser.poll() is not None:
            raise RuntimeError(f"Chromium exited with code {browser.returncode}")
        if marker.is_file():
            lines = marker.read_text().splitlines()
            if lines and lines[0].strip().isdigit():
                return int(lines[0])
        time.sleep(0.2)
    raise TimeoutError("Chromium did not open its DevTools port")


@contextmanager
def chromium_page(width: int, height: int, timeout: float = 30.0) -> Iterator[DevTools]:
    """Headless Chromium with a fresh profile; yield a DevTools client on its page."""
    binary = find_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        browser = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port = _devtools_port(Path(profile), browser, timeout)
            targets = json.loads(_get(f"http://127.0.0.1:{port}/json/list"))
            page = next(t for t in targets if t.get("type") == "page")
            with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=timeout) as ws:
                yield DevTools(ws)
        finally:
            _stop_group(browser)


def _state(tools: DevTools) -> PageState:
    value = tools.evaluate(PAGE_STATE_JS)
    if not isinstance(value, str):
        # The page is still loading (no document to evaluate in yet).
        return PageState(charts=0, drawn=0, running=True, exceptions=0, headers=[], height=0)
    return PageState(**json.loads(value))


def wait_until_rendered(
    tools: DevTools, min_charts: int, timeout: float, settle: float = 1.5
) -> PageState:
    """Poll the page until `min_charts` charts have drawn and nothing changes for `settle` s."""
    deadline = time.monotonic() + timeout
    last: PageState | None = None
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        state = _state(tools)
        ready = state.drawn >= min_charts and state.drawn >= state.charts and not state.running
        if state != last:
            last, stable_since = state, time.monotonic()
        elif ready and time.monotonic() - stable_since >= settle:
            return state
        time.sleep(0.25)
    raise TimeoutError(f"the dashboard did not finish rendering; last state: {last}")


def capture(
    url: str, out: Path, min_charts: int = 1, width: int = 1400, timeout: float = 60.0
) -> PageState:
    """Open `url`, wait for the charts, save a full-page PNG to `out`; return the page state."""
    with chromium_page(width, 900) as tools:
        tools.call("Page.enable")
        tools.call("Page.navigate", url=url)
        state = wait_until_rendered(tools, min_charts, timeout)
        # Grow the viewport to the whole page (Streamlit scrolls inside a div).
        tools.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=state.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        state = wait_until_rendered(tools, min_charts, timeout)
        shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(shot["data"]))
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marts", type=Path, default=Path("exports/marts"), help="Parquet marts")
    parser.add_argument("--out", type=Path, default=Path("docs/images/dashboard.png"))
    parser.add_argument("--min-charts", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        marts = args.marts.resolve()
        if marts.is_relative_to(PROJECT_DIR):
            marts = marts.relative_to(PROJECT_DIR)  # the app runs in the project folder
        with run_dashboard(marts) as url:
            state = capture(url, args.out, min_charts=args.min_charts)
    except ChromiumMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"saved {args.out} ({state.drawn} charts, {state.height}px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
