"""Certificates from the training service, kept locally and carried onto the experts who hold them."""
