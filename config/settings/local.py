"""`make run`: the embedded defaults, debug pages off so errors stay TMF-shaped."""
from .base import *  # noqa: F401,F403

DEBUG = False
