#!/usr/bin/env python3
"""Validates sbm's JSON output against its schema (spec/output.md, spec/schemas/).

usage: validate_json.py SCHEMA_DIR COMMAND [FILE]
COMMAND is the schema's name (trace-check, topology-check, prove, mutants); FILE, or standard
input, holds one JSON document. Every schema of SCHEMA_DIR is checked against its metaschema and
registered under its $id, so one may refer to another (common.schema.json). Exit 0 when the
document is valid, 1 with each error on standard error when not, 2 on bad usage or input.
"""
import json
import pathlib
import sys

import jsonschema
import referencing


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema_dir, command = pathlib.Path(argv[1]), argv[2]
    resources = []
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    registry = referencing.Registry().with_resources(resources)
    schema_path = schema_dir / (command + ".schema.json")
    if not schema_path.exists():
        print(f"validate_json: no schema {schema_path}", file=sys.stderr)
        return 2
    text = pathlib.Path(argv[3]).read_text() if len(argv) == 4 else sys.stdin.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        print(f"validate_json: not JSON: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(json.loads(schema_path.read_text()),
                                                registry=registry)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(document)"
        print(f"{command}: {where}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
