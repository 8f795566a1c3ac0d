"""The built wheel and sdist, installed into a fresh venv, run the README's Python snippets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

from catalog import history

PACKAGE = Path(__file__).resolve().parents[1]
README = PACKAGE.parents[1] / "README.md"


def snippet(name: str) -> str:
    match = re.search(rf"<!-- snippet: {name} -->\n```\w+\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert match, f"README has no snippet {name}"
    return match.group(1)


def run(*args: str, cwd: Path = PACKAGE, env: Optional[Dict[str, str]] = None) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: hatchling comes from the project's venv, so the build needs no network.
    run(sys.executable, "-m", "build", "--wheel", "--sdist", "--no-isolation", "--outdir", str(out))
    return out


def test_wheel_and_sdist_hold_the_package_its_data_and_py_typed(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "eventcanon_openedx/py.typed" in names
    assert "eventcanon_openedx/learning.py" in names
    assert sum(n.startswith("eventcanon_openedx/schemas/avro/") for n in names) == 75
    assert sum(n.startswith("eventcanon_openedx/schemas/json/") for n in names) == 75
    assert not any("tests/" in n for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Requires-Python: >=3.9" in metadata
    assert "Provides-Extra: avro" in metadata
    assert "Requires-Dist: fastavro>=1.9; extra == 'avro'" in metadata
    assert "Provides-Extra: kafka" in metadata and "Provides-Extra: redis" in metadata
    assert "Requires-Dist: confluent-kafka>=2.0; extra == 'kafka'" in metadata
    assert "Requires-Dist: redis>=4.5; extra == 'redis'" in metadata
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert entry_points == "[console_scripts]\neventcanon-openedx = eventcanon_openedx._cli:main\n"
    (sdist,) = dist.glob("*.tar.gz")
    assert any(n.endswith("src/eventcanon_openedx/py.typed") for n in tarfile.open(sdist).getnames())


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """canon registry serve over registry/, as its own process on a free port, with a data folder of its own."""
    cli = PACKAGE.parents[1] / "packages" / "toolkit" / "dist" / "cli" / "main.js"
    data = str(tmp_path_factory.mktemp("registry-data"))
    command = ["node", str(cli), "registry", "serve", "--port", "0", "--data", data]
    server = subprocess.Popen(command, cwd=PACKAGE.parents[1], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r" on (http://127\.0\.0\.1:\d+)", line)
        assert match, f"canon registry serve said: {line!r}"
        yield match.group(1)
    finally:
        server.kill()
        server.wait()


def test_readme_snippets_run_in_a_fresh_venv(dist: Path, tmp_path: Path, registry_url: str) -> None:
    (wheel,) = dist.glob("*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}[avro]")
    script = tmp_path / "snippets.py"
    script.write_text(snippet("python-producer") + "\n" + snippet("python-consumer"), encoding="utf-8")
    submitted = "org.openedx.learning.exam.attempt.submitted.v1"
    released = next(e for e in history() if e["event"] == submitted)["value"]["id"]
    expected = f"{submitted} {released} course-v1:edX+DemoX+Demo_Course 42\n"
    assert run(python, str(script), cwd=tmp_path) == expected
    assert run(python, str(script), cwd=tmp_path, env={"SCHEMA_REGISTRY_URL": registry_url}) == expected
    # The console script is installed; without the [kafka] extra the package imports, and the tool says what to install.
    tool = subprocess.run(
        [str(venv / "bin" / "eventcanon-openedx"), "consume", "--bus", "kafka", "--bootstrap", "127.0.0.1:9092", "--topic", "t"],
        capture_output=True,
        text=True,
    )
    assert (tool.returncode, tool.stdout) == (2, "")
    assert tool.stderr.startswith("eventcanon-openedx: the kafka bus needs confluent-kafka: pip install 'eventcanon-openedx-events[kafka]'\nusage:\n")
