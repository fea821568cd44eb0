"""A scripted conversation suite for the chat: a pantry with dates relative to a fixed clock, questions and
follow-ups in Polish and English, and checks on the facts in each reply and on the state they change."""
