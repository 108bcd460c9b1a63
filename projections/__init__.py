"""Read models built from the tracker's event stream."""

from projections.engine import ReadModels
from projections.queries import Queries

__all__ = ["Queries", "ReadModels"]
