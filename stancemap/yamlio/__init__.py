"""Reading and writing YAML safely: one bounded file reader, a fast and a precise parser that agree, the
parse cache, syntax hints and one scalar writer. It knows YAML, not the schema."""
