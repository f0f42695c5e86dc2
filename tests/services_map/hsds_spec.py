"""The official HSDS 3.0.1 schemas (tests/vendor/hsds-3.0.1) as validators: JSON Schema, strict mode, OpenAPI, table schema."""
from __future__ import annotations

import json
from functools import lru_cache

import jsonschema
from compiletojsonschema.compiletojsonschema import CompileToJsonSchema
from frictionless import Package

from tests.conftest import ROOT

VENDOR = ROOT / "tests" / "vendor" / "hsds-3.0.1"
SCHEMA = VENDOR / "schema"
EXAMPLES = VENDOR / "examples"
# The OpenAPI file refers to the schemas at their published address; they are these files.
PUBLISHED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


@lru_cache(maxsize=None)
def schema(name: str, strict: bool = False) -> dict:
    """A schema with its references resolved, as the specification compiles it.

    ``strict`` is the specification's own strict check (``compiletojsonschema
    --set-additional-properties-false-everywhere``): no property the spec does not define.
    """
    return CompileToJsonSchema(input_filename=str(SCHEMA / f"{name}.json"), set_additional_properties_false_everywhere=strict).get()


def published(path: str) -> dict:
    """A schema the OpenAPI file names by its published path (``compiled/service_list.json``, ``taxonomy.json``)."""
    name = path.removesuffix(".json")
    if name.startswith("compiled/") and (SCHEMA / path).exists():
        return json.loads((SCHEMA / path).read_text("utf-8"))
    return schema(name.removeprefix("compiled/"))


def errors(document, name: str, strict: bool = False) -> list[str]:
    """Every way ``document`` breaks the schema, as readable lines (empty when it is valid)."""
    validator = jsonschema.Draft202012Validator(schema(name, strict), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def page_errors(document: dict, item: str, strict: bool = False) -> list[str]:
    """A page (the API's and the JSON export's envelope): the OpenAPI Page schema, then each item."""
    page = openapi()["components"]["schemas"]["Page"]
    found = [error.message for error in jsonschema.Draft202012Validator(page).iter_errors(document)]
    if strict:
        extra = set(document) - set(page["properties"]) - {"contents"}
        found += [f"{name}: not a Page property" for name in sorted(extra)]
    for index, entry in enumerate(document["contents"]):
        found += [f"contents/{index}/{error}" for error in errors(entry, item, strict)]
    return found


@lru_cache(maxsize=None)
def openapi() -> dict:
    return json.loads((SCHEMA / "openapi.json").read_text("utf-8"))


def without_examples(value):
    """The descriptor without its ``example`` values (documentation only; Dera's copy leaves them out)."""
    if isinstance(value, dict):
        return {key: without_examples(item) for key, item in value.items() if key != "example"}
    if isinstance(value, list):
        return [without_examples(item) for item in value]
    return value


def package_errors(folder) -> list[str]:
    """Validate a CSV package: with its own descriptor, then every HSDS file with the specification's datapackage.json."""
    found = []
    report = Package(str(folder / "datapackage.json")).validate()
    found += [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [e.message for e in report.errors]
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    ours = {resource["name"]: resource for resource in descriptor["resources"]}
    official = json.loads((VENDOR / "datapackage.json").read_text("utf-8"))
    for resource in official["resources"]:
        if ours.get(resource["name"]) != without_examples(resource):
            found.append(f"{resource['name']}: the descriptor differs from the specification's")
    # The files themselves, read with the specification's own descriptor (its table schemas and foreign keys).
    report = Package(official, basepath=str(folder)).validate()
    found += [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [e.message for e in report.errors]
    return found
