"""The learner's journey: locks and what comes next, completions, quizzes, assignments, reviews, due dates."""
