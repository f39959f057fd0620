"""Sessions (cohorts) of a published course: self-paced online, or scheduled in person / virtually."""
