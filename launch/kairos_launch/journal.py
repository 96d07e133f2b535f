"""What the supervisor tells people: lines on stderr, and a JSON-lines
journal of every event (OUTPUT/launch/incidents.jsonl) for scripts."""

import json
import sys
import time
from datetime import datetime, timezone


def stamp(t=None):
    return datetime.fromtimestamp(t or time.time(), timezone.utc).isoformat(timespec="milliseconds")


class Journal:
    def __init__(self, directory):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "incidents.jsonl"
        self.state_path = directory / "state.json"

    def say(self, text):
        print(f"kairos-launch: {text}", file=sys.stderr, flush=True)

    def record(self, event, at=None, **fields):
        """Appends an event, stamped now or at `at` (seconds since the epoch)
        for one seen earlier than it is written."""
        entry = {"time": stamp(at), "event": event, **fields}
        with open(self.path, "a") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")
            f.flush()

    def state(self, **fields):
        """The current attempt (launcher pid, nodes and their ranks), replaced
        atomically: for people and scripts that watch the run."""
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(fields, indent=1, sort_keys=True) + "\n")
        tmp.replace(self.state_path)
