"""What aggregators use to take our collections: OAI-PMH and IIIF Change Discovery, over the activity log."""
