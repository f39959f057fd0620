"""Recommended enrolments: training suggested for skill gaps found in a roster deployment's evaluation."""
