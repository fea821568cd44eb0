"""Development-only tools kept out of the Lambda package: the labelled receipt generator and the demo story."""
