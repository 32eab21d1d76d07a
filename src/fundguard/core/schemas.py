"""Shapes shared by every app's API."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# A database id: a positive BIGINT. Bounding it keeps absurd ids a 422, not a database error.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]
