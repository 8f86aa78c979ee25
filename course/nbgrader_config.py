"""nbgrader configuration of the course, shared by `python -m autograder` and the nbgrader CLI.

Use it from the repository root, e.g. `nbgrader generate_assignment 01_linear_regression
--config=course/nbgrader_config.py`. The autograder overrides CourseDirectory.root and db_url
so that every run works on a throwaway copy.
"""

c = get_config()  # noqa: F821 (injected by traitlets)

c.CourseDirectory.course_id = "open-deep-learning"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# What a student sees where a solution was removed: calling the function raises at once.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Generous per-cell limit for autograding; fast mode keeps real cells far below it.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
