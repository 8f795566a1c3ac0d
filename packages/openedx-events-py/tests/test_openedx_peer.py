"""openedx-events 11.2.0 against the data classes, in its own interpreter (.venv-peers, Python 3.12):
see tests/peers/openedx_values.py for what is compared."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from catalog import REPO

PEERS = REPO / ".venv-peers" / "bin" / "python"
SCRIPT = Path(__file__).resolve().parent / "peers" / "openedx_values.py"


@pytest.mark.skipif(not PEERS.exists(), reason=f"{PEERS} (Python 3.12 with openedx-events: scripts/setup.sh)")
def test_openedx_events_and_the_data_classes_agree_on_every_value() -> None:
    run = subprocess.run(
        [str(PEERS), str(SCRIPT), str(REPO / "packages" / "openedx-events-py" / "src"), str(REPO / "packages" / "conformance" / "vectors")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.stderr == ""
    summary = json.loads(run.stdout)
    assert summary["failures"] == []
    # Every event the bus can carry (README: 73 of 75); each example at least as is and with its falsy variant.
    assert summary["events"] == 73
    assert summary["checked"] >= 2 * summary["events"]
    print(f"\nopenedx-events peer: {summary['events']} events, {summary['checked']} values compared both ways")
    assert run.returncode == 0
