"""`make bench`: the tracker measured against the layers underneath (see bench/__main__.py)."""
