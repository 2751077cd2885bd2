"""CLI command groups, one module per area; registered at the end of mailroute/cli.py."""
