"""The rules of the learner's journey, one module per concern."""
