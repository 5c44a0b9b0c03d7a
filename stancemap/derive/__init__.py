"""What the pages and outputs show, derived from a loaded Dataset: the matrix and histories (matrix.py),
display frames (frames.py), computations across the data (analysis.py, strength.py), charts (charts.py),
the evidence export (export.py) and citations (citation.py). Nothing here reads files or imports streamlit."""
