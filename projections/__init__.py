"""Read models built from the tracker's event stream."""
