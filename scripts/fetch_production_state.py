"""Fetch the production state a pull request is compared with (dbt `--state`).

The production state is the `production-state` artifact that the
pull-request workflow uploads after every push to the main branch
(.github/workflows/pr.yml, job `production-state`): main's `manifest.json`
and the DuckDB file built from it on the fixture data, so that
`dbt build --select state:modified+ --defer --state <dir>` can compare the
pull request with main and read every unchanged model from main's build.

With PROD_MANIFEST_URL set, the manifest comes from that URL instead (the
production deployment publishes its target/manifest.json there after each
successful run); the DuckDB file still comes from the artifact.

Writes the files to --out and prints `found=true|false` (a GitHub Actions
step output); exits 0 either way, so a first run without any state falls
back to a full build.

    python scripts/fetch_production_state.py --out prod-state >> "$GITHUB_OUTPUT"
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import urllib.request
import zipfile
from pathlib import Path

ARTIFACT = "production-state"
API = "https://api.github.com"


def _request(url: str, token: str | None) -> bytes:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    request = urllib.request.Request(url, headers=headers)
    if token:
        # Not forwarded on redirect: the artifact download redirects to a signed URL.
        request.add_unredirected_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def latest_artifact(repository: str, branch: str, token: str | None) -> dict | None:
    """The newest unexpired `production-state` artifact built on `branch`."""
    url = f"{API}/repos/{repository}/actions/artifacts?name={ARTIFACT}&per_page=50"
    artifacts = json.loads(_request(url, token)).get("artifacts", [])
    candidates = [
        a
        for a in artifacts
        if not a.get("expired") and (a.get("workflow_run") or {}).get("head_branch") == branch
    ]
    return max(candidates, key=lambda a: a["created_at"], default=None)


def fetch(out: Path, repository: str, branch: str, token: str | None) -> bool:
    """Download and unpack the production state into `out`; False when there is none."""
    artifact = latest_artifact(repository, branch, token)
    if artifact is None:
        print(f"no {ARTIFACT} artifact on {branch} yet", file=sys.stderr)
        return False
    archive = _request(artifact["archive_download_url"], token)
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        bundle.extractall(out)
    manifest_url = os.environ.get("PROD_MANIFEST_URL")
    if manifest_url:
        (out / "manifest.json").write_bytes(_request(manifest_url, None))
    if not (out / "manifest.json").is_file():
        print(f"{ARTIFACT} holds no manifest.json", file=sys.stderr)
        return False
    print(f"production state from run {artifact['workflow_run']['id']}", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("prod-state"))
    parser.add_argument("--branch", default=os.environ.get("PRODUCTION_BRANCH", "main"))
    args = parser.parse_args(argv)
    repository = os.environ.get("GITHUB_REPOSITORY")
    if not repository:
        print("GITHUB_REPOSITORY is not set", file=sys.stderr)
        print("found=false")
        return 0
    try:
        found = fetch(args.out, repository, args.branch, os.environ.get("GITHUB_TOKEN"))
    except OSError as error:
        print(f"could not fetch the production state: {error}", file=sys.stderr)
        found = False
    print(f"found={'true' if found else 'false'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
