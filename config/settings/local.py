"""`make run`: the embedded defaults, debug pages off so errors stay TMF-shaped."""
import os

from .base import *  # noqa: F401,F403

DEBUG = False
BSS_SIMULATOR_CONTROLS = os.environ.get("BSS_SIMULATOR_CONTROLS", "1") == "1"  # the demo drives the simulator
BSS_HUB_ALLOW_LOCAL_CALLBACKS = os.environ.get("BSS_HUB_ALLOW_LOCAL_CALLBACKS", "1") == "1"  # listeners on 127.0.0.1
