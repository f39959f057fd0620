"""Cross-cutting mechanisms every RSO service imports. No domain nouns live here."""
