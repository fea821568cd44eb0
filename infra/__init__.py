"""AWS CDK definition of the FoodSave AI backend: one stack composed of one construct per concern."""
