"""dlcourse: the helper package shared by every notebook of the open deep-learning course.

Import the module you need, for example ``from dlcourse import checks``. This file
imports nothing heavy on purpose: ``import dlcourse`` never loads torch or TensorFlow.
"""

__version__ = "0.1.0"
