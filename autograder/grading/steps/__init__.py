"""The grading steps, one class per module; `autograder.grading.pipeline` lists them in order."""
