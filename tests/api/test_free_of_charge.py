"""TPA-10: third-party access costs the customer nothing: no field for a charge."""

from __future__ import annotations

import re
from typing import Any

import orjson

from elkund.api.openapi import render

CHARGE = re.compile(r"fee|price|amount|cost|charge|payment|invoice", re.IGNORECASE)


def referenced_schemas(spec: dict[str, Any], node: Any, seen: set[str]) -> set[str]:
    """Every component schema reachable from ``node``."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                referenced_schemas(spec, spec["components"]["schemas"][name], seen)
        for value in node.values():
            referenced_schemas(spec, value, seen)
    elif isinstance(node, list):
        for value in node:
            referenced_schemas(spec, value, seen)
    return seen


def test_no_request_consent_or_delivery_carries_a_charge() -> None:
    """TPA-10: no request, consent, event or delivery has a fee, price or payment field."""
    spec = orjson.loads(render())
    access_paths = {
        path: operations
        for path, operations in spec["paths"].items()
        if path.startswith(("/api/v1/access-requests", "/api/v1/consents", "/api/v1/events"))
    }
    schemas = referenced_schemas(spec, [access_paths, spec["webhooks"]], set())
    assert {"AccessRequestRead", "ConsentRead", "MeterValuesRead"} <= schemas
    fields = {
        f"{name}.{field}"
        for name in schemas
        for field in spec["components"]["schemas"][name].get("properties", {})
    }
    assert [field for field in sorted(fields) if CHARGE.search(field)] == []
