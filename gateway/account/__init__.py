"""What a signed-in person does about their own account."""
