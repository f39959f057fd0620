"""Reports: coverage of functions and languages by ready experts, deployments over a period, open requests."""
