"""Stancemap: where each party to the Russia–Ukraine talks stands on each issue, with verified evidence."""
