"""Learning: progress through a course's content, quizzes graded on the server, completion."""
