"""``python -m eventcanon_openedx``: the console tools (consume, produce); see _cli.py."""

from __future__ import annotations

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
