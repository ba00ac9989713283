"""The ``mercato`` command: thin commands that call use cases and print what they did."""
