"""Loading and checking the data: load.py runs the named stages (sources, parties, issues, stances, events)
over files.py, structure.py, references.py and evidence.py, and returns (Dataset, problems)."""
