"""Validates FHIR R4 resources: every JSON file of a directory and every JSON example
of docs/api.md's FHIR section that names a `resourceType`.

Two checks, because neither is whole alone:
  - the models of the `fhir.resources` package (R4B): cardinality (required elements),
    types, and no element the resource does not define;
  - the R4 (4.0.1) JSON schema as `@d4l/js-fhir-validator` ships it per resource type
    (generated from HL7's fhir.schema.json): the codes of required bindings (a Task's
    status, a request's intent).
A bundle's schema does not reach into its entries, so each entry's resource (and a
response's outcome) is checked on its own as well.

usage: fhir_validate.py SCHEMA_DIR (r4/json) SAMPLES_DIR [DOC.md ...]
Exits 1 on the first file with an error, naming it and the error; prints the count.
"""

import json
import pathlib
import re
import sys

import jsonschema
from fhir.resources.R4B import get_fhir_model_class

SCHEMAS = {}


def schema_of(schema_dir, kind):
    if kind not in SCHEMAS:
        path = pathlib.Path(schema_dir) / f"{kind}.json"
        if not path.exists():
            raise SystemExit(f"no R4 schema for {kind} in {schema_dir}")
        schema = json.loads(path.read_text())
        SCHEMAS[kind] = jsonschema.Draft6Validator(schema)
    return SCHEMAS[kind]


def check_schema(schema_dir, resource, where):
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        raise ValueError(f"{where}: no resourceType")
    shallow = dict(resource)
    entries = []
    if kind == "Bundle":
        shallow["entry"] = []
        for i, entry in enumerate(resource.get("entry", [])):
            entry = dict(entry)
            inner = entry.pop("resource", None)
            if inner is not None:
                entries.append((inner, f"{where} entry[{i}]"))
            if isinstance(entry.get("response"), dict) and "outcome" in entry["response"]:
                entry["response"] = dict(entry["response"])
                entries.append((entry["response"].pop("outcome"), f"{where} entry[{i}] outcome"))
            shallow["entry"].append(entry)
    e = jsonschema.exceptions.best_match(schema_of(schema_dir, kind).iter_errors(shallow))
    if e is not None:
        path = "/".join(str(p) for p in e.absolute_path)
        raise ValueError(f"{where}: R4 schema: at {path or '(root)'}: {e.message[:300]}")
    for inner, inner_where in entries:
        check_schema(schema_dir, inner, inner_where)


def check(schema_dir, resource, where):
    kind = resource.get("resourceType")
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except Exception as e:  # the package raises pydantic's and its own errors
        raise ValueError(f"{where}: fhir.resources {kind}: {str(e)[:600]}")
    check_schema(schema_dir, resource, where)


def doc_examples(doc):
    """The JSON code blocks of the document that are FHIR resources."""
    text = pathlib.Path(doc).read_text()
    for i, block in enumerate(re.findall(r"```json\n(.*?)```", text, re.S)):
        try:
            value = json.loads(block)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and "resourceType" in value:
            yield value, f"{doc} example {i + 1}"


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    schema_dir, samples = sys.argv[1], pathlib.Path(sys.argv[2])
    items = []
    for path in sorted(samples.glob("*.json")):
        items.append((json.loads(path.read_text()), path.name))
    for doc in sys.argv[3:]:
        items.extend(doc_examples(doc))
    if not items:
        raise SystemExit(f"nothing to validate in {samples}")
    kinds = {}
    for resource, where in items:
        try:
            check(schema_dir, resource, where)
        except ValueError as e:
            print(f"fhir: {e}", file=sys.stderr)
            sys.exit(1)
        kinds[resource["resourceType"]] = kinds.get(resource["resourceType"], 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"fhir: {len(items)} resources valid against FHIR R4 ({summary})")


if __name__ == "__main__":
    main()
