"""REST API for reports, themes, findings, partner submissions and the summary."""
