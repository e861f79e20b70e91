"""`python -m ebok.loader load|rollback|status`: the loader's commands without the other modules."""

import argparse

from ebok.loader import register

parser = argparse.ArgumentParser(prog="python -m ebok.loader")
register(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args()
raise SystemExit(int(args.func(args) or 0))
