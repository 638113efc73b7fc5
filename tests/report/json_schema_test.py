#!/usr/bin/env python3
"""The JSON form of a failure of every kind, against docs/failure.schema.json.

    json_schema_test.py SCHEMA GENERATOR

GENERATOR (report_json_every_kind) writes one JSON file per failure into a
scratch directory. Each must validate against SCHEMA (JSON Schema 2020-12,
checked by python3-jsonschema), and together they must cover every kind the
schema names. Then the schema itself is held to being strict: every document
with one field removed, or with one field given a value of another type,
must fail validation, so a field the writer drops or mistypes cannot pass.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("json_schema_test.py: python3-jsonschema is needed (ci/setup.sh installs it)")

ARRAY_ITEMS_MUTATED = 2  # per array, the first elements are mutated: the rest have the same fields


def wrong_type(value):
    """A value of another JSON type than `value`."""
    if isinstance(value, bool):
        return "not a boolean"
    if isinstance(value, (int, float)):
        return "not a number"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"not": "an array"}
    if isinstance(value, dict):
        return ["not an object"]
    return {"not": "null"}


def trimmed(value):
    """`value` with every array cut to its first elements: a smaller document
    to mutate, whose arrays still hold every shape of element."""
    if isinstance(value, dict):
        return {key: trimmed(child) for key, child in value.items()}
    if isinstance(value, list):
        return [trimmed(child) for child in value[:ARRAY_ITEMS_MUTATED]]
    return value


def members(value, path=()):
    """Every path to an object member."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield path + (key,)
            yield from members(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from members(child, path + (i,))


def mutated(document, path, mutate):
    copy = json.loads(json.dumps(document))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    mutate(parent, path[-1])
    return copy


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    schema_path, generator = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([generator, scratch], check=True)
        documents = {}
        for name in sorted(os.listdir(scratch)):
            with open(os.path.join(scratch, name)) as f:
                documents[name] = json.load(f)

    problems = []
    for name, document in documents.items():
        for error in validator.iter_errors(document):
            problems.append(f"{name}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    kinds = {d.get("kind") for d in documents.values()}
    missing = set(schema["properties"]["kind"]["enum"]) - kinds
    if missing:
        problems.append(f"no failure of kind {sorted(missing)} was written")
    if problems:
        sys.exit("the JSON does not match the schema:\n  " + "\n  ".join(problems))

    # The schema is strict: a missing or mistyped field is an error.
    checked = 0
    for name, document in documents.items():
        document = trimmed(document)
        if not validator.is_valid(document):
            problems.append(f"{name}: invalid once its arrays are cut to {ARRAY_ITEMS_MUTATED} elements")
            continue
        for path in members(document):
            where = "/".join(map(str, path))
            dropped = mutated(document, path, lambda parent, key: parent.pop(key))
            mistyped = mutated(document, path, lambda parent, key: parent.__setitem__(key, wrong_type(parent[key])))
            if validator.is_valid(dropped):
                problems.append(f"{name}: the schema accepts it without {where}")
            if validator.is_valid(mistyped):
                problems.append(f"{name}: the schema accepts {where} of the wrong type")
            checked += 1
    if problems:
        sys.exit("the schema is not strict:\n  " + "\n  ".join(problems))
    print(f"{len(documents)} failures of {len(kinds)} kinds match {schema_path}; "
          f"{checked} fields each caught when missing or mistyped")


if __name__ == "__main__":
    main()
