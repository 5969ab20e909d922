"""The spaCy side: the model, a parse's tokens built once, long articles in pieces."""
