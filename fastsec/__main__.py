"""``python -m fastsec``: the ``fastsec`` command (see :mod:`fastsec.cli`)."""

from fastsec.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
