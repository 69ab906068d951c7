#!/usr/bin/python3
"""Validates every signal captured by the test suite against docs/signal.schema.json.

Usage: validate-signals.py DIR_OR_FILE...   (reads *.jsonl files, one signal per line)

Fails when a line is not JSON, a signal violates the schema, or no signal was found at
all (a validation that checked nothing must not pass).
"""
import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main(argv):
    schema = json.loads((ROOT / "docs" / "signal.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    files = []
    for arg in argv[1:]:
        path = pathlib.Path(arg)
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    checked, failures = 0, 0
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                signal = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{path}:{number}: not JSON: {error}")
                failures += 1
                continue
            checked += 1
            for error in validator.iter_errors(signal):
                failures += 1
                where = "/".join(str(p) for p in error.absolute_path)
                print(f"{path}:{number}: {where}: {error.message}")
    print(f"validate-signals: {checked} signals in {len(files)} files, {failures} problems")
    if checked == 0:
        print("validate-signals: no signals found; the suite emitted nothing to validate")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
