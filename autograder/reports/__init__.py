"""Reports: what leaves the grader for people and other systems (CSV rows, gradebook exports)."""
