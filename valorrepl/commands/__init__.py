"""The built-in commands, one module each; each registers itself as any plugin would."""
