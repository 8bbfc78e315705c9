"""Configuration: the workspace (``scrutiny.yaml``), the plan, periods and geography.

The lowest layer: it imports nothing else from scrutiny and names no force."""
