"""Adapters: AWS implementations (aws/) and embedded local implementations (local/) of foodsave.ports."""
