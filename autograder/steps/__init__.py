"""The grading steps, one class per module; `autograder.pipeline` lists them in order."""
