"""What an editor shows on hover over a field: pyright's language server (pylance's engine), asked
over LSP as VS Code asks it, must give the field's description (an attribute docstring)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import IO, Any, Dict, List

import pytest

from catalog import REPO, SCHEMAS, load

LANGSERVER = REPO / "node_modules" / "pyright" / "langserver.index.js"


def _send(stream: IO[bytes], message: Dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    stream.flush()


def _receive(stream: IO[bytes]) -> Dict[str, Any]:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("pyright-langserver closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    message: Dict[str, Any] = json.loads(stream.read(length))
    return message


def _hover(root: Path, source: str, line: int, character: int) -> str:
    node = shutil.which("node")
    assert node is not None
    probe = root / "probe.py"
    probe.write_text(source, encoding="utf-8")
    (root / "pyrightconfig.json").write_text(json.dumps({"extraPaths": [str(REPO / "packages" / "openedx-events-py" / "src")]}))
    server = subprocess.Popen([node, str(LANGSERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert server.stdin is not None and server.stdout is not None
    try:
        _send(server.stdin, {"id": 1, "method": "initialize", "params": {
            "processId": None,
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": "probe"}],
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}, "workspace": {"configuration": True}},
        }})
        _send(server.stdin, {"method": "initialized", "params": {}})
        _send(server.stdin, {"method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": probe.as_uri(), "languageId": "python", "version": 1, "text": source},
        }})
        _send(server.stdin, {"id": 2, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": probe.as_uri()}, "position": {"line": line, "character": character},
        }})
        while True:
            message = _receive(server.stdout)
            if message.get("id") == 2 and "method" not in message:
                contents: Any = (message.get("result") or {}).get("contents", "")
                return str(contents.get("value", "") if isinstance(contents, dict) else contents)
            if "method" in message and "id" in message:
                # The server's own requests (workspace/configuration, ...): default answers.
                items: List[Any] = message.get("params", {}).get("items", [])
                _send(server.stdin, {"id": message["id"], "result": [None] * len(items) if message["method"] == "workspace/configuration" else None})
    finally:
        server.kill()
        server.wait()


@pytest.mark.skipif(not LANGSERVER.exists(), reason="pyright is installed by npm ci (scripts/setup.sh)")
def test_pyright_shows_the_field_description_on_hover(tmp_path: Path) -> None:
    description = load(SCHEMAS / "types" / "LedgerTransaction.json")["properties"]["created"]["description"]
    source = "from eventcanon_openedx.shared import LedgerTransaction\n\n\ndef f(t: LedgerTransaction) -> None:\n    print(t.created)\n"
    shown = _hover(tmp_path, source, 4, 13)
    assert "created: datetime" in shown
    assert description in shown
