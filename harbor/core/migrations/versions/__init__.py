"""One module per revision, oldest first by their numbered names. A package, so they ship with the code."""
