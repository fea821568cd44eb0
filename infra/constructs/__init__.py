"""One CDK construct per concern; the stack in infra.stack only composes them."""
