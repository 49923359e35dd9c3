#!/usr/bin/env python3
"""Check and build the evidence-review site. Run `python build.py --help`."""

import sys

from claimsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
