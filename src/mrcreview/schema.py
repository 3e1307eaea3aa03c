"""The data package descriptor (data/datapackage.json): the one place column types live."""

import json
from pathlib import Path

from mrcreview.dependencies import recorded
from mrcreview.paths import data_dir

DESCRIPTOR = "datapackage.json"


@recorded
def read_descriptor(*, root: Path | None = None) -> dict:
    with open(data_dir(root) / DESCRIPTOR, encoding="utf-8") as f:
        return json.load(f)


def resource(descriptor: dict, name: str) -> dict:
    for res in descriptor["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"{DESCRIPTOR} has no resource named {name!r}")


def pandas_dtypes(res: dict) -> tuple[dict, list[str]]:
    """Map Table Schema field types to pandas dtypes; return (dtypes, date columns)."""
    by_type = {"string": "string", "integer": "Int64", "number": "float64"}
    dtypes, dates = {}, []
    for field in res["schema"]["fields"]:
        if field["type"] == "date":
            dates.append(field["name"])
            dtypes[field["name"]] = "string"
        else:
            dtypes[field["name"]] = by_type.get(field["type"], "string")
    return dtypes, dates
