"""Vector retrieval: embedders, chunking, FAISS indexes, versioned publishing to the object store and search.

Submodules import numpy/faiss themselves; importing this package stays cheap.
"""
