"""Forms a learner or mentor sends: quiz answers, submissions, reviews, extensions."""
