"""The self-contained HTML report and the figures it (and the dashboard) show."""
