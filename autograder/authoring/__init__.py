"""Course authoring: the course definition, the release, README's table and the student edition."""
