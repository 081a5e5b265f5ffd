"""The web site and the IIIF endpoints."""
