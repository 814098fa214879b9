"""A helper module, not a notebook."""

X = 1  # %% not at line start
