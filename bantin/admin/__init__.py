"""The web editing room (/admin/): Decap CMS configured from site.yaml and the content spec."""
