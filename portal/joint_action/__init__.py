"""The Joint Period of Action workspace: JPAs and their results, cases from intelligence to conviction, the
case's access log. Every page is the joint-action API's answer to the signed-in person, so what a tenant may see
or change (participation, shares, handling codes, victims' consent) is decided by the API alone."""
