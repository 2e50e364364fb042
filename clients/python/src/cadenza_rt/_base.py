"""The base of every generated model: wire names (camelCase) as aliases, unknown fields kept."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """A contract model. Build it with snake_case or wire names; `wire()` gives the JSON-ready dict to send."""

    model_config = ConfigDict(populate_by_name=True, extra="allow", protected_namespaces=())

    def wire(self) -> dict[str, Any]:
        """The model as the server reads it: wire names, decimals as strings, unset fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")
