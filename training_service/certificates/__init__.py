"""Certificates: issued on passing a course, publicly verifiable by code, expiring, renewed, revoked."""
