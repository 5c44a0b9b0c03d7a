"""The Streamlit app's pages and controls; only this package (and app.py, dashboard.py) imports streamlit."""
