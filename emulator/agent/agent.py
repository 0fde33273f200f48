#!/usr/bin/env python3
"""Starts twinnet's namespace agent (the package twinnet_agent beside this file; its
__init__.py says what the agent is and does). emulator/agent-client.ts runs this file as
`python3 -S agent.py`: Python puts this folder first in sys.path, so the package is found
with -S too, from the source tree and from an installed npm package alike.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree or the installed package

from twinnet_agent.agent import main  # noqa: E402 (after the bytecode switch)

if __name__ == '__main__':
    main()
