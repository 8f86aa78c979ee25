"""Lets the nbgrader CLI and JupyterLab's formgrader, started from the repository root,
find the course configuration, which lives in course/nbgrader_config.py."""

import os

c = get_config()  # noqa: F821 (injected by traitlets)
load_subconfig(os.path.join("course", "nbgrader_config.py"))  # noqa: F821
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
