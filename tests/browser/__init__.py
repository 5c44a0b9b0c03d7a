"""Browser tests: the real app served by `streamlit run`, driven by headless Chromium through Playwright."""
