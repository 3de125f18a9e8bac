"""Default rules shipped with attrib (YAML data only; this file makes the folder installable)."""
