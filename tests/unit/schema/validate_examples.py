#!/usr/bin/env python3
"""Validates every proto/examples/<type>*.json against proto/envelope.v1.schema.json and
proto/<type>.v1.schema.json (the data part) with python3-jsonschema, an implementation
independent of our C++ codecs. Also checks that every schema has at least one example."""
import json
import pathlib
import sys

import jsonschema

proto = pathlib.Path(sys.argv[1])
envelope_schema = json.loads((proto / "envelope.v1.schema.json").read_text())
schemas = {p.name[: -len(".v1.schema.json")]: json.loads(p.read_text())
           for p in proto.glob("*.v1.schema.json") if p.name != "envelope.v1.schema.json"}
failures, seen = 0, set()
for schema in [envelope_schema, *schemas.values()]:
    jsonschema.Draft202012Validator.check_schema(schema)
examples = sorted((proto / "examples").glob("*.json"))
for ex in examples:
    doc = json.loads(ex.read_text())
    msg_type = doc.get("type")
    try:
        jsonschema.validate(doc, envelope_schema, cls=jsonschema.Draft202012Validator)
        if msg_type not in schemas:
            raise jsonschema.ValidationError(f"no schema proto/{msg_type}.v1.schema.json")
        jsonschema.validate(doc["data"], schemas[msg_type], cls=jsonschema.Draft202012Validator)
        seen.add(msg_type)
        print(f"ok   {ex.name}")
    except jsonschema.ValidationError as e:
        failures += 1
        print(f"FAIL {ex.name}: {e.message}")
for t in sorted(set(schemas) - seen):
    failures += 1
    print(f"FAIL schema {t} has no golden example")
print(f"{len(examples) - failures if failures <= len(examples) else 0} passed, {failures} failed")
sys.exit(1 if failures else 0)
