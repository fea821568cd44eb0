"""Food categories of product names: the lexicon-backed categoriser shared by receipts and the pantry."""
