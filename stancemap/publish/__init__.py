"""The static site: every page and data file written from one loaded Dataset (no Streamlit here)."""
