"""Models of the alerts domain; see DESIGN.md section 1 for what this app holds."""
