"""The function catalogue: expertise areas, their SOPs and the training courses that qualify for them."""
