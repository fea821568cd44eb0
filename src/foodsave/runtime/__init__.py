"""Running the functions: Lambda entry helpers, real-shaped AWS events, and the local runtime that fires them."""
