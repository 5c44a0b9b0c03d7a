"""The domain: the typed schema, dates, the loaded Dataset, the codebook, problems and source texts.
It imports nothing else from stancemap; every other package builds on it."""
