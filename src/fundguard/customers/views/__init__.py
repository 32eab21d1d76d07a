"""Console pages of the customers app: they parse a form, call a service or selector, render."""
