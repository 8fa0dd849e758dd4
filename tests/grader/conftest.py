"""The grader's tests grade with bubblewrap required (`--isolation=require`): a machine without
working bubblewrap fails them instead of silently grading without isolation."""

from __future__ import annotations

import os

os.environ["FAULTLAB_ISOLATION"] = "require"
