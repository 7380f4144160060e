"""Entity extractors: one module per family of slot types, `extract_entity` dispatches by slot type."""
