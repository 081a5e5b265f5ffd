"""IIIF: static Image API 3 services (tiles), Presentation 3 manifests, public URLs."""
