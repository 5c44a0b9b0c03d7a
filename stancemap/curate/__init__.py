"""Tools for curators: suggest stances from a text, add a source, coverage, the JSON Schema and the README
tables. They use the loaded Dataset and write files only when asked to."""
