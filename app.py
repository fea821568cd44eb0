#!/usr/bin/env python3
"""CDK entry point: `python app.py` (or `cdk synth`) writes the FoodSave templates to $CDK_OUTDIR or cdk.out."""

from infra.app import create_app

if __name__ == "__main__":
    app, _stack = create_app()
    app.synth()
