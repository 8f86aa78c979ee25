"""Plausible wrong answers per notebook: one module per notebook, named after its id, with a MUTANTS list."""
