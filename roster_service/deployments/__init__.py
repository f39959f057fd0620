"""Deployment requests from member states, offers of experts, and the deployments that follow."""
