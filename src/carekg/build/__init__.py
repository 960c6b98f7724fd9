"""Compile the project's editable sources into Turtle: framework taxonomies, the factor table,
the curated evidence from the seed material, and the generated namespace module."""
