import sys
from pathlib import Path

# The Python package under test, as generated (the same tree the wheel is built from).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "openedx-events-py" / "src"))
