"""Real answers held to the OpenAPI document, with no field beyond those it documents."""

from __future__ import annotations

from openapi_schema_validator import OAS31Validator

from booking.api.openapi import DOCUMENT


def closed(schema: object) -> object:
    """``schema`` with ``additionalProperties: false`` on every object that lists its
    properties and says nothing of others: an undocumented field then fails."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copied = {key: closed(value) for key, value in schema.items()}
    if isinstance(schema.get("properties"), dict) and "additionalProperties" not in schema:
        copied["additionalProperties"] = False
    return copied


CLOSED_COMPONENTS = closed(DOCUMENT["components"])


def conforms(body: object, schema_name: str) -> None:
    """Raise unless ``body`` is exactly what component ``schema_name`` documents."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": CLOSED_COMPONENTS}
    OAS31Validator(schema).validate(body)
