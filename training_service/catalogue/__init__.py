"""The catalogue: modules, assessments (quizzes) and versioned courses, owned by the providing tenant."""
