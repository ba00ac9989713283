"""``python -m mercato``: the same as the ``mercato`` command."""

from mercato.cli.main import main

main()
