"""Print the library's test program from `cargo test --no-run
--message-format=json` on stdin (one JSON message per line)."""
import json
import sys

for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["lib"]:
        print(m["executable"])
